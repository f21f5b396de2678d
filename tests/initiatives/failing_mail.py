import os
import smtplib
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

from config.mailbox import MailboxBackend


class AlwaysFailingBackend(BaseEmailBackend):
    """A mail server at the edge of the system that refuses every message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("connection refused by test server")


class FlakyBackend(MailboxBackend):
    """A mail server that drops the connection the first FLAKY_MAIL_FAILURES times (3).

    Attempts are counted per outbox mail (its X-Outbox-Id header) in files under
    MAILBOX_DIR/attempts/, so the count holds across worker processes and restarts.
    After the failures each message is kept in the mailbox like MailboxBackend does.
    """

    def send_messages(self, email_messages) -> int:
        failures = int(os.environ.get("FLAKY_MAIL_FAILURES", "3"))
        folder = Path(settings.MAILBOX_DIR) / "attempts"
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            key = message.extra_headers.get("X-Outbox-Id", "unknown")
            if _attempt_number(folder, key) <= failures:
                raise smtplib.SMTPServerDisconnected("test server dropped the connection")
        return super().send_messages(email_messages)


def _attempt_number(folder: Path, key: str) -> int:
    """Record one more attempt for KEY and return its number (1 for the first)."""
    number = 1
    while True:
        try:
            os.close(os.open(folder / f"{key}-{number}", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            number += 1
        else:
            return number
