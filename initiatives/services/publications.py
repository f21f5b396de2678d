"""A resident's consent to share their dream publicly (issue 19): given with the texts written
for publication, the texts changed, the photos chosen, and withdrawn at any time.

Only the resident gives, changes or withdraws consent; staff (a manager or a communications
advisor) can only take a story offline, with a reason, when it must not stay up (a
neighbour's name in the text, say): publication_take_down. The photos are chosen by the resident,
or by staff when the resident allowed it (staff_may_choose_photos): the dream's contact person,
a manager or a communications advisor. Giving and withdrawing consent are public events on the
timeline: the resident and staff both read when it was shared and when it stopped.

The story is published (story_published_at) when the dream is realised while shared: at
consent, or when the dream becomes realised later (services._core._transition). Every change
raises the open-data version, so what the public sees follows at the next request.

Locks: the dream first, then its publication, in every service here.
"""

from collections.abc import Sequence
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role, has_role
from initiatives import open_data_version
from initiatives.exceptions import NotAllowed
from initiatives.models import Dream, DreamPhoto, EventKind
from initiatives.publication_models import Publication, PublicationPhoto
from initiatives.services._core import (
    _lock,
    _notify_resident,
    _record,
    _require_resident,
    _require_role,
    _resident_text,
    is_dream_contact,
)
from initiatives.statuses import Status

TEXT_FIELDS = ("title", "dreamt", "own_part", "helped_by")


class PhotoChoice(NamedTuple):
    """One of the dream's photos in the story: before or after, with its description."""

    photo_id: int
    role: str  # PublicationPhoto.Role
    alt_text: str


def may_share(dream: Dream) -> bool:
    """Whether DREAM may be shared as a story at all: handed in (confirmed) and its resident's
    data still there. The rule the services enforce and the pages offer the section by."""
    return (
        dream.status != Status.UNCONFIRMED
        and dream.submitted_at is not None
        and dream.anonymised_at is None
    )


def _require_may_share(dream: Dream) -> None:
    if may_share(dream):
        return
    if dream.anonymised_at is not None:
        raise NotAllowed(
            _("The personal data of this dream has been removed: it cannot be shared.")
        )
    raise NotAllowed(_("Confirm your dream first; then you can share it."))


def _shared_publication(dream: Dream) -> Publication:
    """Return the (locked) publication of the (locked) DREAM while it is shared."""
    publication = Publication.objects.select_for_update().filter(dream=dream).first()
    if publication is None or not publication.is_shared:
        raise NotAllowed(_("This dream is not shared. Give your consent first."))
    return publication


# What a missing text is told, per field (helped_by may stay empty).
REQUIRED_TEXTS = {
    "title": gettext_noop("Give your story a title."),
    "dreamt": gettext_noop("Write what you dreamt of."),
    "own_part": gettext_noop("Write what you did yourselves."),
}


def _texts_set(publication: Publication, texts: dict[str, str], staff_may_choose_photos: bool):
    """Put TEXTS on PUBLICATION; raise ValidationError per field for a missing or too long
    one (a TextField's max_length is not checked by the model itself)."""
    errors: dict[str, str] = {}
    for name in TEXT_FIELDS:
        value = (texts.get(name) or "").strip()
        limit = Publication._meta.get_field(name).max_length
        if not value and name in REQUIRED_TEXTS:
            errors[name] = _(REQUIRED_TEXTS[name])
        elif len(value) > limit:
            errors[name] = _("Use at most %(limit)d characters; now there are %(count)d.") % {
                "limit": limit,
                "count": len(value),
            }
        setattr(publication, name, value)
    if errors:
        raise ValidationError(errors)
    publication.staff_may_choose_photos = staff_may_choose_photos


@transaction.atomic
def publication_consent(
    *,
    dream: Dream,
    by: User,
    title: str,
    dreamt: str,
    own_part: str,
    helped_by: str = "",
    staff_may_choose_photos: bool = False,
) -> Publication:
    """Share DREAM publicly with the texts the resident wrote for it, by the resident.

    Any status after the hand-in: while the dream is under way the open data lists it; once
    it is realised it is a story. Consent given again after a withdrawal starts afresh.
    Raises ValidationError (per field) for texts that are missing or too long.
    """
    dream = _lock(dream)
    _require_resident(dream, by)
    _require_may_share(dream)
    publication = Publication.objects.select_for_update().filter(dream=dream).first()
    if publication is not None and publication.is_shared:
        raise NotAllowed(_("This dream is already shared. You can change the texts."))
    now = timezone.now()
    if publication is None:
        publication = Publication(dream=dream)
    texts = {"title": title, "dreamt": dreamt, "own_part": own_part, "helped_by": helped_by}
    _texts_set(publication, texts, staff_may_choose_photos)
    publication.consented_at = now
    publication.withdrawn_at = None
    publication.story_published_at = now if dream.status == Status.REALISED else None
    publication.save()
    _record(
        dream=dream,
        kind=EventKind.PUBLISHED,
        public=True,
        actor=by,
        body=_resident_text(
            dream,
            gettext_noop(
                "You agreed to share this dream on the website and in the open data, "
                "with the texts you wrote for it."
            ),
        ),
    )
    open_data_version.bump()
    return publication


@transaction.atomic
def publication_change(
    *,
    dream: Dream,
    by: User,
    title: str,
    dreamt: str,
    own_part: str,
    helped_by: str = "",
    staff_may_choose_photos: bool = False,
) -> Publication:
    """Change the texts of DREAM's shared publication, by the resident; the story keeps its
    date. Raises ValidationError (per field) as publication_consent does."""
    dream = _lock(dream)
    _require_resident(dream, by)
    _require_may_share(dream)
    publication = _shared_publication(dream)
    texts = {"title": title, "dreamt": dreamt, "own_part": own_part, "helped_by": helped_by}
    _texts_set(publication, texts, staff_may_choose_photos)
    publication.save()
    open_data_version.bump()
    return publication


class Shared(NamedTuple):
    """What publication_share did: the publication as saved, and whether this was the
    consent (False: a change of the texts of a publication already shared)."""

    publication: Publication
    consented: bool


@transaction.atomic
def publication_share(
    *,
    dream: Dream,
    by: User,
    title: str,
    dreamt: str,
    own_part: str,
    helped_by: str = "",
    staff_may_choose_photos: bool = False,
) -> Shared:
    """The resident's texts for DREAM: consent when it is not shared, a change of the texts
    while it is. Decided here, on the locked row, not from what a (perhaps old) page showed:
    a form sent from a second tab changes the texts instead of being refused."""
    dream = _lock(dream)
    publication = Publication.objects.filter(dream=dream).first()
    shared = publication is not None and publication.is_shared
    share = publication_change if shared else publication_consent
    saved = share(
        dream=dream,
        by=by,
        title=title,
        dreamt=dreamt,
        own_part=own_part,
        helped_by=helped_by,
        staff_may_choose_photos=staff_may_choose_photos,
    )
    return Shared(saved, consented=not shared)


def may_choose_photos(dream: Dream, publication: Publication | None, user: User) -> bool:
    """Whether USER may choose the photos of DREAM's PUBLICATION: its resident, or, when
    the resident allowed it, its contact person, a manager or a communications advisor."""
    if publication is None or not publication.is_shared:
        return False
    if dream.resident_id == user.pk:
        return True
    if not (publication.staff_may_choose_photos and user.is_active and user.is_staff):
        return False
    return (
        user.is_superuser
        or is_dream_contact(dream, user)
        or has_role(user, Role.MANAGER)
        or has_role(user, Role.COMMUNICATIONS)
    )


def photo_field(photo_id: int, part: str) -> str:
    """The name of the form field for PART ("role" or "alt") of photo PHOTO_ID: refusals
    from publication_photos_set name it, so they are shown beside it."""
    return f"photo-{photo_id}-{part}"


@transaction.atomic
def publication_photos_set(
    *, dream: Dream, by: User, choices: Sequence[PhotoChoice]
) -> list[PublicationPhoto]:
    """Make CHOICES the photos of DREAM's story: each one of the dream's own photos, before
    or after, with a description for people who cannot see it; photos left out are no
    longer in the story. A choice that stays the same keeps who made it.

    Raises ValidationError keyed by photo_field() for an unknown photo, role or a missing
    description, NotAllowed when BY may not choose.
    """
    dream = _lock(dream)
    _require_may_share(dream)
    publication = _shared_publication(dream)
    if not may_choose_photos(dream, publication, by):
        raise NotAllowed(_("The resident has not asked staff to choose the photos."))
    own = set(DreamPhoto.objects.filter(dream=dream).values_list("pk", flat=True))
    errors: dict[str, str] = {}
    wanted: dict[int, PhotoChoice] = {}
    for choice in choices:
        alt_text = " ".join(choice.alt_text.split())
        if choice.photo_id not in own:
            errors[photo_field(choice.photo_id, "role")] = _("This photo is not with this dream.")
        elif choice.role not in PublicationPhoto.Role.values:
            errors[photo_field(choice.photo_id, "role")] = _("Choose before or after.")
        elif not alt_text:
            errors[photo_field(choice.photo_id, "alt")] = _(
                "Describe what the photo shows, for people who cannot see it."
            )
        elif len(alt_text) > 250:
            errors[photo_field(choice.photo_id, "alt")] = _("Use at most 250 characters.")
        else:
            wanted[choice.photo_id] = PhotoChoice(choice.photo_id, choice.role, alt_text)
    if errors:
        raise ValidationError(errors)
    current = {chosen.photo_id: chosen for chosen in publication.photos.all()}
    PublicationPhoto.objects.filter(publication=publication).exclude(
        photo_id__in=list(wanted)
    ).delete()
    now = timezone.now()
    for photo_id, choice in wanted.items():
        chosen = current.get(photo_id)
        if chosen is None:
            chosen = PublicationPhoto(publication=publication, photo_id=photo_id)
        elif (chosen.role, chosen.alt_text) == (choice.role, choice.alt_text):
            continue
        chosen.role, chosen.alt_text = choice.role, choice.alt_text
        chosen.chosen_by, chosen.chosen_at = by, now
        chosen.save()
    publication.save(update_fields=["updated_at"])
    open_data_version.bump()
    return list(PublicationPhoto.objects.filter(publication=publication))


def _empty(publication: Publication, now) -> None:
    """Empty what PUBLICATION shared and mark it withdrawn (its row and dates stay)."""
    for name in TEXT_FIELDS:
        setattr(publication, name, "")
    publication.staff_may_choose_photos = False
    publication.withdrawn_at = now
    publication.story_published_at = None
    publication.save()
    PublicationPhoto.objects.filter(publication=publication).delete()


@transaction.atomic
def publication_withdraw(*, dream: Dream, by: User) -> Publication:
    """Stop sharing DREAM, by the resident, at any time: the texts and the photo choices are
    emptied, the story page and the open data drop it at once."""
    dream = _lock(dream)
    _require_resident(dream, by)
    publication = _shared_publication(dream)
    _empty(publication, timezone.now())
    _record(
        dream=dream,
        kind=EventKind.UNPUBLISHED,
        public=True,
        actor=by,
        body=_resident_text(
            dream,
            gettext_noop(
                "You no longer share this dream. Its page is gone and the open data no "
                "longer shows it."
            ),
        ),
    )
    open_data_version.bump()
    return publication


TAKE_DOWN_REASON_LIMIT = 500


@transaction.atomic
def publication_take_down(*, dream: Dream, by: User, reason: str) -> Publication:
    """Take DREAM's shared publication offline, by a manager or a communications advisor,
    for REASON (for example a neighbour's name in a text): emptied and withdrawn as when the
    resident withdraws it, and a public event tells the resident that staff did it and why.

    Raises ValidationError {"reason": ...} for a missing or too long reason, NotAllowed for
    another role or a dream that is not shared.
    """
    _require_role(by, Role.MANAGER, Role.COMMUNICATIONS)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Write why the story goes offline.")})
    if len(reason) > TAKE_DOWN_REASON_LIMIT:
        raise ValidationError(
            {
                "reason": _("Use at most %(limit)d characters; now there are %(count)d.")
                % {"limit": TAKE_DOWN_REASON_LIMIT, "count": len(reason)}
            }
        )
    dream = _lock(dream)
    publication = Publication.objects.select_for_update().filter(dream=dream).first()
    if publication is None or not publication.is_shared:
        raise NotAllowed(_("This dream is not shared: there is nothing to take offline."))
    _empty(publication, timezone.now())
    event = _record(
        dream=dream,
        kind=EventKind.UNPUBLISHED,
        public=True,
        actor=by,
        body=_resident_text(
            dream,
            gettext_noop(
                "The municipality took this dream's story offline. Its page is gone and "
                "the open data no longer shows it. Why: %(reason)s"
            ),
            reason=reason,
        ),
    )
    # The resident did not do this: they hear it from us, not only on their timeline.
    _notify_resident(dream, event)
    open_data_version.bump()
    return publication


def publications_remove(*, dreams) -> int:
    """Remove the publications of DREAMS and their photo choices (erasure, retention); in
    the caller's transaction. Returns how many there were."""
    removed, _per_model = Publication.objects.filter(dream__in=dreams).delete()
    if removed:
        open_data_version.bump()
    return removed
