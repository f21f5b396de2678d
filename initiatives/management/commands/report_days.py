"""Count the weekly report's days ahead: once after deploying, or after an import.

    manage.py report_days                        count every ended day not counted yet
    manage.py report_days --again-from 2026-01-01   forget the days from then on and count them again

The nightly task does the same for the day that ended, and a report counts a missing day
itself, so this only saves the first report the wait (50 s for 1,000,000 dreams). An import
that adds rows into the past is noticed without --again-from; one that changes or removes
rows is not: then use it.
"""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from initiatives import services


class Command(BaseCommand):
    help = "Count and keep the weekly report's days (all ended days not counted yet)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--again-from", help="forget the counted days from this day (YYYY-MM-DD) on first"
        )

    def handle(self, *args, again_from=None, **options):
        started = time.monotonic()
        if again_from:
            try:
                since = date.fromisoformat(again_from)
            except ValueError:
                raise CommandError(
                    f"--again-from {again_from!r}: give a day as YYYY-MM-DD."
                ) from None
            forgotten = services.report_days_forget(since=since)
            self.stdout.write(f"Forgot {forgotten} counted days from {since} on.")
        counted = services.report_days_store()
        self.stdout.write(f"Counted {counted} days in {time.monotonic() - started:.1f} s.")
