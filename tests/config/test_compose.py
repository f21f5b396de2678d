"""docker-compose.yml: Compose accepts it, and it runs what production needs.

The file is checked by Compose itself (`docker compose` or the older `docker-compose`,
Debian package docker-compose). Without either the tests skip, except on CI
(DROMEN_REQUIRE_SERVICES=1), where a missing validator is a failure.
"""

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

COMPOSE_FILE = Path(settings.BASE_DIR) / "docker-compose.yml"
REQUIRED = os.environ.get("DROMEN_REQUIRE_SERVICES") == "1"
TO_YAML_JSON = "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"


def _validator() -> list[str] | None:
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run(  # noqa: S603 - a fixed command found on PATH
            [docker, "compose", "version"], capture_output=True, text=True, check=False
        )
        if probe.returncode == 0:
            return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


@pytest.fixture(scope="module")
def compose() -> list[str]:
    command = _validator()
    if command is None:
        message = (
            "Neither `docker compose` nor `docker-compose` is installed, so docker-compose.yml"
            " is NOT validated (Debian: apt-get install docker-compose)."
        )
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)
    return command


def _run(compose: list[str], *args: str, secret_key: str | None = "x"):  # noqa: S107
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    if secret_key is not None:
        env["DJANGO_SECRET_KEY"] = secret_key
    return subprocess.run(  # noqa: S603 - Compose with our own arguments
        [*compose, "-f", str(COMPOSE_FILE), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=COMPOSE_FILE.parent,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def resolved(compose) -> dict:
    """The configuration as Compose resolves it: anchors merged, variables filled in."""
    if compose[-1] == "compose":  # Compose v2 writes JSON itself
        result = _run(compose, "config", "--format", "json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)
    result = _run(compose, "config")
    assert result.returncode == 0, result.stderr
    try:
        import yaml
    except ImportError:
        pass
    else:
        return yaml.safe_load(result.stdout)
    # docker-compose 1.x is a Python program with PyYAML: read its output with its Python.
    with open(compose[0], encoding="utf-8", errors="replace") as script:
        first_line = script.readline()
    interpreter = shlex.split(first_line[2:]) if first_line.startswith("#!") else []
    if interpreter:
        converted = subprocess.run(  # noqa: S603 - docker-compose's own Python
            [*interpreter, "-c", TO_YAML_JSON],
            input=result.stdout,
            capture_output=True,
            text=True,
            check=False,
        )
        if converted.returncode == 0:
            return json.loads(converted.stdout)
    pytest.skip("No YAML reader (PyYAML) available to inspect the resolved configuration.")


def test_compose_accepts_the_file(compose):
    result = _run(compose, "config", "-q")
    assert result.returncode == 0, result.stderr


def test_it_refuses_to_start_without_a_secret_key(compose):
    result = _run(compose, "config", "-q", secret_key=None)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_the_services(compose, resolved):
    listed = _run(compose, "config", "--services")
    assert listed.returncode == 0, listed.stderr
    names = set(listed.stdout.split())
    assert {"postgres", "redis", "web", "worker", "beat"} <= names
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(resolved["services"])


def test_redis_keeps_the_queue(resolved):
    """Append-only, and never evicts keys: a queued mail task must not vanish."""
    command = resolved["services"]["redis"]["command"]
    args = command if isinstance(command, list) else shlex.split(command)
    assert args[args.index("--appendonly") + 1] == "yes"
    assert args[args.index("--maxmemory-policy") + 1] == "noeviction"
    volumes = resolved["services"]["redis"].get("volumes", [])
    targets = {v["target"] if isinstance(v, dict) else v.split(":")[1] for v in volumes}
    assert "/data" in targets, "Redis' append-only file must be kept on a volume"


@pytest.mark.parametrize("service", ["postgres", "redis", "web", "worker"])
def test_health_checks(resolved, service):
    check = resolved["services"][service].get("healthcheck")
    assert check, f"{service} has no healthcheck"
    assert not check.get("disable")
    assert check.get("test"), f"{service}'s healthcheck runs nothing"


@pytest.mark.parametrize("service", ["web", "worker", "beat"])
def test_the_app_waits_for_healthy_postgres_and_redis(resolved, service):
    """Directly or through the migrate job: no start against a database that is not ready."""
    services = resolved["services"]

    def healthy_dependencies(name: str, seen: frozenset = frozenset()) -> set[str]:
        found = set()
        for dependency, spec in (services[name].get("depends_on") or {}).items():
            condition = spec.get("condition") if isinstance(spec, dict) else None
            if condition == "service_healthy":
                found.add(dependency)
            elif condition == "service_completed_successfully" and dependency not in seen:
                found |= healthy_dependencies(dependency, seen | {name})
        return found

    assert {"postgres", "redis"} <= healthy_dependencies(service)
