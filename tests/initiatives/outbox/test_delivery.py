"""One dispatch's delivery of a batch, in-process: one connection, each mail on its own.
A real worker on Redis: tests/initiatives/outbox/test_worker.py."""

import pytest
from django.core import mail

from initiatives import services
from initiatives.models import OutboxMail
from initiatives.outbox import delivery
from initiatives.outbox.dispatch import claim, dispatch, next_try
from tests.initiatives.failing_mail import connection_count
from tests.initiatives.outbox.retries import dispatch_at_each_retry, residents, write

pytestmark = pytest.mark.django_db


def outbox(*, mailer: str, settings) -> None:
    settings.MAILERS = {"default": {"BACKEND": f"tests.initiatives.failing_mail.{mailer}"}}


def mailbox_count(settings) -> int:
    return sum(1 for _ in settings.MAILBOX_DIR.glob("*.eml"))


def test_a_dispatch_sends_only_what_waits_over_one_connection(settings):
    outbox(mailer="CountingBackend", settings=settings)
    first, second, done, gone = (write(person) for person in residents(4))
    OutboxMail.objects.filter(pk=done.pk).update(state=OutboxMail.State.SENT, attempts=1)
    OutboxMail.objects.filter(pk=gone.pk).delete()

    assert dispatch(in_process=True) == {"claimed": 2, "sent": 2}

    assert mailbox_count(settings) == 2
    assert connection_count() == 1
    assert set(
        OutboxMail.objects.filter(pk__in=[first.pk, second.pk]).values_list(
            "state", "attempts", "claimed_until"
        )
    ) == {(OutboxMail.State.SENT, 1, None)}
    assert OutboxMail.objects.get(pk=done.pk).attempts == 1  # not sent again

    assert dispatch(in_process=True) == {}  # nothing left
    assert mailbox_count(settings) == 2


def test_a_connection_that_breaks_leaves_the_unsent_mails_to_their_retries(settings, monkeypatch):
    outbox(mailer="VanishingBackend", settings=settings)
    monkeypatch.setenv("SERVER_GONE_AFTER_MESSAGES", "3")
    monkeypatch.setenv("SERVER_GONE_SECONDS", "60")
    rows = [write(person) for person in residents(6)]
    ids = [row.pk for row in rows]

    outcome = delivery.deliver(claim(), next_try=next_try)

    assert outcome.sent == ids[:3]
    assert list(outcome.retrying) == ids[3:]
    errors = dict(OutboxMail.objects.values_list("pk", "last_error"))
    assert errors[ids[3]] == "Connection unexpectedly closed"
    assert "refused" in errors[ids[4]]  # it tried again: the server was gone
    assert mailbox_count(settings) == 3
    states = dict(OutboxMail.objects.values_list("pk", "state"))
    assert [states[pk] for pk in ids] == [OutboxMail.State.SENT] * 3 + [
        OutboxMail.State.PENDING
    ] * 3
    assert set(
        OutboxMail.objects.filter(pk__in=ids[3:]).values_list(
            "attempts", "sent_at", "claimed_until"
        )
    ) == {(1, None, None)}


def test_a_mail_that_cannot_be_built_fails_alone(settings):
    first, broken, last = (write(person) for person in residents(3))
    OutboxMail.objects.filter(pk=broken.pk).update(subject="Twee\nregels")

    outcome = delivery.deliver(claim(), next_try=next_try)

    assert outcome.sent == [first.pk, last.pk]
    assert list(outcome.retrying) == [broken.pk]
    broken.refresh_from_db()
    assert (broken.state, broken.attempts) == (OutboxMail.State.PENDING, 1)
    assert "ValueError" in broken.last_error
    assert len(mail.outbox) == 2


def test_out_of_time_the_rest_of_a_batch_is_released_untried_for_the_next_dispatch(settings):
    outbox(mailer="CountingBackend", settings=settings)
    ids = [write(person).pk for person in residents(4)]

    outcome = delivery.deliver(claim(), next_try=next_try, seconds=0)  # time for one mail
    assert (outcome.sent, outcome.untried) == (ids[:1], ids[1:])
    assert set(
        OutboxMail.objects.filter(pk__in=ids[1:]).values_list("state", "attempts", "claimed_until")
    ) == {(OutboxMail.State.PENDING, 0, None)}  # released: due at once

    assert dispatch(in_process=True)["sent"] == 3
    assert set(OutboxMail.objects.values_list("state", "attempts")) == {(OutboxMail.State.SENT, 1)}
    assert mailbox_count(settings) == 4


@pytest.mark.django_db
class TestOutbox:
    def test_sending_twice_sends_once(self, resident, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            services.sign_in_link_send(email=resident.email)
        row = OutboxMail.objects.get()
        assert dispatch(in_process=True) == {}  # sent already: nothing is due
        row.refresh_from_db()
        assert row.state == OutboxMail.State.SENT
        assert row.attempts == 1
        assert len(mail.outbox) == 1

    def test_a_failing_mail_server_leaves_the_row_pending_then_failed(self, resident, settings):
        settings.MAILERS = {
            "default": {"BACKEND": "tests.initiatives.failing_mail.AlwaysFailingBackend"}
        }
        services.sign_in_link_send(email=resident.email)  # no commit here: no dispatch
        row = OutboxMail.objects.get()
        dispatch(in_process=True)
        row.refresh_from_db()
        assert (row.state, row.attempts) == (OutboxMail.State.PENDING, 1)
        assert "refused" in row.last_error
        dispatch_at_each_retry(row, start=row.next_attempt_at)
        assert row.state == OutboxMail.State.FAILED


def test_a_sent_mail_keeps_no_usable_link_in_its_stored_copy(resident):
    """The resident's inbox has the working sign-in link; the table (and its backups) do not."""
    services.sign_in_link_send(email=resident.email)
    row = OutboxMail.objects.get()
    assert "sesame=" in row.body_text and "[verborgen]" not in row.body_text
    dispatch(in_process=True)

    (sent,) = mail.outbox
    assert "sesame=" in sent.body and "[verborgen]" not in sent.body
    row.refresh_from_db()
    assert row.state == OutboxMail.State.SENT
    assert "sesame=[verborgen]" in row.body_text
    assert "sesame=[verborgen]" in row.body_html or "sesame=" not in row.body_html
    assert "sesame=" not in row.body_text.replace("sesame=[verborgen]", "")


def test_a_given_up_mail_keeps_no_usable_link_either(resident, settings):
    outbox(mailer="AlwaysFailingBackend", settings=settings)
    services.sign_in_link_send(email=resident.email)
    row = OutboxMail.objects.get()
    dispatch(in_process=True)
    dispatch_at_each_retry(row, start=OutboxMail.objects.get().next_attempt_at)
    row.refresh_from_db()
    assert row.state == OutboxMail.State.FAILED
    assert "sesame=" not in row.body_text.replace("sesame=[verborgen]", "")
