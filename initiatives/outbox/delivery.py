"""Send claimed outbox mails over one mail server connection, each marked in its own commit.

Each mail is marked as soon as its send returned: sent, or its failed attempt counted with
the error and its next try scheduled (initiatives/outbox/dispatch.py decides when). The
marks are single UPDATEs outside any transaction, so each one commits on its own: a worker
killed halfway has marked every mail the server took before the one in progress, so at most
that one is sent again (one per pool process).
"""

import logging
import smtplib
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from time import monotonic

from django.core.mail import EmailMultiAlternatives, mailers
from django.db import connection
from django.db.models import F
from django.utils import timezone

from initiatives.models import OutboxMail
from initiatives.tokens import link_tokens_masked

logger = logging.getLogger(__name__)

# A batch starts no further mail after this many seconds; the rest is released for the next
# dispatch. It must end well within its claim (dispatch.claim_seconds) and the task's soft
# time limit (45 s, CELERY_TASK_SOFT_TIME_LIMIT), even when the mail in progress then waits
# out the SMTP timeout (20 s).
MAIL_BATCH_SECONDS = 20.0

# Only what building and sending a message needs.
MAIL_FIELDS = ("pk", "to_email", "subject", "body_text", "body_html", "attempts")


@dataclass
class DeliveryOutcome:
    """What one delivery of a batch did, by outbox id."""

    sent: list[int] = field(default_factory=list)
    retrying: dict[int, datetime] = field(default_factory=dict)  # its next try
    given_up: list[int] = field(default_factory=list)
    untried: list[int] = field(default_factory=list)  # released: out of time


def outbox_message(mail: OutboxMail) -> EmailMultiAlternatives:
    """Return the message for outbox row MAIL, as it goes to the mail server."""
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body_text,
        to=[mail.to_email],
        headers={"X-Outbox-Id": str(mail.pk)},  # which row a delivered copy came from
    )
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    return message


def mail_error(exc: Exception) -> str:
    """Return what is recorded of EXC on the outbox row: the server's words, or the kind too."""
    if isinstance(exc, (smtplib.SMTPException, OSError)):
        return str(exc)[:2000]
    return f"{type(exc).__name__}: {exc}"[:2000]


def deliver(mails: list[OutboxMail], *, next_try, seconds: float | None = None) -> DeliveryOutcome:
    """Send MAILS (claimed by this dispatch) over one connection; mark each in its own commit.

    NEXT_TRY(attempts) returns when a mail that failed its ATTEMPTS-th try is tried again, or
    None to give it up. A failed mail does not stop the others; any error counts, not only
    the mail server's: a message that cannot even be built (a header the SMTP backend
    refuses raises ValueError) must count its attempt and show its error, or it waits unseen
    for ever. A mail whose send raised is never marked sent, even if the server took it
    before the connection broke: sent twice rather than lost.
    """
    outcome = DeliveryOutcome()
    deadline = monotonic() + (MAIL_BATCH_SECONDS if seconds is None else seconds)
    mailer = mailers.default
    remaining = list(mails)
    _marks_without_flush_wait(True)
    marks = connection.cursor()  # one for the batch: a mark runs for every mail
    try:
        while remaining:
            if (outcome.sent or outcome.retrying or outcome.given_up) and monotonic() > deadline:
                break
            mail = remaining.pop(0)
            try:
                mailer.open()  # does nothing while the connection is open
                mailer.send_messages([outbox_message(mail)])
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
                _mark_sent(marks, mail)
                outcome.sent.append(mail.pk)
    finally:
        marks.close()
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


def _mark_sent(cursor, mail: OutboxMail) -> None:
    """Mark MAIL sent, in one UPDATE that commits on its own (CURSOR: the batch's).

    Written as SQL rather than through the ORM: it runs once for every mail, and building the
    query each time cost twice the database's own work (0.6 ms against 0.3 ms a mail).
    """
    changes = {"state": OutboxMail.State.SENT, "sent_at": timezone.now(), **_links_masked(mail)}
    cursor.execute(
        _mark_sent_sql(tuple(changes)),
        [*changes.values(), mail.pk, OutboxMail.State.PENDING],
    )


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
    OutboxMail.objects.filter(pk=mail.pk, state=OutboxMail.State.PENDING).update(**changes)


def _mailer_close(mailer) -> None:
    """Close MAILER's connection; one that is broken already is simply dropped."""
    with suppress(smtplib.SMTPException, OSError):
        mailer.close()
