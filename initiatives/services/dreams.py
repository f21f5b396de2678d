"""The resident's side of a dream's life: hand it in, confirm it, withdraw it, write to staff."""

from collections.abc import Sequence
from datetime import date

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from initiatives import photos, promises
from initiatives.exceptions import NotAllowed
from initiatives.models import (
    Dream,
    DreamPhoto,
    EventKind,
    Neighbourhood,
    ServicePromises,
    Theme,
    TimelineEvent,
)
from initiatives.notifications import mail_queue
from initiatives.selectors.residents import decision_signed_for
from initiatives.services._core import (
    _lock,
    _notify_staff,
    _record,
    _require_resident,
    _require_transition,
    _transition,
)
from initiatives.services.grants import _release_waiting_grants
from initiatives.services.sign_in import (
    dream_link_build,
    resident_get_or_create,
    sign_in_link_build,
)
from initiatives.statuses import Status, is_open


def service_promises_ensure() -> ServicePromises:
    """Make the one service-promises row from the environment's defaults, if it is missing.

    Run after every `migrate` (initiatives.apps), so the administrator finds it at /beheer/;
    reading the promises (promises.current) never writes.
    """
    row, _created = ServicePromises.objects.get_or_create(pk=1, defaults=promises.defaults())
    return row


def pick_up_deadline(dream: Dream) -> date:
    """Return the day by which the dream is promised to be picked up."""
    return promises.pick_up_deadline(dream.submitted_at, promises.current())


def _mark_submitted(dream: Dream, *, by: User) -> None:
    """Hand in the (locked) DREAM: from now on it is in the triage queue and promises run."""
    dream.submitted_at = timezone.now()
    _transition(
        dream=dream,
        target=Status.SUBMITTED,
        by=by,
        kind=EventKind.SUBMITTED,
        also=["submitted_at"],
        now=dream.submitted_at,
    )
    mail_queue(
        to=dream.resident,
        template="dream_submitted",
        dream=dream,
        context={
            "status_label": Status.SUBMITTED.label,
            "pick_up_deadline": pick_up_deadline(dream),
            "link": dream_link_build(dream),
            "link_days": settings.DREAM_LINK_DAYS,
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
    cleaned = photos.photos_clean(photo_uploads)
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


@transaction.atomic
def dream_hand_in(
    *, signed_in_as: User | None, email: str = "", language: str = "", **dream
) -> Dream:
    """Hand in a dream from the form: all or nothing, the account included.

    A signed-in resident (SIGNED_IN_AS) hands it in at once. Anyone else types an address:
    its account is found or made, and the dream waits until that address confirms it
    (dream_submit). A refused dream leaves no new account behind. DREAM holds
    dream_submit's fields.
    """
    if signed_in_as is not None:
        return dream_submit(resident=signed_in_as, confirmed=True, **dream)
    resident = resident_get_or_create(email=email, language=language)
    return dream_submit(resident=resident, confirmed=False, **dream)


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
def dream_withdraw(*, dream: Dream, by: User, reason: str, tell_contact: bool = True) -> Dream:
    """Withdraw the dream at its resident's request, with their reason on the timeline.

    TELL_CONTACT false leaves the contact person's mail to the caller (an erasure writes it
    once the dream's personal data is gone, so the mail cannot quote it).
    """
    dream = _lock(dream)
    _require_resident(dream, by)
    reason = reason.strip()
    if not reason:
        raise ValueError("A reason is required.")
    _transition(dream=dream, target=Status.WITHDRAWN, by=by, body=reason)
    _release_waiting_grants(dream, by)
    if dream.contact_id and tell_contact:
        mail_queue(
            to=dream.contact,
            template="staff_dream_withdrawn",
            dream=dream,
            context={"reason": reason},
        )
    return dream


def resident_may_write(dream: Dream) -> bool:
    """Whether DREAM's resident can still send a message about it.

    While it is open, and after a *not possible* letter: a "no" is never a dead end, the
    resident can ask a question or disagree (issue 14, item 2).
    """
    return is_open(dream) or dream.status == Status.NOT_POSSIBLE


@transaction.atomic
def dream_message_from_resident(*, dream: Dream, by: User, body: str) -> TimelineEvent:
    """Add the resident's message to the timeline and tell whoever must read it.

    Picked up: their MogelijkMaker. After a *not possible* letter: the communications advisor
    who signed it and the MogelijkMaker. Not picked up yet: no one by mail; the message
    waits with the dream and the triage list shows that the resident wrote, so whoever picks
    the dream up reads it first (selectors.triage_queue).
    """
    dream = _lock(dream)
    _require_resident(dream, by)
    body = body.strip()
    if not body:
        raise ValueError("A message cannot be empty.")
    if not resident_may_write(dream):
        raise NotAllowed(_("You can no longer send messages about this dream."))
    event = _record(
        dream=dream, kind=EventKind.MESSAGE_FROM_RESIDENT, public=True, actor=by, body=body
    )
    if dream.status == Status.NOT_POSSIBLE:
        decision = decision_signed_for(dream)
        readers = [decision.signed_by if decision else None, dream.contact]
        for reader in dict.fromkeys(r for r in readers if r is not None and r.is_active):
            mail_queue(
                to=reader,
                template="staff_decision_replied",
                dream=dream,
                context={"message": body, "decision": decision},
            )
    elif dream.contact_id:
        _notify_staff(
            to=dream.contact,
            template="staff_resident_replied",
            dream=dream,
            context={"message": body},
            digest=gettext_noop("A message from the resident of “%(title)s”."),
            title=dream.title,
        )
    return event


@transaction.atomic
def dream_links_revoke(*, dream: Dream, by: User) -> None:
    """Make the links in every mail about DREAM sent so far stop working, at its resident's
    request (a forwarded or lost mail). Mails sent from now on carry links that work."""
    dream = _lock(dream)
    _require_resident(dream, by)
    Dream.objects.filter(pk=dream.pk).update(access_link_version=F("access_link_version") + 1)
