"""System checks on the mail settings: a portal that cannot send mail must not start quietly.

They run before migrate and runserver (registered in initiatives/apps.py), so a set-up
without a mail destination or with a sender address the mail server would refuse stops
there with the fix in the message, not at the first resident who waits for a link.
"""

import email.policy

from django.conf import settings
from django.core.checks import Error, register
from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend

from config.mail_settings import NOWHERE


@register("mail")
def mail_destination_check(app_configs=None, **kwargs) -> list[Error]:
    if settings.MAIL_DESTINATION != NOWHERE or _backend_overridden():
        return []
    return [
        Error(
            "No mail destination: EMAIL_HOST is not set and the local mailbox is off "
            "(MAILBOX_ENABLED is off, as it is by default when DJANGO_DEBUG=0).",
            hint=(
                "Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, "
                "EMAIL_USE_TLS) to your mail server. Only for a demo: MAILBOX_ENABLED=1 keeps "
                "every mail in the local mailbox, readable by signed-in functional "
                "administrators at /dev/mailbox/."
            ),
            id="config.E001",
        )
    ]


@register("mail")
def default_from_email_check(app_configs=None, **kwargs) -> list[Error]:
    """Read DEFAULT_FROM_EMAIL as Django's SMTP backend does when it sends a mail."""
    address = settings.DEFAULT_FROM_EMAIL
    try:
        # prep_address is what refuses "Dromen.Doen <...>" at sending time; the backend
        # is only built here, it connects to nothing.
        EmailBackend(alias="config.E002", host="localhost").prep_address(address)
        EmailMessage("check", "check", address, ["check@example.org"]).message(
            policy=email.policy.SMTP
        )
    except (ValueError, TypeError) as exc:
        return [
            Error(
                f"DEFAULT_FROM_EMAIL cannot be sent: {exc}",
                hint=(
                    "Give one address, with a display name in double quotes if it has a "
                    'period or a comma, e.g. DEFAULT_FROM_EMAIL=\'"Gemeente Heusden" '
                    "<dromen@heusden.nl>'."
                ),
                id="config.E002",
            )
        ]
    return []


def _backend_overridden() -> bool:
    """Return whether MAILERS was set to something else (MAIL_BACKEND, a test's settings)."""
    backend = settings.MAILERS.get("default", {}).get("BACKEND", "")
    return backend != "config.mail_backends.NoDestinationBackend"
