"""The scale benchmark: generated data (seed), page timings, a load test, mail throughput.

Everything it generates is marked, so it can refuse a database with real data and remove
only what it made: every generated user's address ends in @bench.invalid, generated
neighbourhoods and themes have a slug starting with "bench-", the fund is called
"Dromenfonds (bench)". See `manage.py bench_seed` and `manage.py bench`.
"""

BENCH_DOMAIN = "bench.invalid"
EMAIL_SUFFIX = "@" + BENCH_DOMAIN
SLUG_PREFIX = "bench-"
FUND_NAME = "Dromenfonds (bench)"

# The resident the benchmark signs in as: a few dreams, one of them with a long history.
BENCH_RESIDENT_EMAIL = "bewoner" + EMAIL_SUFFIX
HEAVY_TITLE = "Buurthuis De Schakel weer open (benchmark: lange tijdlijn)"
HEAVY_EVENTS = 200
# Each seeding step also gives a few ordinary dreams HEAVY_EVENTS events, lived alongside all
# the others (their events spread over the table as months of writes spread them); their
# titles end in HEAVY_MARK, so the benchmark finds them without counting events.
HEAVY_PER_SEED = 8
HEAVY_MARK = " (lange tijdlijn)"
