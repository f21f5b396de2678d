"""The audit log: every staff look at a resident's personal data and every staff change."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from initiatives import services
from initiatives.models import AuditEntry
from tests.staff.conftest import add_photo

pytestmark = pytest.mark.django_db

IP = "203.0.113.7"


def _as(user, ip: str = IP) -> Client:
    """Return a client signed in as USER from IP; staff with their second factor done."""
    client = Client(REMOTE_ADDR=ip)
    client.force_login(user)
    if user.is_staff:
        device, _new = TOTPDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": "app"}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _workspace(dream) -> str:
    return reverse("staff:dream_workspace", args=[dream.pk])


# --- what is recorded ----------------------------------------------------------------------------


def test_viewing_the_workspace_records_who_what_when_and_from_where(picked_up, comms):
    before = timezone.now()
    response = _as(comms).get(_workspace(picked_up))
    assert response.status_code == 200
    assert picked_up.resident.email in response.content.decode()  # it shows contact details

    entry = AuditEntry.objects.get()
    assert entry.user == comms
    assert (entry.action, entry.target) == ("view dream", f"dream {picked_up.pk}")
    assert str(entry) == f"view dream dream {picked_up.pk}"
    assert (entry.method, entry.path, entry.status) == ("GET", _workspace(picked_up), 200)
    assert entry.ip == IP
    assert before <= entry.created_at <= timezone.now()


def test_a_refused_look_is_recorded_too(picked_up, roleless_staff):
    assert _as(roleless_staff).get(_workspace(picked_up)).status_code == 403
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.action, entry.status) == (roleless_staff, "view dream", 403)


def test_viewing_a_photo_is_recorded(picked_up, manager):
    photo = add_photo(picked_up)
    url = reverse("staff:dream_photo", args=[picked_up.pk, photo.pk])
    assert _as(manager).get(url).status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.target) == ("view photo", f"dream {picked_up.pk}, photo {photo.pk}")


def test_the_csv_export_is_recorded_with_the_dreams_it_held(picked_up, enabler):
    response = _as(enabler).post(
        reverse("staff:dream_bulk"), {"dream": [str(picked_up.pk)], "action": "export"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.target) == ("export dreams (CSV)", f"dreams {picked_up.pk}")
    assert (entry.user, entry.method, entry.status) == (enabler, "POST", 200)


def test_a_change_is_recorded_whether_it_succeeds_or_is_refused(picked_up, enabler, comms):
    url = reverse("staff:dream_message", args=[picked_up.pk])
    assert _as(enabler).post(url, {"message-body": "Ik bel je morgen."}).status_code == 302
    assert _as(enabler).post(url, {"message-body": ""}).status_code == 400  # refused: empty
    assert _as(comms).post(url, {"message-body": "Hallo"}).status_code == 403  # refused: role

    entries = list(AuditEntry.objects.order_by("id"))
    assert [(e.user, e.status) for e in entries] == [(enabler, 302), (enabler, 400), (comms, 403)]
    for entry in entries:
        assert (entry.method, entry.path) == ("POST", url)
        assert (entry.action, entry.target) == ("dream_message", f"dream {picked_up.pk}")


def test_a_resident_trying_a_staff_change_is_recorded(picked_up, resident):
    url = reverse("staff:dream_note", args=[picked_up.pk])
    assert _as(resident).post(url, {"body": "x"}).status_code == 404
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.status, entry.path) == (resident, 404, url)


def test_signing_in_and_out_are_recorded(enabler):
    client = Client(REMOTE_ADDR=IP)
    client.post(reverse("staff:login"), {"username": enabler.email, "password": "wrong"})
    client.post(
        reverse("staff:login"), {"username": enabler.email, "password": "correct-horse-battery"}
    )
    client.post(reverse("staff:logout"))
    entries = list(AuditEntry.objects.order_by("id"))
    assert [(e.action, e.user, e.status) for e in entries] == [
        ("login", None, 200),
        ("login", enabler, 302),
        ("logout", enabler, 302),
    ]


def test_lists_without_contact_details_write_nothing(picked_up, enabler):
    client = _as(enabler)
    assert client.get(reverse("staff:triage")).status_code == 200
    assert client.get(reverse("staff:dream_list")).status_code == 200
    assert not AuditEntry.objects.exists()


def test_a_residents_own_pages_write_nothing(picked_up, resident):
    photo = add_photo(picked_up)
    client = _as(resident)
    for url in (
        "/mijn-dromen/",
        reverse("residents:dream_detail", args=[picked_up.pk]),
        reverse("residents:dream_photo", args=[picked_up.pk, photo.pk]),
        "/mijn-gegevens/",
        "/mijn-gegevens/download.json",
    ):
        assert client.get(url).status_code == 200, url
    message = reverse("residents:dream_message", args=[picked_up.pk])
    assert client.post(message, {"body": "Dank je!"}).status_code == 302
    assert not AuditEntry.objects.exists()


# --- where the address comes from ---------------------------------------------------------------


def test_x_forwarded_for_is_ignored_without_a_proxy(picked_up, enabler):
    _as(enabler, ip="10.0.0.2").get(_workspace(picked_up), HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert AuditEntry.objects.get().ip == "10.0.0.2"


def test_behind_a_proxy_the_client_is_the_address_the_proxy_added(picked_up, enabler, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # Whatever the client wrote itself comes first; the proxy appends what it saw.
    _as(enabler, ip="10.0.0.2").get(
        _workspace(picked_up), HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9"
    )
    assert AuditEntry.objects.get().ip == "198.51.100.9"


# --- append-only -------------------------------------------------------------------------------


def test_entries_cannot_be_changed_or_deleted(picked_up, enabler):
    _as(enabler).get(_workspace(picked_up))
    entry = AuditEntry.objects.get()
    entry.status = 500
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.update(status=500)
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).update(status=500)
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().status == 200


# --- the admin ---------------------------------------------------------------------------------

ADMIN_LIST = "/beheer/initiatives/auditentry/"


def test_administrators_read_the_log_in_the_admin_but_cannot_change_it(
    picked_up, enabler, administrator
):
    _as(enabler).get(_workspace(picked_up))
    entry = AuditEntry.objects.get()
    client = _as(administrator)

    listing = client.get(ADMIN_LIST)
    assert listing.status_code == 200
    assert f"dream {picked_up.pk}" in listing.content.decode()
    filtered = client.get(ADMIN_LIST, {"action": "view dream", "status": "200"})
    assert filtered.status_code == 200
    assert f"dream {picked_up.pk}" in filtered.content.decode()

    detail = client.get(f"{ADMIN_LIST}{entry.pk}/change/")
    assert detail.status_code == 200
    assert not detail.context["has_change_permission"]
    assert not detail.context["has_delete_permission"]
    assert client.get(f"{ADMIN_LIST}add/").status_code == 403
    assert client.post(f"{ADMIN_LIST}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{ADMIN_LIST}{entry.pk}/change/", {"status": "500"}).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).status == 200
    # The administrator's own looks and tries are in the log as well.
    assert AuditEntry.objects.filter(user=administrator, method="POST").count() == 2


@pytest.mark.parametrize("role", ["enabler", "comms", "manager"])
def test_other_staff_cannot_read_the_log(picked_up, request, role):
    user = request.getfixturevalue(role)
    client = _as(user)
    assert client.get(ADMIN_LIST).status_code in (302, 403)
    assert "auditentry" not in client.get("/beheer/").content.decode()


def test_the_retention_log_is_read_only_in_the_admin(resident, administrator):
    services.resident_erase(resident=resident)
    client = _as(administrator)
    listing = client.get("/beheer/initiatives/retentionlog/")
    assert listing.status_code == 200
    assert client.get("/beheer/initiatives/retentionlog/add/").status_code == 403


def test_the_workspace_of_an_erased_resident_offers_no_address(picked_up, enabler):
    services.resident_erase(resident=picked_up.resident)
    content = _as(enabler).get(_workspace(picked_up)).content.decode()
    assert "@invalid" not in content
    assert "mailto:" not in content.split("contact-details-heading", 1)[1].split("</section>")[0]


@pytest.mark.django_db(transaction=True)
def test_a_look_is_recorded_without_waiting_for_the_disk_and_a_change_with(picked_up, enabler):
    """Outside a transaction (as under gunicorn) a look commits with synchronous_commit off,
    for that one INSERT only; the connection keeps its setting, and changes wait as before."""
    from django.db import connection

    client = _as(enabler)
    captured = []

    def spy(execute, sql, params, many, context):
        captured.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        assert client.get(reverse("staff:dream_workspace", args=[picked_up.pk])).status_code == 200
        client.post(reverse("staff:dream_note", args=[picked_up.pk]), {"note-body": "Gebeld."})
    look, change = AuditEntry.objects.order_by("id")
    assert (look.action, look.method, look.user, look.status) == ("view dream", "GET", enabler, 200)
    assert change.method == "POST"
    audit_sqls = [sql for sql in captured if "initiatives_auditentry" in sql]
    assert "synchronous_commit" in audit_sqls[0]
    assert "synchronous_commit" not in audit_sqls[1]
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
