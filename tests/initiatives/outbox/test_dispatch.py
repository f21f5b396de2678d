"""The dispatcher's claim and retry schedule, in-process (initiatives/outbox/dispatch.py).
A real worker on Redis: tests/initiatives/outbox/test_worker.py."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from config.celery import app
from initiatives import tasks
from initiatives.models import OutboxMail
from initiatives.outbox import dispatch as dispatch_module
from initiatives.outbox import waiting
from initiatives.outbox.dispatch import (
    BATCH_SIZE,
    DISPATCH_TASK,
    MAX_RETRIES,
    claim,
    dispatch,
    retry_wait_seconds,
)
from tests.factories import UserFactory
from tests.initiatives.outbox.retries import residents, write

pytestmark = pytest.mark.django_db


def outbox(*, mailer: str, settings) -> None:
    settings.MAILERS = {"default": {"BACKEND": f"tests.initiatives.failing_mail.{mailer}"}}


def mailbox_count(settings) -> int:
    return sum(1 for _ in settings.MAILBOX_DIR.glob("*.eml"))


@pytest.fixture
def as_a_worker():
    """Run dispatches as a worker does: tasks not eager (tests/conftest.py makes them eager).

    No dispatch is waiting in the default queue before or after (waiting.py), so each test
    sees what its own dispatches publish."""
    app.conf.task_always_eager = False
    waiting.clear_waiting(waiting.default_queue())
    yield
    waiting.clear_waiting(waiting.default_queue())
    app.conf.task_always_eager = True


@pytest.fixture
def published(as_a_worker, monkeypatch) -> list[dict]:
    """Record what a dispatch publishes, as a worker would."""
    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, **options: sent.append({name: options}))
    return sent


def test_the_task_beat_runs_is_the_one_a_dispatch_publishes():
    assert tasks.outbox_dispatch.name == DISPATCH_TASK
    assert DISPATCH_TASK in app.tasks
    assert {"task": DISPATCH_TASK, "schedule": 60.0} in app.conf.beat_schedule.values()


def test_the_retry_schedule_is_the_old_one():
    """Waits of 30 s, 1, 2, 4 and 8 minutes between six tries (MAIL_RETRY_BASE_SECONDS=30)."""
    assert [retry_wait_seconds(n) for n in range(1, MAX_RETRIES + 1)] == [30, 60, 120, 240, 480]


def test_a_claimed_mail_is_not_claimed_again_until_its_claim_runs_out(settings):
    settings.MAIL_CLAIM_SECONDS = 120
    row = write(UserFactory())
    T0 = timezone.now()
    with time_machine.travel(T0, tick=False):
        assert [mail.pk for mail in claim()] == [row.pk]
        assert claim() == []  # held: another dispatch finds nothing
    with time_machine.travel(T0 + timedelta(seconds=119), tick=False):
        assert claim() == []
    # The holder was killed: once the claim has run out the mail is due again.
    with time_machine.travel(T0 + timedelta(seconds=121), tick=False):
        assert [mail.pk for mail in claim()] == [row.pk]


def test_a_failing_mail_waits_its_turn_each_time_and_is_given_up_after_the_last_try(
    settings, resident
):
    outbox(mailer="AlwaysFailingBackend", settings=settings)
    T0 = timezone.now()
    with time_machine.travel(T0, tick=False):
        row = write(resident)
    moment = T0
    for attempt in range(1, MAX_RETRIES + 1):
        with time_machine.travel(moment, tick=False):
            assert dispatch(in_process=True) == {"claimed": 1, "retrying": 1}
        row.refresh_from_db()
        wait = timedelta(seconds=retry_wait_seconds(attempt))
        assert (row.state, row.attempts) == (OutboxMail.State.PENDING, attempt)
        assert row.next_attempt_at == moment + wait
        assert row.claimed_until is None
        assert row.last_error == "connection refused by test server"
        with time_machine.travel(moment + wait - timedelta(seconds=1), tick=False):
            assert dispatch(in_process=True) == {}  # not due yet
        moment += wait
    with time_machine.travel(moment, tick=False):
        assert dispatch(in_process=True) == {"claimed": 1, "given_up": 1}
    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxMail.State.FAILED, MAX_RETRIES + 1)
    assert row.sent_at is None
    with time_machine.travel(moment + timedelta(days=1), tick=False):
        assert dispatch(in_process=True) == {}  # for staff to look at, not tried again


def test_a_refused_recipient_does_not_stop_the_others(settings, monkeypatch):
    outbox(mailer="RefusingBackend", settings=settings)
    people = residents(3)
    monkeypatch.setenv("REFUSED_MAIL_RECIPIENTS", people[1].email)
    settings.MAIL_RETRY_BASE_SECONDS = 0  # each retry due at once: all tries in one dispatch
    for person in people:
        write(person)

    assert dispatch(in_process=True) == {
        "claimed": 3 + MAX_RETRIES,
        "sent": 2,
        "retrying": MAX_RETRIES,
        "given_up": 1,
    }

    refused = OutboxMail.objects.get(to_email=people[1].email)
    assert (refused.state, refused.attempts) == (OutboxMail.State.FAILED, MAX_RETRIES + 1)
    assert "no such mailbox" in refused.last_error
    assert set(OutboxMail.objects.exclude(pk=refused.pk).values_list("state", "attempts")) == {
        (OutboxMail.State.SENT, 1)
    }
    assert mailbox_count(settings) == 2


def test_with_a_worker_a_full_batch_hands_on_before_it_sends_and_the_dispatch_goes_on(
    settings, published
):
    for person in residents(BATCH_SIZE + 3):
        write(person)

    # The first batch was full: another pool process may take the next one. This one goes on
    # with the rest itself, until nothing is due.
    assert dispatch() == {"claimed": BATCH_SIZE + 3, "sent": BATCH_SIZE + 3}
    assert published == [{DISPATCH_TASK: {}}]
    assert dispatch() == {}  # the handed-on dispatch finds nothing left
    assert len(published) == 1  # nothing claimed: nothing to hand on


def test_with_a_worker_a_dispatch_out_of_time_hands_the_rest_on(settings, published, monkeypatch):
    monkeypatch.setattr(dispatch_module, "batch_seconds", lambda: 0.0)
    for person in residents(3):
        write(person)
    # It starts one send whatever its time, then releases the rest for a fresh dispatch.
    assert dispatch() == {"claimed": 3, "sent": 1, "untried": 2}
    assert published == [{DISPATCH_TASK: {}}]
    assert (
        OutboxMail.objects.filter(state=OutboxMail.State.PENDING, claimed_until=None).count() == 2
    )


def test_with_a_worker_a_retry_starts_a_dispatch_at_its_time(settings, published):
    outbox(mailer="AlwaysFailingBackend", settings=settings)
    write(UserFactory())
    assert dispatch() == {"claimed": 1, "retrying": 1}
    [(name, options)] = [next(iter(item.items())) for item in published]
    assert name == DISPATCH_TASK
    assert retry_wait_seconds(1) <= options["countdown"] <= retry_wait_seconds(1) + 1


def test_with_a_worker_a_broker_that_cannot_be_reached_does_not_stop_the_batch(
    settings, as_a_worker, monkeypatch, caplog
):
    def unreachable(name, **options):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(app, "send_task", unreachable)
    for person in residents(BATCH_SIZE):
        write(person)
    with caplog.at_level(logging.ERROR, logger=dispatch_module.__name__):
        assert dispatch()["sent"] == BATCH_SIZE
    assert "Could not start another outbox dispatch" in caplog.text


def test_in_process_a_kick_never_waits_for_a_countdown(settings, monkeypatch):
    ran = []
    monkeypatch.setattr(dispatch_module, "dispatch", lambda **kwargs: ran.append(kwargs))
    dispatch_module.dispatch_soon(countdown=30)
    assert ran == []  # no timer in a web process: the next dispatch sends it
    dispatch_module.dispatch_soon()
    assert ran == [{"in_process": True}]


def test_the_task_and_the_scheduled_jobs_command_dispatch(settings):
    write(UserFactory())
    assert tasks.outbox_dispatch() == {"claimed": 1, "sent": 1}
    assert OutboxMail.objects.get().state == OutboxMail.State.SENT


@pytest.mark.parametrize("in_process", [True, False])
def test_a_short_batch_ends_the_dispatch_without_another_claim(
    settings, as_a_worker, monkeypatch, in_process
):
    """Nothing more was due when a claim came back short; a mail committed after it has a
    kick of its own, so claiming once more to find nothing is left out."""
    outbox(mailer="CountingBackend", settings=settings)
    claims = []
    monkeypatch.setattr(
        dispatch_module, "claim", lambda **kwargs: claims.append(claim(**kwargs)) or claims[-1]
    )
    for person in residents(BATCH_SIZE + 3):
        write(person)
    monkeypatch.setattr(app, "send_task", lambda name, **options: None)  # a full batch hands on

    assert dispatch(in_process=in_process) == {"claimed": BATCH_SIZE + 3, "sent": BATCH_SIZE + 3}
    assert [len(batch) for batch in claims] == [BATCH_SIZE, 3]  # no empty third claim
