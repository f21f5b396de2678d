"""Helpers for the resident tests."""

from django.core import mail

from initiatives.models import OutboxMail


def mail_as_received(row: OutboxMail) -> str:
    """The text of outbox mail ROW as its recipient got it: once sent, the stored copy has
    its link tokens hidden, so a sent mail is read from the test mailbox."""
    if row.state != OutboxMail.State.SENT:
        return row.body_text
    (sent,) = [m for m in mail.outbox if m.extra_headers.get("X-Outbox-Id") == str(row.pk)]
    return sent.body
