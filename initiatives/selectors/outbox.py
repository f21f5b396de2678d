"""Figures about the mail outbox, for /health/ and staff: oldest waiting, failed, failing now."""

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from initiatives.models import OutboxMail


def outbox_oldest_pending() -> datetime | None:
    """Return when the oldest mail still waiting to be sent was written, or None."""
    return (
        OutboxMail.objects.filter(state=OutboxMail.State.PENDING)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def outbox_failed() -> QuerySet[OutboxMail]:
    """Mails given up on: each is shown on its dream, and counted for the administrator."""
    return OutboxMail.objects.filter(state=OutboxMail.State.FAILED)


def outbox_failed_count() -> int:
    return outbox_failed().count()


# A mail given up on still counts as failing this long after it was written: with workers
# it is given up about 15 minutes after its first try, in-process at once. Long enough for
# monitoring to see it; not so long that one address the server refuses keeps /health/ red
# for days (staff see each given-up mail on its dream and at /beheer/).
OUTBOX_FAILING_WINDOW_SECONDS = 60 * 60


def outbox_failing_count() -> int:
    """Return how many mails are failing now: waiting for a retry after an error, or given
    up on within OUTBOX_FAILING_WINDOW_SECONDS. Both use the (state, created_at) index."""
    State = OutboxMail.State
    recent = timezone.now() - timedelta(seconds=OUTBOX_FAILING_WINDOW_SECONDS)
    return OutboxMail.objects.filter(
        (Q(state=State.PENDING) & ~Q(last_error="")) | Q(state=State.FAILED, created_at__gte=recent)
    ).count()
