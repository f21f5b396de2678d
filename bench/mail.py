"""Mail throughput: a real Celery worker on Redis delivers outbox mail into a temporary mailbox.

The mails are written as the services write them: all in one transaction (with
notifications.mail_queue), or each in its own (rendered beforehand with mail_render, stored
with mail_store, which is what mail_queue does after rendering). Each commit starts an outbox dispatch unless one is waiting
in the queue already (initiatives/outbox/), which claims the due rows in batches of 50 until
nothing is due, handing on while a batch is full. Measured: from the (first) commit until
the last mail is delivered (its outbox row says "sent"; with the mailbox its .eml file exists).

Each in its own transaction, the mails are written by WRITERS processes at once, as several
web processes commit: one process committing one mail at a time writes fewer mails a second
than a worker delivers, and the figure would be the writer's (so would four that also render
each mail, 2-2.5 ms of CPU, on two cores). The report says how fast they wrote, so a figure
bounded by the writers shows as such.

MAIL_SERVER "smtp" sends to a real SMTP server on loopback (aiosmtpd, in a process of its
own, keeping nothing) through Django's SMTP backend instead of the mailbox's .eml files.
"""

import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from bench import EMAIL_SUFFIX
from bench.load import bench_env, stop
from bench.pages import percentile
from bench.settings import BENCH_QUEUE
from initiatives.models import Dream, OutboxMail
from initiatives.notifications import RenderedMail, mail_queue, mail_render, mail_store
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
    writers: int = 1  # processes writing the mails at once (each in its own transaction)
    mail_server: str = "mailbox"  # or "smtp": aiosmtpd on loopback
    error: str = ""
    # CPU seconds the worker (main process and pool) used per mail delivered: unlike the rate,
    # hardly changed by what else the machine runs.
    worker_cpu_per_mail: float | None = None
    extra: dict = field(default_factory=dict)


TEMPLATE = "staff_resident_replied"
CONTEXT = {"message": "Is er al nieuws over de vergunning? Groet, de buren."}


def _write(dreams: list[Dream], count: int, start: int = 0) -> list[int]:
    ids = []
    for index in range(start, start + count):
        dream = dreams[index % len(dreams)]
        mail = mail_queue(to=dream.contact, template=TEMPLATE, dream=dream, context=CONTEXT)
        ids.append(mail.pk)
    return ids


def _rendered(dreams: list[Dream]) -> dict[int, RenderedMail]:
    """Each dream's mail rendered once, before the clock starts (see _write_each_committed)."""
    return {
        dream.pk: mail_render(to=dream.contact, template=TEMPLATE, dream=dream, context=CONTEXT)
        for dream in dreams
    }


def _write_each_committed(
    dream_ids: list[int], rendered: dict[int, RenderedMail], count: int, start: int
) -> None:
    """A writer process: COUNT mails, each in its own transaction (its commit kicks).

    The mails were rendered beforehand and are stored as mail_queue stores them (mail_store:
    the row, then the dispatch after commit). Rendering costs a web process 2-2.5 ms of CPU a
    mail; four writers rendering on these two cores offered fewer mails a second than the
    worker delivers, and the figure was theirs, not the worker's."""
    dreams = list(Dream.objects.filter(pk__in=dream_ids).select_related("contact", "resident"))
    for index in range(start, start + count):
        dream = dreams[index % len(dreams)]
        with transaction.atomic():
            mail_store(to=dream.contact, rendered=rendered[dream.pk], dream=dream)
    connections.close_all()


def _write_in_processes(
    dreams: list[Dream], rendered: dict[int, RenderedMail], mails: int, writers: int
) -> None:
    """Write MAILS (RENDERED), each in its own transaction, from WRITERS forked processes at
    once."""
    connections.close_all()  # a forked child must not share this process's connection
    context = multiprocessing.get_context("fork")
    share = -(-mails // writers)
    ids = [dream.pk for dream in dreams]
    processes = [
        context.Process(
            target=_write_each_committed,
            args=(ids, rendered, min(share, mails - n * share), n * share),
        )
        for n in range(writers)
        if mails - n * share > 0
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise RuntimeError(f"a mail writer process exited with {process.exitcode}")


def _group_cpu_seconds(group: int) -> float:
    """CPU seconds (user and system) used so far by the live processes of process GROUP."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[2]) == group:  # pgrp; then utime and stime at 11 and 12
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _smtp_server() -> tuple[subprocess.Popen, dict]:
    """Start aiosmtpd on loopback, accepting and dropping every mail; return it and the
    worker's environment that sends to it."""
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - aiosmtpd from our own environment
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                stop(server)
                raise RuntimeError("the loopback SMTP server (aiosmtpd) did not start") from None
            time.sleep(0.1)
    env = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "EMAIL_USE_TLS": "0"}
    return server, env


def _sent(first: int, last: int) -> int:
    return OutboxMail.objects.filter(
        pk__gte=first, pk__lte=last, state=OutboxMail.State.SENT
    ).count()


def run_mail(
    *,
    mails: int,
    concurrency: int,
    timeout: float,
    separate_commits: bool = False,
    writers: int = 4,
    mail_server: str = "mailbox",
    log=print,
) -> MailResult:
    """Deliver MAILS outbox mails through one worker: written in one transaction (a bulk job,
    such as the daily email or the silence rule), or with SEPARATE_COMMITS each in its own
    (everyday updates, one change at a time) by WRITERS processes at once, and measured from
    the (first) commit. MAIL_SERVER: "mailbox" (.eml files) or "smtp" (aiosmtpd on loopback)."""
    result = MailResult(
        mails=mails,
        concurrency=concurrency,
        separate_commits=separate_commits,
        writers=writers if separate_commits else 1,
        mail_server=mail_server,
    )
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
    server, destination = (
        None,
        {"MAILBOX_ENABLED": "1", "MAILBOX_DIR": str(mailbox), "EMAIL_HOST": ""},
    )
    if mail_server == "smtp":
        server, destination = _smtp_server()
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
        env=bench_env(MAIL_BACKEND="", **destination),
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
        cpu_before = _group_cpu_seconds(worker.pid)

        rendered = _rendered(dreams) if separate_commits else {}
        started = time.monotonic()
        if separate_commits:
            committed_at = timezone.now()
            before = OutboxMail.objects.order_by("-pk").values_list("pk", flat=True).first()
            _write_in_processes(dreams, rendered, mails, result.writers)
            commit_started = time.monotonic()
            result.write_seconds = commit_started - started
            ids = list(OutboxMail.objects.filter(pk__gt=before).values_list("pk", flat=True))
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
        if delivered:
            result.worker_cpu_per_mail = (_group_cpu_seconds(worker.pid) - cpu_before) / delivered
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
        if server is not None:
            stop(server)
        shutil.rmtree(mailbox, ignore_errors=True)
    how = (
        f"each in its own transaction, {result.writers} writers"
        if separate_commits
        else "in one transaction"
    )
    log(
        f"  {how}, {mail_server}: "
        f"{result.delivered:,} of {mails:,} mails delivered in {result.seconds or 0:.1f} s "
        f"after the first commit: {result.per_second or 0:.0f}/s "
        f"(written in {result.write_seconds or 0:.1f} s, "
        f"enqueued at commit in {result.enqueue_seconds or 0:.1f} s); latency median "
        f"{(result.latency_median or 0) * 1000:.0f} ms, p95 {(result.latency_p95 or 0) * 1000:.0f} ms; "
        f"worker CPU {(result.worker_cpu_per_mail or 0) * 1000:.2f} ms a mail"
    )
    return result
