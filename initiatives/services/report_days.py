"""The weekly report's days: count each ended day once and keep it (selectors.report_days)."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from initiatives.models import ReportDay
from initiatives.selectors.report_days import (
    count_days,
    counting,
    day_start,
    marks,
    settled_through,
)
from initiatives.selectors.weekly_report import week_end_lists

# Older Sundays (a first count of the whole history) are left without: their lists are
# looked up when a report needs them, as before.
WEEK_END_RECENT = timedelta(days=14)


def report_days_store(*, through: date | None = None) -> int:
    """Count and keep every ended day up to THROUGH (default: yesterday) not kept yet.

    Days made wrong by rows added into the past since they were counted are counted again,
    from the first such day on. A day is kept only once it ended SETTLE ago. Returns how many
    days were written; safe to run twice and beside a build (a day written twice is the same).
    """
    last = settled_through()
    if through is not None:
        last = min(last, through)
    state = counting(last)
    if state.stale_from is None and state.begin > last:
        return 0  # one query when every day is kept and right
    with transaction.atomic():
        return _store(last)


def _store(last: date) -> int:
    # The marks before the history is read: what is added meanwhile is above them and is
    # checked next time; and the check again, for what was added before the marks.
    seen = marks()
    state = counting(last)
    if state.stale_from is not None:
        ReportDay.objects.filter(day__gte=state.stale_from).delete()
    if state.begin > last:
        return 0
    counted = count_days(state.begin, last, state.before)
    # A recent Sunday keeps its week's lists, taken now while little has moved since.
    lists = {
        day: week_end_lists(day)
        for day in counted
        if day.weekday() == 6 and day > last - WEEK_END_RECENT
    }
    now = timezone.now()
    ReportDay.objects.bulk_create(
        [
            ReportDay(
                day=day,
                ends_at=day_start(day + timedelta(days=1)),
                figures=figures,
                week_end=lists.get(day),
                built_at=now,
                **seen,
            )
            for day, figures in sorted(counted.items())
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    return len(counted)


def report_days_forget(*, since: date | None = None) -> int:
    """Forget the kept days from SINCE on (all without it): they are counted again when next
    needed. For whoever rewrites the history in bulk (the benchmark's seed, an import);
    rows added with new ids into the past are noticed without it."""
    days = ReportDay.objects.all() if since is None else ReportDay.objects.filter(day__gte=since)
    deleted, _per_model = days.delete()
    return deleted
