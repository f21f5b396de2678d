"""The weekly report for managers: its snapshot and its Monday mail."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from initiatives.models import WeeklyReport
from initiatives.notifications import mail_queue
from initiatives.selectors import funds_overview, week_bounds, weeks_figures
from initiatives.services._core import _managers
from initiatives.services.report_days import report_days_store


def last_monday(today: date | None = None) -> date:
    """Return the Monday of last week (the last complete ISO week)."""
    today = today or timezone.localdate()
    return today - timedelta(days=today.weekday() + 7)


@transaction.atomic
def weekly_report_build(*, monday: date) -> WeeklyReport:
    """Build (or build again) the snapshot of the week starting on MONDAY.

    The figures are read from the history as it was at the end of that week, with the
    previous week beside them and the last 12 weeks as a trend.
    """
    if monday.weekday() != 0:
        raise ValueError("A report week starts on a Monday.")
    if monday > last_monday():
        raise ValueError("That week has not ended yet.")
    # The days the report reads are counted and kept first (the nightly task has usually done
    # that already): then the weeks are sums of small rows, whatever the size of the archive.
    report_days_store(through=monday + timedelta(days=6))
    mondays = [monday - timedelta(weeks=weeks_back) for weeks_back in range(11, -1, -1)]
    weeks = weeks_figures(mondays, detail_for=monday)
    trend = [
        {
            "week": week["week"],
            "intake": week["intake"]["total"],
            "realised": week["flow"]["realised"],
            "pick_up_share": week["promises"]["pick_up"]["in_time_share"],
            "first_contact_share": week["promises"]["first_contact"]["in_time_share"],
        }
        for week in (weeks[week_start] for week_start in mondays)
    ]
    # The funds per fund and neighbourhood as they stood at the end of the week (one query).
    _start, end = week_bounds(monday)
    weeks[monday]["funds"] = [row.as_json() for row in funds_overview(year=monday.year, at=end)]
    figures = {"current": weeks[monday], "previous": weeks[mondays[-2]], "trend": trend}
    # An UPDATE, and an INSERT only the first time: no savepoints (the build is atomic).
    values = {"figures": figures, "built_at": timezone.now()}
    if not WeeklyReport.objects.filter(week_start=monday).update(**values):
        return WeeklyReport.objects.create(week_start=monday, **values)
    return WeeklyReport.objects.get(week_start=monday)


@transaction.atomic
def weekly_report_mail(*, monday: date) -> int:
    """Mail the week's report to each manager, once: a second run sends nothing more."""
    report = WeeklyReport.objects.select_for_update().get(week_start=monday)
    if report.mailed_at:
        return 0
    managers = list(_managers())
    link = settings.SITE_URL + reverse("staff:report") + f"?week={monday.isoformat()}"
    for manager in managers:
        mail_queue(
            to=manager,
            template="staff_weekly_report",
            context={
                "figures": report.figures["current"],
                "previous": report.figures["previous"],
                "link": link,
            },
        )
    report.mailed_at = timezone.now()
    report.save(update_fields=["mailed_at"])
    return len(managers)
