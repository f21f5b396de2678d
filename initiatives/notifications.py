"""Mails to residents and staff, written to the outbox first and sent after commit."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from accounts.models import User
from initiatives.models import Dream, OutboxMail


def mail_queue(
    *, to: User, template: str, context: dict | None = None, dream: Dream | None = None
) -> OutboxMail:
    """Render mail TEMPLATE in the recipient's language, store it, and send it after commit.

    The outbox row is written in the caller's transaction: when that rolls back,
    nothing is sent; when it commits, the delivery task is enqueued.
    """
    full_context = {
        "recipient": to,
        "dream": dream,
        "site_url": settings.SITE_URL,
        "municipality_name": settings.MUNICIPALITY_NAME,
        **(context or {}),
    }
    with translation.override(to.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"mail/{template}_subject.txt", full_context)
        body_text = render_to_string(f"mail/{template}.txt", full_context)
        body_html = render_to_string(f"mail/{template}.html", full_context)
    mail = OutboxMail.objects.create(
        to_email=to.email,
        subject=" ".join(subject.split())[:200],
        body_text=body_text,
        body_html=body_html,
        dream=dream,
    )
    transaction.on_commit(lambda: _enqueue(mail.pk), robust=True)
    return mail


def _enqueue(outbox_id: int) -> None:
    from initiatives.tasks import mail_deliver

    mail_deliver.delay(outbox_id)
