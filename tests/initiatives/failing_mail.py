import os
import smtplib
import time
import uuid
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


class CountingBackend(MailboxBackend):
    """A mail server that counts the connections made to it, as SMTP makes them.

    open() makes a connection unless one is open; send_messages() without one opens one
    for the call and closes it after, like Django's SMTP backend. Each connection is a file
    under MAILBOX_DIR/connections/, so the count holds across worker processes.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.connected = False

    def open(self) -> bool:
        if self.connected:
            return False
        folder = Path(settings.MAILBOX_DIR) / "connections"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / uuid.uuid4().hex).touch()
        self.connected = True
        return True

    def close(self) -> None:
        self.connected = False

    def send_messages(self, email_messages) -> int:
        new_connection = self.open()
        try:
            return self.deliver(email_messages)
        finally:
            if new_connection:
                self.close()

    def deliver(self, email_messages) -> int:
        return super().send_messages(email_messages)


def connection_count() -> int:
    """Return how many connections CountingBackend and its kind were asked for."""
    folder = Path(settings.MAILBOX_DIR) / "connections"
    return sum(1 for _ in folder.iterdir()) if folder.exists() else 0


class RefusingBackend(CountingBackend):
    """A mail server that refuses the addresses in REFUSED_MAIL_RECIPIENTS (comma-separated),
    as a server refuses a mailbox it does not know, and delivers the rest."""

    def deliver(self, email_messages) -> int:
        refused = set(filter(None, os.environ.get("REFUSED_MAIL_RECIPIENTS", "").split(",")))
        for message in email_messages:
            unknown = {to: (550, b"5.1.1 no such mailbox") for to in message.to if to in refused}
            if unknown:
                raise smtplib.SMTPRecipientsRefused(unknown)
        return super().deliver(email_messages)


class VanishingBackend(CountingBackend):
    """A mail server that goes away in the middle of a connection, and comes back later.

    It takes SERVER_GONE_AFTER_MESSAGES messages (3), drops the connection while the next
    one is sent, and refuses new connections for SERVER_GONE_SECONDS (0.5) after that. The
    count and the moment hold across worker processes (files under MAILBOX_DIR/server/).
    """

    def open(self) -> bool:
        gone_at = self._gone_at()
        if gone_at and time.time() < gone_at + float(os.environ.get("SERVER_GONE_SECONDS", "0.5")):
            raise ConnectionRefusedError(111, "Connection refused")
        return super().open()

    def deliver(self, email_messages) -> int:
        folder = Path(settings.MAILBOX_DIR) / "server"
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            if not self.connected:
                raise smtplib.SMTPServerDisconnected("please run connect() first")
            taken = int(os.environ.get("SERVER_GONE_AFTER_MESSAGES", "3"))
            if not self._gone_at() and _attempt_number(folder, "message") > taken:
                (folder / "gone").write_text(str(time.time()))
                self.connected = False  # the socket is closed; open() must come first
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            super().deliver([message])
        return len(email_messages)

    @staticmethod
    def _gone_at() -> float | None:
        path = Path(settings.MAILBOX_DIR) / "server" / "gone"
        return float(path.read_text()) if path.exists() and path.read_text() else None


class SlowBackend(CountingBackend):
    """A mail server that takes SLOW_MAIL_SECONDS (0.02) for each message."""

    def deliver(self, email_messages) -> int:
        for message in email_messages:
            time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "0.02")))
            super().deliver([message])
        return len(email_messages)
