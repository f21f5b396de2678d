"""CSV exports of the staff dream list, built by a worker into a private file.

A million dreams take about a minute to write, longer than a web request may take: a
request that streamed them was cut off by the server's timeout, and the browser saved a
truncated file as if it were whole. So a large export is a record first (export_request),
built by a worker (export_build) into a private file, and downloaded once it is ready.

Why an export is never served incomplete:

- The worker writes to "<name>.part" and renames it to its final name only after the last
  row was written and the file flushed to disk; only then, in the same locked step, is the
  export marked READY with its row count and byte size. The download serves READY exports
  only, with that size as Content-Length, so a transfer cut off on the way is detectable too.
- A build is one *attempt* and holds a lease (claimed_until), renewed every few seconds
  with the progress. Each renewal and the final step check that the export is still in
  this attempt and BUILDING; if not (the sweep took it back, an erasure discarded it), the
  worker stops and deletes its file.
- A worker that is killed (SIGKILL, out of memory) renews nothing: its lease runs out, and
  exports_sweep (beat, every minute) queues the export once more, or after MAX_ATTEMPTS marks
  it failed, which its page says; the person can ask again. The sweep deletes the part file
  the dead worker left. This is the outbox's lease (initiatives/outbox/dispatch.py), for one
  long job instead of many short ones.

Files expire EXPORT_KEEP_HOURS after they were made (exports_sweep deletes them), and every
file goes when a resident is erased (exports_discard, called by privacy.resident_erase):
an export may hold their dream's title.
"""

import csv
import io
import logging
import os
import time
import uuid
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from celery import current_app
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from accounts.models import User
from initiatives.models import DreamExport
from initiatives.selectors.dream_lists import staff_dream_list
from initiatives.selectors.exports import dream_export_header, dream_export_rows

logger = logging.getLogger(__name__)

State = DreamExport.State

BUILD_TASK = "initiatives.tasks.export_build"  # published by name: no import of tasks
EXPORT_DIR = "exports"  # under MEDIA_ROOT, which is never served: only the download view reads it
PART_SUFFIX = ".part"
# A killed worker's export is built once more; a second death is more likely the export's own
# fault (too large for the worker's memory) than bad luck, so then it is marked failed.
MAX_ATTEMPTS = 2
# The lease is renewed, with the progress, after this many rows or seconds, whichever first.
RENEW_EVERY_ROWS = 5000
RENEW_EVERY_SECONDS = 2.0
# A queued export no worker took within this time is published again (the broker was away
# when it was asked for); a worker that finds it taken does nothing.
REPUBLISH_AFTER_SECONDS = 60
# The build task's own limits (the default, 60 s, is for mail): a million rows take a minute
# or two on a quiet machine.
BUILD_SOFT_TIME_LIMIT = 25 * 60
BUILD_TIME_LIMIT = 30 * 60
# A selection of dreams ticked on the list is answered at once, built whole in memory and sent
# with its length; more than this goes through the worker (the list shows 25 a page).
IMMEDIATE_MAX_DREAMS = 1000

# What the export's page says about a stop; stored untranslated, shown in the reader's language.
STOPPED_TEXT = gettext_noop(
    "Making the file stopped before it was finished. Nothing was made available; ask again."
)
FAILED_TEXT = gettext_noop("Making the file went wrong. Nothing was made available; ask again.")
EXPIRED_TEXT = gettext_noop("The file was deleted: files are kept for a limited time.")
ERASED_TEXT = gettext_noop(
    "The file was deleted: a resident had their personal data removed, and it may have held it."
)


class _AttemptOver(Exception):
    """This attempt no longer owns the export: stop writing, serve nothing."""


# --- writing CSV ----------------------------------------------------------------------------


def csv_safe(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _csv_write(out: TextIO, dreams: QuerySet, *, every=None) -> int:
    """Write DREAMS to OUT as CSV; call EVERY(rows so far) after each row; return the rows.

    A byte-order mark first, as the report's CSV has: without it Dutch Excel reads the file
    as Windows-1252 and "Café" comes out as "CafÃ©".
    """
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(dream_export_header())
    written = 0
    for row in dream_export_rows(dreams):
        writer.writerow([csv_safe(cell) for cell in row])
        written += 1
        if every is not None:
            every(written)
    return written


def dreams_csv_bytes(*, dreams: QuerySet) -> tuple[bytes, int]:
    """Return DREAMS (a small selection) as a whole CSV file in memory, and its row count."""
    out = io.StringIO(newline="")
    rows = _csv_write(out, dreams)
    return out.getvalue().encode("utf-8"), rows


# --- asking and building --------------------------------------------------------------------


@transaction.atomic
def export_request(*, by: User, query_string: str, filters: dict) -> DreamExport:
    """Record BY's request for the dreams FILTERS find (staff_dream_list's keyword arguments,
    plain values only) and start a worker on it once committed."""
    export = DreamExport.objects.create(
        requested_by=by, query_string=query_string[:2000], filters=filters
    )
    transaction.on_commit(lambda: _build_soon(export.pk), robust=True)
    return export


def _build_soon(export_id: int) -> None:
    """Start a build: a task for a worker, or now in this process when tasks are eager."""
    if current_app.conf.task_always_eager:
        export_build(export_id=export_id)
        return
    current_app.send_task(BUILD_TASK, args=[export_id])


def _lease_end():
    return timezone.now() + timedelta(seconds=settings.EXPORT_LEASE_SECONDS)


def _claim(export_id: int) -> DreamExport | None:
    """Start a new attempt at export EXPORT_ID if it is queued; None if it is not (anymore)."""
    with transaction.atomic():
        export = (
            DreamExport.objects.select_for_update(skip_locked=True)
            .filter(pk=export_id, state=State.QUEUED)
            .select_related("requested_by")
            .first()
        )
        if export is None:
            return None
        export.state = State.BUILDING
        export.attempts += 1
        export.claimed_until = _lease_end()
        export.rows_written, export.rows_expected, export.error = 0, None, ""
        # A new name for every attempt: a stopped attempt's part file is never written again.
        export.file = f"{EXPORT_DIR}/{uuid.uuid4().hex}.csv"
        export.save()
    return export


def _this_attempt(export: DreamExport) -> QuerySet:
    return DreamExport.objects.filter(pk=export.pk, state=State.BUILDING, attempts=export.attempts)


def _renew(export: DreamExport, **progress) -> None:
    """Extend the lease of EXPORT's attempt and record PROGRESS; stop if the attempt is over."""
    if not _this_attempt(export).update(claimed_until=_lease_end(), **progress):
        raise _AttemptOver


def _paths(name: str) -> tuple[Path, Path]:
    final = Path(default_storage.path(name))
    return final, final.with_name(final.name + PART_SUFFIX)


def export_build(*, export_id: int) -> str:
    """Build export EXPORT_ID if it is queued: write every row, then mark it ready.

    Safe to run any number of times, also at once: only one attempt holds an export, and
    only the attempt that still holds it at the end marks it ready. Returns what happened.
    """
    export = _claim(export_id)
    if export is None:
        return "not queued"
    final, part = _paths(export.file)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            rows, size = _write(export, part)
        _finish(export, part, final, rows=rows, size=size)
    except _AttemptOver:
        part.unlink(missing_ok=True)
        logger.warning("Export %s: attempt %s was taken back; stopped", export.pk, export.attempts)
        return "taken back"
    except BaseException as exc:  # the soft time limit too: leave nothing behind
        part.unlink(missing_ok=True)
        logger.exception("Export %s failed", export.pk)
        _this_attempt(export).update(
            state=State.FAILED,
            error=FAILED_TEXT,
            claimed_until=None,
            finished_at=timezone.now(),
            file="",
        )
        if not isinstance(exc, Exception):
            raise
        return "failed"
    return "ready"


def _write(export: DreamExport, part: Path) -> tuple[int, int]:
    """Write EXPORT's rows to PART, renewing the lease on the way; return (rows, bytes)."""
    dreams = staff_dream_list(user=export.requested_by, **export.filters)
    _renew(export, rows_expected=dreams.count())
    part.parent.mkdir(parents=True, exist_ok=True)
    last_renewal = time.monotonic()

    def progress(written: int) -> None:
        nonlocal last_renewal
        if written % RENEW_EVERY_ROWS and time.monotonic() - last_renewal < RENEW_EVERY_SECONDS:
            return
        _renew(export, rows_written=written)
        last_renewal = time.monotonic()

    # A 1 MB buffer: one write to the disk per few thousand rows.
    with open(part, "w", encoding="utf-8", newline="", buffering=2**20) as out:
        rows = _csv_write(out, dreams, every=progress)
        out.flush()
        os.fsync(out.fileno())  # on the disk before it is called ready
    return rows, part.stat().st_size


def _finish(export: DreamExport, part: Path, final: Path, *, rows: int, size: int) -> None:
    """Give the complete file its name and mark EXPORT ready, if this attempt still holds it."""
    try:
        with transaction.atomic():
            if not _this_attempt(export).select_for_update().exists():
                raise _AttemptOver
            os.replace(part, final)
            _this_attempt(export).update(
                state=State.READY,
                rows_written=rows,
                rows_expected=rows,
                size=size,
                claimed_until=None,
                finished_at=timezone.now(),
            )
    except BaseException:
        final.unlink(missing_ok=True)  # renamed, but never marked ready: nobody may serve it
        raise


# --- the sweep: stopped workers, expired files ------------------------------------------------


def exports_sweep() -> dict[str, int]:
    """Take back exports whose worker stopped, start what waits, delete expired files.

    Run by beat every minute. A lease that ran out means the worker is gone: its export is
    queued again (a new attempt, a new file) or, after MAX_ATTEMPTS, marked failed.
    """
    now = timezone.now()
    again, failed, leftovers = [], 0, []
    with transaction.atomic():
        for export in DreamExport.objects.select_for_update(skip_locked=True).filter(
            state=State.BUILDING, claimed_until__lte=now
        ):
            if export.file:
                leftovers.append(export.file + PART_SUFFIX)
            export.claimed_until, export.file = None, ""
            if export.attempts < MAX_ATTEMPTS:
                export.state = State.QUEUED
                again.append(export.pk)
            else:
                export.state, export.error, export.finished_at = State.FAILED, STOPPED_TEXT, now
                failed += 1
            export.save()
    _files_delete(leftovers)
    overdue = now - timedelta(seconds=REPUBLISH_AFTER_SECONDS)
    waiting = list(
        DreamExport.objects.filter(state=State.QUEUED)
        .filter(Q(pk__in=again) | Q(created_at__lte=overdue))
        .values_list("pk", flat=True)
    )
    for export_id in waiting:
        try:
            _build_soon(export_id)
        except Exception:
            logger.exception("Could not start export %s; the next sweep tries again", export_id)
    expired = _expire(now)
    orphans = _orphans_delete(now)
    return {
        name: count
        for name, count in {
            "queued_again": len(again),
            "failed": failed,
            "started": len(waiting),
            "expired": expired,
            "orphan_files": orphans,
        }.items()
        if count
    }


def _expire(now) -> int:
    cutoff = now - timedelta(hours=settings.EXPORT_KEEP_HOURS)
    with transaction.atomic():
        done = list(
            DreamExport.objects.select_for_update(skip_locked=True)
            .filter(state=State.READY, finished_at__lte=cutoff)
            .values_list("pk", "file")
        )
        DreamExport.objects.filter(pk__in=[pk for pk, _name in done]).update(
            state=State.EXPIRED, file="", error=EXPIRED_TEXT
        )
        names = [name for _pk, name in done]
        transaction.on_commit(lambda: _files_delete(names))
    return len(done)


def _orphans_delete(now) -> int:
    """Delete files in the export folder that no ready or building export names, once they
    are older than a lease: a crash between a rename and its commit, an erasure's race."""
    try:
        _dirs, files = default_storage.listdir(EXPORT_DIR)
    except FileNotFoundError:
        return 0
    kept = {
        Path(name).name
        for name in DreamExport.objects.filter(state__in=(State.READY, State.BUILDING))
        .exclude(file="")
        .values_list("file", flat=True)
    }
    old = now - timedelta(seconds=settings.EXPORT_LEASE_SECONDS)
    doomed = [
        f"{EXPORT_DIR}/{name}"
        for name in files
        if name.removesuffix(PART_SUFFIX) not in kept
        and default_storage.get_modified_time(f"{EXPORT_DIR}/{name}") < old
    ]
    _files_delete(doomed)
    return len(doomed)


def _files_delete(names: Iterable[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("Could not delete export file %s", name)


def exports_discard() -> int:
    """Delete every export file, ready or being made, and say so on each export's page.

    Called when a resident is erased: any export may hold their dream's title. A worker
    making one finds its attempt over at its next renewal, and deletes its part file
    itself; the part files are deleted here as well. Queued exports stay: they are built
    from the data as it is after the erasure.
    """
    doomed = list(
        DreamExport.objects.select_for_update()
        .filter(state__in=(State.READY, State.BUILDING))
        .values_list("pk", "file")
    )
    DreamExport.objects.filter(pk__in=[pk for pk, _name in doomed]).update(
        state=State.EXPIRED, file="", error=ERASED_TEXT, claimed_until=None
    )
    names = [name for _pk, file in doomed if file for name in (file, file + PART_SUFFIX)]
    transaction.on_commit(lambda: _files_delete(names))
    return len(doomed)
