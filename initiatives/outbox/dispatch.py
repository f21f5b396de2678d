"""Claim the pending, due outbox mails and deliver them; keep each mail's retry schedule.

A dispatch claims up to BATCH_SIZE mails with SELECT ... FOR UPDATE SKIP LOCKED and, in the
same short transaction, sets their claimed_until a lease ahead (claim_seconds()). Only then
does it send them, outside any transaction (delivery.py): a mail is claimable while it is
pending, due (next_attempt_at has passed) and not claimed, or its claim ran out.

Why a mail is never sent by two dispatches at once: the claim transaction locks the rows it
takes, so a concurrent claim skips them; once it commits, their claimed_until keeps every
other claim away until the lease ends. The holder starts no send later than
batch_seconds() after its claim, at most half the lease (and the task is killed at its hard
time limit, 60 s, well within the default lease of 120 s), so by the time the lease ends it
has finished or is dead. A killed worker's rows thus become due again when their lease
ends, and the next dispatch (a commit's, or beat's every minute) takes them.

With a Celery worker a dispatch sends one batch. When the batch was full there may be more,
so it first starts another dispatch (the pool shares a burst, 50 mails a task); when it
leaves retries waiting it starts one at the earliest retry, so retries do not wait for
beat. Neither is needed for correctness: beat runs a dispatch every minute. In-process (the
embedded default: tasks always eager) a dispatch goes on batch after batch until nothing is
due; a retry then waits for the next dispatch (the next mail's commit, or
`manage.py run_scheduled_jobs`).
"""

import logging
from collections import Counter
from datetime import datetime, timedelta

from celery import current_app, current_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from initiatives.models import OutboxMail
from initiatives.outbox.delivery import MAIL_BATCH_SECONDS, MAIL_FIELDS, deliver

logger = logging.getLogger(__name__)

DISPATCH_TASK = "initiatives.tasks.outbox_dispatch"  # published by name: no import of tasks
# A dispatch claims and sends at most this many mails over one connection. A task costs
# Celery about 1.5 ms, a claim one query and a mail server connection a few ms; over 50 mails
# that is little next to building each message (2-3 ms), and 10,000 mails still make 200
# dispatches, enough to share over the pool.
BATCH_SIZE = 50
# A failed mail is tried again after MAIL_RETRY_BASE_SECONDS, doubling each time, this many
# times; after the last one it is marked failed. Six tries in all, about 15 minutes.
MAX_RETRIES = 5
# A little past the earliest retry, so the dispatch started for it finds it due.
RETRY_SLACK_SECONDS = 0.1


def retry_wait_seconds(attempts: int) -> float:
    """Return how long a mail waits after its ATTEMPTS-th try failed."""
    return settings.MAIL_RETRY_BASE_SECONDS * 2 ** (attempts - 1)


def longest_countdown_seconds() -> float:
    """The longest countdown a dispatch is started with: the last retry wait."""
    return retry_wait_seconds(MAX_RETRIES)


def claim_seconds() -> float:
    """How long a claim keeps other dispatches away from a mail (MAIL_CLAIM_SECONDS)."""
    return settings.MAIL_CLAIM_SECONDS


def batch_seconds() -> float:
    """How long a dispatch goes on starting sends after its claim: well within the claim."""
    return min(MAIL_BATCH_SECONDS, claim_seconds() / 2)


def next_try(attempts: int) -> datetime | None:
    """Return when a mail that failed its ATTEMPTS-th try is tried again; None: give it up."""
    if attempts > MAX_RETRIES:
        return None
    return timezone.now() + timedelta(seconds=retry_wait_seconds(attempts))


def claim(*, limit: int = BATCH_SIZE) -> list[OutboxMail]:
    """Claim up to LIMIT pending, due mails that no live dispatch holds; oldest due first."""
    now = timezone.now()
    with transaction.atomic():
        mails = list(
            OutboxMail.objects.select_for_update(skip_locked=True)
            .filter(state=OutboxMail.State.PENDING, next_attempt_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
            .order_by("next_attempt_at", "pk")
            .only(*MAIL_FIELDS)[:limit]
        )
        if mails:
            OutboxMail.objects.filter(pk__in=[mail.pk for mail in mails]).update(
                claimed_until=now + timedelta(seconds=claim_seconds())
            )
    return mails


def dispatch(*, in_process: bool | None = None) -> dict[str, int]:
    """Send what is due: one batch with a worker, everything due IN_PROCESS (eager tasks).

    Safe to run any number of times, also at once: each mail goes to one dispatch only.
    Returns how many mails it claimed, sent, left to a retry, gave up and released untried
    (counts of nought left out).
    """
    if in_process is None:
        in_process = bool(current_app.conf.task_always_eager)
    totals: Counter = Counter()
    while mails := claim():
        full = len(mails) == BATCH_SIZE
        if full and not in_process:
            _hand_on()  # there may be more: another pool process takes the next batch
        outcome = deliver(mails, next_try=next_try, seconds=batch_seconds())
        totals.update(
            claimed=len(mails),
            sent=len(outcome.sent),
            retrying=len(outcome.retrying),
            given_up=len(outcome.given_up),
            untried=len(outcome.untried),
        )
        if in_process:
            continue  # until nothing is due
        if outcome.untried and not full:
            _hand_on()  # out of time: what it released is due now
        if outcome.retrying:
            _hand_on(at=min(outcome.retrying.values()))
        break
    return {name: count for name, count in totals.items() if count}


def dispatch_soon(*, countdown: float | None = None) -> None:
    """Start a dispatch: a task for a worker, or in this process when tasks are eager.

    In-process a dispatch runs now, and one COUNTDOWN seconds ahead is not started at all (a
    web process has no timer): what waits is sent by the next dispatch. A dispatch started
    by a dispatch goes to the queue this one came from.
    """
    app = current_app
    if app.conf.task_always_eager:
        if countdown is None:
            dispatch(in_process=True)
        return
    app.send_task(DISPATCH_TASK, countdown=countdown, **_same_route())


def _same_route() -> dict:
    """Return the options that send a task where the running task came from (as Task.retry
    does), or none outside a task."""
    info = (current_task.request.delivery_info or {}) if current_task else {}
    if info.get("exchange") == "" and info.get("routing_key"):
        return {"queue": info["routing_key"]}
    return {name: info[name] for name in ("exchange", "routing_key") if info.get(name)}


def _hand_on(*, at: datetime | None = None) -> None:
    """Start another dispatch (at AT); if the broker cannot be reached, beat's will do."""
    countdown = None
    if at is not None:
        wait = (at - timezone.now()).total_seconds() + RETRY_SLACK_SECONDS
        countdown = min(max(wait, 0.0), longest_countdown_seconds())
    try:
        dispatch_soon(countdown=countdown)
    except Exception:
        logger.exception("Could not start another outbox dispatch; the next one sends the rest")
