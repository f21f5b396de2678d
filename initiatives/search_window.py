"""The newest N dreams of a search, found without walking past thousands of others.

A search ranks only its newest matches (dream_list_page._ranked_page). PostgreSQL finds them
by walking the newest-first index and testing each dream's search vector: for a common word
(a fifth of all dreams) it passes a few others per match, but for a word in 0.6% of dreams
it passes about 140 per match, 28,000 dreams at a million (13 ms). Reading all the word's
matches through its GIN index instead (6,600 at a million) and sorting them reads a heap
page for each: no faster.

So the search first looks in a window of the newest dreams that should hold about MARGIN
times the N matches it needs, judged from the planner's own estimate of how many dreams
match and the statistics of when dreams were handed in (the column's histogram). Within
the window PostgreSQL can AND the word's GIN bitmap with the date index's and read only the
window's matches (5 ms), or walk as before when that is cheaper (a common word). If the
window holds N matches they are the newest N of all, since every dream outside it is
older; if not (the estimate was off, or the word was more used in earlier years), the
search is run over all dreams, as it was. The result is the same either way.

The estimate and the histogram are remembered for a few minutes in each process: they
change only when the table is analysed, and asking for them (a plan and a read of pg_stats,
1.3 ms) would otherwise cost a common word's search more than its walk (0.5 ms).
"""

import json
import math
import time
from datetime import datetime

from django.db import connection
from django.db.models import QuerySet

# How many times the matches needed the window should hold by the estimate: it falls short
# (and the search runs again over all dreams) only if the estimate is off by half.
MARGIN = 2.0
# A window this large a share of all dreams saves little: search them all at once.
MAX_SHARE = 0.5
COLUMN = "submitted_at"
# How long an estimate or a histogram is remembered, and how many of them.
REMEMBER_SECONDS = 300.0
REMEMBER_AT_MOST = 500
_remembered: dict = {}


def newest_ids(queryset: QuerySet, limit: int) -> list[int]:
    """The ids of QUERYSET's newest LIMIT rows, newest first (by submitted_at, then id).

    The rows must have a submitted_at (the staff list's do: unconfirmed dreams are not in it).
    """
    ordered = queryset.order_by(f"-{COLUMN}", "-id").values_list("pk", flat=True)
    start = window_start(queryset, limit)
    if start is not None:
        ids = list(ordered.filter(**{f"{COLUMN}__gte": start})[:limit])
        if len(ids) == limit:
            return ids
    return list(ordered[:limit])


def window_start(queryset: QuerySet, limit: int) -> datetime | None:
    """When the window of newest rows that should hold MARGIN * LIMIT matches starts; None
    when there are no statistics (not on PostgreSQL, or never analysed) or the window would
    be most of the table."""
    if connection.vendor != "postgresql" or limit < 1:
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    expected = _remember(("rows", sql, repr(params)), lambda: planned_rows(queryset))
    if expected <= 0:
        return None
    share = MARGIN * limit / expected
    if share >= MAX_SHARE:
        return None
    table = queryset.model._meta.db_table
    bounds = _remember(("histogram", table, COLUMN), lambda: histogram(table, COLUMN))
    return quantile(bounds, 1 - share) if len(bounds) >= 2 else None


def planned_rows(queryset: QuerySet) -> float:
    """How many rows PostgreSQL expects QUERYSET to find (EXPLAIN: planned, not run)."""
    plan = json.loads(queryset.order_by().values("pk").explain(format="json"))
    return float(plan[0]["Plan"]["Plan Rows"])


def histogram(table: str, column: str) -> list[datetime]:
    """The bounds PostgreSQL's statistics cut COLUMN's values into, each bucket holding an
    equal share of the rows (ANALYZE: 100 buckets at the default statistics target)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT histogram_bounds::text::timestamptz[] FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = %s AND attname = %s",
            [table, column],
        )
        row = cursor.fetchone()
    return list(row[0]) if row and row[0] else []


def quantile(bounds: list[datetime], share: float) -> datetime:
    """The value below which SHARE of the rows lie, between the histogram's BOUNDS."""
    position = min(max(share, 0.0), 1.0) * (len(bounds) - 1)
    index = min(math.floor(position), len(bounds) - 2)
    low, high = bounds[index], bounds[index + 1]
    return low + (high - low) * (position - index)


def _remember(key, compute):
    """COMPUTE's value, remembered under KEY (with the database's name) for REMEMBER_SECONDS."""
    key = (connection.settings_dict["NAME"], *key)
    now = time.monotonic()
    found = _remembered.get(key)
    if found is not None and found[0] > now:
        return found[1]
    if len(_remembered) >= REMEMBER_AT_MOST:
        _remembered.clear()
    value = compute()
    _remembered[key] = (now + REMEMBER_SECONDS, value)
    return value


def forget() -> None:
    """Forget the estimates and histograms (tests: after ANALYZE)."""
    _remembered.clear()
