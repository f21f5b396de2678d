"""The open data's figures (issue 19): what anyone may read about how the municipality works.

Four sets, each a plain frozen dataclass, small counts suppressed (selectors.small_counts):

- `weeks_available`: the Mondays a week chooser offers; `place_names`: ids and names;
- `weekly_counts` / `week_figures`: per ISO week (Monday to Sunday, Europe/Amsterdam), per
  neighbourhood and per theme, the dreams handed in, picked up, realised, not possible and
  withdrawn;
- `promise_counts` / `promise_figures`: per week of handing in, the share of the dreams
  picked up within the promised working days, and of those the share given a first contact
  within the promised working days (judged in the database: selectors.working_day_sql); and
  now, the open dreams and the longest silence among them (also alone: `silence_counts`);
- `money_granted`: the grants decided per year, fund and neighbourhood (count and amount);
- `partner_contributions`: partners' contributions per year, kind and neighbourhood.

Suppression and totals. Each set is counted once into tables whose cells are (neighbourhood,
theme) for the weeks, (fund, neighbourhood) and (kind, neighbourhood) for the years; every
total published (all themes of a neighbourhood, all neighbourhoods of a fund, everything) is
a total of the same table, suppressed together with its cells: a count from 1 to
OPEN_DATA_MIN_COUNT - 1 is hidden, and where one hidden figure could be worked out from a
published total, a second figure is hidden too (secondary suppression, never by leaving the
total out). A money amount or a share is hidden with the count it rests on (the grants, the
dreams measured). No total over weeks or years is published here: whoever adds published
cells learns nothing hidden, and a caller that shows a sum over weeks must add published
cells only.

Why not from the weekly report's counted days (selectors.report_days): those days are the
municipality's totals (intake per neighbourhood or per theme, moves without either), while
the figures here are needed per neighbourhood and theme at once, and the promises per week of
handing in (the week a dream belongs to) rather than per day of the event. The counting
follows theirs (grouped queries, local days and weeks, working days worked out once per pair
of dates); a test checks that both give the same totals.

A fixed number of queries whatever the size of the archive; callers cache the answers per
open-data version (initiatives.open_data_version).
"""

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import (
    Coalesce,
    ExtractIsoWeekDay,
    ExtractYear,
    TruncDate,
    TruncWeek,
)
from django.utils import timezone

from initiatives.models import Dream, EventKind, Grant, Neighbourhood, Theme, TimelineEvent
from initiatives.plan_models import Contribution, ContributionKind
from initiatives.selectors.reference import service_promises
from initiatives.selectors.report_days import day_start
from initiatives.selectors.small_counts import ALL, Cell, Table
from initiatives.selectors.working_day_sql import deadline_after
from initiatives.statuses import OPEN, Status

# How far back the figures go: two years of weeks.
MAX_WEEKS = 104
DEFAULT_WEEKS = 12

# The status moves counted per week, by the name they are published under.
MOVES = {
    "picked_up": Status.PICKED_UP,
    "realised": Status.REALISED,
    "not_possible": Status.NOT_POSSIBLE,
    "withdrawn": Status.WITHDRAWN,
}
MEASURES = ("handed_in", *MOVES)


@dataclass(frozen=True)
class WeekFigures:
    """One week of one selection (None: all neighbourhoods, all themes)."""

    week: date  # the Monday
    neighbourhood_id: int | None
    theme_id: int | None
    handed_in: Cell  # dreams handed in (submitted_at) in the week
    picked_up: Cell  # dreams moved to "picked up" in the week
    realised: Cell  # moved to "realised"
    not_possible: Cell  # moved to "not possible" (a signed decision letter)
    withdrawn: Cell  # withdrawn by the resident (after handing in; unconfirmed ones never count)


@dataclass(frozen=True)
class Share:
    """A share of dreams: `value` (0 to 1, three decimals) of the `base` dreams measured.

    None and `suppressed` when the base is hidden (fewer than OPEN_DATA_MIN_COUNT, or hidden
    to protect another figure); None without `suppressed` when nothing was measured.
    """

    value: float | None
    base: Cell
    suppressed: bool


@dataclass(frozen=True)
class PromiseWeek:
    """The service promises for the dreams handed in during one week.

    A dream counts once its promise is decided: picked up (in time or late), or its deadline
    passed while it still waited (a dream withdrawn in time is not measured). First contact
    is measured for the dreams picked up, from the day they were picked up.
    """

    week: date
    picked_up_in_time: Share
    first_contact_in_time: Share


@dataclass(frozen=True)
class PromiseFigures:
    """The promises per week for one selection, and the silence now."""

    neighbourhood_id: int | None
    theme_id: int | None
    pick_up_working_days: int  # the promises as they stand now
    first_contact_working_days: int
    weeks: list[PromiseWeek]
    open_dreams: Cell  # the open dreams now (handed in, not closed)
    # Whole days since the longest-silent open dream last had news for its resident; None and
    # suppressed when the open dreams are hidden, None alone when there are none.
    longest_silence_days: int | None
    longest_silence_suppressed: bool


@dataclass(frozen=True)
class MoneyRow:
    """Grants decided in one year from one fund in one neighbourhood (None: all of them).

    The neighbourhood is the dream's. `amount` (euro) is None and `suppressed` when the
    number of grants is hidden.
    """

    year: int
    fund_id: int | None
    fund_name: str
    neighbourhood_id: int | None
    neighbourhood_name: str
    grants: Cell
    amount: Decimal | None
    suppressed: bool


@dataclass(frozen=True)
class ContributionRow:
    """Partners' contributions recorded in one year, of one kind (money, hours, materials),
    for dreams in one neighbourhood (None: all of them); withdrawn ones never count.

    `amount` is the money given plus the value of materials where known (euro), `hours` the
    hours given; both None and `suppressed` when the number of contributions is hidden.
    """

    year: int
    kind: str | None
    neighbourhood_id: int | None
    neighbourhood_name: str
    contributions: Cell
    amount: Decimal | None
    hours: Decimal | None
    suppressed: bool


def _key(value: int | None) -> Hashable:
    return ALL if value is None else value


def _local_week(field: str) -> TruncWeek:
    return TruncWeek(field, output_field=DateField(), tzinfo=timezone.get_default_timezone())


def _local_day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=timezone.get_default_timezone())


def this_monday(now: datetime | None = None) -> date:
    today = timezone.localdate(now or timezone.now(), timezone.get_default_timezone())
    return today - timedelta(days=today.weekday())


def money_year(monday: date, *, now: datetime | None = None) -> int:
    """The year whose money a page about the week of MONDAY shows. The year of the week's
    last day, not of its Monday: in the first days of January a week's Monday can still be
    in December (week 1 of 2026 starts on 29 December 2025), and that page should show the
    new year. While the week is the current one, the year of today: on 30 December the new
    year has no money yet."""
    if monday == this_monday(now):
        return timezone.localdate(now or timezone.now(), timezone.get_default_timezone()).year
    return (monday + timedelta(days=6)).year


def week_range(*, weeks: int = DEFAULT_WEEKS, until: date | None = None) -> list[date]:
    """The Mondays of WEEKS weeks up to and including the week of UNTIL (a Monday; default
    this week), oldest first. ValueError for a number outside 1..MAX_WEEKS or a day that is
    not a Monday."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"weeks must be between 1 and {MAX_WEEKS}")
    until = until or this_monday()
    if until.weekday() != 0:
        raise ValueError("until must be a Monday")
    return [until - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def weeks_available(now: datetime | None = None) -> list[date]:
    """The Mondays a week chooser offers, newest first: from the week the first dream was
    handed in (at most MAX_WEEKS back) to this week; only this week in an empty archive.
    One query."""
    monday = this_monday(now)
    first = Dream.objects.aggregate(first=Min("submitted_at"))["first"]
    if first is None:
        return [monday]
    first_monday = this_monday(first)
    count = min((monday - first_monday).days // 7 + 1, MAX_WEEKS)
    return [monday - timedelta(weeks=n) for n in range(max(count, 1))]


def place_names() -> tuple[dict[int, str], dict[int, str]]:
    """Every neighbourhood and every theme, {id: name} in order of name: two queries."""
    return (
        dict(Neighbourhood.objects.order_by("name").values_list("pk", "name")),
        dict(Theme.objects.order_by("name").values_list("pk", "name")),
    )


@dataclass(frozen=True)
class WeeklyCounts:
    """The counts of a run of weeks, one suppressed table per week and measure. Pick a
    selection with `figures`; every selection read from one WeeklyCounts can be published
    side by side."""

    mondays: list[date]
    neighbourhoods: dict[int, str]  # every neighbourhood, by id (also those without dreams)
    themes: dict[int, str]
    tables: dict[tuple[date, str], Table]

    def figures(
        self, *, neighbourhood_id: int | None = None, theme_id: int | None = None
    ) -> list[WeekFigures]:
        """The weeks of one selection, oldest first (None: all)."""
        row, column = _key(neighbourhood_id), _key(theme_id)
        return [
            WeekFigures(
                week=monday,
                neighbourhood_id=neighbourhood_id,
                theme_id=theme_id,
                **{
                    measure: self.tables[(monday, measure)].cell(row, column)
                    for measure in MEASURES
                },
            )
            for monday in self.mondays
        ]


def weekly_counts(*, weeks: int = DEFAULT_WEEKS, until: date | None = None) -> WeeklyCounts:
    """Count the weeks (see week_range) for every neighbourhood and theme: four queries."""
    mondays = week_range(weeks=weeks, until=until)
    start, end = day_start(mondays[0]), day_start(mondays[-1] + timedelta(days=7))
    neighbourhoods, themes = place_names()
    counts: dict[tuple[date, str], dict] = {
        (m, measure): {} for m in mondays for measure in MEASURES
    }

    for week, neighbourhood, theme, count in (
        Dream.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        .annotate(week=_local_week("submitted_at"))
        .values("week", "neighbourhood_id", "theme_id")
        .annotate(count=Count("id"))
        .values_list("week", "neighbourhood_id", "theme_id", "count")
        .order_by()
    ):
        counts[(week, "handed_in")][(neighbourhood, theme)] = count

    measure_of = {status: measure for measure, status in MOVES.items()}
    for week, neighbourhood, theme, to_status, count in (
        TimelineEvent.objects.filter(
            kind=EventKind.STATUS_CHANGED,
            to_status__in=MOVES.values(),
            created_at__gte=start,
            created_at__lt=end,
        )
        # A dream withdrawn before it was confirmed was never handed in.
        .exclude(from_status=Status.UNCONFIRMED)
        .annotate(week=_local_week("created_at"))
        .values("week", "dream__neighbourhood_id", "dream__theme_id", "to_status")
        .annotate(count=Count("id"))
        .values_list("week", "dream__neighbourhood_id", "dream__theme_id", "to_status", "count")
        .order_by()
    ):
        counts[(week, measure_of[to_status])][(neighbourhood, theme)] = count

    tables = {key: Table(cells, neighbourhoods, themes) for key, cells in counts.items()}
    return WeeklyCounts(
        mondays=mondays, neighbourhoods=neighbourhoods, themes=themes, tables=tables
    )


def week_figures(
    *,
    neighbourhood_id: int | None = None,
    theme_id: int | None = None,
    weeks: int = DEFAULT_WEEKS,
    until: date | None = None,
) -> list[WeekFigures]:
    """The weeks of one selection (None: all), oldest first: four queries."""
    return weekly_counts(weeks=weeks, until=until).figures(
        neighbourhood_id=neighbourhood_id, theme_id=theme_id
    )


def _share(kept: Table, base: Table, row: Hashable, column: Hashable) -> Share:
    measured = base.cell(row, column)
    if measured.suppressed:
        return Share(value=None, base=measured, suppressed=True)
    if not measured.value:
        return Share(value=None, base=measured, suppressed=False)
    value = round(kept.raw(row, column) / measured.value, 3)
    return Share(value=value, base=measured, suppressed=False)


@dataclass(frozen=True)
class PromiseCounts:
    """The promise counts of a run of weeks, and the open dreams now, as suppressed tables."""

    mondays: list[date]
    pick_up_working_days: int
    first_contact_working_days: int
    pick_up: dict[date, tuple[Table, Table]]  # per week: (kept, measured)
    first_contact: dict[date, tuple[Table, Table]]
    silence: "SilenceCounts"

    def figures(
        self, *, neighbourhood_id: int | None = None, theme_id: int | None = None
    ) -> PromiseFigures:
        row, column = _key(neighbourhood_id), _key(theme_id)
        silence = self.silence.figures(neighbourhood_id=neighbourhood_id, theme_id=theme_id)
        return PromiseFigures(
            neighbourhood_id=neighbourhood_id,
            theme_id=theme_id,
            pick_up_working_days=self.pick_up_working_days,
            first_contact_working_days=self.first_contact_working_days,
            weeks=[
                PromiseWeek(
                    week=monday,
                    picked_up_in_time=_share(*self.pick_up[monday], row, column),
                    first_contact_in_time=_share(*self.first_contact[monday], row, column),
                )
                for monday in self.mondays
            ],
            open_dreams=silence.open_dreams,
            longest_silence_days=silence.longest_silence_days,
            longest_silence_suppressed=silence.longest_silence_suppressed,
        )


def _days_between(later, earlier: str) -> ExpressionWrapper:
    """SQL: the time from the date EARLIER to the date LATER (null if either is)."""
    later = F(later) if isinstance(later, str) else later
    return ExpressionWrapper(later - F(earlier), output_field=DurationField())


@dataclass(frozen=True)
class SilenceFigures:
    """The open dreams now and the longest silence among them, for one selection."""

    neighbourhood_id: int | None
    theme_id: int | None
    open_dreams: Cell
    longest_silence_days: int | None  # None and suppressed with the open dreams
    longest_silence_suppressed: bool


@dataclass(frozen=True)
class SilenceCounts:
    """The open dreams now per (neighbourhood, theme), suppressed together, and the oldest
    last public update in each cell."""

    open_dreams: Table
    oldest_update: dict[tuple[int, int], datetime]
    now: datetime

    def figures(
        self, *, neighbourhood_id: int | None = None, theme_id: int | None = None
    ) -> SilenceFigures:
        open_cell = self.open_dreams.cell(_key(neighbourhood_id), _key(theme_id))
        oldest = [
            moment
            for (neighbourhood, theme), moment in self.oldest_update.items()
            if neighbourhood_id in (None, neighbourhood) and theme_id in (None, theme)
        ]
        hidden = open_cell.suppressed
        return SilenceFigures(
            neighbourhood_id=neighbourhood_id,
            theme_id=theme_id,
            open_dreams=open_cell,
            longest_silence_days=(self.now - min(oldest)).days if oldest and not hidden else None,
            longest_silence_suppressed=hidden,
        )


def silence_counts(*, now: datetime | None = None) -> SilenceCounts:
    """Count the open dreams at NOW (default: now) and their oldest news: one query."""
    open_counts, oldest = {}, {}
    for neighbourhood, theme, count, last_update in (
        Dream.objects.filter(status__in=OPEN)
        .values("neighbourhood_id", "theme_id")
        .annotate(count=Count("id"), oldest=Min("last_public_update_at"))
        .values_list("neighbourhood_id", "theme_id", "count", "oldest")
        .order_by()
    ):
        open_counts[(neighbourhood, theme)] = count
        if last_update is not None:
            oldest[(neighbourhood, theme)] = last_update
    return SilenceCounts(
        open_dreams=Table(open_counts), oldest_update=oldest, now=now or timezone.now()
    )


def promise_counts(
    *, weeks: int = DEFAULT_WEEKS, until: date | None = None, now: datetime | None = None
) -> PromiseCounts:
    """Count the promises of the dreams handed in during the weeks (see week_range), and the
    open dreams at NOW (default: now): three queries."""
    now = now or timezone.now()
    today = timezone.localdate(now, timezone.get_default_timezone())
    mondays = week_range(weeks=weeks, until=until or this_monday(now))
    start, end = day_start(mondays[0]), day_start(mondays[-1] + timedelta(days=7))
    promises = service_promises()
    pick_up_days = promises.pick_up_working_days
    contact_days = promises.first_contact_working_days

    # Judged in the database: per week and place, how many were measured and kept.
    deadlines = {
        "pick_up_deadline": deadline_after(
            day="handed_in_on",
            weekday="handed_in_weekday",
            first=mondays[0],
            last=mondays[-1] + timedelta(days=6),
            working_days=pick_up_days,
        ),
        # A dream handed in during the weeks may be picked up any day since, up to today.
        "contact_deadline": deadline_after(
            day="picked_up_on",
            weekday="picked_up_weekday",
            first=mondays[0],
            last=max(today, mondays[-1] + timedelta(days=6)),
            working_days=contact_days,
        ),
    }
    # The last day a dream could still be picked up or contacted: the day it closed, or today.
    waited = Coalesce("closed_on", Value(today), output_field=DateField())
    picked_up = Q(picked_up_on__isnull=False)
    measures = {
        "pick_up_base": picked_up | Q(pick_up_waited__gt=F("pick_up_deadline")),
        "pick_up_kept": picked_up & Q(pick_up_took__lte=F("pick_up_deadline")),
        "contact_base": picked_up
        & (Q(contacted_on__isnull=False) | Q(contact_waited__gt=F("contact_deadline"))),
        "contact_kept": picked_up
        & Q(contacted_on__isnull=False, contact_took__lte=F("contact_deadline")),
    }
    tz = timezone.get_default_timezone()
    rows = (
        Dream.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        .annotate(
            week=_local_week("submitted_at"),
            handed_in_on=_local_day("submitted_at"),
            handed_in_weekday=ExtractIsoWeekDay("submitted_at", tzinfo=tz),
            picked_up_on=_local_day("picked_up_at"),
            picked_up_weekday=ExtractIsoWeekDay("picked_up_at", tzinfo=tz),
            contacted_on=_local_day("first_contact_at"),
            closed_on=_local_day("closed_at"),
        )
        .annotate(
            **deadlines,
            pick_up_took=_days_between("picked_up_on", "handed_in_on"),
            pick_up_waited=_days_between(waited, "handed_in_on"),
            contact_took=_days_between("contacted_on", "picked_up_on"),
            contact_waited=_days_between(waited, "picked_up_on"),
        )
        .values("week", "neighbourhood_id", "theme_id")
        .annotate(**{name: Count("id", filter=where) for name, where in measures.items()})
        .values_list("week", "neighbourhood_id", "theme_id", *measures)
        .order_by()
    )
    counted: dict[tuple[date, str], dict] = {
        (monday, name): {} for monday in mondays for name in measures
    }
    for week, neighbourhood, theme, *counts in rows:
        for name, count in zip(measures, counts, strict=True):
            counted[(week, name)][(neighbourhood, theme)] = count

    def table(monday: date, name: str) -> Table:
        return Table(counted[(monday, name)])

    return PromiseCounts(
        mondays=mondays,
        pick_up_working_days=pick_up_days,
        first_contact_working_days=contact_days,
        pick_up={m: (table(m, "pick_up_kept"), table(m, "pick_up_base")) for m in mondays},
        first_contact={m: (table(m, "contact_kept"), table(m, "contact_base")) for m in mondays},
        silence=silence_counts(now=now),
    )


def promise_figures(
    *,
    neighbourhood_id: int | None = None,
    theme_id: int | None = None,
    weeks: int = DEFAULT_WEEKS,
    until: date | None = None,
    now: datetime | None = None,
) -> PromiseFigures:
    """The promises of one selection (None: all): three queries."""
    return promise_counts(weeks=weeks, until=until, now=now).figures(
        neighbourhood_id=neighbourhood_id, theme_id=theme_id
    )


def _row_names(names: dict, key: Hashable) -> str:
    return "" if key == ALL else names.get(key, "")


def money_granted(
    *, neighbourhood_id: int | None = None, fund_id: int | None = None, year: int | None = None
) -> list[MoneyRow]:
    """Every year's grants per fund and neighbourhood, with the totals per fund, per
    neighbourhood and per year (ids None), newest year first: cells with grants and all
    totals; with NEIGHBOURHOOD_ID or FUND_ID only the rows of that neighbourhood or fund
    (and their totals); with YEAR only that year's (suppression works per year, so its rows
    are the same as without it). One query."""
    grants = Grant.objects.filter(state=Grant.State.GRANTED, decided_at__isnull=False).annotate(
        year=ExtractYear("decided_at", tzinfo=timezone.get_default_timezone()),
    )
    if year is not None:
        grants = grants.filter(year=year)
    rows = (
        grants.values(
            "year", "fund_id", "fund__name", "dream__neighbourhood_id", "dream__neighbourhood__name"
        )
        .annotate(count=Count("id"), amount=Sum("amount"))
        .values_list(
            "year",
            "fund_id",
            "fund__name",
            "dream__neighbourhood_id",
            "dream__neighbourhood__name",
            "count",
            "amount",
        )
        .order_by()
    )
    counts: dict[int, dict] = {}
    amounts: dict[tuple, Decimal] = {}
    funds: dict[int, str] = {}
    neighbourhoods: dict[int, str] = {}
    for year, fund, fund_name, neighbourhood, neighbourhood_name, count, amount in rows:
        counts.setdefault(year, {})[(fund, neighbourhood)] = count
        funds[fund], neighbourhoods[neighbourhood] = fund_name, neighbourhood_name
        for key in ((fund, neighbourhood), (fund, ALL), (ALL, neighbourhood), (ALL, ALL)):
            amounts[(year, *key)] = amounts.get((year, *key), Decimal(0)) + amount

    result = []
    for year in sorted(counts, reverse=True):
        table = Table(counts[year])
        for fund in [*table.rows, ALL]:
            for neighbourhood in [*table.columns, ALL]:
                if fund_id is not None and fund != fund_id:
                    continue
                if neighbourhood_id is not None and neighbourhood != neighbourhood_id:
                    continue
                grants = table.cell(fund, neighbourhood)
                if grants.value == 0:
                    continue  # a fund that gave nothing in a neighbourhood: no row
                result.append(
                    MoneyRow(
                        year=year,
                        fund_id=None if fund == ALL else fund,
                        fund_name=_row_names(funds, fund),
                        neighbourhood_id=None if neighbourhood == ALL else neighbourhood,
                        neighbourhood_name=_row_names(neighbourhoods, neighbourhood),
                        grants=grants,
                        amount=None if grants.suppressed else amounts[(year, fund, neighbourhood)],
                        suppressed=grants.suppressed,
                    )
                )
    return result


def partner_contributions(
    *, neighbourhood_id: int | None = None, year: int | None = None
) -> list[ContributionRow]:
    """Every year's partner contributions per kind and neighbourhood, with the totals per
    kind, per neighbourhood and per year (None), newest year first; with NEIGHBOURHOOD_ID only
    that neighbourhood's rows, with YEAR only that year's. Empty while no partner
    contributed. One query."""
    contributions = Contribution.objects.filter(
        source=Contribution.Source.PARTNER, withdrawn_at__isnull=True
    ).annotate(year=ExtractYear("created_at", tzinfo=timezone.get_default_timezone()))
    if year is not None:
        contributions = contributions.filter(year=year)
    rows = (
        contributions.values(
            "year", "kind", "dream__neighbourhood_id", "dream__neighbourhood__name"
        )
        .annotate(count=Count("id"), amount=Sum("amount"), hours=Sum("hours"))
        .values_list(
            "year",
            "kind",
            "dream__neighbourhood_id",
            "dream__neighbourhood__name",
            "count",
            "amount",
            "hours",
        )
        .order_by()
    )
    counts: dict[int, dict] = {}
    sums: dict[tuple, list[Decimal]] = {}
    neighbourhoods: dict[int, str] = {}
    for year, kind, neighbourhood, name, count, amount, hours in rows:
        counts.setdefault(year, {})[(kind, neighbourhood)] = count
        neighbourhoods[neighbourhood] = name
        for key in ((kind, neighbourhood), (kind, ALL), (ALL, neighbourhood), (ALL, ALL)):
            total = sums.setdefault((year, *key), [Decimal(0), Decimal(0)])
            total[0] += amount or 0
            total[1] += hours or 0

    kinds = [kind.value for kind in ContributionKind]
    result = []
    for year in sorted(counts, reverse=True):
        table = Table(counts[year])
        for kind in [*sorted(table.rows, key=kinds.index), ALL]:
            for neighbourhood in [*table.columns, ALL]:
                if neighbourhood_id is not None and neighbourhood != neighbourhood_id:
                    continue
                contributions = table.cell(kind, neighbourhood)
                if contributions.value == 0:
                    continue
                amount, hours = sums[(year, kind, neighbourhood)]
                hidden = contributions.suppressed
                result.append(
                    ContributionRow(
                        year=year,
                        kind=None if kind == ALL else kind,
                        neighbourhood_id=None if neighbourhood == ALL else neighbourhood,
                        neighbourhood_name=_row_names(neighbourhoods, neighbourhood),
                        contributions=contributions,
                        amount=None if hidden else amount,
                        hours=None if hidden else hours,
                        suppressed=hidden,
                    )
                )
    return result
