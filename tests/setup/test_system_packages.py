"""scripts/system-packages.sh: the Debian packages `make run` and `make test` need.

The script runs for real; only dpkg-query, apt-get and id are small shell stubs at the edge
(a fake PATH), so the test neither needs nor changes the machine's packages.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SCRIPT = ROOT / "scripts" / "system-packages.sh"
RUN_PACKAGES = [
    "python3-venv",
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz-subset0",
    "fonts-dejavu-core",
]
TEST_PACKAGES = [*RUN_PACKAGES, "chromium", "poppler-utils", "docker-compose", "caddy"]


def _stub(directory: Path, name: str, body: str) -> None:
    path = directory / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


@pytest.fixture
def machine(tmp_path):
    """Return a function that runs the script on a fake Debian machine with INSTALLED
    packages, as user UID; apt-get records its arguments in apt.log."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    apt_log = tmp_path / "apt.log"
    for tool in ("mktemp", "tail", "rm"):
        (bin_dir / tool).symlink_to(shutil.which(tool))

    def run(purpose: str, installed: list[str], uid: int = 1000, apt_fails: bool = False):
        _stub(
            bin_dir,
            "dpkg-query",
            # The last argument is the package; answer like dpkg-query -W -f='${db:Status-Status}'.
            "for p; do :; done\n"
            f'case " {" ".join(installed)} " in *" $p "*) printf installed;; '
            '*) echo "dpkg-query: no packages found matching $p" >&2; exit 1;; esac',
        )
        _stub(bin_dir, "apt-get", f'echo "$*" >> {apt_log}\n' + ("exit 100" if apt_fails else ""))
        _stub(bin_dir, "id", f"echo {uid}")
        done = subprocess.run(  # noqa: S603 - our own script
            ["/bin/bash", str(SCRIPT), purpose],
            env={"PATH": str(bin_dir)},
            capture_output=True,
            text=True,
            timeout=30,
        )
        apt_calls = apt_log.read_text().splitlines() if apt_log.exists() else []
        return done, apt_calls

    return run


@pytest.mark.parametrize(("purpose", "packages"), [("run", RUN_PACKAGES), ("test", TEST_PACKAGES)])
def test_nothing_missing_is_a_silent_success(machine, purpose, packages):
    done, apt_calls = machine(purpose, installed=packages, uid=1000)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert apt_calls == []


def test_run_does_not_ask_for_the_test_tools(machine):
    done, apt_calls = machine("run", installed=RUN_PACKAGES, uid=0)
    assert done.returncode == 0
    assert apt_calls == []


def test_missing_and_not_root_stops_at_once_with_the_sudo_command(machine):
    done, apt_calls = machine(
        "test", installed=["python3-venv", "libpango-1.0-0", "libpangoft2-1.0-0"], uid=1000
    )
    assert done.returncode == 1
    missing = "libharfbuzz-subset0 fonts-dejavu-core chromium poppler-utils docker-compose caddy"
    assert f"    sudo apt-get install -y --no-install-recommends {missing}\n" in done.stderr
    assert "make test needs system packages that are not installed" in done.stderr
    assert apt_calls == []


def test_missing_and_root_installs_exactly_the_missing_ones(machine):
    done, apt_calls = machine("test", installed=[*RUN_PACKAGES, "caddy"], uid=0)
    assert done.returncode == 0, done.stderr
    assert apt_calls == [
        "update -qq",
        "install -y -qq --no-install-recommends chromium poppler-utils docker-compose",
    ]
    assert done.stdout.splitlines() == [
        "Installing 3 system packages with apt-get (chromium poppler-utils docker-compose), "
        "about a minute…",
        "System packages installed.",
    ]


def test_a_failing_apt_get_fails_the_run(machine):
    done, apt_calls = machine("run", installed=[], uid=0, apt_fails=True)
    assert apt_calls == ["update -qq"]
    assert done.returncode == 1
    assert "apt-get could not install: " + " ".join(RUN_PACKAGES) in done.stderr


def test_without_apt_it_says_what_to_install(tmp_path):
    done = subprocess.run(  # noqa: S603 - our own script
        ["/bin/bash", str(SCRIPT), "test"],
        env={"PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 1
    assert "not a Debian or Ubuntu machine" in done.stderr
    assert "Chromium" in done.stderr and "Pango" in done.stderr
    assert "DROMEN_SYSTEM_PACKAGES=skip make test" in done.stderr


def test_make_and_ci_call_the_script_before_the_python_install():
    makefile = (ROOT / "Makefile").read_text()
    assert "\nrun: system-packages-run $(STAMP)\n" in makefile
    assert "\ntest: system-packages-test $(STAMP)\n" in makefile
    ci = (ROOT / ".ci" / "run").read_text()
    assert "scripts/system-packages.sh test" in ci
    assert "apt-get" not in ci
