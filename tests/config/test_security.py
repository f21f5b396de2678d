"""The production settings pass Django's deploy check, and the answers carry the right headers.

The production values are read from config/settings.py itself, in a subprocess with the
environment of a deploy (DJANGO_DEBUG=0 and the rest), and then put in force with
override_settings: the test checks what production runs, not a copy of it.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from initiatives.services import sign_in_link_build

pytestmark = pytest.mark.django_db


def production_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "SESSION_", "EMAIL_", "MAILBOX_"))
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="dromen.example",
        EMAIL_HOST="smtp.example",
        REDIS_URL="redis://127.0.0.1:6379/0",  # rate limits and lockouts need a shared cache
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.update(extra)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - this Python with our own arguments
        args, env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_without_warnings(capsys):
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(),
    )
    output = result.stdout + result.stderr
    found = re.search(r"System check identified (\d+) issues?", output)
    warnings = int(found.group(1)) if found else 0
    with capsys.disabled():
        print(f"\ncheck --deploy (production settings): {warnings} warnings")
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


PRODUCTION_NAMES = (
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_AGE",
    "SESSION_SAVE_EVERY_REQUEST",
    "CSRF_COOKIE_SECURE",
)


@pytest.fixture(scope="module")
def production() -> dict:
    """The security settings config/settings.py gives in production."""
    code = (
        "import json, django; django.setup(); from django.conf import settings;"
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {PRODUCTION_NAMES!r}}}))"
    )
    result = _run([sys.executable, "-c", code], production_env())
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    if values["SECURE_PROXY_SSL_HEADER"]:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_production_settings_are_strict(production):
    assert production["DEBUG"] is False
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production["SESSION_SAVE_EVERY_REQUEST"] is True


def test_the_idle_time_is_read_from_the_environment():
    code = "import django; django.setup(); from django.conf import settings;"
    code += "print(settings.SESSION_COOKIE_AGE)"
    result = _run([sys.executable, "-c", code], production_env(SESSION_IDLE_SECONDS="900"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "900"


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_every_page_sends_a_strict_content_security_policy(client):
    response = client.get("/")
    csp = _csp(response)
    scripts = csp["script-src"]
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    nonces = [source for source in scripts if source.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    assert len(nonce) >= 16
    assert nonce in response.content.decode()  # the page's own inline config uses it
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in csp.get("style-src", [])
    # Every request gets a fresh nonce.
    assert _csp(client.get("/"))["script-src"] != scripts


@pytest.mark.parametrize("url", ["/", "/inloggen/", "/medewerkers/inloggen/", "/privacy/"])
def test_pages_forbid_sniffing_framing_and_leaking_the_address(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def _sign_in(client: Client, user, **request) -> None:
    link = sign_in_link_build(user=user, next_url="/mijn-dromen/").split(":8000", 1)[1]
    response = client.get(link, **request)
    assert response.status_code == 302, response


def test_production_answers_https_only_with_hsts_and_safe_cookies(production, resident):
    with override_settings(**production):
        client = Client()
        plain = client.get("/")
        assert plain.status_code == 301
        assert plain["Location"] == "https://testserver/"

        secure = client.get("/", secure=True)
        assert secure.status_code == 200
        hsts = secure["Strict-Transport-Security"]
        assert re.fullmatch(r"max-age=\d+; includeSubDomains; preload", hsts), hsts
        assert int(hsts.split(";")[0].split("=")[1]) >= 365 * 24 * 60 * 60

        # Behind the proxy that ends TLS, its header counts as HTTPS.
        proxied = client.get("/", HTTP_X_FORWARDED_PROTO="https")
        assert proxied.status_code == 200

        _sign_in(client, resident, secure=True)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
        assert int(cookie["max-age"]) == production["SESSION_COOKIE_AGE"]

        form = Client().get("/inloggen/", secure=True)
        assert form.cookies[settings.CSRF_COOKIE_NAME]["secure"] is True


def test_signing_out_ends_the_session_on_the_server(client, resident):
    _sign_in(client, resident)
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/mijn-dromen/").status_code == 200
    assert client.post("/uitloggen/").status_code == 302

    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = old_key
    response = stolen.get("/mijn-dromen/")
    assert response.status_code == 302
    assert response["Location"].startswith("/inloggen/")


def test_staff_signing_out_ends_the_session_on_the_server(client, mogelijkmaker):
    client.force_login(mogelijkmaker)
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/medewerkers/dromen/").status_code == 200
    assert client.post("/medewerkers/uitloggen/").status_code == 302

    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = old_key
    response = stolen.get("/medewerkers/dromen/")
    assert response.status_code == 302
    assert response["Location"].startswith("/medewerkers/inloggen/")


def test_a_session_ends_after_the_idle_time_and_each_request_extends_it(client, resident):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert idle == timedelta(hours=8)  # SESSION_IDLE_SECONDS' default
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _sign_in(client, resident)
    # Active: every request within the idle time moves the end further on.
    for step in (1, 2, 3):
        with time_machine.travel(start + step * (idle - timedelta(minutes=5)), tick=False):
            assert client.get("/mijn-dromen/").status_code == 200
    last = start + 3 * (idle - timedelta(minutes=5))
    with time_machine.travel(last + idle + timedelta(minutes=1), tick=False):
        response = client.get("/mijn-dromen/")
        assert response.status_code == 302
        assert response["Location"].startswith("/inloggen/")


def _session_writes(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum(
        q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"]
        for q in queries.captured_queries
    )


def test_an_unchanged_session_is_written_back_at_most_once_a_minute(client, resident):
    """config/sessions.py: every request still moves the end on (the cookie's at once, the
    database's within a minute), without an UPDATE per page."""
    from django.contrib.sessions.models import Session

    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _sign_in(client, resident)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        assert _session_writes(client, "/mijn-dromen/") == 0
        assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == age.total_seconds()
    assert Session.objects.get(session_key=key).expire_date == start + age
    later = start + timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        assert _session_writes(client, "/mijn-dromen/") == 1
    assert Session.objects.get(session_key=key).expire_date == later + age


def test_a_changed_session_is_always_written():
    from django.contrib.sessions.models import Session

    from config.sessions import SessionStore

    store = SessionStore()
    store["seen"] = 1
    store.save()
    again = SessionStore(store.session_key)
    assert again["seen"] == 1
    again["seen"] = 2  # within the minute, but changed
    again.save()
    assert SessionStore(store.session_key)["seen"] == 2
    unchanged = SessionStore(store.session_key)
    unchanged.load()
    before = Session.objects.get(session_key=store.session_key).expire_date
    unchanged.save()  # unchanged and just written: not written again
    assert Session.objects.get(session_key=store.session_key).expire_date == before
