"""deploy/Caddyfile, run for real: Debian's Caddy in front of gunicorn serving the portal.

The same file docker-compose.yml gives Caddy, changed only through its environment
variables (ports, Caddy's internal CA, where gunicorn and the static files are). Gunicorn
runs the production settings (DJANGO_DEBUG=0, one trusted proxy) on the test database. The
client connects from 127.0.0.2 and Caddy from 127.0.0.1, so the address Django records
shows whether it believed the right hop.
"""

import http.client
import json
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from initiatives.models import AuditEntry

CADDY = "/usr/bin/caddy"
DOMAIN = "dromen.test"
CLIENT_IP = "127.0.0.2"
BASE_DIR = Path(settings.BASE_DIR)

pytestmark = [
    pytest.mark.skipif(
        not Path(CADDY).exists() and os.environ.get("DROMEN_REQUIRE_SERVICES") != "1",
        reason="Debian's caddy is not installed (apt-get install caddy)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited early:\n{log.read_text()[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"nothing listens on {port}:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    if connection.vendor != "postgresql":
        pytest.skip("gunicorn needs a database it can share with the test: set DATABASE_URL")
    work = tmp_path_factory.mktemp("proxy")
    name = connection.settings_dict["NAME"]
    base = os.environ.get("DATABASE_URL", "").rsplit("/", 1)[0]
    app_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "EMAIL_", "MAILBOX_", "MAIL_", "REDIS_"))
    }
    app_env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=DOMAIN,
        DJANGO_BEHIND_TLS_PROXY="1",
        TRUSTED_PROXY_COUNT="1",
        DJANGO_STATIC_ROOT=str(work / "srv" / "static"),
        DATABASE_URL=f"{base}/{name}",
        EMAIL_HOST="127.0.0.1",  # SMTP settings; nothing here sends mail
        EMAIL_PORT="9",
        MEDIA_ROOT=str(work / "media"),
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        env=app_env,
        cwd=BASE_DIR,
        check=True,
        timeout=300,
    )
    gunicorn_port, http_port, https_port = _free_port(), _free_port(), _free_port()
    gunicorn_log = work / "gunicorn.log"
    gunicorn = subprocess.Popen(  # noqa: S603 - gunicorn from this virtualenv
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{gunicorn_port}",
            "--workers",
            "1",
            "--forwarded-allow-ips",
            "127.0.0.1",
        ],
        env=app_env,
        cwd=BASE_DIR,
        stdout=gunicorn_log.open("w"),
        stderr=subprocess.STDOUT,
    )
    caddy_log = work / "caddy.log"
    caddy_env = {
        "PATH": os.environ.get("PATH", "/usr/bin"),
        "HOME": str(work),
        "XDG_DATA_HOME": str(work / "data"),
        "XDG_CONFIG_HOME": str(work / "config"),
        "SITE_DOMAIN": DOMAIN,
        "TLS_MODE": "internal",
        "HTTP_PORT": str(http_port),
        "HTTPS_PORT": str(https_port),
        "CADDY_ADMIN": f"127.0.0.1:{_free_port()}",
        "UPSTREAM": f"127.0.0.1:{gunicorn_port}",
        "STATIC_DIR": str(work / "srv"),
    }
    caddy = subprocess.Popen(  # noqa: S603 - Debian's caddy with the repository's file
        [
            CADDY,
            "run",
            "--config",
            str(BASE_DIR / "deploy" / "Caddyfile"),
            "--adapter",
            "caddyfile",
        ],
        env=caddy_env,
        stdout=caddy_log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(gunicorn_port, gunicorn, gunicorn_log)
        _wait_for(https_port, caddy, caddy_log)
        root = work / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        deadline = time.monotonic() + 30
        while not root.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        yield {
            "http": http_port,
            "https": https_port,
            "gunicorn": gunicorn_port,
            "root": root,
            "env": app_env,
        }
    finally:
        _stop(caddy)
        _stop(gunicorn)
        shutil.rmtree(work / "srv", ignore_errors=True)


class _FromClientAddress(http.client.HTTPSConnection):
    """HTTPS to the proxy on loopback, from CLIENT_IP, by name (SNI) and verified."""

    def __init__(self, port: int, root: Path):
        context = ssl.create_default_context(cafile=str(root))
        super().__init__(DOMAIN, port, context=context, timeout=60)
        self._tls = context

    def connect(self):
        raw = socket.create_connection(("127.0.0.1", self.port), 60, (CLIENT_IP, 0))
        self.sock = self._tls.wrap_socket(raw, server_hostname=DOMAIN)


def _https(stack, method, path, body=None, headers=None):
    conn = _FromClientAddress(stack["https"], stack["root"])
    try:
        conn.request(
            method,
            path,
            body=body,
            headers={"Host": f"{DOMAIN}:{stack['https']}", **(headers or {})},
        )
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


def _http(stack, path):
    conn = http.client.HTTPConnection("127.0.0.1", stack["http"], timeout=30)
    try:
        conn.request("GET", path, headers={"Host": DOMAIN})
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


def test_plain_http_is_redirected_to_https(stack):
    response, _ = _http(stack, "/inloggen/?next=/mijn-dromen/")
    assert response.status in (301, 308)
    assert response.headers["Location"] == f"https://{DOMAIN}/inloggen/?next=/mijn-dromen/"


def test_health_answers_over_plain_http_without_a_redirect(stack):
    for path in ("/health/", "/health/live/"):
        response, body = _http(stack, path)
        assert response.status == 200, body
        assert json.loads(body) == {"status": "up"}
    # The details carry a token: never over plain HTTP.
    response, _ = _http(stack, "/health/details/")
    assert response.status in (301, 308)
    # And the web container's own check, straight at gunicorn, passes too.
    check = subprocess.run(  # noqa: S603 - our healthcheck script
        [sys.executable, str(BASE_DIR / "deploy" / "healthcheck.py")],
        env={**stack["env"], "HEALTHCHECK_PORT": str(stack["gunicorn"])},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_secure_cookies_csrf_post_and_the_real_client_address(stack):
    response, body = _https(stack, "GET", "/medewerkers/inloggen/")
    assert response.status == 200
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    cookie = next(c for c in response.headers.get_all("Set-Cookie") if c.startswith("csrftoken="))
    assert "; Secure" in cookie
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = f"csrfmiddlewaretoken={token}&username=nobody%40dromen.test&password=wrong-password"
    origin = f"https://{DOMAIN}:{stack['https']}"
    response, body = _https(
        stack,
        "POST",
        "/medewerkers/inloggen/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie.split(";")[0],
            "Origin": origin,
            "Referer": f"{origin}/medewerkers/inloggen/",
            "X-Forwarded-For": "203.0.113.66",  # made up by the client: must be ignored
        },
    )
    assert response.status == 200, body[:500]  # the form again, with its error: CSRF passed
    entry = AuditEntry.objects.filter(path="/medewerkers/inloggen/", method="POST").get()
    assert entry.ip == CLIENT_IP


def test_a_body_above_the_limit_is_refused_by_the_proxy(stack):
    """Caddy answers 413 and closes while the body is still coming: read what it said."""
    too_big = 60 * 1024 * 1024 + 1
    conn = _FromClientAddress(stack["https"], stack["root"])
    conn.connect()
    head = (
        f"POST /dromen/nieuw/ HTTP/1.1\r\nHost: {DOMAIN}:{stack['https']}\r\n"
        f"Content-Type: application/octet-stream\r\nContent-Length: {too_big}\r\n\r\n"
    )
    try:
        conn.sock.sendall(head.encode())
        chunk = b"x" * (1024 * 1024)
        for _ in range(too_big // len(chunk) + 1):
            conn.sock.sendall(chunk)
    except OSError:
        pass  # the proxy stopped reading: expected
    answer = b""
    try:
        while not answer.endswith(b"\r\n\r\n") and len(answer) < 65536:
            data = conn.sock.recv(4096)
            if not data:
                break
            answer += data
    except OSError:
        pass
    finally:
        conn.close()
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_the_limit_leaves_room_for_everything_django_accepts():
    """Photos up to Django's own limits get Django's message at the field, not a 413."""
    caddyfile = (BASE_DIR / "deploy" / "Caddyfile").read_text()
    limit = int(re.search(r"max_size (\d+)MiB", caddyfile).group(1)) * 1024 * 1024
    largest = (
        settings.DREAM_PHOTO_MAX_COUNT * settings.DREAM_PHOTO_MAX_BYTES
        + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )
    assert largest < limit <= 2 * largest


def test_static_files_are_cached_long(stack):
    manifest = Path(stack["env"]["DJANGO_STATIC_ROOT"]) / "staticfiles.json"
    import json

    hashed = next(
        v for v in json.loads(manifest.read_text())["paths"].values() if v.endswith(".css")
    )
    response, body = _https(stack, "GET", f"/static/{hashed}")
    assert response.status == 200 and body
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [(0, "198.51.100.7", "10.0.0.1"), (1, "203.0.113.66, 198.51.100.7", "198.51.100.7")],
)
def test_rate_limits_count_the_client_not_the_proxy(settings, rf, proxies, forwarded, expected):
    """Behind Caddy every request comes from the proxy: per-IP limits must use the client."""
    from django_ratelimit.core import _get_ip

    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert _get_ip(request) == expected
