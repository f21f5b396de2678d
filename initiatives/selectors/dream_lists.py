"""The dream lists staff work from: the triage queue, overdue and silent dreams, the list."""

from dataclasses import dataclass
from functools import cache

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from initiatives import promises
from initiatives.models import Dream, EventKind, Review, TimelineEvent
from initiatives.search import SEARCH_CONFIG
from initiatives.statuses import OPEN, Status, status_order


def triage_queue() -> QuerySet[Dream]:
    """Return the dreams nobody has picked up yet, oldest first.

    Each has `resident_wrote`: the resident sent a message that no one has read, as no
    MogelijkMaker has the dream yet (services.dream_message_from_resident).
    """
    messages = TimelineEvent.objects.filter(
        dream=OuterRef("pk"), kind=EventKind.MESSAGE_FROM_RESIDENT
    )
    return (
        Dream.objects.filter(status=Status.SUBMITTED)
        .annotate(resident_wrote=Exists(messages))
        .select_related("neighbourhood", "theme")
        .order_by("submitted_at", "id")
    )


def _overdue_q() -> Q:
    """Dreams whose pick-up or first-contact promise is broken today."""
    promised, today = promises.current(), timezone.localdate()
    pick_up_cutoff = promises.pick_up_overdue_before(promised, today)
    contact_cutoff = promises.first_contact_overdue_before(promised, today)
    return Q(status=Status.SUBMITTED, submitted_at__lt=pick_up_cutoff) | Q(
        status=Status.PICKED_UP, first_contact_at__isnull=True, picked_up_at__lt=contact_cutoff
    )


def dreams_pick_up_overdue() -> QuerySet[Dream]:
    """Return submitted dreams whose pick-up promise is broken today."""
    return Dream.objects.filter(_overdue_q() & Q(status=Status.SUBMITTED))


def dreams_first_contact_overdue() -> QuerySet[Dream]:
    """Return picked-up dreams whose first-contact promise is broken today."""
    return Dream.objects.filter(_overdue_q() & Q(status=Status.PICKED_UP))


def _silent_q() -> Q:
    """Open dreams whose resident has had no news for longer than the silence promise."""
    cutoff = promises.silent_since(promises.current(), timezone.now())
    return Q(status__in=OPEN, last_public_update_at__lt=cutoff)


def _with_tension_flag(queryset: QuerySet[Dream]) -> QuerySet[Dream]:
    return queryset.annotate(has_tension=_current_tension())


@cache
def _current_tension() -> Exists:
    """Whether the dream's current review has a tension: built once per process, as the list
    page annotates it twice per request and building it cost more than running it. annotate()
    resolves a copy (with its own copy of the query), so the one built here never changes."""
    current_tension = Review.objects.filter(dream=OuterRef("pk"), is_current=True, has_tension=True)
    return Exists(current_tension)


@dataclass(frozen=True)
class ListSort:
    """A sort of the staff list: its key (ending with the id, so each row has its own place),
    one direction for all of it (so a page can seek past a row's key), and what staff can jump
    to: a day, a first letter or a status."""

    keys: tuple[str, ...]
    descending: bool
    jump: str


LIST_SORTS = {
    "newest": ListSort(("submitted_at", "id"), descending=True, jump="date"),
    "oldest": ListSort(("submitted_at", "id"), descending=False, jump="date"),
    "title": ListSort(("title", "id"), descending=False, jump="letter"),
    "status": ListSort(("status_order", "submitted_at", "id"), descending=False, jump="status"),
    "silent": ListSort(("last_public_update_at", "id"), descending=False, jump="date"),
}
DREAM_SORTS = {
    name: tuple(f"-{key}" if sort.descending else key for key in sort.keys)
    for name, sort in LIST_SORTS.items()
}


def staff_dream_list(
    *,
    user: User,
    statuses: list[str] | None = None,
    neighbourhood: int | None = None,
    theme: int | None = None,
    contact: int | None = None,
    mine: bool = False,
    overdue: bool = False,
    silent: bool = False,
    tension: bool = False,
    query: str = "",
    sort: str = "newest",
) -> QuerySet[Dream]:
    """Return the dreams staff see in the list, filtered; every filter combines with the rest."""
    dreams = Dream.objects.exclude(status=Status.UNCONFIRMED)
    if statuses:
        dreams = dreams.filter(status__in=statuses)
    if neighbourhood:
        dreams = dreams.filter(neighbourhood_id=neighbourhood)
    if theme:
        dreams = dreams.filter(theme_id=theme)
    if contact:
        dreams = dreams.filter(contact_id=contact)
    if mine:
        dreams = dreams.filter(contact=user)
    if overdue:
        dreams = dreams.filter(_overdue_q())
    if silent:
        dreams = dreams.filter(_silent_q())
    dreams = _with_tension_flag(dreams)
    if tension:
        dreams = dreams.filter(has_tension=True)
    query = query.strip()
    if query:
        if connection.vendor == "postgresql":
            # The stored vector (initiatives/search.py), on its GIN index.
            dreams = dreams.filter(
                search_document=SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
            )
        else:  # SQLite, the embedded default: a plain substring match
            dreams = dreams.filter(Q(title__icontains=query) | Q(story__icontains=query))
    if sort == "status":  # in the order a dream goes through, not alphabetically
        dreams = dreams.annotate(status_order=status_order())
    return dreams.select_related("neighbourhood", "theme", "contact").order_by(
        *DREAM_SORTS.get(sort, DREAM_SORTS["newest"])
    )
