"""The portal's own mail backends (config/mail_settings.py chooses one).

NoDestinationBackend is for a portal that was given no mail destination. The system check
config.E001 stops migrate and runserver in that case, but gunicorn and the Celery worker do
not run checks. Mail is then refused with this error, which delivery records on each outbox
row and /health/ reports, instead of being lost without a trace.

SMTPBackend is Django's, able to send a message that is already bytes as well (send_raw):
the outbox builds its mails that way, at a tenth of the cost of Django's message classes
(initiatives/outbox/message.py). A backend without send_raw is sent Django's messages.
"""

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend


class NoDestinationError(RuntimeError):
    pass


class NoDestinationBackend(BaseEmailBackend):
    """Refuse every mail: neither EMAIL_HOST nor the local mailbox is set."""

    def send_messages(self, email_messages) -> int:
        raise NoDestinationError(
            "No mail destination: set EMAIL_HOST for the mail server "
            "(or MAILBOX_ENABLED=1 for a demo)."
        )


class SMTPBackend(EmailBackend):
    """Django's SMTP backend, which can also send a message already in bytes."""

    raw_linesep = "\r\n"  # SMTP's line end: smtplib sends bytes as they are

    def send_raw(self, sender: str, recipients: list[str], message: bytes) -> int:
        """Send MESSAGE (RFC 5322 bytes with CRLF line ends) from SENDER to RECIPIENTS,
        bare addresses, over the open connection (or one opened for it, as send_messages)."""
        with self._lock:
            new_conn_created = self.open()
            if not self.connection or new_conn_created is None:
                return 0  # failed silently on open(), as send_messages
            try:
                self.connection.sendmail(sender, recipients, message)
            finally:
                if new_conn_created:
                    self.close()
        return 1
