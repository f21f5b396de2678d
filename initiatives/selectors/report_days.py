"""The weekly report's days: what happened on each day, counted from that day's history.

A day's figures are small (a few dozen numbers whatever the size of the archive); a week is
the sum of its seven days, and what was open at the end of a week is a running total carried
from day to day. services.report_days_store keeps them in ReportDay; report_days_read returns
them for a range of days, stored or, where a day is missing, counted here and now: a report
never shows a figure from a day that was not counted.

Two facts of the history make running totals possible, and the services keep both:
_transition is the one writer of a status, so a status event's from_status is the status its
previous event moved to (an event moves one dream out of one status and into another), and
every timestamp the services write is "now", so a day that has ended receives nothing more.
What does write into the past (an import, the benchmark's seed, a test's factory) gets a new
id above the stored marks and is noticed by stale_since.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.db.models import (
    Case,
    Count,
    F,
    JSONField,
    Max,
    Min,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from initiatives.models import Dream, EventKind, Fund, Grant, ReportDay, Review, TimelineEvent
from initiatives.statuses import OPEN, Status
from initiatives.working_days import working_days_between

STATUS_KINDS = (EventKind.SUBMITTED, EventKind.STATUS_CHANGED)
# The key under which a day read with its week's lists carries them.
WEEK_END = "week_end"
# A day is stored once it ended this long ago: a transaction that began before midnight has
# committed by then (requests and tasks are cut off after a minute).
SETTLE = timedelta(minutes=15)


def day_start(day: date) -> datetime:
    """The aware start of local DAY (Europe/Amsterdam: 23 or 25 hours around a clock change)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def settled_through(now: datetime | None = None) -> date:
    """The last day that ended at least SETTLE ago: the last one that may be stored."""
    now = now or timezone.now()
    return timezone.localdate(now - SETTLE, timezone.get_default_timezone()) - timedelta(days=1)


def _local(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=timezone.get_default_timezone())


def empty_day() -> dict:
    """The figures of a day on which nothing happened (and nothing was open)."""
    return {
        "intake": 0,
        "neighbourhoods": {},
        "themes": {},
        "moves": {},
        "first_contact": 0,
        "pick_up_days": {},
        "first_contact_days": {},
        "reviews": 0,
        "tensions": 0,
        "granted": {},
        # Running totals: at the end of the day, over the whole history until then.
        "open": {},
        "granted_total": {},
    }


def _add(counts: dict, key, amount) -> None:
    key = str(key)
    counts[key] = counts.get(key, 0) + amount


def history_start() -> date | None:
    """The first day anything the report counts happened, or None in an empty history."""
    moments = [
        TimelineEvent.objects.filter(kind__in=STATUS_KINDS).aggregate(m=Min("created_at"))["m"],
        *Dream.objects.aggregate(s=Min("submitted_at"), f=Min("first_contact_at")).values(),
        Review.objects.aggregate(m=Min("created_at"))["m"],
        Grant.objects.filter(state=Grant.State.GRANTED).aggregate(m=Min("decided_at"))["m"],
    ]
    moments = [moment for moment in moments if moment is not None]
    if not moments:
        return None
    return timezone.localdate(min(moments), timezone.get_default_timezone())


def count_days(first: date, last: date, before: dict | None) -> dict[date, dict]:
    """Count the days FIRST..LAST from the history; BEFORE is the day before FIRST (its
    running totals carry on), None when nothing happened before FIRST.

    Eight queries (seven grouped, one for the funds' years) whatever the number of days:
    the benchmark's whole history of 30 years at 1,000,000 dreams is one call.
    """
    days = {first + timedelta(n): empty_day() for n in range((last - first).days + 1)}
    start, end = day_start(first), day_start(last + timedelta(days=1))

    handed_in = Dream.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    for day, neighbourhood, theme, count in (
        handed_in.annotate(day=_local("submitted_at"))
        .values("day", "neighbourhood_id", "theme_id")
        .annotate(count=Count("id"))
        .values_list("day", "neighbourhood_id", "theme_id", "count")
        .order_by()
    ):
        figures = days[day]
        figures["intake"] += count
        _add(figures["neighbourhoods"], neighbourhood, count)
        _add(figures["themes"], theme, count)

    # Each status event moves one dream out of its from_status into its to_status.
    for day, kind, from_status, to_status, count in (
        TimelineEvent.objects.filter(
            kind__in=STATUS_KINDS, created_at__gte=start, created_at__lt=end
        )
        .annotate(day=_local("created_at"))
        .values("day", "kind", "from_status", "to_status")
        .annotate(count=Count("id"))
        .values_list("day", "kind", "from_status", "to_status", "count")
        .order_by()
    ):
        figures = days[day]
        if kind == EventKind.STATUS_CHANGED:
            _add(figures["moves"], to_status, count)
        if to_status in OPEN:
            _add(figures["open"], to_status, count)
        if from_status in OPEN:
            _add(figures["open"], from_status, -count)

    # Working days depend on the dates only (and Dutch holidays, which the database does not
    # know): count per pair of dates, then work each pair out once.
    for day, handed_in_on, count in (
        TimelineEvent.objects.filter(
            kind=EventKind.STATUS_CHANGED,
            to_status=Status.PICKED_UP,
            created_at__gte=start,
            created_at__lt=end,
            dream__submitted_at__isnull=False,
        )
        .annotate(day=_local("created_at"), handed_in_on=_local("dream__submitted_at"))
        .values("day", "handed_in_on")
        .annotate(count=Count("id"))
        .values_list("day", "handed_in_on", "count")
        .order_by()
    ):
        _add(days[day]["pick_up_days"], working_days_between(handed_in_on, day), count)

    for day, picked_up_on, count in (
        Dream.objects.filter(first_contact_at__gte=start, first_contact_at__lt=end)
        .annotate(day=_local("first_contact_at"), picked_up_on=_local("picked_up_at"))
        .values("day", "picked_up_on")
        .annotate(count=Count("id"))
        .values_list("day", "picked_up_on", "count")
        .order_by()
    ):
        figures = days[day]
        figures["first_contact"] += count
        if picked_up_on is not None:
            _add(figures["first_contact_days"], working_days_between(picked_up_on, day), count)

    for day, has_tension, count in (
        Review.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(day=_local("created_at"))
        .values("day", "has_tension")
        .annotate(count=Count("id"))
        .values_list("day", "has_tension", "count")
        .order_by()
    ):
        days[day]["reviews"] += count
        if has_tension:
            days[day]["tensions"] += count

    for day, fund, amount in (
        Grant.objects.filter(state=Grant.State.GRANTED, decided_at__gte=start, decided_at__lt=end)
        .annotate(day=_local("decided_at"))
        .values("day", "fund_id")
        .annotate(amount=Sum("amount"))
        .values_list("day", "fund_id", "amount")
        .order_by()
    ):
        days[day]["granted"][str(fund)] = str(amount)

    # The running totals, carried from the day before. A fund is read in the weeks that
    # start in its year, so two years on its total is left out (30 funds at 1,000,000 dreams).
    fund_years = {str(pk): year for pk, year in Fund.objects.values_list("pk", "year")}
    open_then = dict(before["open"]) if before else {}
    granted_total = {
        fund: Decimal(amount)
        for fund, amount in (before["granted_total"] if before else {}).items()
    }
    for day in sorted(days):
        figures = days[day]
        for status, change in figures["open"].items():
            open_then[status] = open_then.get(status, 0) + change
        for fund, amount in figures["granted"].items():
            granted_total[fund] = granted_total.get(fund, Decimal(0)) + Decimal(amount)
        figures["open"] = {status: count for status, count in open_then.items() if count}
        granted_total = {
            fund: amount
            for fund, amount in granted_total.items()
            if fund_years.get(fund, day.year) >= day.year - 1
        }
        figures["granted_total"] = {fund: str(amount) for fund, amount in granted_total.items()}
    return days


def marks() -> dict[str, int]:
    """The highest ids now, of each table a day is counted from."""
    models = {
        "event_mark": TimelineEvent,
        "dream_mark": Dream,
        "review_mark": Review,
        "grant_mark": Grant,
    }
    return {name: model.objects.aggregate(m=Max("id"))["m"] or 0 for name, model in models.items()}


def last_stored() -> tuple[ReportDay | None, date | None]:
    """The last stored day, and the first day that must be counted again (None: none).

    Anything with an id above the marks (added after the days were counted) but a time
    inside a stored day makes that day and every day after it wrong: their running totals
    include it. One query; a second only when there is such a row, to find its day.
    """
    row = ReportDay.objects.defer("week_end").annotate(**_newer_inside()).order_by("-day").first()
    if row is None or all(getattr(row, name) is None for name in NEWER):
        return row, None
    moments = [
        NEWER[name](row).aggregate(m=Min(field))["m"]
        for name, field in NEWER_TIME.items()
        if getattr(row, name) is not None
    ]
    return row, timezone.localdate(min(moments), timezone.get_default_timezone())


def stored_days(first: date, last: date, week_end_of: date | None = None) -> dict[date, dict]:
    """The stored figures of the days FIRST..LAST (those that are stored); the day
    WEEK_END_OF with its week's lists under WEEK_END, when it has them."""
    days = {}
    for day, figures, lists in (
        ReportDay.objects.filter(day__gte=first, day__lte=last)
        .annotate(
            lists=Case(
                When(day=week_end_of, then=F("week_end")),
                default=Value(None),
                output_field=JSONField(),
            )
        )
        .values_list("day", "figures", "lists")
    ):
        if lists is not None:
            figures[WEEK_END] = lists
        days[day] = figures
    return days


@dataclass(frozen=True)
class Counting:
    """What is stored and right, and where counting must begin to go on from there."""

    stale_from: date | None  # stored days from here on must be counted again
    right_through: date | None  # the stored days up to and including this one are right
    begin: date | None  # count from here ...
    before: dict | None  # ... carrying on the running totals of the day before (None: zero)


def counting(first: date) -> Counting:
    """Where the days up to FIRST and beyond stand: one query (four more on a first count,
    to find where the history starts)."""
    row, stale = last_stored()
    if row is None:
        start = history_start()
        # Counting starts with the history; an empty history, or one that starts after
        # FIRST, has nothing before FIRST.
        begin = first if start is None or start > first else start
        return Counting(stale_from=None, right_through=None, begin=begin, before=None)
    right_through = row.day if stale is None else stale - timedelta(days=1)
    if right_through == row.day:
        before = row.figures
    else:
        # Nothing stored that day: it lies before the first stored day, and nothing did.
        before = (
            ReportDay.objects.filter(day=right_through).values_list("figures", flat=True).first()
        )
    return Counting(
        stale_from=stale,
        right_through=right_through,
        begin=right_through + timedelta(1),
        before=before,
    )


def report_days_read(first: date, last: date, week_end_of: date | None = None) -> dict[date, dict]:
    """The figures of each day FIRST..LAST: stored ones where they are right, the others
    counted now from the history (not stored: services.report_days_store does that).

    Two queries when the days are stored; a missing or stale day adds the eight of
    count_days, once for all of them.
    """
    state = counting(first)
    days: dict[date, dict] = {}
    if state.right_through is not None and state.right_through >= first:
        days.update(stored_days(first, min(last, state.right_through), week_end_of))
    if state.begin <= last:
        counted = count_days(state.begin, last, state.before)
        days.update({day: figures for day, figures in counted.items() if day >= first})
    # A day before the first stored or counted one: nothing had happened yet.
    return {day: days.get(day) or empty_day() for day in day_range(first, last)}


def day_range(first: date, last: date) -> list[date]:
    return [first + timedelta(n) for n in range((last - first).days + 1)]


# Per table: the rows added since ROW was counted whose time lies inside the stored days.
NEWER = {
    "newer_event": lambda row: TimelineEvent.objects.filter(
        pk__gt=row.event_mark, kind__in=STATUS_KINDS, created_at__lt=row.ends_at
    ),
    "newer_submitted": lambda row: Dream.objects.filter(
        pk__gt=row.dream_mark, submitted_at__lt=row.ends_at
    ),
    "newer_contact": lambda row: Dream.objects.filter(
        pk__gt=row.dream_mark, first_contact_at__lt=row.ends_at
    ),
    "newer_review": lambda row: Review.objects.filter(
        pk__gt=row.review_mark, created_at__lt=row.ends_at
    ),
    "newer_grant": lambda row: Grant.objects.filter(
        pk__gt=row.grant_mark, state=Grant.State.GRANTED, decided_at__lt=row.ends_at
    ),
}
NEWER_TIME = {
    "newer_event": "created_at",
    "newer_submitted": "submitted_at",
    "newer_contact": "first_contact_at",
    "newer_review": "created_at",
    "newer_grant": "decided_at",
}


def _newer_inside() -> dict[str, Subquery]:
    """NEWER as subqueries on the stored row: is there one? Walked by id from the mark (a
    few rows since the last count), never by time (the whole archive before the day)."""
    outer = SimpleNamespace(
        **{
            name: OuterRef(name)
            for name in ("event_mark", "dream_mark", "review_mark", "grant_mark", "ends_at")
        }
    )
    return {
        name: Subquery(rows(outer).order_by("pk").values("pk")[:1]) for name, rows in NEWER.items()
    }
