"""The weekly report's snapshot for a week that has none yet, built by a worker; and the
nightly count of the day that ended, which the report reads (services.report_days_store).

The report page only reads: for a past week without a snapshot it asks for one here and
shows "being prepared" until the task has built it. (Beside tasks.py for now, which other
work is changing; registered in initiatives.apps.)
"""

from datetime import date

from celery import shared_task
from django.core.cache import cache
from django.db import transaction

from initiatives import services
from initiatives.models import WeeklyReport

# One request per week in this many seconds: the page polls, and a lost task is asked again.
ASK_AGAIN_AFTER_SECONDS = 120


@shared_task(acks_late=True)
def weekly_report_prepare(monday: str) -> None:
    """Build the snapshot of the week starting on MONDAY (ISO date) unless it exists."""
    week = date.fromisoformat(monday)
    if not WeeklyReport.objects.filter(week_start=week).exists():
        services.weekly_report_build(monday=week)


@shared_task
def report_days_count() -> int:
    """At night: count the day that ended (and any made wrong since), for the weekly report."""
    return services.report_days_store()


def weekly_report_request(monday: date) -> None:
    """Have the week's snapshot built after this request's commit, once in a while."""
    if cache.add(f"weekly-report-prepare:{monday.isoformat()}", True, ASK_AGAIN_AFTER_SECONDS):
        transaction.on_commit(lambda: weekly_report_prepare.delay(monday.isoformat()), robust=True)
