"""
Outbox mail in batches, in-process: which mails of a transaction go together, and what one
delivery of a batch does with each mail. A real worker on Redis: tests/initiatives/test_delivery.py.
"""

from contextlib import suppress

import pytest
from django.core import mail
from django.db import transaction

from config.celery import app
from initiatives import services, tasks
from initiatives.models import OutboxMail
from initiatives.notifications import mail_queue
from tests.factories import DreamFactory, UserFactory
from tests.initiatives.failing_mail import connection_count

pytestmark = pytest.mark.django_db


class RolledBack(Exception):
    pass


def residents(count: int):
    return [UserFactory(email=f"buur{n}@example.nl") for n in range(count)]


def write(to) -> OutboxMail:
    return mail_queue(to=to, template="sign_in_link", context={"minutes": 15})


def outbox(*, mailer: str, settings) -> None:
    settings.MAILERS = {"default": {"BACKEND": f"tests.initiatives.failing_mail.{mailer}"}}


def mailbox_count(settings) -> int:
    return sum(1 for _ in settings.MAILBOX_DIR.glob("*.eml"))


# --- one hook per transaction ------------------------------------------------------------------


def test_the_mails_of_one_transaction_are_enqueued_by_one_hook(
    django_capture_on_commit_callbacks,
):
    people = residents(120)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            rows = [write(person) for person in people]
        assert mail.outbox == []  # nothing before the commit
    assert len(callbacks) == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert {row.state for row in OutboxMail.objects.filter(pk__in=[r.pk for r in rows])} == {
        OutboxMail.State.SENT
    }


def test_service_calls_within_one_transaction_share_its_hook(
    mogelijkmaker, django_capture_on_commit_callbacks
):
    dreams = [DreamFactory(resident=person) for person in residents(3)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for dream in dreams:
            services.dream_pick_up(dream=dream, by=mogelijkmaker)  # a savepoint each
    assert len(callbacks) == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(d.resident.email for d in dreams)


def test_a_mail_after_a_rolled_back_savepoint_is_still_sent(django_capture_on_commit_callbacks):
    undone, kept, undone_later = residents(3)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with suppress(RolledBack), transaction.atomic():
            write(undone)  # the transaction's first mail: its hook goes with the savepoint
            raise RolledBack
        write(kept)
        with suppress(RolledBack), transaction.atomic():
            write(undone_later)  # joins the hook of KEPT, then its row is undone
            raise RolledBack
    assert [m.to for m in mail.outbox] == [[kept.email]]
    assert list(OutboxMail.objects.values_list("to_email", "state")) == [
        (kept.email, OutboxMail.State.SENT)
    ]


# --- one delivery of a batch -------------------------------------------------------------------


def test_a_batch_sends_only_what_waits_over_one_connection(settings):
    outbox(mailer="CountingBackend", settings=settings)
    first, second, done, gone = (write(person) for person in residents(4))
    OutboxMail.objects.filter(pk=done.pk).update(state=OutboxMail.State.SENT, attempts=1)
    OutboxMail.objects.filter(pk=gone.pk).delete()

    outcome = services.outbox_mails_send(outbox_ids=[first.pk, second.pk, done.pk, gone.pk])

    assert outcome.sent == [first.pk, second.pk]
    assert (outcome.failed, outcome.untried) == ({}, [])
    assert mailbox_count(settings) == 2
    assert connection_count() == 1
    assert set(
        OutboxMail.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", "attempts")
    ) == {(OutboxMail.State.SENT, 1)}
    assert OutboxMail.objects.get(pk=done.pk).attempts == 1  # not sent again

    again = services.outbox_mails_send(outbox_ids=[first.pk, second.pk])
    assert (again.sent, again.failed) == ([], {})
    assert mailbox_count(settings) == 2


def test_a_connection_that_breaks_leaves_the_unsent_mails_pending(settings, monkeypatch):
    outbox(mailer="VanishingBackend", settings=settings)
    monkeypatch.setenv("SERVER_GONE_AFTER_MESSAGES", "3")
    monkeypatch.setenv("SERVER_GONE_SECONDS", "60")
    rows = [write(person) for person in residents(6)]
    ids = [row.pk for row in rows]

    outcome = services.outbox_mails_send(outbox_ids=ids)

    assert outcome.sent == ids[:3]
    assert list(outcome.failed) == ids[3:]
    assert outcome.failed[ids[3]].error == "Connection unexpectedly closed"
    assert "refused" in outcome.failed[ids[4]].error  # it tried again: the server was gone
    assert mailbox_count(settings) == 3
    states = dict(OutboxMail.objects.values_list("pk", "state"))
    assert [states[pk] for pk in ids] == [OutboxMail.State.SENT] * 3 + [
        OutboxMail.State.PENDING
    ] * 3
    assert set(OutboxMail.objects.filter(pk__in=ids[3:]).values_list("attempts", "sent_at")) == {
        (1, None)
    }


def test_a_mail_that_cannot_be_built_fails_alone(settings):
    first, broken, last = (write(person) for person in residents(3))
    OutboxMail.objects.filter(pk=broken.pk).update(subject="Twee\nregels")

    outcome = services.outbox_mails_send(outbox_ids=[first.pk, broken.pk, last.pk])

    assert outcome.sent == [first.pk, last.pk]
    assert "ValueError" in outcome.failed[broken.pk].error
    broken.refresh_from_db()
    assert (broken.state, broken.attempts) == (OutboxMail.State.PENDING, 1)
    assert len(mail.outbox) == 2


def test_out_of_time_the_rest_of_a_batch_waits_untried_for_the_next_task(settings, monkeypatch):
    outbox(mailer="CountingBackend", settings=settings)
    monkeypatch.setattr(services.delivery, "MAIL_BATCH_SECONDS", 0)  # time for the first mail only
    ids = [write(person).pk for person in residents(4)]

    outcome = services.outbox_mails_send(outbox_ids=ids)
    assert (outcome.sent, outcome.untried) == (ids[:1], ids[1:])
    assert set(OutboxMail.objects.filter(pk__in=ids[1:]).values_list("state", "attempts")) == {
        (OutboxMail.State.PENDING, 0)
    }

    tasks.mail_deliver_batch(ids)  # the task hands what is left out again (in-process here)
    assert set(OutboxMail.objects.values_list("state", "attempts")) == {(OutboxMail.State.SENT, 1)}
    assert mailbox_count(settings) == 4


def test_a_refused_mail_of_a_batch_is_retried_until_it_is_given_up(settings, monkeypatch):
    outbox(mailer="RefusingBackend", settings=settings)
    people = residents(3)
    monkeypatch.setenv("REFUSED_MAIL_RECIPIENTS", people[1].email)
    ids = [write(person).pk for person in people]
    # In-process the retries follow at once, as when the portal runs without Redis (there
    # a retry is not raised to the caller).
    app.conf.task_eager_propagates = False
    try:
        tasks.mail_deliver_batch(ids)
    finally:
        app.conf.task_eager_propagates = True  # as tests/conftest.py has it

    refused = OutboxMail.objects.get(to_email=people[1].email)
    assert (refused.state, refused.attempts) == (OutboxMail.State.FAILED, tasks.MAX_RETRIES + 1)
    assert "no such mailbox" in refused.last_error
    assert set(OutboxMail.objects.exclude(pk=refused.pk).values_list("state", "attempts")) == {
        (OutboxMail.State.SENT, 1)
    }
    assert mailbox_count(settings) == 2
