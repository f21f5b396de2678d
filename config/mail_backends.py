"""The mail backend for a portal that was given no mail destination (config/mail_settings.py).

The system check config.E001 stops migrate and runserver in that case, but gunicorn and
the Celery worker do not run checks. Mail is then refused with this error, which delivery
records on each outbox row and /health/ reports, instead of being lost without a trace.
"""

from django.core.mail.backends.base import BaseEmailBackend


class NoDestinationError(RuntimeError):
    pass


class NoDestinationBackend(BaseEmailBackend):
    """Refuse every mail: neither EMAIL_HOST nor the local mailbox is set."""

    def send_messages(self, email_messages) -> int:
        raise NoDestinationError(
            "No mail destination: set EMAIL_HOST for the mail server "
            "(or MAILBOX_ENABLED=1 for a demo)."
        )
