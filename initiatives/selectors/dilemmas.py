"""Dilemmas and exceptions (issue 17): a dream's own, and the managers' page across dreams."""

from django.db.models import QuerySet

from initiatives.dilemma_models import Dilemma
from initiatives.selectors.list_flags import may_have

# The managers' page shows the open items (oldest first, at most DILEMMAS_OPEN_SHOWN) and the items
# discussed most recently (at most
# DILEMMAS_DISCUSSED_SHOWN): one query each, however many there are.
DILEMMAS_OPEN_SHOWN = 100
DILEMMAS_DISCUSSED_SHOWN = 30


def _with_names() -> QuerySet[Dilemma]:
    return Dilemma.objects.select_related("dream", "recorded_by", "discussed_by", "review")


def dilemmas_for_dream(dream) -> list[Dilemma]:
    """DREAM's dilemmas and exceptions, oldest first, with who recorded and discussed them:
    one query (the workspace's panel); none when DREAM was read with them (dream_for_staff:
    dream.dilemma_list) or with has_dilemmas false."""
    listed = getattr(dream, "dilemma_list", None)
    if listed is not None:
        return listed
    if not may_have(dream, "has_dilemmas"):
        return []
    return list(
        Dilemma.objects.filter(dream_id=dream.pk)
        .select_related("recorded_by", "discussed_by", "review")
        .order_by("created_at", "id")
    )


def dilemmas_open(*, shown: int = DILEMMAS_OPEN_SHOWN) -> list[Dilemma]:
    """The dilemmas and exceptions still to discuss, across dreams, oldest first: one query."""
    return list(
        _with_names().filter(outcome=Dilemma.Outcome.OPEN).order_by("created_at", "id")[:shown]
    )


def dilemmas_discussed(*, shown: int = DILEMMAS_DISCUSSED_SHOWN) -> list[Dilemma]:
    """The dilemmas and exceptions discussed most recently, newest outcome first: one query."""
    return list(
        _with_names().exclude(outcome=Dilemma.Outcome.OPEN).order_by("-discussed_at", "-id")[:shown]
    )


def dilemma_for_manager(*, pk: int) -> Dilemma:
    """Dilemma PK with its dream and people; raises Dilemma.DoesNotExist."""
    return _with_names().get(pk=pk)
