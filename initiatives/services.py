"""
Everything that changes a dream, its timeline or its mail goes through here.

Each service is keyword-only, runs in one transaction, locks the dream row before
it reads the status, and records what happened on the timeline.
"""

import smtplib
from collections.abc import Sequence
from datetime import date

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from sesame.utils import get_query_string

from accounts.models import User
from initiatives import photos
from initiatives.exceptions import InvalidTransition, NotAllowed
from initiatives.models import (
    Dream,
    DreamPhoto,
    EventKind,
    Neighbourhood,
    OutboxMail,
    Theme,
    TimelineEvent,
)
from initiatives.notifications import mail_queue
from initiatives.statuses import ALLOWED, CLOSED, Status
from initiatives.working_days import add_working_days


class MailDeliveryFailed(Exception):
    """Sending a mail failed in a way that may pass: try again later."""


# --- residents and sign-in links ------------------------------------------------------------


def resident_get_or_create(*, email: str, language: str = "") -> User:
    """Return the account for EMAIL, creating a resident account on first use."""
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, language=language or settings.LANGUAGE_CODE)
    return user


def sign_in_link_build(*, user: User, next_url: str) -> str:
    """Return an absolute one-time sign-in link for USER that lands on NEXT_URL."""
    query = get_query_string(user)  # "?sesame=…": single use, valid SESAME_MAX_AGE seconds
    path = reverse("residents:sign_in_link")
    return f"{settings.SITE_URL}{path}{query}&{urlencode({'next': next_url})}"


@transaction.atomic
def sign_in_link_send(*, email: str, next_url: str = "", language: str = "") -> None:
    """Mail a one-time sign-in link to EMAIL.

    The same happens whether or not the address is known, so the answer never
    tells a stranger who has an account here.
    """
    user = resident_get_or_create(email=email, language=language)
    if not user.is_active:
        return
    link = sign_in_link_build(user=user, next_url=next_url or reverse("residents:my_dreams"))
    mail_queue(
        to=user,
        template="sign_in_link",
        context={"link": link, "minutes": settings.SESAME_MAX_AGE // 60},
    )


# --- the dream's life ------------------------------------------------------------------------


def _lock(dream: Dream) -> Dream:
    return Dream.objects.select_for_update().get(pk=dream.pk)


def _require_transition(dream: Dream, target: str) -> None:
    if target not in ALLOWED[dream.status]:
        raise InvalidTransition(Status(dream.status).label, Status(target).label)


def _record(
    *,
    dream: Dream,
    kind: str,
    public: bool,
    actor: User | None,
    body: str = "",
    from_status: str = "",
    to_status: str = "",
) -> TimelineEvent:
    event = TimelineEvent.objects.create(
        dream=dream,
        kind=kind,
        public=public,
        actor=actor,
        body=body,
        from_status=from_status,
        to_status=to_status,
    )
    if public:
        Dream.objects.filter(pk=dream.pk).update(last_public_update_at=event.created_at)
        dream.last_public_update_at = event.created_at
    return event


def _transition(*, dream: Dream, target: str, by: User | None, body: str = "") -> TimelineEvent:
    """Move the (locked) DREAM to TARGET and record it: the one place that writes a status."""
    _require_transition(dream, target)
    previous = dream.status
    now = timezone.now()
    dream.status = target
    fields = ["status", "updated_at"]
    if target in CLOSED:
        dream.closed_at = now
        fields.append("closed_at")
    dream.save(update_fields=fields)
    return _record(
        dream=dream,
        kind=EventKind.STATUS_CHANGED,
        public=True,
        actor=by,
        body=body,
        from_status=previous,
        to_status=target,
    )


def pick_up_deadline(dream: Dream) -> date:
    """Return the day by which the dream is promised to be picked up."""
    submitted = timezone.localdate(dream.submitted_at or timezone.now())
    return add_working_days(submitted, settings.PROMISE_PICK_UP_WORKING_DAYS)


def _mark_submitted(dream: Dream, *, by: User) -> None:
    dream.status = Status.SUBMITTED
    dream.submitted_at = timezone.now()
    dream.save(update_fields=["status", "submitted_at", "updated_at"])
    _record(
        dream=dream,
        kind=EventKind.SUBMITTED,
        public=True,
        actor=by,
        to_status=Status.SUBMITTED,
    )
    mail_queue(
        to=dream.resident,
        template="dream_submitted",
        dream=dream,
        context={
            "pick_up_deadline": pick_up_deadline(dream),
            "link": sign_in_link_build(
                user=dream.resident,
                next_url=reverse("residents:dream_detail", args=[dream.pk]),
            ),
        },
    )


@transaction.atomic
def dream_submit(
    *,
    resident: User,
    title: str,
    story: str,
    own_contribution: str,
    needs_from_municipality: str,
    neighbourhood: Neighbourhood,
    theme: Theme,
    location: str = "",
    show_publicly: bool = False,
    contact_name: str = "",
    contact_phone: str = "",
    photo_uploads: Sequence[UploadedFile] = (),
    confirmed: bool,
) -> Dream:
    """Hand in a dream for RESIDENT.

    A signed-in resident (CONFIRMED) hands it in at once. Otherwise the dream is
    kept as awaiting confirmation and the resident gets a link to confirm it, so
    nothing typed is lost and no one can hand in dreams in someone else's name.
    """
    if len(photo_uploads) > settings.DREAM_PHOTO_MAX_COUNT:
        raise ValueError("Too many photos.")
    cleaned = [photos.photo_clean(upload) for upload in photo_uploads]
    dream = Dream(
        resident=resident,
        title=title.strip(),
        story=story.strip(),
        own_contribution=own_contribution.strip(),
        needs_from_municipality=needs_from_municipality.strip(),
        neighbourhood=neighbourhood,
        theme=theme,
        location=location.strip(),
        show_publicly=show_publicly,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        status=Status.UNCONFIRMED,
    )
    dream.full_clean()
    dream.save()
    for photo in cleaned:
        DreamPhoto.objects.create(
            dream=dream,
            image=photo.file,
            content_type=photo.content_type,
            width=photo.width,
            height=photo.height,
        )
    if contact_name and not resident.full_name:
        resident.full_name = contact_name.strip()
        resident.save(update_fields=["full_name"])
    if confirmed:
        _mark_submitted(dream, by=resident)
    else:
        link = sign_in_link_build(
            user=resident, next_url=reverse("residents:dream_confirm", args=[dream.pk])
        )
        mail_queue(
            to=resident,
            template="dream_confirm",
            dream=dream,
            context={"link": link, "minutes": settings.SESAME_MAX_AGE // 60},
        )
    return dream


def _require_resident(dream: Dream, by: User) -> None:
    if dream.resident_id != by.pk:
        raise NotAllowed(_("Only the resident who handed in this dream can do this."))


@transaction.atomic
def dream_confirm(*, dream: Dream, by: User) -> Dream:
    """Hand in a dream that was waiting for the resident to confirm their address."""
    dream = _lock(dream)
    _require_resident(dream, by)
    if dream.status != Status.UNCONFIRMED:
        return dream  # a second click on the same link changes nothing
    _require_transition(dream, Status.SUBMITTED)
    _mark_submitted(dream, by=by)
    return dream


@transaction.atomic
def dream_withdraw(*, dream: Dream, by: User, reason: str) -> Dream:
    """Withdraw the dream at its resident's request, with their reason on the timeline."""
    dream = _lock(dream)
    _require_resident(dream, by)
    reason = reason.strip()
    if not reason:
        raise ValueError("A reason is required.")
    _transition(dream=dream, target=Status.WITHDRAWN, by=by, body=reason)
    if dream.contact_id:
        mail_queue(
            to=dream.contact,
            template="staff_dream_withdrawn",
            dream=dream,
            context={"reason": reason},
        )
    return dream


@transaction.atomic
def dream_message_from_resident(*, dream: Dream, by: User, body: str) -> TimelineEvent:
    """Add the resident's message to the timeline and tell their MogelijkMaker."""
    dream = _lock(dream)
    _require_resident(dream, by)
    body = body.strip()
    if not body:
        raise ValueError("A message cannot be empty.")
    if dream.status in CLOSED or dream.status == Status.UNCONFIRMED:
        raise NotAllowed(_("You can no longer send messages about this dream."))
    event = _record(
        dream=dream, kind=EventKind.MESSAGE_FROM_RESIDENT, public=True, actor=by, body=body
    )
    if dream.contact_id:
        mail_queue(
            to=dream.contact,
            template="staff_resident_replied",
            dream=dream,
            context={"message": body},
        )
    return event


# --- outgoing mail ---------------------------------------------------------------------------


def outbox_mail_send(*, outbox_id: int) -> None:
    """Send outbox mail OUTBOX_ID unless it was sent already; safe to call twice."""
    with transaction.atomic():
        mail = OutboxMail.objects.select_for_update().filter(pk=outbox_id).first()
        if mail is None or mail.state != OutboxMail.State.PENDING:
            return
        mail.attempts += 1
        message = EmailMultiAlternatives(
            subject=mail.subject, body=mail.body_text, to=[mail.to_email]
        )
        if mail.body_html:
            message.attach_alternative(mail.body_html, "text/html")
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as exc:
            mail.last_error = str(exc)[:2000]
            mail.save(update_fields=["attempts", "last_error"])
            error = exc
        else:
            mail.state = OutboxMail.State.SENT
            mail.sent_at = timezone.now()
            mail.save(update_fields=["attempts", "state", "sent_at"])
            return
    raise MailDeliveryFailed(str(error))


@transaction.atomic
def outbox_mail_mark_failed(*, outbox_id: int, error: str) -> None:
    """Give up on outbox mail OUTBOX_ID after its last try, so staff can see it."""
    OutboxMail.objects.filter(pk=outbox_id, state=OutboxMail.State.PENDING).update(
        state=OutboxMail.State.FAILED, last_error=error[:2000]
    )
