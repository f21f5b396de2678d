"""Where mail goes and who may read the local mailbox, for every DEBUG, MAILBOX_ENABLED and
EMAIL_HOST (issue 11: the mailbox is never public).

Each combination is read from config/settings.py itself (runpy, with that environment),
its MAILERS put in force, and the mailbox asked for by an anonymous visitor, a resident
and a functional administrator through the test client.
"""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.roles import Role
from config import mail_checks
from config.mail_settings import MAILBOX, NOWHERE, SMTP, from_address, mail_destination
from tests.factories import StaffFactory, UserFactory

SETTINGS_FILE = Path(settings.BASE_DIR) / "config" / "settings.py"
HOST = "smtp.example.org"
REDIRECT = 302  # to the staff sign-in

# (DEBUG, MAILBOX_ENABLED (None: not set), EMAIL_HOST) -> (backend, anonymous, resident, admin)
MATRIX = {
    (True, None, ""): (MAILBOX, 200, 200, 200),
    (True, True, ""): (MAILBOX, 200, 200, 200),
    (True, False, ""): (NOWHERE, 404, 404, 404),
    (True, None, HOST): (SMTP, 404, 404, 404),
    (True, True, HOST): (SMTP, 404, 404, 404),
    (True, False, HOST): (SMTP, 404, 404, 404),
    (False, None, ""): (NOWHERE, 404, 404, 404),
    (False, True, ""): (MAILBOX, REDIRECT, 404, 200),
    (False, False, ""): (NOWHERE, 404, 404, 404),
    (False, None, HOST): (SMTP, 404, 404, 404),
    (False, True, HOST): (SMTP, 404, 404, 404),
    (False, False, HOST): (SMTP, 404, 404, 404),
}
BACKEND_CLASSES = {
    SMTP: "config.mail_backends.SMTPBackend",
    MAILBOX: "config.mailbox.MailboxBackend",
    NOWHERE: "config.mail_backends.NoDestinationBackend",
}


def _flag(value: bool | None) -> str | None:
    return None if value is None else ("1" if value else "0")


def settings_for(monkeypatch, debug: bool, mailbox_enabled: bool | None, host: str) -> dict:
    """Return config/settings.py's values for this environment (Django's settings untouched)."""
    for name in ("MAILBOX_ENABLED", "EMAIL_HOST", "MAIL_BACKEND", "DEFAULT_FROM_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DJANGO_DEBUG", "1" if debug else "0")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "test-only-" + "x" * 50)
    if mailbox_enabled is not None:
        monkeypatch.setenv("MAILBOX_ENABLED", _flag(mailbox_enabled))
    if host:
        monkeypatch.setenv("EMAIL_HOST", host)
    return runpy.run_path(str(SETTINGS_FILE))


@pytest.mark.parametrize(("debug", "mailbox_enabled", "host"), list(MATRIX))
def test_the_pure_decision(debug, mailbox_enabled, host):
    backend = MATRIX[(debug, mailbox_enabled, host)][0]
    assert mail_destination(debug=debug, mailbox_enabled=mailbox_enabled, email_host=host) == (
        backend
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("debug", "mailbox_enabled", "host"), list(MATRIX))
def test_backend_and_who_reads_the_mailbox(client, monkeypatch, debug, mailbox_enabled, host):
    backend, anonymous, resident, admin = MATRIX[(debug, mailbox_enabled, host)]
    values = settings_for(monkeypatch, debug, mailbox_enabled, host)
    assert values["MAIL_DESTINATION"] == backend
    assert values["MAILERS"]["default"]["BACKEND"] == BACKEND_CLASSES[backend]
    assert values["MAILBOX_ENABLED"] is (backend == MAILBOX)
    if backend == SMTP:
        assert values["MAILERS"]["default"]["OPTIONS"]["host"] == HOST

    resident_user = UserFactory(email="anna@example.nl")
    admin_user = StaffFactory(email="beheer@heusden.example", roles=[Role.ADMINISTRATOR])
    with override_settings(DEBUG=debug, MAILERS=values["MAILERS"]):
        if backend == MAILBOX:  # a mail with a sign-in link waits there
            mail.send_mail("Je link om in te loggen", "http://x/?sesame=geheim", None, ["a@b.nl"])
        answers = {}
        response = client.get("/dev/mailbox/")
        answers["anonymous"] = response.status_code
        if response.status_code == REDIRECT:
            assert response["Location"].startswith("/medewerkers/inloggen/?next=/dev/mailbox/")
        for name, user in (("resident", resident_user), ("admin", admin_user)):
            client.force_login(user)
            response = client.get("/dev/mailbox/")
            answers[name] = response.status_code
            if response.status_code == 200:
                assert "Je link om in te loggen" in response.content.decode()
            else:
                assert "sesame=geheim" not in response.content.decode()
            client.logout()
    assert answers == {"anonymous": anonymous, "resident": resident, "admin": admin}


@pytest.fixture
def demo_mailbox(settings):
    """DEBUG off, MAILBOX_ENABLED=1: a demo, the mailbox for administrators only."""
    settings.DEBUG = False
    settings.MAILERS = {"default": {"BACKEND": BACKEND_CLASSES[MAILBOX]}}


@pytest.mark.django_db
def test_in_a_demo_other_staff_get_403_and_the_footer_has_no_link(client, demo_mailbox):
    client.force_login(StaffFactory(roles=[Role.ENABLER, Role.MANAGER]))
    assert client.get("/dev/mailbox/").status_code == 403
    assert "/dev/mailbox/" not in client.get("/privacy/").content.decode()


@pytest.mark.django_db
def test_in_a_demo_an_administrator_gives_the_second_factor_first(client, demo_mailbox):
    admin = StaffFactory(roles=[Role.ADMINISTRATOR])
    client.force_login(admin)
    session = client.session
    del session[DEVICE_ID_SESSION_KEY]  # signed in with the password only
    session.save()
    response = client.get("/dev/mailbox/")
    assert response.status_code == 302
    assert response["Location"].startswith("/medewerkers/inloggen/code")

    client.force_login(admin)  # now with the second factor
    assert client.get("/dev/mailbox/").status_code == 200
    assert "/dev/mailbox/" in client.get("/privacy/").content.decode()


@pytest.mark.django_db
def test_a_superuser_is_an_administrator(client, demo_mailbox):
    client.force_login(StaffFactory(is_superuser=True))
    assert client.get("/dev/mailbox/").status_code == 200


# --- the system checks ------------------------------------------------------------------------


@pytest.mark.parametrize(("debug", "mailbox_enabled", "host"), list(MATRIX))
def test_no_destination_is_a_check_error(monkeypatch, debug, mailbox_enabled, host):
    values = settings_for(monkeypatch, debug, mailbox_enabled, host)
    with override_settings(MAIL_DESTINATION=values["MAIL_DESTINATION"], MAILERS=values["MAILERS"]):
        errors = mail_checks.mail_destination_check()
    expected = ["config.E001"] if values["MAIL_DESTINATION"] == NOWHERE else []
    assert [error.id for error in errors] == expected


def test_mail_backend_overrides_are_not_an_error(monkeypatch):
    settings_for(monkeypatch, False, None, "")  # the environment: nowhere...
    monkeypatch.setenv("MAIL_BACKEND", "tests.initiatives.failing_mail.CountingBackend")
    values = runpy.run_path(str(SETTINGS_FILE))  # ...but a backend of its own
    with override_settings(MAIL_DESTINATION=values["MAIL_DESTINATION"], MAILERS=values["MAILERS"]):
        assert mail_checks.mail_destination_check() == []


def _manage(args: list[str], tmp_path, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "EMAIL_", "MAILBOX_", "MAIL_", "DEFAULT_FROM"))
    }
    environment.update(
        DJANGO_SECRET_KEY="test-only-" + "x" * 50,
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
        **env,
    )
    return subprocess.run(  # noqa: S603 - this Python with our own arguments
        [sys.executable, "manage.py", *args],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_migrate_stops_with_the_fix_when_mail_has_nowhere_to_go(tmp_path):
    result = _manage(["migrate", "--noinput"], tmp_path, DJANGO_DEBUG="0")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "config.E001" in output
    assert "Set EMAIL_HOST" in output
    assert "MAILBOX_ENABLED=1" in output
    assert not (tmp_path / "check.sqlite3").exists() or "Applying" not in output

    fine = _manage(["check"], tmp_path, DJANGO_DEBUG="0", EMAIL_HOST=HOST)
    assert fine.returncode == 0, fine.stdout + fine.stderr


def test_a_sender_the_mail_server_would_refuse_stops_the_check(tmp_path):
    result = _manage(
        ["check"],
        tmp_path,
        DJANGO_DEBUG="0",
        EMAIL_HOST=HOST,
        DEFAULT_FROM_EMAIL="Gemeente Heusden, Dromen <dromen@heusden.example>",
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "config.E002" in output
    assert "double quotes" in output


@pytest.mark.parametrize(
    "address",
    ['"Dromen.Doen" <dromen@heusden.example>', "dromen@heusden.example", "Zoë <z@heusden.nl>"],
)
def test_a_good_sender_passes_the_check(address):
    with override_settings(DEFAULT_FROM_EMAIL=address):
        assert mail_checks.default_from_email_check() == []


@pytest.mark.parametrize(
    "address",
    ["Dromen.Doen <dromen@heusden.example>", "geen adres", "a@b.nl, c@d.nl", "x\n<a@b.nl>"],
)
def test_a_bad_sender_fails_the_check(address):
    with override_settings(DEFAULT_FROM_EMAIL=address):
        assert [error.id for error in mail_checks.default_from_email_check()] == ["config.E002"]


# --- DEFAULT_FROM_EMAIL from the environment ----------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, '"Dromen.Doen" <dromen@heusden.example>'),
        ("", '"Dromen.Doen" <dromen@heusden.example>'),
        ("Dromen.Doen <dromen@heusden.nl>", '"Dromen.Doen" <dromen@heusden.nl>'),
        ("Gem. Heusden <dromen@heusden.nl>", '"Gem. Heusden" <dromen@heusden.nl>'),
        ('"Dromen.Doen" <dromen@heusden.nl>', '"Dromen.Doen" <dromen@heusden.nl>'),
        ("Dromen Doen <dromen@heusden.nl>", "Dromen Doen <dromen@heusden.nl>"),
        ("dromen@heusden.nl", "dromen@heusden.nl"),
        # Not one clean address: left as given, so config.E002 names what was set.
        ("a@b.nl, c@d.nl", "a@b.nl, c@d.nl"),
        ("Heusden, Dromen <d@heusden.nl>", "Heusden, Dromen <d@heusden.nl>"),
        ("geen adres", "geen adres"),
    ],
)
def test_the_sender_from_the_environment_is_made_safe(raw, expected):
    assert from_address(raw) == expected


def test_the_default_sender_is_accepted_by_the_smtp_backend(monkeypatch):
    values = settings_for(monkeypatch, False, None, HOST)
    with override_settings(DEFAULT_FROM_EMAIL=values["DEFAULT_FROM_EMAIL"]):
        assert mail_checks.default_from_email_check() == []


@pytest.mark.django_db
def test_a_process_started_without_a_destination_records_the_error(monkeypatch, resident):
    """gunicorn and the worker run no system checks: the mail is kept with the reason."""
    from initiatives import services
    from initiatives.models import OutboxMail
    from initiatives.outbox.dispatch import dispatch

    values = settings_for(monkeypatch, False, None, "")
    with override_settings(MAILERS=values["MAILERS"]):
        services.sign_in_link_send(email=resident.email)
        row = OutboxMail.objects.get()
        assert dispatch(in_process=True) == {"claimed": 1, "retrying": 1}
    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxMail.State.PENDING, 1)
    assert row.last_error.startswith("NoDestinationError: No mail destination: set EMAIL_HOST")
