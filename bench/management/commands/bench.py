"""The scale benchmark, in one run (`make bench`): figures, not a pass/fail test.

For each size (default 1,000 and 100,000 dreams; `--million` adds 1,000,000, `--sizes`
chooses): generated history up to that size (bench_seed), every page measured in-process
(wall and Python time, rotating over dreams, pages and people), and from 100,000 dreams on
an open-loop load test against gunicorn that finds each page's capacity beside the bare
view's. Then mail throughput: a real Celery worker on Redis delivers 10,000 outbox mails.
`--pages open-data` measures only issue 19's open data (the API's dream list and figures,
the gallery; cached and cold) beside the bare view, without mail, into a section of its own.

The tables go to the terminal and into BENCHMARKS.md. It needs PostgreSQL (DATABASE_URL) of
its own, since it refuses a database with real dreams, and Redis (REDIS_URL).
"""

import logging
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.backends.signals import connection_created

from bench import report, seed
from bench.pages import PAGE_SETS
from bench.settings import BENCH_QUEUE

# The mail benchmark's worker runs as docker-compose.yml's does: prefork, 3 processes.
WORKER_CONCURRENCY = 3


def _statement_timeout(sender, connection, **kwargs) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = '180s'")


def parse_sizes(text: str, *, million: bool = False) -> list[int]:
    """ "1000,100000" -> [1000, 100000]; --million adds 1,000,000. Smallest first."""
    try:
        sizes = {int(part.replace("_", "")) for part in text.split(",") if part.strip()}
    except ValueError:
        message = f"--sizes takes whole numbers of dreams, such as 1000,100000: {text}"
        raise CommandError(message) from None
    if million:
        sizes.add(1_000_000)
    if not sizes or min(sizes) < 100:
        raise CommandError("--sizes needs at least one size of 100 dreams or more.")
    return sorted(sizes)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class Command(BaseCommand):
    help = (
        "Measure pages at 1,000 and 100,000 dreams (--million: and 1,000,000), capacity and mail."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes",
            default="1000,100000",
            help="Sizes in dreams, comma-separated, smallest first (default 1000,100000).",
        )
        parser.add_argument(
            "--million",
            action="store_true",
            help="Add the 1,000,000-dream step (seeding it takes minutes): 1000,100000,1000000.",
        )
        parser.add_argument(
            "--pages",
            choices=list(PAGE_SETS),
            default="all",
            help="Which pages: all (default), or open-data (issue 19: the API's dream list and "
            "figures, the gallery, cached and cold, beside the bare view; no mail, and its "
            "own section in BENCHMARKS.md). With --sizes 100000: a few minutes.",
        )
        parser.add_argument("--repeat", type=int, default=20, help="Timed requests per page.")
        parser.add_argument("--warmup", type=int, default=3, help="Requests before timing.")
        parser.add_argument(
            "--load-seconds", type=float, default=10, help="Open loop: seconds per rate step."
        )
        parser.add_argument(
            "--load-from",
            type=int,
            default=100_000,
            help="Open loop: at every size from this many dreams (default 100000).",
        )
        parser.add_argument(
            "--mixed",
            action="store_true",
            help="Also the closed-loop mixed test (people who read and write, with pauses) "
            "at the largest size: not a capacity, but the writes under concurrent reads.",
        )
        parser.add_argument("--users", type=int, default=20, help="--mixed: simulated users.")
        parser.add_argument("--seconds", type=float, default=60, help="--mixed: duration.")
        parser.add_argument(
            "--think", type=float, default=0.5, help="--mixed: mean pause between requests."
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
            help="Only this part: 'mail' seeds the first size (for people to write to), "
            "measures mail throughput and prints it, without the pages, the load test or "
            "BENCHMARKS.md.",
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
                concurrency=WORKER_CONCURRENCY,
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
        made = seed.seed(dreams=options["sizes"][0])
        self.stdout.write(f"Seeded {made['total_dreams']:,} dreams in {made['seconds']:.1f} s.")
        text = "\n".join(
            line for run in self._mail_runs(options) for line in report.mail_lines(run)
        )
        self.stdout.write("\n" + text)

    def handle(self, *args, **options):
        started = time.monotonic()
        options["sizes"] = parse_sizes(options["sizes"], million=options["million"])
        only = PAGE_SETS[options["pages"]]
        if only is not None:  # some pages: mail is not one of them
            options["skip_mail"] = True
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
        from bench.load import run_load, run_open_loop

        steps = []
        seed.reset()
        for size in options["sizes"]:
            load_start = _load()
            made = seed.seed(dreams=size)
            self.stdout.write(
                f"Seeded up to {made['total_dreams']:,} dreams in {made['seconds']:.1f} s "
                f"(generating {made['seconds_generate']:.1f} s, COPY and indexes "
                f"{made['seconds_copy']:.1f} s, ANALYZE {made['seconds_analyze']:.1f} s"
                f"{report.vacuum_text(made)}; "
                f"{made['rows'].get('initiatives_timelineevent', 0):,} events added); "
                f"load average {load_start}."
            )
            self.stdout.write(f"Pages at {made['total_dreams']:,} dreams:")
            started_pages = time.monotonic()
            run = pages.run_pages(
                warmup=options["warmup"],
                repeat=options["repeat"],
                log=self.stdout.write,
                only=only,
            )
            self.stdout.write(f"  pages took {time.monotonic() - started_pages:.0f} s")
            open_loop = None
            if not options["skip_load"] and size >= options["load_from"]:
                self.stdout.write(f"Open-loop load test at {size:,} dreams:")
                started_load = time.monotonic()
                open_loop = run_open_loop(
                    run, seconds=options["load_seconds"], log=self.stdout.write, only=only
                )
                self.stdout.write(f"  load test took {time.monotonic() - started_load:.0f} s")
            steps.append(
                {
                    "size": size,
                    "seed": made,
                    "pages": run,
                    "open_loop": open_loop,
                    "load": (load_start, _load()),
                }
            )
        mixed = None
        if options["mixed"] and not options["skip_load"]:
            self.stdout.write(f"Mixed closed loop: {options['users']} users:")
            mixed = run_load(
                users=options["users"],
                seconds=options["seconds"],
                think=options["think"],
                log=self.stdout.write,
            )
        mail_runs = []
        if not options["skip_mail"]:
            mail_runs = self._mail_runs(options)
        text = report.render(
            info=info,
            steps=steps,
            mixed=mixed,
            mail_runs=mail_runs,
            options=options,
            minutes=(time.monotonic() - started) / 60,
        )
        self.stdout.write("\n" + text)
        if options["output"] != "-":
            report.write(Path(options["output"]), text, section=options["pages"])
            self.stdout.write(f"\nWritten to {options['output']}.")
