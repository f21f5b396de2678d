"""The workload page: per MogelijkMaker, their open dreams per status, overdue and silent."""

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from initiatives.models import Dream
from initiatives.selectors.dream_lists import _overdue_q, _silent_q
from initiatives.selectors.reference import enablers
from initiatives.statuses import OPEN, Status


def workload() -> QuerySet[User]:
    """Return each MogelijkMaker with their open dreams per status, overdue and silent ones."""

    def count(condition: Q) -> Count:
        return Count("dreams_in_care", filter=condition, distinct=True)

    in_care = Q(dreams_in_care__status__in=OPEN)
    annotations = {
        f"n_{status}": count(Q(dreams_in_care__status=status))
        for status in (
            Status.PICKED_UP,
            Status.IN_CONVERSATION,
            Status.IN_PROGRESS,
            Status.PAUSED,
        )
    }
    overdue = Q(dreams_in_care__in=Dream.objects.filter(_overdue_q()).values("pk"))
    silent = Q(dreams_in_care__in=Dream.objects.filter(_silent_q()).values("pk"))
    return enablers().annotate(
        n_open=count(in_care),
        n_overdue=count(overdue),
        n_silent=count(silent),
        **annotations,
    )
