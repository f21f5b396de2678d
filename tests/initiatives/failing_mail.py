import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class AlwaysFailingBackend(BaseEmailBackend):
    """A mail server at the edge of the system that refuses every message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("connection refused by test server")
