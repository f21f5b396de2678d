"""Settings for the benchmark's own processes (gunicorn, the Celery worker).

The portal's settings, with four changes: the benchmark's mail tasks go to a Celery queue
of its own, which only its worker reads; the per-IP and per-address form limits are
lifted, because every simulated visitor comes from 127.0.0.1; the URLs add the bare view
(bench/urls.py) that the load test measures every page against; and a middleware raises the open-data version for requests that ask for it (the "cold" open data).
"""

from config.settings import *  # noqa: F403

BENCH_QUEUE = "dromen-bench"
CELERY_TASK_DEFAULT_QUEUE = BENCH_QUEUE
ROOT_URLCONF = "bench.urls"


def lifted_rate_limits(names) -> dict:
    """Return the RATELIMIT_*_PER_* settings among NAMES set to a rate nobody reaches."""
    return {
        name: "1000000/h" for name in names if name.startswith("RATELIMIT_") and "_PER_" in name
    }


globals().update(lifted_rate_limits(list(globals())))
# The load test's "cold" open data: a request that asks for it raises the open-data version
# first (bench/open_data.py), so its answer is computed, not read from the cache.
MIDDLEWARE = ["bench.open_data.cold_open_data", *MIDDLEWARE]  # noqa: F405
