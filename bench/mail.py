"""Mail throughput: a real Celery worker on Redis delivers outbox mail into a temporary mailbox.

The mails are written with notifications.mail_queue, as the services write them: all in one
transaction, or each in its own. Each commit starts one outbox dispatch (initiatives/outbox/),
which claims the due rows in batches of 50 and hands on while a batch is full. Measured: from
the (first) commit until the last mail is delivered (its outbox row says "sent" and its .eml
file exists).
"""

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bench import EMAIL_SUFFIX
from bench.load import bench_env, stop
from bench.pages import percentile
from bench.settings import BENCH_QUEUE
from initiatives.models import Dream, OutboxMail
from initiatives.notifications import mail_queue
from initiatives.statuses import OPEN


@dataclass
class MailResult:
    mails: int
    delivered: int = 0
    seconds: float | None = None
    per_second: float | None = None
    latency_median: float | None = None
    latency_p95: float | None = None
    write_seconds: float | None = None
    enqueue_seconds: float | None = None
    files: int = 0
    concurrency: int = 2
    separate_commits: bool = False  # each mail committed on its own, not all in one
    error: str = ""
    extra: dict = field(default_factory=dict)


def _write(dreams: list[Dream], count: int, start: int = 0) -> list[int]:
    ids = []
    for index in range(start, start + count):
        dream = dreams[index % len(dreams)]
        mail = mail_queue(
            to=dream.contact,
            template="staff_resident_replied",
            dream=dream,
            context={"message": "Is er al nieuws over de vergunning? Groet, de buren."},
        )
        ids.append(mail.pk)
    return ids


def _sent(first: int, last: int) -> int:
    return OutboxMail.objects.filter(
        pk__gte=first, pk__lte=last, state=OutboxMail.State.SENT
    ).count()


def run_mail(
    *, mails: int, concurrency: int, timeout: float, separate_commits: bool = False, log=print
) -> MailResult:
    """Deliver MAILS outbox mails through one worker: written in one transaction (a bulk job,
    such as the daily email or the silence rule), or with SEPARATE_COMMITS each in its own
    (everyday updates, one change at a time), and measured from the (first) commit."""
    result = MailResult(mails=mails, concurrency=concurrency, separate_commits=separate_commits)
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.REDIS_URL:
        result.error = "needs REDIS_URL (and tasks not run in-process)"
        return result
    dreams = list(
        Dream.objects.filter(
            status__in=OPEN, contact__isnull=False, resident__email__endswith=EMAIL_SUFFIX
        ).select_related("contact", "resident")[:2000]
    )
    if not dreams:
        result.error = "no generated open dreams to write about"
        return result
    mailbox = Path(tempfile.mkdtemp(prefix="dromen-bench-mailbox-"))
    celery = Path(sys.executable).with_name("celery")
    worker = subprocess.Popen(  # noqa: S603 - our own worker, on the local Redis
        [
            str(celery),
            "-A",
            "config",
            "worker",
            "-Q",
            BENCH_QUEUE,
            "-c",
            str(concurrency),
            "-l",
            "warning",
            "-n",
            f"dromen-bench-{time.time_ns()}@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=settings.BASE_DIR,
        env=bench_env(
            MAILBOX_ENABLED="1", MAILBOX_DIR=str(mailbox), EMAIL_HOST="", MAIL_BACKEND=""
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        # A first mail shows the worker is there, and the queue is empty behind it.
        with transaction.atomic():
            probe = _write(dreams, 1)[0]
        deadline = time.monotonic() + 120
        while _sent(probe, probe) == 0:
            if time.monotonic() > deadline or worker.poll() is not None:
                result.error = "the worker did not deliver a first mail within 120 s"
                return result
            time.sleep(0.2)
        before_files = len(list(mailbox.glob("*.eml")))

        started = time.monotonic()
        if separate_commits:
            committed_at = timezone.now()
            ids = []
            for index in range(mails):
                with transaction.atomic():  # its commit starts a dispatch
                    ids += _write(dreams, 1, start=index)
            commit_started = time.monotonic()
            result.write_seconds = commit_started - started
        else:
            with transaction.atomic():
                ids = _write(dreams, mails)
                commit_started = time.monotonic()
                committed_at = timezone.now()
            # The one dispatch was started while the transaction committed (on_commit).
            enqueued = time.monotonic()
            result.write_seconds = commit_started - started
            result.enqueue_seconds = enqueued - commit_started
        first, last = min(ids), max(ids)
        deadline = commit_started + timeout
        delivered = 0
        while time.monotonic() < deadline:
            delivered = _sent(first, last)
            if delivered >= mails:
                break
            time.sleep(0.2)
        result.delivered = delivered
        moments = list(
            OutboxMail.objects.filter(
                pk__gte=first, pk__lte=last, state=OutboxMail.State.SENT
            ).values_list("created_at", "sent_at")
        )
        result.files = len(list(mailbox.glob("*.eml"))) - before_files
        if moments:
            # From each mail's own commit (its row was written just before); in one
            # transaction, that is the one commit.
            latencies = [
                (sent - (created if separate_commits else committed_at)).total_seconds()
                for created, sent in moments
            ]
            sent_at = [sent for _created, sent in moments]
            span = (max(sent_at) - committed_at).total_seconds()
            result.seconds = span
            result.per_second = len(sent_at) / span if span > 0 else None
            result.latency_median = statistics.median(latencies)
            result.latency_p95 = percentile(latencies, 0.95)
        if delivered < mails:
            result.error = f"only {delivered:,} of {mails:,} delivered within {timeout:.0f} s"
    finally:
        stop(worker)
        shutil.rmtree(mailbox, ignore_errors=True)
    log(
        f"  {'each in its own transaction' if separate_commits else 'in one transaction'}: "
        f"{result.delivered:,} of {mails:,} mails delivered in {result.seconds or 0:.1f} s "
        f"after the first commit: {result.per_second or 0:.0f}/s "
        f"(written in {result.write_seconds or 0:.1f} s, "
        f"enqueued at commit in {result.enqueue_seconds or 0:.1f} s)"
    )
    return result
