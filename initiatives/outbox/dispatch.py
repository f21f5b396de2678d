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

A dispatch goes on claiming batch after batch until a claim comes back short of a full
batch, so nothing more was due, and no retry of its own is due yet (or, with a Celery
worker, until batch_seconds() have passed: then it hands on to a new dispatch and ends).
It does not claim once more to find nothing: a mail committed after its last claim has a
kick of its own, which starts a dispatch or finds one waiting that has yet to claim
(kick.py, waiting.py). With commits one by one most dispatches take one short batch, and
that empty claim was a transaction of its own for each.
With a worker, a full batch first hands on, so that the pool shares a burst; a handed-on
dispatch, like a commit's kick, is published only when none is waiting in the queue already
(waiting.py), so a burst of commits or batches keeps at most one dispatch waiting, not one
per commit. When it leaves retries waiting it starts one at the earliest retry, so retries
do not wait for beat. None of this is needed for correctness: beat runs a dispatch every
minute. In-process (the embedded default: tasks always eager) a retry waits for the next
dispatch (the next mail's commit, or `manage.py run_scheduled_jobs`).
"""

import logging
from collections import Counter
from datetime import datetime, timedelta
from time import monotonic, sleep

from celery import current_app, current_task
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from initiatives.models import OutboxMail
from initiatives.outbox import waiting
from initiatives.outbox.delivery import (
    MAIL_BATCH_SECONDS,
    MAIL_FIELDS,
    close_mailer,
    deliver,
    open_mailer,
)

logger = logging.getLogger(__name__)

DISPATCH_TASK = "initiatives.tasks.outbox_dispatch"  # published by name: no import of tasks
# A dispatch claims and sends at most this many mails at a time. A task costs Celery about
# 1.5 ms and a claim about 1 ms; over 50 mails that is 0.05 ms a mail, little next to
# building, sending and marking each (0.5-0.8 ms of the worker's CPU), and 10,000 mails
# still make 200 batches, enough to share over the pool.
BATCH_SIZE = 50
# With a worker, a dispatch waits this long before it claims. With commits one by one and
# a worker that keeps up, each commit started a dispatch of its own that sent its one mail
# (measured: 287 tasks for 300 commits), and a Celery task costs more than the mail. While
# it waits, the commits of that moment find the flag set and publish nothing (waiting.py),
# and its claim takes their mails together; the mail waits that much longer.
GATHER_SECONDS = 0.05
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
        _walk_the_index()
        mails = list(claimable(now)[:limit])
        if mails:
            OutboxMail.objects.filter(pk__in=[mail.pk for mail in mails]).update(
                claimed_until=now + timedelta(seconds=claim_seconds())
            )
    return mails


def claimable(now: datetime):
    """The mails a claim at NOW may take, oldest due first, skipping those locked by another."""
    return (
        OutboxMail.objects.select_for_update(skip_locked=True)
        .filter(state=OutboxMail.State.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .order_by("next_attempt_at", "pk")
        .only(*MAIL_FIELDS)
    )


def _walk_the_index() -> None:
    """Make this transaction's claim read the pending index in order (PostgreSQL only).

    Every mail sent leaves entries in the partial index of pending mails (outbox_pending_due)
    that point at rows no longer pending, until vacuum removes them. An index scan marks
    each such entry dead the first time it passes it, so the next claim skips it; a bitmap
    scan, which the planner prefers while it thinks few mails are pending, never does, and
    then every claim visits the rows of every mail sent since the last vacuum: measured 98
    ms a claim after 20,000 mails, 0.3 ms once an index scan had passed. (An entry can be
    marked only once no transaction in the database cluster is older than the mail's
    sending: a long transaction anywhere keeps them all, index scan or not.)
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_bitmapscan = off")


def dispatch(*, in_process: bool | None = None) -> dict[str, int]:
    """Send what is due, batch after batch, until a batch is short: nothing more was due.

    With a worker it stops starting batches after batch_seconds() and hands on the rest;
    IN_PROCESS (eager tasks) it goes on until nothing is due. Safe to run any number of
    times, also at once: each mail goes to one dispatch only. Returns how many mails it
    claimed, sent, left to a retry, gave up and released untried (counts of nought left out).
    """
    if in_process is None:
        in_process = bool(current_app.conf.task_always_eager)
    if not in_process:
        # Let the commits of the next moment gather first: while this dispatch has not
        # cleared the flag their kicks publish nothing, and its claim sees their mails.
        sleep(GATHER_SECONDS)
        # Before the first claim: a commit whose kick finds no flag from now on starts a new
        # dispatch, and every one that found it set committed before this claim (waiting.py).
        waiting.clear_waiting(_queue())
    totals: Counter = Counter()
    earliest_retry: datetime | None = None
    deadline = monotonic() + batch_seconds()
    # One mail server connection for the whole dispatch: with commits one by one its batches
    # are small, and a connection (EHLO, perhaps TLS) costs more than a mail.
    mailer = open_mailer()
    try:
        while mails := claim():
            full = len(mails) == BATCH_SIZE
            if full and not in_process:
                _hand_on()  # there may be more: another pool process takes the next batch
            seconds = batch_seconds() if in_process else max(deadline - monotonic(), 0.0)
            outcome = deliver(mails, next_try=next_try, seconds=seconds, mailer=mailer)
            totals.update(
                claimed=len(mails),
                sent=len(outcome.sent),
                retrying=len(outcome.retrying),
                given_up=len(outcome.given_up),
                untried=len(outcome.untried),
            )
            if outcome.retrying:
                soonest = min(outcome.retrying.values())
                earliest_retry = soonest if earliest_retry is None else min(earliest_retry, soonest)
            if not in_process and (outcome.untried or monotonic() > deadline):
                _hand_on()  # out of time: the rest, and what it released, for a fresh dispatch
                break
            if not full and (earliest_retry is None or earliest_retry > timezone.now()):
                break  # nothing more was due at the claim; later commits kick their own
    finally:
        close_mailer(mailer)
    if earliest_retry is not None and not in_process:
        _hand_on(at=earliest_retry)
    return {name: count for name, count in totals.items() if count}


def dispatch_soon(*, countdown: float | None = None) -> None:
    """Start a dispatch: a task for a worker, or in this process when tasks are eager.

    In-process a dispatch runs now, and one COUNTDOWN seconds ahead is not started at all (a
    web process has no timer): what waits is sent by the next dispatch. A dispatch started
    by a dispatch goes to the queue this one came from. One without a countdown is not
    published while another waits in that queue (waiting.py): the waiting one sends it all.
    """
    app = current_app
    if app.conf.task_always_eager:
        if countdown is None:
            dispatch(in_process=True)
        return
    route = _same_route()
    if countdown is not None:
        app.send_task(DISPATCH_TASK, countdown=countdown, **route)
        return
    queue = route.get("queue") or route.get("routing_key") or waiting.default_queue()
    if not waiting.mark_waiting(queue):
        return  # one is waiting: it has not claimed yet, so it sees what just committed
    try:
        app.send_task(DISPATCH_TASK, **route)
    except Exception:
        waiting.clear_waiting(queue)  # none is waiting after all: let the next kick publish
        raise


def _queue() -> str:
    """The queue the running dispatch came from (its flag's), or the default one."""
    route = _same_route()
    return route.get("queue") or route.get("routing_key") or waiting.default_queue()


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
