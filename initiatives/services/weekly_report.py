"""The weekly report for managers: its snapshot and its Monday mail."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from initiatives.models import WeeklyReport
from initiatives.notifications import mail_queue
from initiatives.selectors import weekly_figures
from initiatives.services._core import _managers


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
    # Each week is read once: the trend's last two weeks are this week and the previous one.
    weeks = {0: weekly_figures(monday)}
    trend = []
    for weeks_back in range(11, -1, -1):
        if weeks_back not in weeks:
            weeks[weeks_back] = weekly_figures(monday - timedelta(weeks=weeks_back), detail=False)
        week = weeks[weeks_back]
        trend.append(
            {
                "week": week["week"],
                "intake": week["intake"]["total"],
                "realised": week["flow"]["realised"],
                "pick_up_share": week["promises"]["pick_up"]["in_time_share"],
                "first_contact_share": week["promises"]["first_contact"]["in_time_share"],
            }
        )
    figures = {"current": weeks[0], "previous": weeks[1], "trend": trend}
    report, _created = WeeklyReport.objects.update_or_create(
        week_start=monday, defaults={"figures": figures, "built_at": timezone.now()}
    )
    return report


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
