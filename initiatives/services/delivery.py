"""Outgoing mail: sending outbox rows to the mail server."""

import logging
import smtplib
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import timedelta
from time import monotonic

from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from initiatives.models import OutboxMail


class MailDeliveryFailed(Exception):
    """Sending a mail failed in a way that may pass: try again later."""


def outbox_sweep(*, grace_seconds: int = 60) -> list[int]:
    """Return the mails still waiting after GRACE_SECONDS, so they can be enqueued again.

    They were written, but their task never reached a worker (say, Redis was down at
    commit time). Enqueueing one twice is harmless: delivery checks the row first.
    """
    cutoff = timezone.now() - timedelta(seconds=grace_seconds)
    return list(
        OutboxMail.objects.filter(state=OutboxMail.State.PENDING, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:5000]
    )


def _outbox_message(mail: OutboxMail) -> EmailMultiAlternatives:
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


def outbox_mail_send(*, outbox_id: int) -> None:
    """Send outbox mail OUTBOX_ID unless it was sent already; safe to call twice."""
    with transaction.atomic():
        mail = OutboxMail.objects.select_for_update().filter(pk=outbox_id).first()
        if mail is None or mail.state != OutboxMail.State.PENDING:
            return
        mail.attempts += 1
        try:
            _outbox_message(mail).send()
        except Exception as exc:
            # Any error, not only the mail server's: a message that cannot even be built
            # (a sender the SMTP backend refuses raises ValueError) must count its attempt,
            # show its error and be retried, or it waits unseen for ever.
            if not isinstance(exc, (smtplib.SMTPException, OSError)):
                logging.getLogger(__name__).exception("Outbox mail %s not sent", mail.pk)
            mail.last_error = _mail_error(exc)
            mail.save(update_fields=["attempts", "last_error"])
            error = mail.last_error
        else:
            mail.state = OutboxMail.State.SENT
            mail.sent_at = timezone.now()
            mail.save(update_fields=["attempts", "state", "sent_at"])
            return
    raise MailDeliveryFailed(error)


def _mail_error(exc: Exception) -> str:
    """Return what is recorded of EXC on the outbox row: the server's words, or the kind too."""
    if isinstance(exc, (smtplib.SMTPException, OSError)):
        return str(exc)[:2000]
    return f"{type(exc).__name__}: {exc}"[:2000]


# A batch stops trying further mails after this many seconds; the rest stay pending and are
# handed out again. Its transaction must end before the task's soft time limit (45 s,
# CELERY_TASK_SOFT_TIME_LIMIT) even when the mail in progress then waits out the SMTP timeout
# (20 s): interrupted, it would roll back and leave mails it had sent unmarked.
MAIL_BATCH_SECONDS = 20.0


@dataclass(frozen=True)
class MailFailure:
    error: str
    attempts: int  # tries so far, this one included


@dataclass
class MailBatchOutcome:
    """What one delivery of a batch of outbox mails did, by outbox id."""

    sent: list[int] = field(default_factory=list)
    failed: dict[int, MailFailure] = field(default_factory=dict)
    untried: list[int] = field(default_factory=list)  # still pending: out of time


def outbox_mails_send(*, outbox_ids: Sequence[int]) -> MailBatchOutcome:
    """Send the outbox mails OUTBOX_IDS that are still waiting, over one mail connection.

    Safe to call twice, also at the same time: the waiting rows are locked while they are
    sent, rows another delivery holds are left to it, and a row that is no longer pending is
    skipped. Each mail is tried once: a failed one counts its attempt and records its error
    and the others are still sent; the caller schedules the retries. A mail whose send
    raised is never marked sent, even if the server took it before the connection broke
    (sent twice rather than lost, as for a single mail).
    """
    outcome = MailBatchOutcome()
    with transaction.atomic():
        mails = list(
            OutboxMail.objects.select_for_update(skip_locked=True)
            .filter(pk__in=list(outbox_ids), state=OutboxMail.State.PENDING)
            .order_by("pk")
            .only("pk", "to_email", "subject", "body_text", "body_html", "attempts")
        )
        if not mails:
            return outcome
        deadline = monotonic() + MAIL_BATCH_SECONDS
        mailer = mailers.default
        try:
            for mail in mails:
                if (outcome.sent or outcome.failed) and monotonic() > deadline:
                    outcome.untried.append(mail.pk)
                    continue
                try:
                    mailer.open()  # does nothing while the connection is open
                    mailer.send_messages([_outbox_message(mail)])
                except (smtplib.SMTPException, OSError) as exc:
                    outcome.failed[mail.pk] = MailFailure(_mail_error(exc), mail.attempts + 1)
                    _mailer_close(mailer)  # its state is unknown now: the next mail starts afresh
                except Exception as exc:
                    # A mail that cannot even be built (or a soft time limit) must not roll
                    # back the batch: the mails sent before it would be sent again.
                    logging.getLogger(__name__).exception("Outbox mail %s not sent", mail.pk)
                    outcome.failed[mail.pk] = MailFailure(_mail_error(exc), mail.attempts + 1)
                    _mailer_close(mailer)
                else:
                    outcome.sent.append(mail.pk)
        finally:
            _mailer_close(mailer)
        if outcome.sent:
            OutboxMail.objects.filter(pk__in=outcome.sent).update(
                state=OutboxMail.State.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1
            )
        by_error: dict[str, list[int]] = {}
        for outbox_id, failure in outcome.failed.items():
            by_error.setdefault(failure.error, []).append(outbox_id)
        for error, ids in by_error.items():  # mostly one error for all: one query
            OutboxMail.objects.filter(pk__in=ids).update(
                attempts=F("attempts") + 1, last_error=error
            )
    return outcome


def _mailer_close(mailer) -> None:
    """Close MAILER's connection; one that is broken already is simply dropped."""
    with suppress(smtplib.SMTPException, OSError):
        mailer.close()


@transaction.atomic
def outbox_mail_mark_failed(*, outbox_id: int, error: str) -> None:
    """Give up on outbox mail OUTBOX_ID after its last try, so staff can see it."""
    OutboxMail.objects.filter(pk=outbox_id, state=OutboxMail.State.PENDING).update(
        state=OutboxMail.State.FAILED, last_error=error[:2000]
    )
