"""Staff sign in with a password and a code from an authenticator app (TOTP)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.staff.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def sign_in_with_password(user) -> Client:
    client = Client()
    response = client.post("/medewerkers/inloggen/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_without_a_device_the_password_leads_only_to_setting_one_up(enabler):
    client = sign_in_with_password(enabler)
    for url in ("/medewerkers/", "/medewerkers/dromen/", "/medewerkers/werkvoorraad/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/medewerkers/inloggen/tweestapsverificatie/")

    page = client.get("/medewerkers/inloggen/tweestapsverificatie/?next=/medewerkers/dromen/")
    content = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in content  # the QR code
    device = TOTPDevice.objects.get(user=enabler, confirmed=False)

    wrong = client.post(
        "/medewerkers/inloggen/tweestapsverificatie/",
        {
            "code": "000000" if code_for(device) != "000000" else "111111",
            "next": "/medewerkers/dromen/",
        },
    )
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"]
    assert client.get("/medewerkers/dromen/").status_code == 302

    with time_machine.travel(timezone.now() + timedelta(seconds=5)):  # after the wait
        right = client.post(
            "/medewerkers/inloggen/tweestapsverificatie/",
            {"code": code_for(device), "next": "/medewerkers/dromen/"},
        )
    assert right["Location"] == "/medewerkers/dromen/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/medewerkers/dromen/").status_code == 200


def test_with_a_device_the_code_is_asked_after_the_password(enabler):
    device = TOTPDevice.objects.create(user=enabler, name="app", confirmed=True)
    client = sign_in_with_password(enabler)
    asked = client.get("/medewerkers/werkvoorraad/")
    assert asked["Location"] == "/medewerkers/inloggen/code/?next=/medewerkers/werkvoorraad/"

    wrong = client.post("/medewerkers/inloggen/code/", {"code": "12ab56", "next": "/medewerkers/"})
    assert wrong.status_code == 200
    assert 'value="12ab56"' in wrong.content.decode()  # what was typed is kept
    assert client.get("/medewerkers/werkvoorraad/").status_code == 302

    with time_machine.travel(timezone.now() + timedelta(seconds=5)):  # after the wait
        right = client.post(
            "/medewerkers/inloggen/code/",
            {"code": code_for(device), "next": "/medewerkers/werkvoorraad/"},
        )
    assert right["Location"] == "/medewerkers/werkvoorraad/"
    assert client.get("/medewerkers/werkvoorraad/").status_code == 200


def test_the_code_page_does_not_redirect_to_other_sites(enabler):
    device = TOTPDevice.objects.create(user=enabler, name="app", confirmed=True)
    client = sign_in_with_password(enabler)
    response = client.post(
        "/medewerkers/inloggen/code/", {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/medewerkers/"


def test_residents_never_see_the_second_factor_pages(client, resident):
    client.force_login(resident)
    assert client.get("/medewerkers/inloggen/code/").status_code == 404
    assert client.get("/medewerkers/inloggen/tweestapsverificatie/").status_code == 404


def test_the_admin_needs_the_second_factor_too(administrator):
    client = sign_in_with_password(administrator)
    response = client.get("/beheer/", follow=True)
    final_path = response.redirect_chain[-1][0]
    assert re.match(r"^/medewerkers/inloggen/\?next=", final_path)
    assert "Dromen" not in response.content.decode().split("<main", 1)[-1][:0]


def test_after_a_wrong_code_the_next_try_must_wait(enabler):
    device = TOTPDevice.objects.create(user=enabler, name="app", confirmed=True)
    client = sign_in_with_password(enabler)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    client.post("/medewerkers/inloggen/code/", {"code": wrong, "next": "/medewerkers/"})
    too_soon = client.post("/medewerkers/inloggen/code/", {"code": code_for(device)})
    assert too_soon.status_code == 200
    assert too_soon.context["form"].errors["code"]
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        assert (
            client.post("/medewerkers/inloggen/code/", {"code": code_for(device)}).status_code
            == 302
        )
