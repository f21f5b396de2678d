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


REQUIRED_ENV = {
    "DJANGO_SECRET_KEY": "compose-test-secret-key",
    "SITE_DOMAIN": "dromen.example",
    "POSTGRES_PASSWORD": "compose-test-db-password",
    # No mail server, no start: residents would never get their sign-in links (issue 11).
    "EMAIL_HOST": "smtp.example",
}


def _run(compose: list[str], *args: str, without: str | None = None):
    env = {k: v for k, v in os.environ.items() if k not in REQUIRED_ENV}
    env.update({k: v for k, v in REQUIRED_ENV.items() if k != without})
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


@pytest.mark.parametrize("variable", sorted(REQUIRED_ENV))
def test_it_refuses_to_start_without_a_required_variable(compose, variable):
    """No default secret, no default host: Compose stops and names what is missing."""
    result = _run(compose, "config", "-q", without=variable)
    assert result.returncode != 0
    assert variable in result.stderr


def test_the_services(compose, resolved):
    listed = _run(compose, "config", "--services")
    assert listed.returncode == 0, listed.stderr
    names = set(listed.stdout.split())
    assert {"caddy", "postgres", "redis", "web", "worker", "beat"} <= names
    assert {"caddy", "postgres", "redis", "web", "worker", "beat"} <= set(resolved["services"])
    # The mail catcher belongs to the demo profile only: never started by `up` alone.
    for name, service in resolved["services"].items():
        if name == "mailpit":
            assert service.get("profiles") == ["demo"]
        else:
            assert not service.get("profiles"), name


def test_redis_keeps_the_queue(resolved):
    """Append-only, and never evicts keys: a queued mail task must not vanish."""
    command = resolved["services"]["redis"]["command"]
    args = command if isinstance(command, list) else shlex.split(command)
    assert args[args.index("--appendonly") + 1] == "yes"
    assert args[args.index("--maxmemory-policy") + 1] == "noeviction"
    volumes = resolved["services"]["redis"].get("volumes", [])
    targets = {v["target"] if isinstance(v, dict) else v.split(":")[1] for v in volumes}
    assert "/data" in targets, "Redis' append-only file must be kept on a volume"


LONG_RUNNING = ["caddy", "postgres", "redis", "web", "worker", "beat"]


@pytest.mark.parametrize("service", LONG_RUNNING)
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


def _words(value) -> str:
    return " ".join(value) if isinstance(value, list) else str(value)


@pytest.mark.parametrize("service", LONG_RUNNING)
def test_every_service_restarts_unless_stopped(resolved, service):
    assert resolved["services"][service].get("restart") == "unless-stopped"


@pytest.mark.parametrize("service", ["web", "caddy"])
def test_web_and_proxy_check_health_on_the_health_page(resolved, service):
    """/health/live/, never /: the process answers, whatever mail or the database do."""
    test = _words(resolved["services"][service]["healthcheck"]["test"])
    if service == "web":
        assert "deploy/healthcheck.py" in test
        script = (COMPOSE_FILE.parent / "deploy" / "healthcheck.py").read_text()
        assert '"/health/live/"' in script
    else:
        assert "/health/live/" in test


def test_no_literal_passwords(resolved):
    """Every secret in the resolved file is the value the environment gave."""
    text = json.dumps(resolved)
    for variable in ("DJANGO_SECRET_KEY", "POSTGRES_PASSWORD"):
        assert REQUIRED_ENV[variable] in text
    raw = COMPOSE_FILE.read_text()
    assert "dromen:dromen@" not in raw
    for line in raw.splitlines():
        if "PASSWORD" in line and ":" in line and not line.strip().startswith("#"):
            value = line.split(":", 1)[1].strip()
            assert value.startswith("${") or "${POSTGRES_PASSWORD:?" in value, line
            assert ":-" not in value or value.endswith(":-}"), f"a default password: {line}"


def test_only_one_proxy_reaches_the_app(resolved):
    services = resolved["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["TRUSTED_PROXY_COUNT"] == "1"
        assert env["DJANGO_BEHIND_TLS_PROXY"] == "1"
        assert env["DJANGO_DEBUG"] == "0"
        assert "MAILBOX_ENABLED" not in env, "the local mailbox is never on in production"
    assert not services["web"].get("ports"), "gunicorn is reached through Caddy only"
    published = {
        str(port.get("published", port) if isinstance(port, dict) else port)
        for port in services["caddy"]["ports"]
    }
    assert any("443" in port for port in published)


def test_beat_keeps_its_schedule_on_a_volume(resolved):
    beat = resolved["services"]["beat"]
    command = _words(beat["command"])
    schedule = command.split("--schedule=")[1].split()[0]
    targets = [v["target"] if isinstance(v, dict) else v.split(":")[1] for v in beat["volumes"]]
    assert any(schedule.startswith(target + "/") for target in targets), (schedule, targets)
    assert not schedule.startswith("/tmp")  # noqa: S108 - what is checked, not used


def test_mailpit_only_in_the_demo_profile_on_loopback(compose):
    result = _run(compose, "--profile", "demo", "config")
    assert result.returncode == 0, result.stderr
    import yaml

    mailpit = yaml.safe_load(result.stdout)["services"]["mailpit"]
    assert mailpit["profiles"] == ["demo"]
    for port in mailpit["ports"]:
        host_ip = port.get("host_ip") if isinstance(port, dict) else port.split(":")[0]
        assert host_ip == "127.0.0.1", port
