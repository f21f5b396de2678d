"""The weekly report's presentation: charts drawn on the server as SVG, and comparisons.

Pure presentation: everything here takes the figures of a WeeklyReport snapshot (plain
numbers and strings) and returns what a template draws. Nothing reads the database and
nothing needs JavaScript, so the same charts work on screen, in print and in the PDF.

Each chart is a small frozen dataclass with its geometry worked out; the templates in
staff/templates/staff/report/ turn it into <svg role="img"> with a <title> and a <desc>
that say in words what the chart shows. The colours are SVG presentation attributes
(the Content Security Policy allows no inline style) with enough contrast on white.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from math import ceil, floor, log10

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from initiatives.dilemma_models import Dilemma
from initiatives.statuses import Status

BACKGROUND = "#ffffff"
# Bars and lines need 3:1 against the background (WCAG 1.4.11); these have 7.0:1 and 6.1:1.
# Blue and orange stay apart for colour-blind readers; lines also differ in dash and marker.
SERIES = ("#1d5a9e", "#a3470b")
TRACK = "#e4e9ef"  # the empty part of a meter; the filled part has 5.7:1 against it
TEXT = "#1a1a1a"
AXIS = "#595959"
GRID = "#d5dbe1"  # decoration only: the values are written out
FONT = "Arial, Helvetica, sans-serif"
MINUS = "\u2212"  # a real minus sign, not a hyphen
NONE = "\u2013"  # an en dash: no figure (nothing was measured)

# The week's flow, in the order the page and the CSV show it (lazy: read at import time).
FLOW_LABELS = (
    ("picked_up", gettext_lazy("Picked up")),
    ("first_contact", gettext_lazy("First contact")),
    ("in_progress", gettext_lazy("To “in progress”")),
    ("realised", gettext_lazy("Realised")),
    ("not_possible", gettext_lazy("Not possible")),
    ("withdrawn", gettext_lazy("Withdrawn")),
    ("open_total", gettext_lazy("Open at the end of the week")),
)


# --- numbers as people read them --------------------------------------------------------------


def count_text(value) -> str:
    return number_format(value or 0, 0, force_grouping=True)


def share_text(share: float | None) -> str:
    """0.333 → "33%"; no share (nothing measured) → an en dash."""
    if share is None:
        return NONE
    return f"{number_format(round(share * 100), 0)}%"


def days_text(days: float | None) -> str:
    if days is None:
        return NONE
    return number_format(days, 1 if days % 1 else 0)


def money_text(amount) -> str:
    return "€ " + number_format(to_decimal(amount), 2, force_grouping=True)


def to_decimal(amount) -> Decimal:
    try:
        return Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return Decimal(0)


def short_week(week: str) -> str:
    """'2026-W47' → 'W47': the axis has room for little."""
    return week.rsplit("-", 1)[-1]


def _shorten(text: str, length: int = 24) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _listing(pairs) -> str:
    return "; ".join(f"{label}: {text}" for label, text in pairs)


# --- comparisons with the previous week -------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    label: str
    value: str
    previous: str
    difference: str  # "+2", "-1" (a real minus), "±0", or NONE when there is nothing to compare
    direction: str  # "up", "down", "same" or "" (not comparable)
    sentence: str  # the comparison in words, for everyone and for screen readers


def compare_counts(label: str, current, previous) -> Comparison:
    current, previous = current or 0, previous or 0
    diff = current - previous
    if diff > 0:
        direction, sentence = "up", _("%(n)s more than the week before") % {"n": count_text(diff)}
    elif diff < 0:
        direction = "down"
        sentence = _("%(n)s fewer than the week before") % {"n": count_text(-diff)}
    else:
        direction, sentence = "same", _("as many as the week before")
    return Comparison(
        label=label,
        value=count_text(current),
        previous=count_text(previous),
        difference=_signed(diff, count_text(abs(diff))),
        direction=direction,
        sentence=sentence,
    )


def compare_shares(label: str, current: float | None, previous: float | None) -> Comparison:
    if current is None or previous is None:
        return Comparison(
            label=label,
            value=share_text(current),
            previous=share_text(previous),
            difference=NONE,
            direction="",
            sentence=_("nothing to compare with"),
        )
    points = round(current * 100) - round(previous * 100)
    if points > 0:
        direction = "up"
        sentence = _("%(n)s percentage points higher than the week before") % {"n": points}
    elif points < 0:
        direction = "down"
        sentence = _("%(n)s percentage points lower than the week before") % {"n": -points}
    else:
        direction, sentence = "same", _("the same as the week before")
    return Comparison(
        label=label,
        value=share_text(current),
        previous=share_text(previous),
        difference=_signed(points, _("%(n)s pp") % {"n": abs(points)}),
        direction=direction,
        sentence=sentence,
    )


def _signed(diff, magnitude: str) -> str:
    if diff > 0:
        return f"+{magnitude}"
    if diff < 0:
        return f"{MINUS}{magnitude}"
    return f"±{magnitude}"


@dataclass(frozen=True)
class Row:
    label: str
    current: int
    previous: int


def compare_rows(current: list, previous: list) -> list[Row]:
    """Pair [(name, count), ...] of two weeks: this week's order first, then the rest."""
    before = dict(previous or [])
    now = dict(current or [])
    rows = [Row(name, count, before.get(name, 0)) for name, count in current or []]
    rows += [
        Row(name, 0, count)
        for name, count in sorted(before.items(), key=lambda item: (-item[1], item[0]))
        if name not in now
    ]
    return rows


# --- horizontal bar chart ---------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    short_label: str
    text: str
    y: float  # top of the bar
    width: float
    text_x: float
    label_y: float


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    desc: str
    width: int
    height: int
    plot_left: int
    bar_height: int
    colour: str
    bars: tuple[Bar, ...]
    font: str = FONT
    text_colour: str = TEXT
    axis_colour: str = AXIS

    @property
    def label_x(self) -> int:
        return self.plot_left - 8


BAR_WIDTH, BAR_LABEL_WIDTH, BAR_VALUE_ROOM, BAR_ROW, BAR_HEIGHT = 640, 180, 56, 28, 18


def bar_chart(rows, *, id: str, title: str, colour: str = SERIES[0]) -> BarChart | None:
    """One horizontal bar per (label, value) in ROWS, longest value filling the width.

    Returns None when there are no rows: the template says so in words instead.
    """
    rows = [(str(label), value or 0) for label, value in rows]
    if not rows:
        return None
    plot_width = BAR_WIDTH - BAR_LABEL_WIDTH - BAR_VALUE_ROOM
    top = max(value for _label, value in rows) or 1
    bars = []
    for n, (label, value) in enumerate(rows):
        y = 8 + n * BAR_ROW
        width = round(plot_width * value / top, 1)
        if value and width < 2:
            width = 2  # a value above zero stays visible
        bars.append(
            Bar(
                label=label,
                short_label=_shorten(label),
                text=count_text(value),
                y=y,
                width=width,
                text_x=BAR_LABEL_WIDTH + width + 6,
                label_y=y + BAR_HEIGHT / 2 + 5,
            )
        )
    return BarChart(
        id=id,
        title=title,
        desc=_listing((bar.label, bar.text) for bar in bars),
        width=BAR_WIDTH,
        height=16 + len(rows) * BAR_ROW,
        plot_left=BAR_LABEL_WIDTH,
        bar_height=BAR_HEIGHT,
        colour=colour,
        bars=tuple(bars),
    )


# --- the frame of the trend charts ------------------------------------------------------------

FRAME_WIDTH, FRAME_HEIGHT = 640, 270
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 52, 628, 52, 236
LEGEND_Y = 14


def nice_ticks(top: float, *, count: int = 4) -> list[int]:
    """Whole-number ticks from 0 to at least TOP, in steps of 1, 2 or 5 times a power of 10."""
    raw = max(top / count, 1)
    magnitude = 10 ** floor(log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return [step * n for n in range(max(ceil(top / step), 1) + 1)]


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class AxisLabel:
    x: float
    text: str


@dataclass(frozen=True)
class LegendItem:
    x: float
    label: str
    colour: str
    dash: str  # "" for a solid line
    marker: str  # "circle" or "square"
    y: int = LEGEND_Y

    @property
    def text_x(self) -> float:
        return self.x + 34

    @property
    def mid_x(self) -> float:
        return self.x + 13


@dataclass(frozen=True)
class Frame:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    ticks: tuple[Tick, ...]
    labels: tuple[AxisLabel, ...]
    legend: tuple[LegendItem, ...]
    font: str = FONT
    text_colour: str = TEXT
    axis_colour: str = AXIS
    grid_colour: str = GRID

    @property
    def tick_x(self) -> int:
        return self.left - 6

    @property
    def label_y(self) -> int:
        return self.bottom + 18


def _frame(weeks: list[str], ticks: list[tuple[float, str]], series: list[str]) -> Frame:
    step = (PLOT_RIGHT - PLOT_LEFT) / max(len(weeks), 1)
    legend = tuple(
        LegendItem(
            x=PLOT_LEFT + n * 250,
            label=label,
            colour=SERIES[n % len(SERIES)],
            dash="" if n == 0 else "6 4",
            marker="circle" if n == 0 else "square",
        )
        for n, label in enumerate(series)
    )
    return Frame(
        width=FRAME_WIDTH,
        height=FRAME_HEIGHT,
        left=PLOT_LEFT,
        right=PLOT_RIGHT,
        top=PLOT_TOP,
        bottom=PLOT_BOTTOM,
        ticks=tuple(Tick(y=y, text=text) for y, text in ticks),
        labels=tuple(
            AxisLabel(x=round(PLOT_LEFT + (n + 0.5) * step, 1), text=short_week(week))
            for n, week in enumerate(weeks)
        ),
        legend=legend,
    )


def _y(value: float, top: float) -> float:
    return round(PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * value / top, 1)


# --- columns over the weeks -------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    colour: str
    text: str
    text_x: float

    @property
    def text_y(self) -> float:
        return self.y - 4


@dataclass(frozen=True)
class ColumnChart:
    id: str
    title: str
    desc: str
    frame: Frame
    columns: tuple[Column, ...]


def column_chart(weeks: list[str], series: dict[str, list], *, id: str, title: str) -> ColumnChart:
    """Grouped columns: per week one column for each of SERIES ({label: [values per week]})."""
    values = [value or 0 for column in series.values() for value in column]
    ticks = nice_ticks(max(values, default=0))
    top = ticks[-1]
    frame = _frame(weeks, [(_y(t, top), count_text(t)) for t in ticks], list(series))
    group = (PLOT_RIGHT - PLOT_LEFT) / max(len(weeks), 1)
    width = round(group * 0.7 / max(len(series), 1), 1)
    columns = []
    for s, column in enumerate(series.values()):
        for n, value in enumerate(column):
            value = value or 0
            x = round(PLOT_LEFT + n * group + group * 0.15 + s * width, 1)
            y = _y(value, top)
            columns.append(
                Column(
                    x=x,
                    y=y,
                    width=width,
                    height=round(PLOT_BOTTOM - y, 1),
                    colour=SERIES[s % len(SERIES)],
                    text=count_text(value),
                    text_x=round(x + width / 2, 1),
                )
            )
    desc = " ".join(
        f"{label}: "
        + _listing((week, count_text(value)) for week, value in zip(weeks, column, strict=True))
        + "."
        for label, column in series.items()
    )
    return ColumnChart(id=id, title=title, desc=desc, frame=frame, columns=tuple(columns))


# --- lines over the weeks (shares, 0-100%) ----------------------------------------------------


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    text: str

    @property
    def corner_x(self) -> float:  # where a square marker of 8 by 8 starts
        return self.x - 4

    @property
    def corner_y(self) -> float:
        return self.y - 4


@dataclass(frozen=True)
class Line:
    label: str
    colour: str
    dash: str
    marker: str
    segments: tuple[str, ...]  # "x,y x,y ..." for each unbroken run of weeks with a value
    points: tuple[Point, ...]


@dataclass(frozen=True)
class LineChart:
    id: str
    title: str
    desc: str
    frame: Frame
    lines: tuple[Line, ...]


def share_line_chart(
    weeks: list[str], series: dict[str, list], *, id: str, title: str
) -> LineChart:
    """Lines of shares (0 to 1) over the weeks; a week without a value breaks the line."""
    frame = _frame(weeks, [(_y(p, 100), f"{p}%") for p in (0, 25, 50, 75, 100)], list(series))
    lines = []
    for s, (label, values) in enumerate(series.items()):
        legend = frame.legend[s]
        points, segments, run = [], [], []
        for n, share in enumerate(values):
            if share is None:
                if run:
                    segments.append(" ".join(run))
                run = []
                continue
            x, y = frame.labels[n].x, _y(share * 100, 100)
            points.append(Point(x=x, y=y, text=share_text(share)))
            run.append(f"{x},{y}")
        if run:
            segments.append(" ".join(run))
        lines.append(
            Line(
                label=label,
                colour=legend.colour,
                dash=legend.dash,
                marker=legend.marker,
                segments=tuple(s for s in segments if " " in s),  # one point: the marker only
                points=tuple(points),
            )
        )
    desc = " ".join(
        f"{label}: "
        + _listing((week, share_text(value)) for week, value in zip(weeks, values, strict=True))
        + "."
        for label, values in series.items()
    )
    return LineChart(id=id, title=title, desc=desc, frame=frame, lines=tuple(lines))


# --- a meter: one share of a whole ------------------------------------------------------------


@dataclass(frozen=True)
class Meter:
    id: str
    title: str
    desc: str
    width: int
    height: int
    track_width: int
    filled_width: float
    text: str
    colour: str = SERIES[0]
    track: str = TRACK
    font: str = FONT
    text_colour: str = TEXT
    axis_colour: str = AXIS


METER_WIDTH, METER_TRACK = 400, 320


def meter(share: float | None, *, id: str, title: str, desc: str) -> Meter:
    """A bar filled for SHARE (0 to 1) of its length, with the share written beside it."""
    filled = 0 if share is None else round(METER_TRACK * min(max(share, 0), 1), 1)
    return Meter(
        id=id,
        title=title,
        desc=desc,
        width=METER_WIDTH,
        height=28,
        track_width=METER_TRACK,
        filled_width=filled,
        text=share_text(share),
    )


# --- the figures as rows for a spreadsheet ----------------------------------------------------


def _percent(share: float | None) -> str:
    return "" if share is None else number_format(share * 100, 1)


def _days(days: float | None) -> str:
    return "" if days is None else number_format(days, 1)


def _amount(amount) -> str:
    return number_format(to_decimal(amount), 2)


def csv_rows(figures: dict) -> list[list]:
    """The snapshot as rows of: section; figure; this week; previous week.

    Numbers are written the Dutch way (decimal comma), for spreadsheets set to Dutch.
    Lists (silent dreams, tensions, reasons) have their text in the "this week" column.
    """
    now, before = figures["current"], figures.get("previous") or {}
    rows: list[list] = [[_("Section"), _("Figure"), _("This week"), _("Previous week")]]

    def get(week: dict, *keys, default=None):
        for key in keys:
            if not isinstance(week, dict) or key not in week:
                return default
            week = week[key]
        return week

    intake = _("Intake")
    rows.append([intake, _("New dreams"), now["intake"]["total"], get(before, "intake", "total")])
    for section, key in (
        (_("New dreams by village or neighbourhood"), "by_neighbourhood"),
        (_("New dreams by theme"), "by_theme"),
    ):
        for row in compare_rows(now["intake"][key], get(before, "intake", key, default=[])):
            rows.append([section, row.label, row.current, row.previous])

    flow = _("Flow")
    for key, label in FLOW_LABELS:
        rows.append([flow, label, now["flow"][key], get(before, "flow", key)])
    for status, count in now["flow"]["open_by_status"].items():
        previous = get(before, "flow", "open_by_status", status)
        rows.append([_("Open at the end of the week"), Status(status).label, count, previous])

    for key in ("pick_up", "first_contact"):
        promise, promise_before = now["promises"][key], get(before, "promises", key, default={})
        section = promise_label(key, promise.get("within", "?"))
        rows += [
            [section, _("Measured"), promise["count"], promise_before.get("count")],
            [
                section,
                _("In time (%)"),
                _percent(promise["in_time_share"]),
                _percent(promise_before.get("in_time_share")),
            ],
            [
                section,
                _("Median (working days)"),
                _days(promise["median"]),
                _days(promise_before.get("median")),
            ],
            [
                section,
                _("90th percentile (working days)"),
                _days(promise["p90"]),
                _days(promise_before.get("p90")),
            ],
        ]

    reviews = _("Core-value reviews")
    rows.append([reviews, _("Reviews"), now["reviews"]["count"], get(before, "reviews", "count")])
    rows.append(
        [
            reviews,
            _("Reviews with a tension"),
            now["reviews"]["with_tension"],
            get(before, "reviews", "with_tension"),
        ]
    )

    funds_before = {fund["fund"]: fund for fund in before.get("money", [])}
    for fund in now.get("money", []):
        section = _("Money: %(fund)s") % {"fund": fund["fund"]}
        previous = funds_before.get(fund["fund"], {})
        for key, label in (
            ("granted_week", _("Granted this week (€)")),
            ("granted_year", _("Granted this year (€)")),
            ("balance", _("Balance (€)")),
        ):
            rows.append(
                [section, label, _amount(fund[key]), _amount(previous[key]) if previous else ""]
            )

    for fund in now.get("funds", []):
        rows += _fund_csv_rows(fund)

    for person in now.get("workload", []):
        rows.append([_("Open per MogelijkMaker"), person["name"], person["open"], ""])
    for dream in now.get("silence", []):
        rows.append(
            [
                _("Silent for too long (days)"),
                f"#{dream['id']} {dream['title']} ({dream['contact']})",
                dream["days"],
                "",
            ]
        )
    for tension in now.get("tensions", []):
        for value, reasoning in zip(tension["values"], tension["reasonings"], strict=False):
            rows.append(
                [
                    _("Tension: %(value)s") % {"value": value},
                    f"#{tension['id']} {tension['title']}",
                    reasoning,
                    "",
                ]
            )
    dilemmas = [t for t in now.get("tensions", []) if t.get("dilemma")] + now.get("dilemmas", [])
    if "dilemma_items" in now:
        dilemmas = []  # issue 17: every dilemma is one of the dilemma items below
    for dilemma in dilemmas:
        rows.append([_("Dilemma"), f"#{dilemma['id']} {dilemma['title']}", dilemma["dilemma"], ""])
    rows += _issue_17_csv_rows(now)
    for reason in now.get("not_possible_reasons", []):
        rows.append(
            [_("Not possible"), f"#{reason['id']} {reason['title']}", reason["reasons"], ""]
        )

    trend = _("Trend")
    labels = (
        ("intake", _("new dreams"), str),
        ("realised", _("realised"), str),
        ("pick_up_share", _("picked up in time (%)"), _percent),
        ("first_contact_share", _("first contact in time (%)"), _percent),
    )
    for week in figures.get("trend", []):
        for key, label, show in labels:
            value = week.get(key)
            rows.append(
                [trend, f"{week['week']}: {label}", "" if value is None else show(value), ""]
            )
    return [["" if cell is None else cell for cell in row] for row in rows]


# --- issue 17: dilemmas and exceptions, partners, the situation mapped ---------------------


def dilemma_rows(items: list[dict]) -> list[dict]:
    """The week's dilemmas and exceptions with their kind and outcome in words."""
    kinds, outcomes = dict(Dilemma.Kind.choices), dict(Dilemma.Outcome.choices)
    return [
        {
            **item,
            "kind_label": str(kinds.get(item["kind"], item["kind"])),
            "outcome_label": str(outcomes.get(item["outcome"], item["outcome"])),
            "is_open": item["outcome"] == Dilemma.Outcome.OPEN,
        }
        for item in items
    ]


def hours_text(hours) -> str:
    value = to_decimal(hours)
    return number_format(value, 0 if value == int(value) else 1, force_grouping=True)


def partner_figures(partners: dict, granted_week: Decimal) -> dict:
    """Partners' contributions of the week beside the money granted from the funds."""
    return {
        "count": partners["count"],
        "money": money_text(partners["money"]),
        "hours": hours_text(partners["hours"]),
        "granted_week": money_text(granted_week),
    }


def _issue_17_csv_rows(now: dict) -> list[list]:
    rows: list[list] = []
    if "partners" in now:
        section = _("Partners' contributions")
        partners = now["partners"]
        rows += [
            [section, _("Recorded this week"), partners["count"], ""],
            [section, _("Money (€)"), _amount(partners["money"]), ""],
            [section, _("Hours"), number_format(to_decimal(partners["hours"]), 1), ""],
        ]
    if "situation" in now:
        section = _("Situation mapped before the plan")
        rows += [
            [
                section,
                _("To “in progress” for the first time"),
                now["situation"]["in_progress"],
                "",
            ],
            [section, _("Seen on location before"), now["situation"]["seen_before"], ""],
        ]
    for item in dilemma_rows(now.get("dilemma_items", [])):
        text = f"{item['kind_label']}: {item['summary']}"
        if item["rule"]:
            text += f" ({item['rule']})"
        text += f" — {item['outcome_label']}" + (f": {item['note']}" if item["note"] else "")
        rows.append([_("Dilemmas and exceptions"), f"#{item['id']} {item['title']}", text, ""])
    return rows


def promise_label(key: str, days) -> str:
    """Name service promise KEY ("pick_up", "first_contact") with its DAYS, in the right number.

    DAYS is "?" for an old snapshot that did not record it; the plural reads right then.
    """
    count = days if isinstance(days, int) else 2
    if key == "pick_up":
        text = ngettext(
            "Picked up within %(n)s working day", "Picked up within %(n)s working days", count
        )
    else:
        text = ngettext(
            "First contact within %(n)s working day",
            "First contact within %(n)s working days",
            count,
        )
    return text % {"n": days}


# --- the funds per fund and neighbourhood (issue 16) ------------------------------------------


def fund_name(fund: dict) -> str:
    """ "Dromenfonds (whole municipality)", "Wijkfonds Vlijmen (Vlijmen)"."""
    where = fund["neighbourhood"] or _("whole municipality")
    return f"{fund['name']} ({where})"


def fund_rows(funds: list[dict]) -> list[dict]:
    """The snapshot's funds as the report's table shows them."""
    return [
        {
            "name": fund["name"],
            "neighbourhood": fund["neighbourhood"],
            "amount": money_text(fund["amount"]),
            "granted": money_text(fund["granted"]),
            # Snapshots from before accounting was counted have neither.
            "paid": money_text(fund.get("paid", "0")),
            "accounted": money_text(fund.get("accounted", "0")),
            "waiting_applications": count_text(fund["waiting_applications"]),
            "waiting_requested": money_text(fund["waiting_requested"]),
            "waiting_grants": count_text(fund["waiting_grants"]),
            "waiting_held": money_text(fund["waiting_held"]),
            "balance": money_text(fund["balance"]),
            "decided": count_text(fund["decided"]),
            "median_days": days_text(fund["median_days"]),
        }
        for fund in funds
    ]


def _fund_csv_rows(fund: dict) -> list[list]:
    section = _("Fund: %(fund)s") % {"fund": fund_name(fund)}
    return [
        [section, _("Budget (€)"), _amount(fund["amount"]), ""],
        [section, _("Granted (€)"), _amount(fund["granted"]), ""],
        [section, _("Paid (€)"), _amount(fund.get("paid", "0")), ""],
        [section, _("Accounted for (€)"), _amount(fund.get("accounted", "0")), ""],
        [section, _("Applications waiting"), fund["waiting_applications"], ""],
        [
            section,
            _("Asked for by the applications waiting (€)"),
            _amount(fund["waiting_requested"]),
            "",
        ],
        [section, _("Grants waiting for approval"), fund["waiting_grants"], ""],
        [section, _("Held for grants waiting for approval (€)"), _amount(fund["waiting_held"]), ""],
        [section, _("Balance (€)"), _amount(fund["balance"]), ""],
        [section, _("Applications decided"), fund["decided"], ""],
        [section, _("Days to decide (median)"), _days(fund["median_days"]), ""],
    ]
