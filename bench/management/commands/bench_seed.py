"""Fill a PostgreSQL database of its own with generated dreams for the scale benchmark.

    manage.py bench_seed                   # 100,000 dreams (adds what is missing)
    manage.py bench_seed --dreams 1000     # a small municipality
    manage.py bench_seed --reset           # remove the generated data, nothing else
    manage.py bench_seed --reset --dreams 1000

It refuses a database that holds dreams of residents it did not generate. Everything it
makes is marked (addresses @bench.invalid, "bench-" slugs, "Dromenfonds (bench)").
"""

from django.core.management.base import BaseCommand, CommandError

from bench import seed


class Command(BaseCommand):
    help = "Generate benchmark data with COPY (PostgreSQL only; refuses real data)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dreams",
            type=int,
            default=None,
            help="How many generated dreams the database should hold (default 100000; "
            "with --reset alone: 0).",
        )
        parser.add_argument("--staff", type=int, default=60, help="Staff members (default 60).")
        parser.add_argument(
            "--events-per-dream",
            type=float,
            default=10.0,
            help="Average timeline events per dream (default 10).",
        )
        parser.add_argument(
            "--per-day", type=float, default=90.0, help="Dreams handed in per day (default 90)."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")
        parser.add_argument(
            "--reset", action="store_true", help="First remove all generated data (only that)."
        )

    def handle(self, *args, **options):
        dreams = options["dreams"]
        if dreams is None:
            dreams = 0 if options["reset"] else 100_000
        try:
            seed.refuse_real_data()
        except seed.RealDataError as exc:
            raise CommandError(str(exc)) from None
        if options["reset"]:
            result = seed.reset()
            removed = ", ".join(f"{table} {n:,}" for table, n in result["rows"].items() if n)
            self.stdout.write(
                f"Removed the generated data in {result['seconds']:.1f} s ({removed or 'none'})."
            )
        if dreams <= 0:
            return
        result = seed.seed(
            dreams=dreams,
            staff=options["staff"],
            events_per_dream=options["events_per_dream"],
            per_day=options["per_day"],
            random_seed=options["seed"],
        )
        if not result["added_dreams"]:
            self.stdout.write(f"The database already holds {result['total_dreams']:,} dreams.")
            return
        rows = ", ".join(f"{table} {n:,}" for table, n in result["rows"].items())
        self.stdout.write(
            f"Added {result['added_dreams']:,} dreams (now {result['total_dreams']:,}) in "
            f"{result['seconds']:.1f} s: generated in {result['seconds_generate']:.1f} s, "
            f"copied in {result['seconds_copy']:.1f} s.\nRows: {rows}."
        )
