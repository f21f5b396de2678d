"""Helpers for the outbox tests: residents to write to, a mail written, a mail followed
through its retries in-process."""

import time_machine
from django.core import mail
from django.utils import timezone

from initiatives.models import OutboxMail
from initiatives.notifications import mail_queue
from initiatives.outbox.dispatch import MAX_RETRIES, dispatch
from tests.factories import UserFactory


def dispatch_at_each_retry(row: OutboxMail, *, start=None) -> None:
    """Run a dispatch now (or at START), then at each of ROW's retry times, until it is sent
    or given up: what beat's dispatch every minute does, without the waiting."""
    moment = start or timezone.now()
    for _ in range(MAX_RETRIES + 1):
        with time_machine.travel(moment, tick=False):
            dispatch(in_process=True)
        row.refresh_from_db()
        if row.state != OutboxMail.State.PENDING:
            return
        moment = row.next_attempt_at


def setup_mail_sent() -> None:
    """Send what a test's set-up wrote, as its commits would have, and forget it: the test
    looks at what the code under test mails. (In a test nothing commits, so no dispatch ran
    for the set-up; the next one would send its mail along.)"""
    dispatch(in_process=True)
    mail.outbox.clear()


def given_up(row: OutboxMail, *, error: str) -> None:
    """Leave ROW as the dispatcher leaves a mail after its last try."""
    OutboxMail.objects.filter(pk=row.pk).update(
        state=OutboxMail.State.FAILED, attempts=MAX_RETRIES + 1, last_error=error
    )


def residents(count: int):
    return [UserFactory(email=f"buur{n}@example.nl") for n in range(count)]


def write(to) -> OutboxMail:
    """Write one mail to TO (a sign-in link), as a service would."""
    return mail_queue(to=to, template="sign_in_link", context={"minutes": 15})
