"""Brute force on the staff sign-in: django-axes locks the account and the IP address.

After AXES_FAILURE_LIMIT (5) wrong passwords the email address, and the connection they came
from, may not sign in for AXES_COOLOFF_TIME (30 minutes): a 429 page in plain Dutch. Residents'
one-time links are neither counted nor blocked; the code step after the password still counts.
"""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import timezone

from initiatives.services import sign_in_link_build
from tests.staff.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/medewerkers/inloggen/"
ATTACKER, COLLEAGUE = "203.0.113.7", "198.51.100.20"


def _try(email: str, password: str, ip: str = ATTACKER):
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"username": email, "password": password})


def _fail(email: str, times: int, ip: str = ATTACKER) -> list[int]:
    return [_try(email, "wrong-password-123", ip).status_code for _ in range(times)]


def test_the_backend_of_axes_comes_first_and_the_defaults_are_five_and_thirty_minutes():
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert "sesame.backends.ModelBackend" in settings.AUTHENTICATION_BACKENDS
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    assert settings.AXES_HTTP_RESPONSE_CODE == 429


def test_the_limits_are_read_from_the_environment():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings';"
        "django.setup(); from django.conf import settings;"
        "print(settings.AXES_FAILURE_LIMIT, int(settings.AXES_COOLOFF_TIME.total_seconds()))"
    )
    env = {**os.environ, "AXES_FAILURE_LIMIT": "3", "AXES_COOLOFF_MINUTES": "90"}
    out = subprocess.run(  # noqa: S603 - this Python, our own settings
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["3", str(90 * 60)]


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(enabler):
    assert _fail(enabler.email, 4) == [200] * 4  # the form again, with "does not match"
    assert _try(enabler.email, PASSWORD, ip="192.0.2.50").status_code == 302  # 4: still fine
    assert _fail(enabler.email, 1) == [429]  # the fifth wrong password locks at once

    locked = _try(enabler.email, PASSWORD)
    assert locked.status_code == 429
    content = locked.content.decode()
    assert "Inloggen staat even stil" in content
    assert "5 keer een verkeerd wachtwoord" in content
    assert "30 minuten niet inloggen" in content
    assert "functioneel beheerder" in content
    assert "_auth_user_id" not in locked.wsgi_request.session

    # The account is locked from every connection, not only from the attacker's.
    assert _try(enabler.email, PASSWORD, ip=COLLEAGUE).status_code == 429
    # Upper case or spaces around the address are the same account.
    assert _try(f"  {enabler.email.upper()} ", PASSWORD, ip=COLLEAGUE).status_code == 429


def test_the_attackers_connection_is_locked_for_other_accounts_too(enabler, manager):
    for n in range(5):
        _try(f"guess{n}@heusden.example", "wrong-password-123")
    assert _try(manager.email, PASSWORD).status_code == 429
    assert _try(manager.email, PASSWORD, ip=COLLEAGUE).status_code == 302  # elsewhere: fine


def test_after_the_cool_off_signing_in_works_again_and_still_asks_the_code(enabler):
    assert _fail(enabler.email, 5) == [200, 200, 200, 200, 429]
    assert _try(enabler.email, PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=29)):
        assert _try(enabler.email, PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        client = Client(REMOTE_ADDR=ATTACKER)
        response = client.post(LOGIN, {"username": enabler.email, "password": PASSWORD})
        assert response.status_code == 302
        # The password alone opens nothing: the second factor is still asked.
        page = client.get("/medewerkers/dromen/")
        assert page.status_code == 302
        assert page["Location"].startswith("/medewerkers/inloggen/")


def test_failures_are_kept_only_as_counters_without_the_password(enabler):
    _fail(enabler.email, 2)
    attempt = AccessAttempt.objects.get(username=enabler.email)
    assert attempt.failures_since_start == 2
    assert "wrong-password-123" not in attempt.post_data


def test_a_residents_sign_in_link_works_from_a_locked_connection(resident):
    for n in range(5):
        _try(f"guess{n}@heusden.example", "wrong-password-123")
    assert _try("sanne@heusden.example", "x", ip=ATTACKER).status_code == 429

    link = sign_in_link_build(user=resident, next_url="/mijn-dromen/").split(":8000", 1)[1]
    client = Client(REMOTE_ADDR=ATTACKER)
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == "/mijn-dromen/"
    assert client.get("/mijn-dromen/").status_code == 200


def test_broken_sign_in_links_are_not_counted_as_password_failures(resident):
    client = Client(REMOTE_ADDR=COLLEAGUE)
    for n in range(8):
        assert client.get(f"/inloggen/link/?sesame=broken{n}").status_code == 400
    assert not AccessAttempt.objects.exists()
    link = sign_in_link_build(user=resident, next_url="/mijn-dromen/").split(":8000", 1)[1]
    assert client.get(link).status_code == 302


def test_force_login_in_tests_still_passes_the_second_factor(client, enabler):
    client.force_login(enabler)
    assert client.get("/medewerkers/dromen/").status_code == 200
