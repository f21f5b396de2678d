"""Send claimed outbox mails over one mail server connection; mark them a few at a time.

A failed mail is marked at once: its attempt counted with the error and its next try
scheduled (initiatives/outbox/dispatch.py decides when). The mails the server took are
marked sent MARK_EVERY at a time (or once the first of them waited MARK_SECONDS), one
UPDATE each, sent together in one commit: a commit per mail cost more than building and
sending it. A worker killed halfway has marked every mail the server took except those since
its last mark, so at most MARK_EVERY are sent again per pool process; a mail is never
marked sent before the server took it. Each message is written straight to bytes
(message.py) when the backend takes bytes (send_raw), else built by Django.
"""

import logging
import smtplib
from collections import deque
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from time import monotonic

from django.core.mail import mailers
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from initiatives import data_version
from initiatives.models import OutboxMail
from initiatives.outbox.message import envelope_sender, outbox_bytes, outbox_message
from initiatives.tokens import link_tokens_masked

logger = logging.getLogger(__name__)

# A batch starts no further mail after this many seconds; the rest is released for the next
# dispatch. It must end well within its claim (dispatch.claim_seconds) and the task's soft
# time limit (45 s, CELERY_TASK_SOFT_TIME_LIMIT), even when the mail in progress then waits
# out the SMTP timeout (20 s).
MAIL_BATCH_SECONDS = 20.0

# Sent mails are marked this many at a time, in one commit, or sooner once the first of them
# has waited MARK_SECONDS. A commit per mail cost the worker and the database more than
# building and sending the mail; the price is that a worker killed between a send and its
# mark sends those few mails again (at most MARK_EVERY a pool process), never that one is lost.
MARK_EVERY = 10
MARK_SECONDS = 0.1

# Only what building and sending a message needs.
MAIL_FIELDS = ("pk", "to_email", "subject", "body_text", "body_html", "attempts")


@dataclass
class DeliveryOutcome:
    """What one delivery of a batch did, by outbox id."""

    sent: list[int] = field(default_factory=list)
    retrying: dict[int, datetime] = field(default_factory=dict)  # its next try
    given_up: list[int] = field(default_factory=list)
    untried: list[int] = field(default_factory=list)  # released: out of time


def _send(mailer, mail: OutboxMail) -> None:
    """Send MAIL over MAILER: as prebuilt bytes when the backend takes them (send_raw) and
    the mail has the plain shape message.outbox_bytes() writes, else as Django's message."""
    raw = outbox_bytes(mail, linesep=mailer.raw_linesep) if _takes_raw(type(mailer)) else None
    if raw is None:
        mailer.send_messages([outbox_message(mail)])
    else:
        mailer.send_raw(envelope_sender(), [mail.to_email], raw)


@cache
def _takes_raw(backend: type) -> bool:
    """Whether BACKEND sends prebuilt bytes as it sends messages: it has send_raw, from its
    own class or one below the one its send_messages comes from. A subclass that changes
    send_messages alone (a test's mail server that refuses, counts or looks at headers)
    would be passed by send_raw, so it is sent Django's messages."""

    def owner(name: str) -> type | None:
        return next((cls for cls in backend.__mro__ if name in vars(cls)), None)

    raw, messages = owner("send_raw"), owner("send_messages")
    return raw is not None and messages is not None and issubclass(raw, messages)


def mail_error(exc: Exception) -> str:
    """Return what is recorded of EXC on the outbox row: the server's words, or the kind too."""
    if isinstance(exc, (smtplib.SMTPException, OSError)):
        return str(exc)[:2000]
    return f"{type(exc).__name__}: {exc}"[:2000]


def deliver(
    mails: list[OutboxMail], *, next_try, seconds: float | None = None, mailer=None
) -> DeliveryOutcome:
    """Send MAILS (claimed by this dispatch) over one connection; mark them sent a few at a
    time, each few in one commit (MARK_EVERY, MARK_SECONDS). MAILER: the caller's mail
    backend, whose connection stays open for its next batch and which the caller closes
    (close_mailer()); without it one is made and closed here.

    NEXT_TRY(attempts) returns when a mail that failed its ATTEMPTS-th try is tried again, or
    None to give it up. A failed mail does not stop the others; any error counts, not only
    the mail server's: a message that cannot even be built (a header the SMTP backend
    refuses raises ValueError) must count its attempt and show its error, or it waits unseen
    for ever. A mail whose send raised is never marked sent, even if the server took it
    before the connection broke: sent twice rather than lost.
    """
    outcome = DeliveryOutcome()
    deadline = monotonic() + (MAIL_BATCH_SECONDS if seconds is None else seconds)
    own_mailer = mailer is None
    if own_mailer:
        mailer = mailers.default  # a new backend each time: Django keeps none
    remaining = deque(mails)
    unmarked: list[tuple[OutboxMail, datetime]] = []  # sent, and when; not yet marked
    unmarked_since = 0.0
    _marks_without_flush_wait(True)
    marks = connection.cursor()  # one for the batch: a mark runs for every few mails
    try:
        while remaining:
            if (outcome.sent or outcome.retrying or outcome.given_up) and monotonic() > deadline:
                break
            mail = remaining.popleft()
            try:
                mailer.open()  # does nothing while the connection is open
                _send(mailer, mail)
            except Exception as exc:
                if isinstance(exc, (smtplib.SMTPException, OSError)):
                    logger.warning(
                        "Outbox mail %s not sent (try %s): %s", mail.pk, mail.attempts + 1, exc
                    )
                else:
                    logger.exception("Outbox mail %s not sent", mail.pk)
                _mailer_close(mailer)  # its state is unknown now: the next mail starts afresh
                _mark_failed(mail, mail_error(exc), next_try(mail.attempts + 1), outcome)
            else:
                if not unmarked:
                    unmarked_since = monotonic()
                unmarked.append((mail, timezone.now()))
                outcome.sent.append(mail.pk)
                if len(unmarked) >= MARK_EVERY or monotonic() - unmarked_since > MARK_SECONDS:
                    _mark_sent(marks, unmarked)
                    unmarked = []
    finally:
        try:
            _mark_sent(marks, unmarked)  # also when interrupted: what the server took
        finally:
            marks.close()
            if own_mailer:
                _mailer_close(mailer)
            _marks_without_flush_wait(False)
            if remaining:  # out of time, or interrupted: let the next dispatch take them at once
                outcome.untried = [mail.pk for mail in remaining]
                OutboxMail.objects.filter(
                    pk__in=outcome.untried, state=OutboxMail.State.PENDING
                ).update(claimed_until=None)
    return outcome


def _marks_without_flush_wait(on: bool) -> None:
    """Let this connection's marks commit without waiting for the disk (PostgreSQL only).

    A mark is one small commit per mail; waiting for the WAL flush of each would cost more
    than sending the mail. With synchronous_commit off a mark is visible at once and on disk
    within a fraction of a second; only a crash of the database server in that moment can
    lose it, and a lost mark means the mail is sent once more, never that it is lost. The
    claim, and every other write of the portal, keeps the server's setting.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF" if on else "RESET synchronous_commit")


def _mark_sent(cursor, sent: list[tuple[OutboxMail, datetime]]) -> None:
    """Mark SENT (mails, and when the server took each) sent, in one commit (CURSOR: the
    batch's): one UPDATE per mail, sent to the database together (executemany).

    Written as SQL rather than through the ORM: it runs for every mail, and building the
    query each time cost twice the database's own work (0.6 ms against 0.3 ms a mail).
    """
    if not sent:
        return
    updates: dict[tuple[str, ...], list[list]] = {}
    for mail, at in sent:
        changes = {"state": OutboxMail.State.SENT, "sent_at": at, **_links_masked(mail)}
        updates.setdefault(tuple(changes), []).append(
            [*changes.values(), mail.pk, OutboxMail.State.PENDING]
        )
    with transaction.atomic(using=cursor.db.alias):
        for columns, rows in updates.items():
            cursor.executemany(_mark_sent_sql(columns), rows)


@cache
def _mark_sent_sql(columns: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(name)} = %s" for name in columns)
    return (
        f"UPDATE {quote(OutboxMail._meta.db_table)} SET {assignments}, "  # noqa: S608 - names from the model
        "attempts = attempts + 1, claimed_until = NULL WHERE id = %s AND state = %s"
    )


def _links_masked(mail: OutboxMail) -> dict:
    """The body fields of MAIL whose links carry a token, with the tokens hidden.

    Once a mail has gone (or is given up) its stored copy is only a delivery record: a live
    sign-in or dream link in it would let whoever reads the table, or a backup of it, act as
    the resident. The resident's own copy, in their inbox, keeps the working link.
    """
    changes = {}
    for name in ("body_text", "body_html"):
        text = getattr(mail, name)
        masked = link_tokens_masked(text)
        if masked != text:
            changes[name] = masked
    return changes


def _mark_failed(
    mail: OutboxMail, error: str, next_attempt_at: datetime | None, outcome: DeliveryOutcome
) -> None:
    changes = {"attempts": F("attempts") + 1, "last_error": error, "claimed_until": None}
    if next_attempt_at is None:
        changes["state"] = OutboxMail.State.FAILED  # staff see it; /health/ counts it
        changes.update(_links_masked(mail))
        outcome.given_up.append(mail.pk)
    else:
        changes["next_attempt_at"] = next_attempt_at
        outcome.retrying[mail.pk] = next_attempt_at
    updated = OutboxMail.objects.filter(pk=mail.pk, state=OutboxMail.State.PENDING).update(
        **changes
    )
    if updated and next_attempt_at is None:
        # The outbox is left out of the data version (its every send would empty the
        # caches), but the dream's workspace warns about a mail given up: read it anew.
        data_version.shown_write()


def open_mailer():
    """A mail backend for several deliver() calls (one connection); close it with close_mailer()."""
    return mailers.default


def close_mailer(mailer) -> None:
    """Close MAILER's connection; one that is broken already is simply dropped."""
    _mailer_close(mailer)


def _mailer_close(mailer) -> None:
    """Close MAILER's connection; one that is broken already is simply dropped."""
    with suppress(smtplib.SMTPException, OSError):
        mailer.close()
