"""The production image: Dockerfile installs requirements.lock only, runs as a fixed non-root
user, and what it installs cannot run the tests.

No container engine runs here, so the closest real thing: a fresh virtualenv made from
requirements.lock alone, exactly as the Dockerfile's build stage does (pip --require-hashes),
from the configured package index. In it pytest is missing and the production settings pass
`manage.py check --deploy`. That one test takes a minute or two (marked slow_install).
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
DOCKERFILE = (BASE_DIR / "Dockerfile").read_text()


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per line of the Dockerfile, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def test_only_the_runtime_lock_is_installed_with_hashes():
    instructions = _instructions()
    installs = [args for word, args in instructions if word == "RUN" and "pip install" in args]
    assert installs, "the Dockerfile installs nothing"
    for args in installs:
        assert "--require-hashes" in args
        assert re.search(r"-r \S*requirements\.lock\b", args), args
        assert "requirements-dev" not in args
    copied = [args for word, args in instructions if word == "COPY" and ".lock" in args]
    assert all("requirements-dev" not in args for args in copied), copied
    ignored = (BASE_DIR / ".dockerignore").read_text().split()
    assert ".venv" in ignored, "the developer's virtualenv (pytest included) must stay out"


def test_the_app_runs_as_a_fixed_non_root_user():
    stages = re.split(r"^FROM ", DOCKERFILE, flags=re.MULTILINE)
    app = next(stage for stage in stages if re.match(r"\S+ AS app\b", stage))
    users = re.findall(r"^USER (\S+)", app, flags=re.MULTILINE)
    assert users, "the app stage sets no USER"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) >= 1000, f"USER {users[-1]}: a fixed, non-root uid"
    assert stages[-1] is app or "AS app" in stages[-1], "app is the default (last) stage"


@pytest.mark.slow_install
def test_a_virtualenv_from_the_runtime_lock_has_no_pytest_and_passes_the_deploy_check(tmp_path):
    venv = tmp_path / "runtime"
    # As the Dockerfile: --upgrade-deps, since Python 3.12.1's own pip (23.2) refuses the lock
    # ("fonttools[woff]>=4.59.2 ... must have their versions pinned with ==").
    assert "python -m venv --upgrade-deps /opt/venv" in DOCKERFILE
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "venv", "--upgrade-deps", str(venv)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    python = venv / "bin" / "python"
    install = subprocess.run(  # noqa: S603 - pip of the fresh virtualenv, our lock file
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "--require-hashes",
            "-r",
            str(BASE_DIR / "requirements.lock"),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert install.returncode == 0, install.stderr[-3000:]

    no_pytest = subprocess.run(  # noqa: S603
        [str(python), "-c", "import pytest"], capture_output=True, text=True, check=False
    )
    assert no_pytest.returncode != 0
    assert "No module named 'pytest'" in no_pytest.stderr

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "EMAIL_", "MAILBOX_", "MAIL_"))
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="dromen.example",
        DJANGO_BEHIND_TLS_PROXY="1",
        TRUSTED_PROXY_COUNT="1",
        EMAIL_HOST="smtp.example",
        REDIS_URL=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    check = subprocess.run(  # noqa: S603 - manage.py under the runtime-only virtualenv
        [str(python), "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "System check identified no issues" in check.stdout + check.stderr
