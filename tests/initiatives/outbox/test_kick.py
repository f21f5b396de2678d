"""One dispatch for each committed transaction that wrote mail (initiatives/outbox/kick.py),
in-process. A real worker on Redis: tests/initiatives/outbox/test_worker.py."""

from contextlib import suppress
from pathlib import Path

import pytest
from django.core import mail
from django.db import transaction

from initiatives import services
from initiatives.models import OutboxMail
from initiatives.notifications import mail_queue
from initiatives.outbox import dispatch as dispatch_module
from tests.factories import DreamFactory, UserFactory

pytestmark = pytest.mark.django_db

PRIVATE_TRANSACTION_STATE = ("run_on_commit", "atomic_blocks", "savepoint_ids", "_from_testcase")


class RolledBack(Exception):
    pass


def residents(count: int):
    return [UserFactory(email=f"buur{n}@example.nl") for n in range(count)]


def write(to) -> OutboxMail:
    return mail_queue(to=to, template="sign_in_link", context={"minutes": 15})


@pytest.fixture
def dispatches(monkeypatch) -> list[dict]:
    """Record each dispatch a kick starts (in-process here), with what it did."""
    started = []
    dispatch = dispatch_module.dispatch

    def recording(**kwargs):
        started.append(dispatch(**kwargs))
        return started[-1]

    monkeypatch.setattr(dispatch_module, "dispatch", recording)
    return started


def test_the_mails_of_one_transaction_start_one_dispatch(
    dispatches, django_capture_on_commit_callbacks
):
    people = residents(120)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            rows = [write(person) for person in people]
        assert mail.outbox == []  # nothing before the commit
    assert len(callbacks) == 120  # the same kick, registered for every mail
    assert len({id(callback) for callback in callbacks}) == 1
    assert len(dispatches) == 1  # the kick ran once
    assert dispatches[0]["sent"] == 120  # in-process: batch after batch, until nothing is due
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert {row.state for row in OutboxMail.objects.filter(pk__in=[r.pk for r in rows])} == {
        OutboxMail.State.SENT
    }


def test_service_calls_within_one_transaction_share_its_dispatch(
    mogelijkmaker, dispatches, django_capture_on_commit_callbacks
):
    dreams = [DreamFactory(resident=person) for person in residents(3)]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for dream in dreams:
            services.dream_pick_up(dream=dream, by=mogelijkmaker)  # a savepoint each
    assert len(dispatches) == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(d.resident.email for d in dreams)


def test_each_committed_transaction_starts_a_dispatch_of_its_own(
    dispatches, django_capture_on_commit_callbacks
):
    first, second = residents(2)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        write(first)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        write(second)
    assert len(dispatches) == 2
    assert [m.to for m in mail.outbox] == [[first.email], [second.email]]


def test_a_mail_after_a_rolled_back_savepoint_is_still_sent(
    dispatches, django_capture_on_commit_callbacks
):
    undone, kept, undone_later = residents(3)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with suppress(RolledBack), transaction.atomic():
            write(undone)  # the transaction's first mail: its registration goes with the savepoint
            raise RolledBack
        write(kept)  # the same kick, registered again
        with suppress(RolledBack), transaction.atomic():
            write(undone_later)  # registered a third time, then dropped with its row
            raise RolledBack
    assert len(dispatches) == 1
    assert [m.to for m in mail.outbox] == [[kept.email]]
    assert list(OutboxMail.objects.values_list("to_email", "state")) == [
        (kept.email, OutboxMail.State.SENT)
    ]


def test_a_kick_of_a_rolled_back_transaction_serves_the_next_one(
    dispatches, django_capture_on_commit_callbacks
):
    undone, kept = residents(2)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with suppress(RolledBack), transaction.atomic():
            write(undone)
            raise RolledBack
        with transaction.atomic():
            write(kept)
    assert len(callbacks) == 1  # the rolled-back registration was dropped
    assert len(dispatches) == 1
    assert [m.to for m in mail.outbox] == [[kept.email]]


def test_a_mail_held_for_the_digest_starts_no_dispatch(
    dispatches, resident, django_capture_on_commit_callbacks
):
    services.notification_mode_set(user=resident, mode="daily")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        mail_queue(to=resident, template="sign_in_link", context={"minutes": 15}, essential=False)
    assert callbacks == []
    assert dispatches == []


def test_no_private_transaction_state_is_read_outside_the_tests():
    root = Path(__file__).resolve().parents[3]
    found = [
        f"{path.relative_to(root)}: {name}"
        for folder in ("initiatives", "accounts", "residents", "staff", "config", "bench")
        for path in (root / folder).rglob("*.py")
        for name in PRIVATE_TRANSACTION_STATE
        if name in path.read_text()
    ]
    assert found == []
