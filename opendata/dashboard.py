"""What "Hoe doen we het?" draws: the open figures as charts, each with the table of its data.

The figures are counted and suppressed by initiatives.selectors.open_figures (nothing is
counted here); this module only turns them into charts (config/charts.py) and rows of text.
A figure the selectors hid (a count under OPEN_DATA_MIN_COUNT, or a share or amount resting
on one) is LEFT_OUT in the chart, a dashed gap, and "fewer than 5" in the table: never a zero.
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config import charts
from config.charts import LEFT_OUT, NONE
from initiatives.plan_models import ContributionKind
from initiatives.selectors import open_figures
from initiatives.weeks import week_name, week_period
from opendata.dashboard_forms import WEEKS_SHOWN, week_value

MONEY_ROOM = 120  # room beside the longest bar for "€ 123.456,00"


@dataclass(frozen=True)
class TableCell:
    text: str
    left_out: bool = False  # hidden by the selectors: the page says why


@dataclass(frozen=True)
class TableRow:
    head: str
    cells: tuple[TableCell, ...]
    detail: str = ""  # under the head, smaller: a week's days


def week_row(monday: date, cells) -> TableRow:
    """A row of one week: "week 48" with its days under it (narrow tables on a phone)."""
    number = monday.isocalendar().week
    return TableRow(
        head=_("week %(number)d") % {"number": number},
        cells=tuple(cells),
        detail=week_period(monday),
    )


@dataclass(frozen=True)
class FigureTable:
    caption: str
    columns: tuple[str, ...]  # the first names the rows' heads
    rows: tuple[TableRow, ...]
    empty: str = ""


@dataclass(frozen=True)
class Pair:
    """One chart (its kind names its template) beside the table of its data."""

    heading: str
    kind: str  # "bar", "column" or "line": templates/includes/charts/<kind>_chart.html
    chart: object | None  # None: nothing to draw; the table says so
    table: FigureTable


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    intro: str
    pairs: tuple[Pair, ...]
    notes: tuple[str, ...] = field(default=())
    # The open data's downloads of the same figures: the dataset names of their URL names
    # (opendata:download_<dataset>_csv and _json).
    datasets: tuple[str, ...] = field(default=())

    @property
    def downloads(self) -> list[tuple[str, str]]:
        """[(file name, URL)] of this section's downloads, CSV and JSON."""
        urls = [
            reverse(f"opendata:download_{dataset}_{kind}")
            for dataset in self.datasets
            for kind in ("csv", "json")
        ]
        return [(url.rsplit("/", 1)[-1], url) for url in urls]


def gap_text() -> str:
    """The words for a figure left out: "fewer than 5"."""
    return _("fewer than %(count)s") % {"count": settings.OPEN_DATA_MIN_COUNT}


def gap_short() -> str:
    return f"<{settings.OPEN_DATA_MIN_COUNT}"


def _count(cell) -> object:
    """A Cell as a chart takes it: LEFT_OUT when hidden."""
    return LEFT_OUT if cell.suppressed else cell.value or 0


def count_cell(cell) -> TableCell:
    if cell.suppressed:
        return TableCell(gap_text(), left_out=True)
    return TableCell(charts.count_text(cell.value))


def share_cell(share) -> TableCell:
    if share.suppressed:
        return TableCell(gap_text(), left_out=True)
    return TableCell(charts.share_text(share.value))


def _share(share) -> object:
    return LEFT_OUT if share.suppressed else share.value


def money_cell(amount, suppressed: bool) -> TableCell:
    if suppressed:
        return TableCell(gap_text(), left_out=True)
    return TableCell(charts.money_text(amount))


# --- the dreams, week by week -----------------------------------------------------------------


def _weeks_pair(weeks, measures: dict, *, id: str, heading: str) -> Pair:
    """A column chart of MEASURES ({label: attribute of a WeekFigures}) and its table."""
    names = [week_value(week.week) for week in weeks]
    series = {
        label: [_count(getattr(week, attribute)) for week in weeks]
        for label, attribute in measures.items()
    }
    chart = charts.column_chart(
        names,
        series,
        id=id,
        title=heading,
        gap_below=settings.OPEN_DATA_MIN_COUNT,
        gap_short=gap_short(),
        gap_text=gap_text(),
    )
    table = FigureTable(
        caption=heading,
        columns=(_("Week"), *measures),
        rows=tuple(
            week_row(week.week, (count_cell(getattr(week, a)) for a in measures.values()))
            for week in weeks
        ),
    )
    return Pair(heading=heading, kind="column", chart=chart, table=table)


def flow_section(weeks) -> Section:
    return Section(
        id="dromen",
        heading=_("Dreams, week by week"),
        intro=_(
            "How many dreams residents handed in each week, how many we picked up, and how"
            " many were realised, turned out not possible or were withdrawn by the resident."
        ),
        pairs=(
            _weeks_pair(
                weeks,
                {_("Handed in"): "handed_in", _("Picked up"): "picked_up"},
                id="chart-handed-in",
                heading=_("Handed in and picked up"),
            ),
            _weeks_pair(
                weeks, {_("Realised"): "realised"}, id="chart-realised", heading=_("Realised")
            ),
            _weeks_pair(
                weeks,
                {_("Not possible"): "not_possible", _("Withdrawn"): "withdrawn"},
                id="chart-stopped",
                heading=_("Not possible and withdrawn"),
            ),
        ),
        datasets=("weeks",),
    )


# --- the service promises ---------------------------------------------------------------------


def promise_section(promises, silence_days: int) -> Section:
    pick_up = ngettext(
        "Picked up within %(n)s working day",
        "Picked up within %(n)s working days",
        promises.pick_up_working_days,
    ) % {"n": promises.pick_up_working_days}
    contact = ngettext(
        "First contact within %(n)s working day",
        "First contact within %(n)s working days",
        promises.first_contact_working_days,
    ) % {"n": promises.first_contact_working_days}
    heading = _("Promises kept, by the week the dream was handed in")
    weeks = promises.weeks
    chart = charts.share_line_chart(
        [week_value(week.week) for week in weeks],
        {
            pick_up: [_share(week.picked_up_in_time) for week in weeks],
            contact: [_share(week.first_contact_in_time) for week in weeks],
        },
        id="chart-promises",
        title=heading,
        gap_short=gap_short(),
        gap_text=gap_text(),
    )
    shares = Pair(
        heading=heading,
        kind="line",
        chart=chart,
        table=FigureTable(
            caption=heading,
            columns=(_("Week handed in"), pick_up, contact),
            rows=tuple(
                week_row(
                    week.week,
                    (share_cell(week.picked_up_in_time), share_cell(week.first_contact_in_time)),
                )
                for week in weeks
            ),
        ),
    )
    silence_heading = _("Longest silence now")
    if promises.longest_silence_suppressed:
        silence, silence_text = LEFT_OUT, TableCell(gap_text(), left_out=True)
    elif promises.longest_silence_days is None:
        silence, silence_text = None, TableCell(NONE)
    else:
        silence = promises.longest_silence_days
        silence_text = TableCell(days_text(silence))
    promise_label = _("Our promise: at most")
    silence_pair = Pair(
        heading=silence_heading,
        kind="bar",
        chart=charts.bar_chart(
            [(_("Longest silence now"), silence), (promise_label, silence_days)],
            id="chart-silence",
            title=silence_heading,
            text=days_text,
            value_room=MONEY_ROOM,
            gap_text=gap_text(),
        )
        if silence is not None
        else None,
        table=FigureTable(
            caption=silence_heading,
            columns=(_("Figure"), _("Days")),
            rows=(
                TableRow(head=_("Longest silence now"), cells=(silence_text,)),
                TableRow(head=promise_label, cells=(TableCell(days_text(silence_days)),)),
            ),
        ),
    )
    return Section(
        id="beloftes",
        heading=_("Do we keep our promises?"),
        intro=_(
            "We promise to pick up a dream quickly, to talk with the resident soon after, and to"
            " keep residents informed, also when there is no big news. The longest silence is"
            " the longest time an open dream has now waited for news."
        ),
        pairs=(shares, silence_pair),
        datasets=("promises", "silence"),
        notes=(_("A dash (%(dash)s) means there was nothing to measure.") % {"dash": NONE},),
    )


def days_text(days) -> str:
    return ngettext("%(n)s day", "%(n)s days", days) % {"n": charts.count_text(days)}


# --- money ------------------------------------------------------------------------------------


def _money_pair(rows, *, label_of, id: str, heading: str, first: str) -> Pair:
    chart = charts.bar_chart(
        [(label_of(row), LEFT_OUT if row.suppressed else row.amount) for row in rows],
        id=id,
        title=heading,
        text=charts.money_text,
        value_room=MONEY_ROOM,
        gap_text=gap_text(),
    )
    table = FigureTable(
        caption=heading,
        columns=(first, _("Grants"), _("Amount")),
        rows=tuple(
            TableRow(
                head=label_of(row),
                cells=(count_cell(row.grants), money_cell(row.amount, row.suppressed)),
            )
            for row in rows
        ),
        empty=_("No money granted yet this year."),
    )
    return Pair(heading=heading, kind="bar", chart=chart, table=table)


def money_section(rows, *, year: int, village_id: int | None) -> Section:
    """The grants of YEAR: per fund (in the village, when one is chosen) and per village."""
    rows = [row for row in rows if row.year == year]
    per_fund = [
        row for row in rows if row.fund_id is not None and row.neighbourhood_id == village_id
    ]
    pairs = [
        _money_pair(
            per_fund,
            label_of=lambda row: row.fund_name,
            id="chart-money-funds",
            heading=_("Money granted per fund in %(year)s") % {"year": year},
            first=_("Fund"),
        )
    ]
    if village_id is None:
        per_village = [row for row in rows if row.fund_id is None and row.neighbourhood_id]
        pairs.append(
            _money_pair(
                per_village,
                label_of=lambda row: row.neighbourhood_name,
                id="chart-money-villages",
                heading=_("Money granted per village or neighbourhood in %(year)s")
                % {"year": year},
                first=_("Village or neighbourhood"),
            )
        )
    return Section(
        id="geld",
        heading=_("Money for dreams"),
        intro=_(
            "Money the municipality and the neighbourhoods granted to dreams from their funds,"
            " in the year of the chosen week."
        ),
        pairs=tuple(pairs),
        datasets=("money",),
    )


# --- partners ---------------------------------------------------------------------------------


def partner_section(rows, *, year: int, village_id: int | None) -> Section | None:
    """Partners' contributions of YEAR by kind; None while no partner contributed."""
    rows = [
        row
        for row in rows
        if row.year == year and row.kind is not None and row.neighbourhood_id == village_id
    ]
    if not rows:
        return None
    kinds = dict(ContributionKind.choices)
    heading = _("Contributions of partners in %(year)s") % {"year": year}
    chart = charts.bar_chart(
        [(kinds.get(row.kind, row.kind), _count(row.contributions)) for row in rows],
        id="chart-partners",
        title=heading,
        gap_text=gap_text(),
    )

    def amount(row) -> TableCell:
        if row.suppressed:
            return TableCell(gap_text(), left_out=True)
        return TableCell(charts.money_text(row.amount) if row.amount else NONE)

    def hours(row) -> TableCell:
        if row.suppressed:
            return TableCell(gap_text(), left_out=True)
        return TableCell(charts.count_text(row.hours) if row.hours else NONE)

    table = FigureTable(
        caption=heading,
        columns=(_("Kind"), _("Contributions"), _("Money"), _("Hours")),
        rows=tuple(
            TableRow(
                head=str(kinds.get(row.kind, row.kind)),
                cells=(count_cell(row.contributions), amount(row), hours(row)),
            )
            for row in rows
        ),
    )
    return Section(
        id="partners",
        heading=_("Partners who help"),
        intro=_(
            "Housing corporations, schools, shops and clubs help dreams with money, hours or"
            " materials, next to the municipality."
        ),
        pairs=(Pair(heading=heading, kind="bar", chart=chart, table=table),),
        datasets=("contributions",),
    )


# --- the page's figures -----------------------------------------------------------------------


def figures_context(
    *,
    village_id: int | None,
    village_name: str,
    last_monday: date,
    year: int,
    silence_days: int,
) -> dict:
    """Everything the figures' part of the page draws, for one village (None: all) and the
    WEEKS_SHOWN weeks up to LAST_MONDAY's; money and partners of YEAR
    (open_figures.money_year chooses it)."""
    weeks = open_figures.week_figures(
        neighbourhood_id=village_id, weeks=WEEKS_SHOWN, until=last_monday
    )
    promises = open_figures.promise_figures(
        neighbourhood_id=village_id, weeks=WEEKS_SHOWN, until=last_monday
    )
    sections = [
        flow_section(weeks),
        promise_section(promises, silence_days),
        money_section(
            open_figures.money_granted(neighbourhood_id=village_id, year=year),
            year=year,
            village_id=village_id,
        ),
    ]
    partners = partner_section(
        open_figures.partner_contributions(neighbourhood_id=village_id, year=year),
        year=year,
        village_id=village_id,
    )
    if partners is not None:
        sections.append(partners)
    return {
        "sections": sections,
        "village_name": village_name,
        "first_week": week_name(weeks[0].week) if weeks else "",
        "last_week": week_name(last_monday),
    }
