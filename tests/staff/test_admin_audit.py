"""The administrator leaves a trace, and cannot sign in as a resident (issue 13, item 5).

The probe read a live sign-in link in the outbox admin and used it; nothing under /beheer/
was audit-logged; and every staff member got /beheer/ (an empty index) and its
password-change page with 200.
"""

import re

import pytest
from django.core import mail
from django.test import Client

from initiatives import services
from initiatives.models import AuditEntry, OutboxMail

pytestmark = pytest.mark.django_db


def test_the_outbox_admin_hides_the_sign_in_link(client, administrator, resident):
    services.sign_in_link_send(email=resident.email)
    row = OutboxMail.objects.get(to_email=resident.email)
    token = re.search(r"sesame=([^&\s]+)", row.body_text).group(1)
    client.force_login(administrator)
    page = client.get(f"/beheer/initiatives/outboxmail/{row.pk}/change/").content.decode()
    assert "sesame=[verborgen]" in page
    assert token not in page
    listing = client.get("/beheer/initiatives/outboxmail/").content.decode()
    assert token not in listing


def test_a_masked_link_does_not_sign_in(resident):
    services.sign_in_link_send(email=resident.email)
    row = OutboxMail.objects.get(to_email=resident.email)
    from initiatives.tokens import link_tokens_masked

    masked = re.search(r"https?://\S+", link_tokens_masked(row.body_text)).group(0)
    path = "/" + masked.split("://", 1)[1].split("/", 1)[1]
    assert Client().get(path).status_code == 400


def test_every_admin_look_and_change_is_in_the_audit_log(client, administrator, resident):
    client.force_login(administrator)
    client.get("/beheer/")  # the index shows no one's data: not recorded
    client.get("/beheer/accounts/user/")
    client.get(f"/beheer/accounts/user/{resident.pk}/change/")
    client.post(
        f"/beheer/accounts/user/{resident.pk}/change/",
        {"email": resident.email, "full_name": "Nieuwe naam", "language": "nl"},
    )
    entries = list(
        AuditEntry.objects.filter(user=administrator)
        .order_by("pk")
        .values_list("action", "target", "method")
    )
    assert entries == [
        ("admin accounts_user_changelist", "accounts_user", "GET"),
        ("admin accounts_user_change", f"accounts_user {resident.pk}", "GET"),
        ("admin accounts_user_change", f"accounts_user {resident.pk}", "POST"),
    ]


@pytest.mark.parametrize("path", ["/beheer/", "/beheer/password_change/", "/beheer/accounts/user/"])
def test_other_staff_are_refused_the_admin(client, enabler, manager, path):
    for someone in (enabler, manager):
        client.force_login(someone)
        assert client.get(path).status_code == 403, (someone, path)


def test_mail_reaches_the_resident_unmasked(resident, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_in_link_send(email=resident.email)
    assert "sesame=[verborgen]" not in mail.outbox[-1].body
