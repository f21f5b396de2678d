"""The question behind the question (issue 17): what the workspace and the weekly report read
of the situations mapped."""

from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from initiatives.models import Dream, EventKind, TimelineEvent
from initiatives.situation_models import SituationMap
from initiatives.statuses import Status


def dream_situation(dream: Dream) -> SituationMap | None:
    """DREAM's situation as dream_for_staff read it with the dream (no query), None while
    nothing was mapped."""
    try:
        return dream.situation
    except SituationMap.DoesNotExist:
        return None


def _agreed(**filters):
    return TimelineEvent.objects.filter(
        kind=EventKind.STATUS_CHANGED, to_status=Status.IN_PROGRESS, **filters
    )


def situations_mapped_before_plan(start: datetime, end: datetime) -> dict[str, int]:
    """Of the dreams whose plan was agreed from START up to END (the dream went to "In
    progress" for the first time then), count how many had their situation seen on location
    on or before that day ("seen") and how many had not ("not_seen"); "agreed" is both.

    One query, however long the timeline.
    """
    earlier = _agreed(dream=OuterRef("dream"), created_at__lt=OuterRef("created_at"))
    rows = (
        _agreed(created_at__gte=start, created_at__lt=end)
        .exclude(Exists(earlier))
        .order_by("created_at", "id")
        .values_list("dream_id", "created_at", "dream__situation__seen_on_location_on")
    )
    seen_by_dream: dict[int, bool] = {}
    for dream_id, agreed_at, seen_on in rows:
        if dream_id not in seen_by_dream:  # two moves in the same instant: the first counts
            seen_by_dream[dream_id] = seen_on is not None and seen_on <= timezone.localdate(
                agreed_at
            )
    seen = sum(seen_by_dream.values())
    return {"agreed": len(seen_by_dream), "seen": seen, "not_seen": len(seen_by_dream) - seen}
