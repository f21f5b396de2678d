"""
The outbox dispatcher end to end: a real Celery worker process, real Redis, real PostgreSQL.

The rest of the suite runs Celery tasks in-process (tests/conftest.py). Here the test
process publishes to Redis as the web app does, and a `celery worker` subprocess reads the
committed outbox rows from the pytest-django test database and writes each mail it sends
as an .eml file into the test's mailbox folder. Every mail carries the X-Outbox-Id of its
row, so copies are counted per row: sent, lost, duplicated.

Each test uses its own Redis queue (the worker consumes only that queue) and removes the
Redis keys it created when it ends. The figures of every scenario are printed to the
terminal. Without PostgreSQL and Redis the tests are skipped, loudly; with
DROMEN_REQUIRE_SERVICES=1 (as on CI) they fail instead.
"""

import json
import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from email.parser import BytesHeaderParser
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from celery.signals import after_task_publish
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from config.celery import app
from initiatives import services, tasks
from initiatives.models import Dream, OutboxMail
from initiatives.outbox.delivery import MARK_EVERY
from initiatives.outbox.dispatch import BATCH_SIZE, DISPATCH_TASK, MAX_RETRIES
from initiatives.outbox.waiting import WAITING_FLAG_SECONDS
from initiatives.statuses import Status
from tests.factories import DreamFactory, NeighbourhoodFactory, ThemeFactory
from tests.initiatives.failing_mail import connection_count

pytestmark = pytest.mark.django_db(transaction=True)  # the worker only sees committed rows

PROJECT_ROOT = Path(__file__).resolve().parents[3]
CONCURRENCY = 2
RETRY_BASE_SECONDS = 0.1  # the worker's MAIL_RETRY_BASE_SECONDS: waits of 0.1, 0.2, 0.4 … s
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once
# The killed worker's claim, in the test that kills one: its mails are due again after it.
SHORT_CLAIM_SECONDS = 3
ON_COMMIT_LOGGER = "django.db.backends.base"  # logs a robust on_commit callback that failed
# Both the test process and the worker commit without waiting for the disk: a few ms less
# for each of the 2,000 commits of the 1,000 updates. What other sessions see, and when,
# and the row locks are unchanged; only a PostgreSQL crash could lose the last commits.
UNFLUSHED_COMMITS = "-c synchronous_commit=off"


# --- services -------------------------------------------------------------------------------


@pytest.fixture
def live_services():
    """Skip, loudly, without PostgreSQL and Redis; with DROMEN_REQUIRE_SERVICES=1, fail."""
    problems = []
    if connection.vendor != "postgresql":
        problems.append(f"the database is {connection.vendor}, not PostgreSQL (set DATABASE_URL)")
    if not settings.REDIS_URL:
        problems.append("REDIS_URL is not set")
    else:
        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            problems.append(f"Redis at {settings.REDIS_URL} does not answer ({exc})")
    if not problems:
        return
    message = "Mail delivery tests with a real Celery worker were NOT run: " + "; ".join(problems)
    if os.environ.get("DROMEN_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{message}. DROMEN_REQUIRE_SERVICES=1, so they must run.", pytrace=False)
    pytest.skip(f"{message}. Start both (docker-compose.yml) and set DATABASE_URL and REDIS_URL.")


def _rebuild_broker_plumbing() -> None:
    """Make the Celery app build its connections and routes afresh from app.conf."""
    from kombu import pools

    pools.reset()  # closes and forgets every pooled broker connection of this process
    app._pool = None
    app.__dict__.pop("amqp", None)  # the cached sender holds the queue, retry policy and URL


@contextmanager
def celery_conf(**changes) -> Iterator[None]:
    """Apply CHANGES to the Celery app of the test process; restore them afterwards."""
    saved = {name: app.conf[name] for name in changes}
    app.conf.update(changes)
    _rebuild_broker_plumbing()
    try:
        yield
    finally:
        app.conf.update(saved)
        _rebuild_broker_plumbing()


@contextmanager
def failed_enqueues() -> Iterator[list[logging.LogRecord]]:
    """Collect (instead of printing) the errors of on_commit callbacks that raised."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger(ON_COMMIT_LOGGER)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


# --- the worker and what it delivered ---------------------------------------------------------


class Delivery:
    """One test's delivery set-up: its Redis queue, its mailbox and the workers it started."""

    def __init__(self, *, token: str, mailbox: Path, logs: Path, capsys):
        self.token = token
        self.queue = f"dromen-delivery-test-{token}"
        self.mailbox = mailbox
        self.logs = logs
        self.capsys = capsys
        self.redis = redis.Redis.from_url(settings.REDIS_URL)
        self.workers: list[subprocess.Popen] = []
        self.published: list[str] = []

    # workers

    def _database_url(self) -> str:
        db = connection.settings_dict  # inside a test: the test database, "test_" + name
        credentials = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        name = quote(db["NAME"], safe="")
        return f"postgres://{credentials}@{host}/{name}?options={quote(UNFLUSHED_COMMITS)}"

    def start_worker(self, **env: str) -> subprocess.Popen:
        """Start `celery worker` on this test's queue, in its own process group."""
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONPATH": str(PROJECT_ROOT),
            "DATABASE_URL": self._database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "MAILBOX_ENABLED": "1",
            "MAILBOX_DIR": str(self.mailbox),
            "MAIL_RETRY_BASE_SECONDS": str(RETRY_BASE_SECONDS),
            **env,
        }
        for name in ("EMAIL_HOST", "PYTEST_CURRENT_TEST"):
            environment.pop(name, None)
        if "MAIL_BACKEND" not in env:
            environment.pop("MAIL_BACKEND", None)
        number = len(self.workers) + 1
        log = (self.logs / f"worker-{number}.log").open("ab")
        command = [
            *(sys.executable, "-m", "celery", "-A", "config", "worker"),
            *("--loglevel=WARNING", f"--concurrency={CONCURRENCY}", "--pool=prefork"),
            *("-n", f"test-{self.token}-{number}@%h", "-Q", self.queue),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
        ]
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command,
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill takes the pool children too
        )
        log.close()
        self.workers.append(process)
        return process

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        """SIGKILL the worker and its pool children at once, as an OOM killer would."""
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_workers(self) -> None:
        """Stop every worker this test started, pool children included.

        A test ends only once its worker is idle, so a warm shutdown (two seconds a worker)
        would save nothing; what a failed test left in flight is removed by forget().
        """
        for process in self.workers:
            self.kill(process)

    def worker_log(self) -> str:
        text = "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.logs.glob("worker-*.log"))
        )
        return text or "(no worker output)"

    # waiting

    def wait_for(
        self, what: str, condition: Callable[[], object], timeout: float, *, steady: int = 1
    ) -> float:
        """Poll CONDITION until it holds STEADY times in a row; return the seconds it took.

        Fails after TIMEOUT seconds, or at once when the current worker died unexpectedly.
        """
        start = time.monotonic()
        held = 0
        while True:
            held = held + 1 if condition() else 0
            if held >= steady:
                return time.monotonic() - start
            for process in self.workers[-1:]:
                if process.poll() not in (None, -signal.SIGKILL):
                    pytest.fail(f"The worker exited ({process.returncode}):\n{self.worker_log()}")
            if time.monotonic() - start > timeout:
                pytest.fail(f"Timed out after {timeout}s waiting for {what}.\n{self.worker_log()}")
            time.sleep(0.05)

    def in_flight(self) -> set[str]:
        """Return the tags of messages of this queue taken by a worker and not yet acked."""
        tags = set()
        for tag, value in self.redis.hgetall("unacked").items():
            try:
                _message, _exchange, routing_key = json.loads(value)
            except (ValueError, TypeError):
                continue
            if routing_key == self.queue:
                tags.add(tag.decode())
        return tags

    def waiting(self) -> int:
        return self.redis.llen(self.queue)

    def wait_until_idle(self, *, orphans: frozenset[str] = frozenset(), timeout: float) -> float:
        """Wait until the queue is empty and the worker holds no message (retries included).

        ORPHANS are messages a killed worker took and never acknowledged: Redis gives them
        back only after its visibility timeout (an hour), so they are not waited for. The
        state must hold for a few polls: a message just popped from the queue is in neither
        place for an instant.
        """
        return self.wait_for(
            "the worker to finish every task",
            lambda: self.waiting() == 0 and self.in_flight() <= orphans,
            timeout,
            steady=5,
        )

    # the mailbox

    def mail_count(self) -> int:
        return sum(1 for _ in self.mailbox.glob("*.eml"))

    def delivered(self) -> Counter:
        """Return how many copies of each outbox row reached the mailbox (None: unreadable)."""
        copies: Counter = Counter()
        for path in self.mailbox.glob("*.eml"):
            outbox_id = BytesHeaderParser().parsebytes(path.read_bytes())["X-Outbox-Id"]
            copies[int(outbox_id) if outbox_id else None] += 1
        return copies

    def figures(self, expected_ids: set[int]) -> dict[str, int]:
        """Count, for the outbox rows EXPECTED_IDS, what reached the mailbox.

        unexpected: copies of other rows; unreadable: files without an X-Outbox-Id (a
        worker killed while it wrote one would leave it half written).
        """
        copies = self.delivered()
        unreadable = copies.pop(None, 0)
        return {
            "sent": sum(1 for outbox_id in expected_ids if copies[outbox_id]),
            "lost": sum(1 for outbox_id in expected_ids if not copies[outbox_id]),
            "duplicated": sum(n - 1 for n in copies.values() if n > 1),
            "unexpected": sum(
                n for outbox_id, n in copies.items() if outbox_id not in expected_ids
            ),
            "unreadable": unreadable,
        }

    def report(self, scenario: str, **figures) -> None:
        text = ", ".join(
            f"{name.replace('_', ' ')} {value:.1f}"
            if isinstance(value, float)
            else f"{name.replace('_', ' ')} {value}"
            for name, value in figures.items()
        )
        with self.capsys.disabled():
            print(f"\n[delivery] {scenario}: {text}", flush=True)

    # Redis

    def forget(self) -> None:
        """Remove from Redis what this test created, and nothing else."""
        for key in self.redis.scan_iter(match=f"*{self.token}*"):
            self.redis.delete(key)  # the queue, its bindings, the workers' pidbox queues
        for key in self.redis.scan_iter(match="_kombu.binding*"):  # shared binding tables
            kind = self.redis.type(key)
            if kind == b"set":
                mine = [m for m in self.redis.smembers(key) if self.token.encode() in m]
                if mine:
                    self.redis.srem(key, *mine)
            elif kind == b"zset":
                mine = [m for m in self.redis.zrange(key, 0, -1) if self.token.encode() in m]
                if mine:
                    self.redis.zrem(key, *mine)
        for tag, value in self.redis.hgetall("unacked").items():
            if self.token.encode() in value:  # taken by a killed worker, never acknowledged
                self.redis.hdel("unacked", tag)
                self.redis.zrem("unacked_index", tag)


@pytest.fixture
def delivery(live_services, transactional_db, settings, tmp_path, capsys) -> Iterator[Delivery]:
    """Publish to Redis from this process, on a queue of this test; stop its workers after."""
    token = uuid.uuid4().hex[:12]
    logs = tmp_path / "logs"
    logs.mkdir()
    setup = Delivery(token=token, mailbox=Path(settings.MAILBOX_DIR), logs=logs, capsys=capsys)
    setup.mailbox.mkdir(parents=True, exist_ok=True)

    def count(sender=None, **kwargs):
        setup.published.append(sender)

    after_task_publish.connect(count, weak=False)
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")  # see UNFLUSHED_COMMITS
    try:
        with celery_conf(
            task_always_eager=False,
            broker_url=settings.REDIS_URL,
            task_default_queue=setup.queue,
        ):
            yield setup
    finally:
        after_task_publish.disconnect(count)
        setup.stop_workers()
        setup.forget()
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


# --- test data --------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def submitted_dreams(count: int) -> list[Dream]:
    """Return COUNT handed-in dreams, each of its own resident."""
    neighbourhood, theme = NeighbourhoodFactory(name="Drunen"), ThemeFactory(name="Groen")
    residents = User.objects.bulk_create(
        User(email=f"bewoner{n}@example.nl", full_name=f"Bewoner {n}", language="nl")
        for n in range(count)
    )
    return Dream.objects.bulk_create(
        DreamFactory.build(resident=resident, neighbourhood=neighbourhood, theme=theme)
        for resident in residents
    )


def pending_ids() -> set[int]:
    return set(
        OutboxMail.objects.filter(state=OutboxMail.State.PENDING).values_list("pk", flat=True)
    )


def run_beat_dispatch() -> None:
    """Publish a dispatch, as beat does every minute; the worker runs it."""
    tasks.outbox_dispatch.delay()


def nothing_more_is_sent(delivery: "Delivery") -> None:
    """Run a dispatch as beat would and check it sends nothing more."""
    before = delivery.mail_count()
    run_beat_dispatch()
    delivery.wait_until_idle(timeout=30)
    assert delivery.mail_count() == before


class RolledBack(Exception):
    pass


# --- the scenarios ----------------------------------------------------------------------------


def test_a_rolled_back_change_sends_nothing_and_a_committed_one_sends_one_mail(
    delivery, mogelijkmaker
):
    rolled_back, committed = submitted_dreams(2)
    delivery.start_worker()

    with pytest.raises(RolledBack), transaction.atomic():
        services.dream_pick_up(dream=rolled_back, by=mogelijkmaker)
        assert OutboxMail.objects.filter(dream=rolled_back).count() == 1  # written, then undone
        raise RolledBack
    assert not OutboxMail.objects.exists()
    assert delivery.published == []  # nothing was handed to the broker

    start = time.monotonic()
    services.dream_pick_up(dream=committed, by=mogelijkmaker)
    row = OutboxMail.objects.get()
    delivery.wait_for(
        "the committed change's mail",
        lambda: OutboxMail.objects.filter(pk=row.pk, state=OutboxMail.State.SENT).exists(),
        timeout=60,
    )
    seconds = time.monotonic() - start
    delivery.wait_until_idle(timeout=30)

    figures = delivery.figures({row.pk})
    delivery.report(
        "rolled back + committed",
        published=len(delivery.published),
        **figures,
        seconds_to_deliver=seconds,
    )
    assert delivery.published == [DISPATCH_TASK]  # one dispatch for the committed change
    assert figures == {"sent": 1, "lost": 0, "duplicated": 0, "unexpected": 0, "unreadable": 0}
    assert row.to_email == committed.resident.email
    rolled_back.refresh_from_db()
    assert rolled_back.status == Status.SUBMITTED


def test_redis_down_while_100_dreams_change_the_next_dispatches_deliver_each_mail_once(
    delivery, mogelijkmaker
):
    dreams = submitted_dreams(100)
    delivery.start_worker()  # the worker is fine; the web process cannot reach Redis

    outage = celery_conf(
        broker_url=UNREACHABLE_BROKER,
        task_publish_retry=False,
        broker_transport_options={**app.conf.broker_transport_options, "max_retries": 0},
    )
    start = time.monotonic()
    with outage, failed_enqueues() as errors:
        for dream in dreams:
            services.dream_pick_up(dream=dream, by=mogelijkmaker)  # commits, then its kick fails
    outage_seconds = time.monotonic() - start

    assert Dream.objects.filter(status=Status.PICKED_UP).count() == 100  # the changes stand
    ids = pending_ids()
    assert len(ids) == 100, "every change wrote its outbox row"
    assert len(errors) == 100, "every kick failed, was logged and did not undo the change"
    assert "connecting to 127.0.0.1:1" in errors[0].getMessage()
    assert delivery.published == []
    assert delivery.waiting() == 0
    assert delivery.mail_count() == 0

    # Redis is reachable again. Two of beat's dispatches overlap.
    start = time.monotonic()
    run_beat_dispatch()
    run_beat_dispatch()
    delivery.wait_for(
        "100 mails to be sent",
        lambda: not OutboxMail.objects.exclude(state=OutboxMail.State.SENT).exists(),
        timeout=60,
    )
    recovery_seconds = time.monotonic() - start
    delivery.wait_until_idle(timeout=30)

    figures = delivery.figures(ids)
    delivery.report(
        "Redis down for 100 changes",
        written=len(ids),
        failed_kicks=len(errors),
        **figures,
        seconds_of_outage=outage_seconds,
        seconds_to_recover=recovery_seconds,
    )
    assert delivery.published == [DISPATCH_TASK] * 2  # the rest were handed on by the worker
    assert figures == {"sent": 100, "lost": 0, "duplicated": 0, "unexpected": 0, "unreadable": 0}
    assert set(OutboxMail.objects.values_list("attempts", flat=True)) == {1}
    nothing_more_is_sent(delivery)


def test_a_worker_killed_during_1000_updates_loses_nothing_and_resends_at_most_a_few_a_process(
    delivery, mogelijkmaker
):
    """SIGKILL the worker and its pool in the middle of a burst, then restart it.

    500 status changes in one transaction (a bulk job) are being sent when the worker and its
    pool are killed; 500 more are made one by one while it is down.

    Sent mails are marked a few at a time (delivery.MARK_EVERY, or sooner after
    MARK_SECONDS), each few in one commit, so only those the server took since the last mark,
    and the one in the middle of its send, can go out twice: at most MARK_EVERY per pool
    process. The rest the killed pool had claimed is due again once its claim runs out
    (MAIL_CLAIM_SECONDS, short here), and the next dispatch sends it.
    """
    total, kill_at = 1000, 500
    dreams = submitted_dreams(total)
    short_claim = {"MAIL_CLAIM_SECONDS": str(SHORT_CLAIM_SECONDS)}
    slow = {
        "MAIL_BACKEND": "tests.initiatives.failing_mail.SlowBackend",
        "SLOW_MAIL_SECONDS": "0.005",
    }
    first = delivery.start_worker(**short_claim, **slow)

    start = time.monotonic()
    with transaction.atomic():
        for dream in dreams[:kill_at]:
            services.dream_pick_up(dream=dream, by=mogelijkmaker)
    delivery.wait_for("the worker to be busy", lambda: delivery.mail_count() >= 100, timeout=60)
    delivery.kill(first)
    killed_at = timezone.now()
    sent_before_kill = delivery.mail_count()
    orphans = frozenset(delivery.in_flight())  # taken by the killed worker, never acked
    held_at_kill = set(
        OutboxMail.objects.filter(
            state=OutboxMail.State.PENDING, claimed_until__gt=killed_at
        ).values_list("pk", flat=True)
    )
    for dream in dreams[kill_at:]:
        services.dream_pick_up(dream=dream, by=mogelijkmaker)  # queued up in Redis meanwhile
    update_seconds = time.monotonic() - start
    ids = set(OutboxMail.objects.values_list("pk", flat=True))
    assert len(ids) == total

    start = time.monotonic()
    delivery.start_worker(**short_claim, **slow)
    delivery.wait_until_idle(orphans=orphans, timeout=90)  # the backlog is worked off
    still_pending = pending_ids()
    # Beat's next dispatch, once the killed pool's claims have run out.
    time.sleep(max(0.0, SHORT_CLAIM_SECONDS - (timezone.now() - killed_at).total_seconds()))
    run_beat_dispatch()
    delivery.wait_for(
        "every mail to be sent",
        lambda: not OutboxMail.objects.exclude(state=OutboxMail.State.SENT).exists(),
        timeout=60,
    )
    recovery_seconds = time.monotonic() - start
    delivery.wait_until_idle(orphans=orphans, timeout=30)

    figures = delivery.figures(ids)
    duplicated_ids = {i for i, n in delivery.delivered().items() if i is not None and n > 1}
    delivery.report(
        "worker SIGKILLed in a burst of 500, then 500 updates",
        sent_before_kill=sent_before_kill,
        claimed_by_killed_pool=len(held_at_kill),
        pending_after_backlog=len(still_pending),
        **figures,
        seconds_of_updates=update_seconds,
        seconds_to_recover=recovery_seconds,
    )
    # The killed pool held at most a batch per process.
    assert len(held_at_kill) <= CONCURRENCY * BATCH_SIZE
    assert figures["sent"] == total
    assert figures["lost"] == 0
    assert figures["unexpected"] == 0
    assert figures["unreadable"] <= CONCURRENCY
    # Only mails sent since their process's last mark can go out twice: written to the
    # mailbox, but their rows not yet marked sent. At most MARK_EVERY per pool process.
    assert figures["duplicated"] <= CONCURRENCY * MARK_EVERY
    assert duplicated_ids <= held_at_kill
    assert set(OutboxMail.objects.values_list("state", flat=True)) == {OutboxMail.State.SENT}


def test_a_mail_server_that_fails_three_times_delivers_on_the_fourth_try(delivery, mogelijkmaker):
    (dream,) = submitted_dreams(1)
    delivery.start_worker(
        MAIL_BACKEND="tests.initiatives.failing_mail.FlakyBackend", FLAKY_MAIL_FAILURES="3"
    )

    start = time.monotonic()
    services.dream_pick_up(dream=dream, by=mogelijkmaker)
    row = OutboxMail.objects.get()
    delivery.wait_for(
        "the mail to be sent on the fourth try",
        lambda: OutboxMail.objects.filter(pk=row.pk, state=OutboxMail.State.SENT).exists(),
        timeout=60,
    )
    seconds = time.monotonic() - start
    delivery.wait_until_idle(timeout=30)

    row.refresh_from_db()
    figures = delivery.figures({row.pk})
    tries = sorted(p.name for p in (delivery.mailbox / "attempts").iterdir())
    delivery.report(
        "mail server fails 3 times",
        tries=len(tries),
        **figures,
        seconds_to_deliver=seconds,
    )
    assert row.attempts == 4
    assert tries == [f"{row.pk}-{n}" for n in (1, 2, 3, 4)]
    assert figures == {"sent": 1, "lost": 0, "duplicated": 0, "unexpected": 0, "unreadable": 0}
    assert seconds >= RETRY_BASE_SECONDS * (1 + 2 + 4)  # it waited before each retry


def test_a_mail_server_that_always_fails_leaves_the_mail_failed_after_the_last_retry(
    delivery, mogelijkmaker
):
    (dream,) = submitted_dreams(1)
    delivery.start_worker(MAIL_BACKEND="tests.initiatives.failing_mail.AlwaysFailingBackend")

    start = time.monotonic()
    services.dream_pick_up(dream=dream, by=mogelijkmaker)
    row = OutboxMail.objects.get()
    delivery.wait_for(
        "the mail to be given up",
        lambda: OutboxMail.objects.filter(pk=row.pk, state=OutboxMail.State.FAILED).exists(),
        timeout=60,
    )
    seconds = time.monotonic() - start
    delivery.wait_until_idle(timeout=30)

    row.refresh_from_db()
    figures = delivery.figures({row.pk})
    delivery.report(
        "mail server always fails",
        tries=row.attempts,
        state=row.state,
        **figures,
        seconds_to_give_up=seconds,
    )
    assert row.attempts == MAX_RETRIES + 1
    assert row.last_error == "connection refused by test server"
    assert row.sent_at is None
    assert figures == {"sent": 0, "lost": 1, "duplicated": 0, "unexpected": 0, "unreadable": 0}
    nothing_more_is_sent(delivery)  # a failed mail is for staff to look at, not tried again
    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxMail.State.FAILED, MAX_RETRIES + 1)


def test_300_changes_committed_one_by_one_are_each_delivered_once_without_beat(
    delivery, mogelijkmaker
):
    """Everyday updates: each change commits on its own while the worker is busy sending.

    A kick that finds a dispatch waiting in the queue publishes none (waiting.py); the
    waiting one has not claimed yet, so it sends that commit's mail. No beat runs here: a
    mail stranded by a skipped kick would never be sent and the test would time out.
    """
    total = 300
    dreams = submitted_dreams(total)
    delivery.start_worker()
    run_beat_dispatch()  # the worker is up once this one was taken
    delivery.wait_until_idle(timeout=60)
    delivery.published.clear()

    start = time.monotonic()
    for dream in dreams:
        services.dream_pick_up(dream=dream, by=mogelijkmaker)  # its own transaction
    commit_seconds = time.monotonic() - start
    ids = set(OutboxMail.objects.values_list("pk", flat=True))
    delivery.wait_for(
        f"{total} mails to be sent",
        lambda: not OutboxMail.objects.exclude(state=OutboxMail.State.SENT).exists(),
        timeout=60,
    )
    seconds = time.monotonic() - start
    delivery.wait_until_idle(timeout=30)

    figures = delivery.figures(ids)
    delivery.report(
        f"{total} changes committed one by one",
        published=len(delivery.published),
        **figures,
        seconds_of_commits=commit_seconds,
        seconds_to_deliver=seconds,
    )
    assert len(ids) == total
    assert figures == {"sent": total, "lost": 0, "duplicated": 0, "unexpected": 0, "unreadable": 0}
    assert set(OutboxMail.objects.values_list("attempts", flat=True)) == {1}
    assert 1 <= len(delivery.published) <= total


def test_commits_while_no_worker_runs_leave_one_dispatch_waiting_and_it_sends_them_all(
    delivery, mogelijkmaker
):
    total = 100
    dreams = submitted_dreams(total)
    start = time.monotonic()
    for dream in dreams:
        services.dream_pick_up(dream=dream, by=mogelijkmaker)  # each its own commit and kick
    commit_seconds = time.monotonic() - start
    ids = set(OutboxMail.objects.values_list("pk", flat=True))
    # One waits in the queue; only when its flag ran out (a lost dispatch) does a kick add one.
    flags_run_out = int(commit_seconds // WAITING_FLAG_SECONDS)
    assert 1 <= len(delivery.published) <= 1 + flags_run_out
    assert delivery.waiting() == len(delivery.published)

    delivery.start_worker()
    delivery.wait_until_idle(timeout=60)
    figures = delivery.figures(ids)
    delivery.report(
        f"{total} commits, no worker yet",
        published=len(delivery.published),
        **figures,
        seconds_of_commits=commit_seconds,
    )
    assert figures == {"sent": total, "lost": 0, "duplicated": 0, "unexpected": 0, "unreadable": 0}


# --- batches: the mails of one transaction ------------------------------------------------------


def test_many_mails_of_one_transaction_give_one_kick_and_go_out_in_batches_of_50(
    delivery, mogelijkmaker
):
    total = 230
    dreams = submitted_dreams(total)
    delivery.start_worker(MAIL_BACKEND="tests.initiatives.failing_mail.CountingBackend")

    start = time.monotonic()
    with transaction.atomic():  # one transaction; each pick-up is a savepoint within it
        for dream in dreams:
            services.dream_pick_up(dream=dream, by=mogelijkmaker)
        assert delivery.published == []  # nothing before the commit
    ids = set(OutboxMail.objects.values_list("pk", flat=True))
    delivery.wait_for(
        f"{total} mails to be sent",
        lambda: not OutboxMail.objects.exclude(state=OutboxMail.State.SENT).exists(),
        timeout=60,
    )
    seconds = time.monotonic() - start
    delivery.wait_until_idle(timeout=30)

    batches = -(-total // BATCH_SIZE)  # 50, 50, 50, 50 and 30: each full one hands on
    figures = delivery.figures(ids)
    delivery.report(
        f"{total} mails in one transaction",
        published=len(delivery.published),
        connections=connection_count(),
        **figures,
        seconds_to_deliver=seconds,
    )
    assert len(ids) == total
    assert delivery.published == [DISPATCH_TASK]  # one kick at the commit; the worker hands on
    assert figures == {"sent": total, "lost": 0, "duplicated": 0, "unexpected": 0, "unreadable": 0}
    # One mail server connection per dispatch, shared by its batches: a dispatch that takes
    # another batch after its first uses the same one.
    assert 1 <= connection_count() <= batches
    assert set(OutboxMail.objects.values_list("attempts", flat=True)) == {1}


def test_a_refused_recipient_in_a_batch_is_retried_alone_until_failed_and_the_rest_is_sent(
    delivery, mogelijkmaker
):
    dreams = submitted_dreams(10)
    refused = dreams[3].resident.email
    delivery.start_worker(
        MAIL_BACKEND="tests.initiatives.failing_mail.RefusingBackend",
        REFUSED_MAIL_RECIPIENTS=refused,
    )

    start = time.monotonic()
    with transaction.atomic():
        for dream in dreams:
            services.dream_pick_up(dream=dream, by=mogelijkmaker)
    failed = OutboxMail.objects.get(to_email=refused)
    delivery.wait_for(
        "the refused mail to be given up",
        lambda: OutboxMail.objects.filter(pk=failed.pk, state=OutboxMail.State.FAILED).exists(),
        timeout=60,
    )
    seconds = time.monotonic() - start
    delivery.wait_until_idle(timeout=30)

    failed.refresh_from_db()
    others = OutboxMail.objects.exclude(pk=failed.pk)
    figures = delivery.figures(set(others.values_list("pk", flat=True)))
    delivery.report(
        "one refused recipient in a batch of 10",
        published=len(delivery.published),
        tries_of_refused=failed.attempts,
        **figures,
        seconds_to_give_up=seconds,
    )
    assert delivery.published == [DISPATCH_TASK]
    assert figures == {"sent": 9, "lost": 0, "duplicated": 0, "unexpected": 0, "unreadable": 0}
    assert set(others.values_list("state", "attempts")) == {(OutboxMail.State.SENT, 1)}
    assert (failed.state, failed.attempts) == (OutboxMail.State.FAILED, MAX_RETRIES + 1)
    assert "no such mailbox" in failed.last_error
    assert failed.sent_at is None
    # Its own retry schedule: waits of 0.1, 0.2, 0.4, 0.8 and 1.6 s.
    assert seconds >= RETRY_BASE_SECONDS * (2**MAX_RETRIES - 1)
    nothing_more_is_sent(delivery)  # a failed mail is for staff to look at, not tried again


def test_a_server_gone_in_the_middle_of_a_batch_leaves_the_unsent_mails_to_their_retries(
    delivery, mogelijkmaker
):
    dreams = submitted_dreams(10)
    delivery.start_worker(
        MAIL_BACKEND="tests.initiatives.failing_mail.VanishingBackend",
        SERVER_GONE_AFTER_MESSAGES="3",
        SERVER_GONE_SECONDS="0.5",
    )

    start = time.monotonic()
    with transaction.atomic():
        for dream in dreams:
            services.dream_pick_up(dream=dream, by=mogelijkmaker)
    ids = set(OutboxMail.objects.values_list("pk", flat=True))
    delivery.wait_for(
        "every mail to be sent",
        lambda: not OutboxMail.objects.exclude(state=OutboxMail.State.SENT).exists(),
        timeout=60,
    )
    seconds = time.monotonic() - start
    delivery.wait_until_idle(timeout=30)

    attempts = list(OutboxMail.objects.order_by("pk").values_list("attempts", flat=True))
    figures = delivery.figures(ids)
    delivery.report(
        "server gone after 3 of a batch of 10",
        attempts=attempts,
        **figures,
        seconds_to_deliver=seconds,
    )
    assert delivery.published == [DISPATCH_TASK]
    # Had the batch marked a mail it could not send as sent, that mail would be lost.
    assert figures == {"sent": 10, "lost": 0, "duplicated": 0, "unexpected": 0, "unreadable": 0}
    assert attempts[:3] == [1, 1, 1]
    assert min(attempts[3:]) >= 2  # tried again on their own, once the server was back


def test_a_dispatch_run_three_times_at_once_sends_each_mail_once(delivery, mogelijkmaker):
    dreams = submitted_dreams(50)
    with transaction.atomic():  # one kick goes to Redis; no worker is running yet
        for dream in dreams:
            services.dream_pick_up(dream=dream, by=mogelijkmaker)
    ids = sorted(OutboxMail.objects.values_list("pk", flat=True))
    for _ in range(2):  # and two more dispatches wait (beat's, another commit's)
        run_beat_dispatch()
    assert delivery.published == [DISPATCH_TASK] * 3
    assert delivery.waiting() == 3

    # Slow sends keep the first dispatch busy while the second pool process starts.
    delivery.start_worker(
        MAIL_BACKEND="tests.initiatives.failing_mail.SlowBackend", SLOW_MAIL_SECONDS="0.02"
    )
    start = time.monotonic()
    delivery.wait_until_idle(timeout=60)
    seconds = time.monotonic() - start

    figures = delivery.figures(set(ids))
    delivery.report(
        "one batch, 3 dispatches at once",
        connections=connection_count(),
        **figures,
        seconds_to_deliver=seconds,
    )
    assert figures == {"sent": 50, "lost": 0, "duplicated": 0, "unexpected": 0, "unreadable": 0}
    assert set(OutboxMail.objects.values_list("state", "attempts")) == {(OutboxMail.State.SENT, 1)}
    assert connection_count() == 1  # the others found nothing to claim
