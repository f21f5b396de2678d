"""Mails to residents and staff, written to the outbox first and sent after commit.

Nothing is sent from inside a transaction: the outbox row is written with the change
that caused it, and a dispatch is started once that change has committed
(initiatives/outbox/). If the broker is down at that moment, the row waits for the next
dispatch: Celery beat starts one every minute.
"""

from typing import NamedTuple

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import NotificationMode, StaffNotificationMode, User
from initiatives.models import Dream, OutboxMail
from initiatives.outbox.kick import dispatch_after_commit
from initiatives.tokens import unsubscribe_token_make


def _resident_links(to: User) -> dict:
    if to.is_staff:
        return {}
    return {
        "preferences_url": settings.SITE_URL + reverse("residents:notification_preferences"),
        "unsubscribe_url": settings.SITE_URL
        + reverse("residents:unsubscribe", args=[unsubscribe_token_make(to)]),
    }


def _state_for(to: User, essential: bool) -> str:
    """Return what happens to a mail for TO: sent now, held for the digest, or skipped.

    A staff member's non-essential mail (work that started waiting for them) follows their
    staff choice: at once, or in their daily email; other staff mail always goes at once.
    """
    if essential:
        return OutboxMail.State.PENDING
    if to.is_staff:
        if to.staff_notification_mode == StaffNotificationMode.DAILY:
            return OutboxMail.State.HELD_FOR_DIGEST
        return OutboxMail.State.PENDING
    if to.notification_mode == NotificationMode.DAILY:
        return OutboxMail.State.HELD_FOR_DIGEST
    if to.notification_mode == NotificationMode.ESSENTIAL:
        return OutboxMail.State.SKIPPED
    return OutboxMail.State.PENDING


class RenderedMail(NamedTuple):
    subject: str
    body_text: str
    body_html: str


def mail_render(
    *, to: User, template: str, context: dict | None = None, dream: Dream | None = None
) -> RenderedMail:
    """Render mail TEMPLATE for TO in their language: subject, text and HTML."""
    full_context = {
        "recipient": to,
        "dream": dream,
        "site_url": settings.SITE_URL,
        "municipality_name": settings.MUNICIPALITY_NAME,
        **_resident_links(to),
        **(context or {}),
    }
    with translation.override(to.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"mail/{template}_subject.txt", full_context)
        body_text = render_to_string(f"mail/{template}.txt", full_context)
        body_text += render_to_string("mail/_footer.txt", full_context)
        body_html = render_to_string(f"mail/{template}.html", full_context)
    return RenderedMail(" ".join(subject.split())[:200], body_text, body_html)


def mail_queue(
    *,
    to: User,
    template: str,
    context: dict | None = None,
    dream: Dream | None = None,
    essential: bool = True,
    digest_line: str = "",
) -> OutboxMail:
    """Render mail TEMPLATE in the recipient's language, store it, and send it after commit.

    The outbox row is written in the caller's transaction: when that rolls back,
    nothing is sent; when it commits, a dispatch sends it. A non-essential
    mail follows the resident's choice: at once, in the daily email, or not at all.
    """
    rendered = mail_render(to=to, template=template, context=context, dream=dream)
    return mail_store(
        to=to, rendered=rendered, dream=dream, essential=essential, digest_line=digest_line
    )


def mail_store(
    *,
    to: User,
    rendered: RenderedMail,
    dream: Dream | None = None,
    essential: bool = True,
    digest_line: str = "",
) -> OutboxMail:
    """Store RENDERED for TO in the outbox, in the caller's transaction; sent after commit."""
    state = _state_for(to, essential)
    mail = OutboxMail.objects.create(
        recipient=to,
        to_email=to.email,
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        dream=dream,
        essential=essential,
        digest_line=digest_line,
        state=state,
    )
    if state == OutboxMail.State.PENDING:
        dispatch_after_commit()
    return mail


def mail_queue_to_address(
    *,
    email: str,
    template: str,
    context: dict | None = None,
    dream: Dream | None = None,
    language: str | None = None,
) -> OutboxMail:
    """Store mail TEMPLATE for someone without an account (a partner's contact, a citizens'
    assembly's participant) and send it after commit.

    Written in LANGUAGE (the municipality's by default), without a resident's preferences
    or unsubscribe link: there is no account to hold them. Always essential.
    """
    reader = User(email=email, language=language or settings.LANGUAGE_CODE, is_staff=True)
    rendered = mail_render(to=reader, template=template, context=context, dream=dream)
    mail = OutboxMail.objects.create(
        recipient=None,
        to_email=email,
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        dream=dream,
        essential=True,
        state=OutboxMail.State.PENDING,
    )
    dispatch_after_commit()
    return mail
