"""A resident's own dreams and photos, and the realised dreams shown to everyone."""

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from initiatives.models import Decision, Dream, DreamPhoto, EventKind, TimelineEvent
from initiatives.selectors.list_flags import list_flags


def dreams_of_resident(*, resident: User) -> QuerySet[Dream]:
    """Return the resident's own dreams, newest first, ready to list."""
    return (
        Dream.objects.filter(resident=resident)
        .select_related("resident", "neighbourhood", "theme", "contact")
        .order_by("-created_at", "-id")
    )


def dream_for_resident(*, resident: User, pk: int) -> Dream:
    """Return the resident's dream PK with its photos and the events the resident may see,
    and whether it has applications, a plan, partners and its neighbourhood a platform
    (list_flags: the page reads none of those it has nothing of).

    Raises Dream.DoesNotExist for someone else's dream, so it answers 404, not 403.
    """
    public_events = TimelineEvent.objects.filter(public=True).select_related("actor")
    dream = (
        Dream.objects.filter(resident=resident)
        # The resident is RESIDENT (set below, not read again). Issue 18: "from the
        # assembly …"; issue 19: whether it is shared, with the dream.
        .select_related(
            "neighbourhood", "theme", "contact", "assembly_outcome__assembly", "publication"
        )
        .annotate(**list_flags(platform=True))
        .prefetch_related(
            Prefetch("events", queryset=public_events, to_attr="public_events"),
            Prefetch("photos", queryset=DreamPhoto.objects.order_by("created_at", "id")),
        )
        .get(pk=pk)
    )
    dream.resident = resident
    for event in dream.public_events:
        event.shown_actor = event_actor_for_resident(event, dream)
    return dream


def event_actor_for_resident(event: TimelineEvent, dream: Dream) -> User | None:
    """Return who the resident sees behind EVENT on DREAM's timeline and in its mail.

    One face: budget comes from the resident's contact person, also when a manager approved
    it above the limit (staff still see the manager on the workspace timeline). Everyone
    else is who did it: the resident, their MogelijkMaker, the advisor who signed a letter.
    """
    if event.kind == EventKind.GRANT and dream.contact_id is not None:
        return dream.contact
    return event.actor


def decision_signed_for(dream: Dream) -> Decision | None:
    """Return DREAM's signed *not possible* letter, the newest, with who signed it; or None."""
    return (
        dream.decisions.filter(state=Decision.State.SIGNED)
        .select_related("signed_by")
        .order_by("-signed_at", "-id")
        .first()
    )


def photo_for_resident(*, resident: User, dream_pk: int, photo_pk: int) -> DreamPhoto:
    """Return a photo of the resident's own dream; DoesNotExist for anything else."""
    return DreamPhoto.objects.get(pk=photo_pk, dream_id=dream_pk, dream__resident=resident)
