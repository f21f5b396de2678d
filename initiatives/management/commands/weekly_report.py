"""Build the managers' weekly report ("keek op de week") by hand, and mail it if asked.

    manage.py weekly_report                      last week
    manage.py weekly_report --week 2026-11-16    the week starting on that Monday
    manage.py weekly_report --mail               also mail it to the managers (once)

Building a week again gives the same figures: they are read from the history as it was at
the end of that week. Mailing twice sends nothing more.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from initiatives import services


def _monday(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--week {value!r}: give the Monday as YYYY-MM-DD.") from None
    if day.weekday() != 0:
        raise CommandError(f"--week {value}: that is not a Monday; a report week starts on one.")
    if day > services.last_monday():
        raise CommandError(f"--week {value}: that week has not ended yet.")
    return day


class Command(BaseCommand):
    help = "Build the weekly report of last week (or --week), and with --mail mail it once."

    def add_arguments(self, parser):
        parser.add_argument("--week", help="the Monday the week starts on, as YYYY-MM-DD")
        parser.add_argument(
            "--mail", action="store_true", help="also mail the report to the managers, once"
        )

    def handle(self, *args, week=None, mail=False, **options):
        monday = _monday(week) if week else services.last_monday()
        report = services.weekly_report_build(monday=monday)
        current = report.figures["current"]
        self.stdout.write(
            f"Weekly report {current['week']} ({current['start']} to {current['end']}) built:"
            f" {current['intake']['total']} new, {current['flow']['realised']} realised,"
            f" {current['flow']['open_total']} open at the end of the week."
        )
        if not mail:
            return
        if report.mailed_at:
            self.stdout.write(
                f"Not mailed again: it went to the managers on {timezone.localtime(report.mailed_at):%Y-%m-%d %H:%M}."
            )
            return
        sent = services.weekly_report_mail(monday=monday)
        self.stdout.write(f"Mailed to {sent} manager(s).")
