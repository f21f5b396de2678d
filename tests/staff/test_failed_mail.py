import pytest

from initiatives import services
from initiatives.models import OutboxMail
from initiatives.statuses import Status
from tests.factories import DreamFactory
from tests.initiatives.outbox.retries import dispatch_at_each_retry, given_up

pytestmark = pytest.mark.django_db


def test_a_mail_that_could_not_be_delivered_is_shown_on_the_dream(client, enabler, resident):
    dream = DreamFactory(resident=resident, status=Status.IN_CONVERSATION, contact=enabler)
    services.dream_send_message(dream=dream, by=enabler, body="Kunnen we dinsdag bellen?")
    row = OutboxMail.objects.get(dream=dream)
    given_up(row, error="mailbox full")

    client.force_login(enabler)
    content = client.get(f"/medewerkers/dromen/{dream.pk}/").content.decode()
    assert "e-mail over deze droom kon niet worden afgeleverd" in content
    assert resident.email in content
    assert row.subject in content


def test_no_warning_when_every_mail_went_out(client, enabler, resident):
    dream = DreamFactory(resident=resident, status=Status.IN_CONVERSATION, contact=enabler)
    services.dream_send_message(dream=dream, by=enabler, body="Hallo")
    client.force_login(enabler)
    content = client.get(f"/medewerkers/dromen/{dream.pk}/").content.decode()
    assert "could not be delivered" not in content
    assert "niet worden afgeleverd" not in content


def test_a_mail_given_up_shows_on_a_workspace_read_from_the_cache(
    client, enabler, resident, settings
):
    """The outbox's writes leave the cached pages alone (config/cached_pages.py), but giving a
    mail up is shown on the dream: the next look reads the workspace anew and warns."""
    dream = DreamFactory(resident=resident, status=Status.IN_CONVERSATION, contact=enabler)
    services.dream_send_message(dream=dream, by=enabler, body="Kunnen we dinsdag bellen?")
    client.force_login(enabler)
    url = f"/medewerkers/dromen/{dream.pk}/"
    client.get(url)
    assert "niet worden afgeleverd" not in client.get(url).content.decode()  # from the cache
    settings.MAILERS = {
        "default": {"BACKEND": "tests.initiatives.failing_mail.AlwaysFailingBackend"}
    }
    row = OutboxMail.objects.get(dream=dream)
    dispatch_at_each_retry(row)
    assert row.state == OutboxMail.State.FAILED
    assert "e-mail over deze droom kon niet worden afgeleverd" in client.get(url).content.decode()
