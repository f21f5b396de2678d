"""Mail really leaves: every kind of mail through Django's SMTP backend to a real SMTP server
on loopback (tests/smtp_server.py), and what happens when it cannot (issue 11).

The sign-in link, a status mail, the daily digest and a staff mail are each delivered with
the default sender of config/settings.py and with a display name that has a period in it,
which Django's SMTP backend refuses unless it is quoted.
"""

import pytest

from accounts.models import NotificationMode
from config.mail_settings import from_address
from initiatives import services
from initiatives.models import OutboxMail
from initiatives.outbox import delivery
from initiatives.outbox.dispatch import BATCH_SIZE, MAX_RETRIES, dispatch
from initiatives.statuses import Status
from tests.factories import DreamFactory
from tests.initiatives.outbox.retries import dispatch_at_each_retry, residents, write

pytestmark = pytest.mark.django_db

SENDERS = {
    "default": None,  # what config/settings.py made of the environment
    "period": "Gem. Heusden <dromen@heusden.nl>",  # unquoted in the environment
}


@pytest.fixture(params=list(SENDERS))
def sender(request, settings):
    if SENDERS[request.param]:
        settings.DEFAULT_FROM_EMAIL = from_address(SENDERS[request.param])
    return settings.DEFAULT_FROM_EMAIL


@pytest.fixture
def in_process(settings):
    settings.REDIS_URL = ""  # /health/ does not look for a broker
    settings.HEALTH_TOKEN = "monitoring"


def _delivered(smtp_server, sender: str, to: str):
    """Return the one message the server received for TO, checked against the outbox."""
    messages = [got for got in smtp_server.received if got.rcpt_tos == [to]]
    assert len(messages) == 1, [got.rcpt_tos for got in smtp_server.received]
    got = messages[0]
    (from_header,) = got.message["From"].addresses
    assert got.mail_from == from_header.addr_spec
    assert str(from_header) == sender
    row = OutboxMail.objects.get(pk=int(got.message["X-Outbox-Id"]))
    assert (row.state, row.attempts, row.last_error) == (OutboxMail.State.SENT, 1, "")
    assert got.message["Subject"] == row.subject
    return got.message


def test_the_default_sender_has_its_display_name_quoted():
    assert from_address(None) == '"Dromen.Doen" <dromen@heusden.example>'


def test_sign_in_link(smtp_server, sender, resident, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_in_link_send(email=resident.email)
    message = _delivered(smtp_server, sender, resident.email)
    assert "sesame=" in message.get_body(preferencelist=("plain",)).get_content()


def test_status_mail(smtp_server, sender, dream, mogelijkmaker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.dream_pick_up(dream=dream, by=mogelijkmaker)
    message = _delivered(smtp_server, sender, dream.resident.email)
    assert message.get_body(preferencelist=("html",)) is not None  # text and HTML both


def test_daily_digest(
    smtp_server, sender, resident, mogelijkmaker, django_capture_on_commit_callbacks
):
    resident.notification_mode = NotificationMode.DAILY
    resident.save()
    dream = DreamFactory(resident=resident, status=Status.IN_CONVERSATION, contact=mogelijkmaker)
    with django_capture_on_commit_callbacks(execute=True):
        services.dream_send_message(dream=dream, by=mogelijkmaker, body="Bellen we dinsdag?")
    assert smtp_server.received == []  # held for the daily mail
    with django_capture_on_commit_callbacks(execute=True):
        assert services.outbox_digest_send() == 1
    message = _delivered(smtp_server, sender, resident.email)
    assert dream.title in message.get_body(preferencelist=("plain",)).get_content()


def test_staff_mail(
    smtp_server,
    sender,
    dream,
    mogelijkmaker,
    other_mogelijkmaker,
    django_capture_on_commit_callbacks,
):
    services.dream_pick_up(dream=dream, by=mogelijkmaker)
    with django_capture_on_commit_callbacks(execute=True):
        services.dreams_hand_over(
            dreams=[dream], by=mogelijkmaker, to=other_mogelijkmaker, note="Petra kent de buurt."
        )
    message = _delivered(smtp_server, sender, other_mogelijkmaker.email)
    assert "Petra kent de buurt." in message.get_body(preferencelist=("plain",)).get_content()


# --- when mail cannot leave -------------------------------------------------------------------


def _health(client, status: int) -> dict:
    """The monitoring details; the public /health/ answers the same status code."""
    response = client.get("/health/details/", headers={"Authorization": "Bearer monitoring"})
    assert response.status_code == status, response.content
    assert client.get("/health/").status_code == status
    return response.json()


def test_a_refusing_server_is_recorded_retried_and_makes_health_non_ok(
    client, smtp_server, resident, in_process
):
    smtp_server.refuse()
    services.sign_in_link_send(email=resident.email)  # no commit here: no dispatch yet
    row = OutboxMail.objects.get()
    dispatch(in_process=True)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxMail.State.PENDING, 1)
    assert "451" in row.last_error
    report = _health(client, 503)
    assert report["outbox"]["failing"] == 1
    assert "mail failing" in report["reason"]

    # It is tried again on its schedule and then given up.
    dispatch_at_each_retry(row, start=row.next_attempt_at)
    assert (row.state, row.attempts) == (OutboxMail.State.FAILED, MAX_RETRIES + 1)
    assert "451" in row.last_error
    assert _health(client, 503)["outbox"]["failed"] == 1
    assert smtp_server.received == []


def test_a_server_that_comes_back_gets_the_mail(client, smtp_server, resident, in_process):
    smtp_server.refuse()
    services.sign_in_link_send(email=resident.email)
    row = OutboxMail.objects.get()
    dispatch(in_process=True)
    _health(client, 503)

    smtp_server.accept()
    row.refresh_from_db()
    dispatch_at_each_retry(row, start=row.next_attempt_at)  # the next dispatch sends it
    assert (row.state, row.attempts) == (OutboxMail.State.SENT, 2)
    assert len(smtp_server.received) == 1
    assert _health(client, 200)["outbox"]["failing"] == 0


def test_a_mail_that_cannot_be_built_is_recorded_not_lost(
    client, smtp_server, resident, settings, in_process
):
    # The sender as it was before: Django's SMTP backend refuses it with a ValueError.
    settings.DEFAULT_FROM_EMAIL = "Dromen.Doen <dromen@heusden.example>"
    services.sign_in_link_send(email=resident.email)
    row = OutboxMail.objects.get()
    dispatch(in_process=True)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxMail.State.PENDING, 1)
    assert row.last_error.startswith("ValueError: Invalid address")
    assert "period in 'phrase'" in row.last_error
    assert "mail failing" in _health(client, 503)["reason"]

    dispatch_at_each_retry(row, start=row.next_attempt_at)
    assert row.state == OutboxMail.State.FAILED
    assert row.attempts == MAX_RETRIES + 1
    assert smtp_server.received == []


def test_a_batch_with_a_mail_that_cannot_be_built_sends_the_others(
    smtp_server, resident, other_resident
):
    services.sign_in_link_send(email=resident.email)
    services.sign_in_link_send(email=other_resident.email)
    first, second = OutboxMail.objects.order_by("pk")
    first.to_email = "anna@example.nl\r\nBcc: iedereen@example.nl"  # header injection
    first.save(update_fields=["to_email"])
    assert dispatch(in_process=True) == {"claimed": 2, "sent": 1, "retrying": 1}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.attempts) == (OutboxMail.State.PENDING, 1)
    assert "ValueError" in first.last_error
    assert (second.state, second.attempts) == (OutboxMail.State.SENT, 1)
    assert [got.rcpt_tos for got in smtp_server.received] == [[other_resident.email]]


# --- batches over one connection (initiatives/outbox/delivery.py) ------------------------------


def _received_ids(smtp_server) -> list[int]:
    return [int(got.message["X-Outbox-Id"]) for got in smtp_server.received]


def test_a_dispatch_sends_all_its_batches_over_one_connection(smtp_server, in_process):
    rows = [write(person) for person in residents(3) for _ in range(BATCH_SIZE)]  # 3 batches
    assert dispatch(in_process=True) == {"claimed": len(rows), "sent": len(rows)}

    assert smtp_server.connections == 1
    assert sorted(_received_ids(smtp_server)) == [row.pk for row in rows]  # each once
    assert set(OutboxMail.objects.values_list("state", "attempts", "claimed_until")) == {
        (OutboxMail.State.SENT, 1, None)
    }
    got = smtp_server.received[0].message
    row = OutboxMail.objects.get(pk=int(got["X-Outbox-Id"]))
    assert got["Subject"] == row.subject
    assert [part.get_content_type() for part in got.iter_parts()] == ["text/plain", "text/html"]
    (written,) = [mail for mail in rows if mail.pk == row.pk]  # as written: links not masked
    text = got.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text == written.body_text.replace("\r\n", "\n")
    assert row.body_text != written.body_text  # the stored copy's token is hidden once sent
    assert got["Message-ID"] and got["Date"]


def test_a_server_that_refuses_in_the_middle_of_a_batch_has_only_what_it_took_marked_sent(
    smtp_server, in_process, monkeypatch
):
    monkeypatch.setattr(delivery, "MARK_EVERY", 2)  # marks also made within the batch
    rows = [write(person) for person in residents(7)]
    smtp_server.refuse(after=3)

    assert dispatch(in_process=True) == {"claimed": 7, "sent": 3, "retrying": 4}

    took, refused = rows[:3], rows[3:]
    assert _received_ids(smtp_server) == [row.pk for row in took]
    for row in took:
        row.refresh_from_db()
        assert (row.state, row.attempts, row.last_error) == (OutboxMail.State.SENT, 1, "")
    for row in refused:
        row.refresh_from_db()
        assert (row.state, row.attempts) == (OutboxMail.State.PENDING, 1)
        assert "451" in row.last_error
        assert row.sent_at is None

    smtp_server.accept()
    last_due = max(row.next_attempt_at for row in refused)
    dispatch_at_each_retry(refused[0], start=last_due)  # their retries, in one dispatch
    assert sorted(_received_ids(smtp_server)) == [row.pk for row in rows]  # each once
    assert set(OutboxMail.objects.values_list("state", flat=True)) == {OutboxMail.State.SENT}
