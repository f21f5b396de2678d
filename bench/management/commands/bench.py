"""The scale benchmark, in one run (`make bench`): figures, not a pass/fail test.

1. Generated data (bench_seed): 1,000 dreams; every page measured in-process.
2. More generated history, up to 100,000 dreams; every page measured again.
3. A bounded load test: gunicorn with 2 workers on 127.0.0.1, residents and staff.
4. Mail throughput: a real Celery worker on Redis delivers 10,000 outbox mails, written in one
   transaction and then each in its own.

The table goes to the terminal and into BENCHMARKS.md. It needs PostgreSQL (DATABASE_URL) of
its own, since it refuses a database with real dreams, and Redis (REDIS_URL).
"""

import logging
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.backends.signals import connection_created

from bench import report, seed
from bench.settings import BENCH_QUEUE


def _statement_timeout(sender, connection, **kwargs) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = '180s'")


class Command(BaseCommand):
    help = "Measure pages at 1,000 and 100,000 dreams, a load test and mail throughput."

    def add_arguments(self, parser):
        parser.add_argument("--small", type=int, default=1_000, help="First size (dreams).")
        parser.add_argument("--large", type=int, default=100_000, help="Second size (dreams).")
        parser.add_argument("--repeat", type=int, default=20, help="Timed requests per page.")
        parser.add_argument("--warmup", type=int, default=3, help="Requests before timing.")
        parser.add_argument("--users", type=int, default=20, help="Load test: simulated users.")
        parser.add_argument("--seconds", type=float, default=60, help="Load test: duration.")
        parser.add_argument(
            "--think", type=float, default=0.5, help="Load test: mean pause between requests."
        )
        parser.add_argument("--mails", type=int, default=10_000, help="Mails to deliver.")
        parser.add_argument(
            "--mail-writers",
            type=int,
            default=4,
            help="Processes writing the mails that are each committed on their own.",
        )
        parser.add_argument(
            "--mail-server",
            choices=["mailbox", "smtp", "both"],
            default="mailbox",
            help="Where the worker delivers: the mailbox's .eml files, an SMTP server on "
            "loopback (aiosmtpd), or each in turn.",
        )
        parser.add_argument(
            "--output",
            default=str(Path(settings.BASE_DIR) / "BENCHMARKS.md"),
            help="Where the table goes ('-' for nowhere).",
        )
        parser.add_argument("--skip-load", action="store_true", help="No load test.")
        parser.add_argument("--skip-mail", action="store_true", help="No mail throughput.")
        parser.add_argument(
            "--only",
            choices=["mail"],
            help="Only this part: 'mail' seeds --small dreams (for people to write to), measures "
            "mail throughput and prints it, without the pages, the load test or BENCHMARKS.md.",
        )

    def _mail_runs(self, options) -> list:
        from bench.mail import run_mail

        servers = (
            ["mailbox", "smtp"] if options["mail_server"] == "both" else [options["mail_server"]]
        )
        self.stdout.write(f"Mail throughput: {options['mails']:,} mails, twice per server:")
        return [
            run_mail(
                mails=options["mails"],
                concurrency=2,
                timeout=300,
                separate_commits=separate,
                writers=options["mail_writers"],
                mail_server=server,
                log=self.stdout.write,
            )
            for server in servers
            for separate in (False, True)
        ]

    def _mail_only(self, options) -> None:
        """Seed --small dreams and measure mail throughput alone (`--only mail`)."""
        if not settings.REDIS_URL:
            raise CommandError("The mail benchmark needs Redis: set REDIS_URL.")
        try:
            seed.refuse_real_data()
        except seed.RealDataError as exc:
            raise CommandError(str(exc)) from None
        from config.celery import app

        app.conf.task_default_queue = BENCH_QUEUE
        seed.reset()
        made = seed.seed(dreams=options["small"])
        self.stdout.write(f"Seeded {made['total_dreams']:,} dreams in {made['seconds']:.1f} s.")
        text = "\n".join(
            line for run in self._mail_runs(options) for line in report.mail_lines(run)
        )
        self.stdout.write("\n" + text)

    def handle(self, *args, **options):
        started = time.monotonic()
        logging.getLogger("axes").setLevel(logging.WARNING)  # a line per simulated sign-in
        # Bounded: a query that runs away (a bad plan) fails after 3 minutes, not never.
        connection_created.connect(_statement_timeout)
        connection.close()
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark needs PostgreSQL: set DATABASE_URL.")
        if options["only"] == "mail":
            return self._mail_only(options)
        if not settings.REDIS_URL and not (options["skip_load"] and options["skip_mail"]):
            raise CommandError("The benchmark needs Redis: set REDIS_URL.")
        try:
            seed.refuse_real_data()
        except seed.RealDataError as exc:
            raise CommandError(str(exc)) from None
        if settings.DEBUG:
            self.stderr.write("Note: DEBUG is on; `make bench` measures with DJANGO_DEBUG=0.")
        else:
            call_command("collectstatic", interactive=False, verbosity=0)
        from config.celery import app

        # Mail written in this process goes to the benchmark's queue, which its worker reads.
        app.conf.task_default_queue = BENCH_QUEUE
        info = report.machine()
        self.stdout.write(
            f"Benchmark on {info['nproc']} cores, {info['memory']}, PostgreSQL "
            f"{info['postgres']}; load average {info['load']}."
        )
        from bench import pages

        seeds = []
        results = {}
        for size in (options["small"], options["large"]):
            if size == options["small"]:
                removed = seed.reset()
                self.stdout.write(f"Removed earlier generated data in {removed['seconds']:.1f} s.")
            made = seed.seed(dreams=size)
            rows = made["rows"]
            line = (
                f"Seeded up to {made['total_dreams']:,} dreams in {made['seconds']:.1f} s "
                f"({rows.get('initiatives_timelineevent', 0):,} timeline events, "
                f"{rows.get('accounts_user', 0):,} people added)."
            )
            seeds.append(line)
            self.stdout.write(line)
            self.stdout.write(f"Pages at {made['total_dreams']:,} dreams:")
            results[size] = pages.run_pages(
                warmup=options["warmup"], repeat=options["repeat"], log=self.stdout.write
            )
        load = None
        mail_runs = []
        if not options["skip_load"]:
            from bench.load import run_load

            self.stdout.write(f"Load test: {options['users']} users, {options['seconds']:.0f} s:")
            load = run_load(
                users=options["users"],
                seconds=options["seconds"],
                think=options["think"],
                log=self.stdout.write,
            )
        if not options["skip_mail"]:
            mail_runs = self._mail_runs(options)
        text = report.render(
            info=info,
            seeds=seeds,
            small=results[options["small"]],
            large=results[options["large"]],
            load=load,
            mail_runs=mail_runs,
            sizes=options,
            minutes=(time.monotonic() - started) / 60,
        )
        self.stdout.write("\n" + text)
        if options["output"] != "-":
            report.write(Path(options["output"]), text)
            self.stdout.write(f"\nWritten to {options['output']}.")
