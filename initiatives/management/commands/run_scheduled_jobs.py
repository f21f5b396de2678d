"""Run the scheduled work once, now: what Celery beat runs on its schedule.

Useful on the embedded default (no beat running) and to try the silence rule or the
daily email by hand. Every job is safe to run twice.
"""

from django.core.management.base import BaseCommand

from initiatives import tasks


class Command(BaseCommand):
    help = "Run the outbox dispatch, the silence rule, the promise check and the daily email once."

    def handle(self, *args, **options):
        self.stdout.write(f"Outbox dispatch: {tasks.outbox_dispatch()}")
        self.stdout.write(f"Silence rule: {tasks.silence_rule()}")
        self.stdout.write(f"Promise check: {tasks.promises_check()}")
        self.stdout.write(f"Daily email: {tasks.daily_digest()} sent")
        self.stdout.write(f"Exports: {tasks.exports_sweep()}")
