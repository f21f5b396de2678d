"""Charts drawn on the server as SVG: bars, columns over the weeks, lines of shares, meters.

Pure presentation, shared by the managers' weekly report (staff/reports.py) and the public
page "Hoe doen we het?" (opendata/dashboard_views.py): everything here takes plain numbers
and strings and returns what a template in templates/includes/charts/ draws. Nothing reads
the database and nothing needs JavaScript, so the same charts work on screen, in print and
in the PDF.

Each chart is a small frozen dataclass with its geometry worked out; the templates turn it
into <svg role="img"> with a <title> and a <desc> that say in words what the chart shows.
The colours are SVG presentation attributes (the Content Security Policy allows no inline
style) with enough contrast on white. Series never differ by colour alone (WCAG 1.4.1):
lines differ in dash and marker, the second series of columns is hatched (an SVG <pattern>
with an id of its own per chart, so two charts on one page do not share it).
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from math import ceil, floor, log10

from django.utils.formats import number_format
from django.utils.translation import gettext as _

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


class _LeftOut:
    """A figure left out on purpose (too small to show without pointing at someone)."""

    def __repr__(self) -> str:
        return "LEFT_OUT"


# Give this instead of a value to draw a clearly marked gap: never read as zero or as "none".
LEFT_OUT = _LeftOut()
GAP_COLOUR = "#595959"  # the dashed outline of a gap: 7:1 on white


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


def week_said(week: str) -> str:
    """'2026-W47' → 'week 47', as a screen reader should say it in a description; any other
    text (a label the caller chose) stays as it is."""
    year, separator, number = week.partition("-W")
    if separator and year.isdigit() and number.isdigit():
        return _("week %(number)d") % {"number": int(number)}
    return week


def _shorten(text: str, length: int = 24) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _listing(pairs) -> str:
    return "; ".join(f"{label}: {text}" for label, text in pairs)


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
    gap: bool = False  # a figure left out (too small to show): an outline, not a bar


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
GAP_WIDTH = 24  # a figure left out: a short dashed outline, its text beside it


def bar_chart(
    rows,
    *,
    id: str,
    title: str,
    colour: str = SERIES[0],
    text=count_text,
    gap_text: str | None = None,
    value_room: int = BAR_VALUE_ROOM,
) -> BarChart | None:
    """One horizontal bar per (label, value) in ROWS, longest value filling the width.

    TEXT writes a value (counts by default; money_text for amounts, with a VALUE_ROOM wide
    enough for the longest text beside the longest bar). A value LEFT_OUT is drawn as a
    dashed outline of GAP_WIDTH with GAP_TEXT beside it, so that it is not read as zero.
    Returns None when there are no rows: the template says so in words instead.
    """
    rows = [(str(label), value if value is LEFT_OUT else value or 0) for label, value in rows]
    if not rows:
        return None
    plot_width = BAR_WIDTH - BAR_LABEL_WIDTH - value_room
    top = max((value for _label, value in rows if value is not LEFT_OUT), default=0) or 1
    bars = []
    for n, (label, value) in enumerate(rows):
        y = 8 + n * BAR_ROW
        if value is LEFT_OUT:
            width, shown = GAP_WIDTH, gap_text or NONE
        else:
            width, shown = round(plot_width * float(value) / float(top), 1), text(value)
            if value and width < 2:
                width = 2  # a value above zero stays visible
        bars.append(
            Bar(
                label=label,
                short_label=_shorten(label),
                text=shown,
                y=y,
                width=width,
                text_x=BAR_LABEL_WIDTH + width + 6,
                label_y=y + BAR_HEIGHT / 2 + 5,
                gap=value is LEFT_OUT,
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
    hatched: bool = False  # columns: the swatch has the chart's hatch, as the columns have
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
            hatched=n % 2 == 1,
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
    gap: bool = False  # a figure left out: a dashed outline up to the threshold, not a column
    hatched: bool = False  # the second series: hatched, so it is told apart without colour

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
    hatch_colour: str = SERIES[1]

    @property
    def hatch_id(self) -> str:
        """The id of this chart's hatch pattern: the chart's own id makes it unique on a page."""
        return f"{self.id}-hatch"


def column_chart(
    weeks: list[str],
    series: dict[str, list],
    *,
    id: str,
    title: str,
    gap_below: int = 0,
    gap_short: str = "",
    gap_text: str = "",
) -> ColumnChart:
    """Grouped columns: per week one column for each of SERIES ({label: [values per week]}).

    A value LEFT_OUT (a count under GAP_BELOW, not shown) is a dashed outline from the axis
    up to GAP_BELOW with GAP_SHORT ("<5") above it; the description says GAP_TEXT for it.
    """
    values = [value or 0 for column in series.values() for value in column if value is not LEFT_OUT]
    if any(value is LEFT_OUT for column in series.values() for value in column):
        values.append(gap_below)
    ticks = nice_ticks(max(values, default=0))
    top = ticks[-1]
    frame = _frame(weeks, [(_y(t, top), count_text(t)) for t in ticks], list(series))
    group = (PLOT_RIGHT - PLOT_LEFT) / max(len(weeks), 1)
    width = round(group * 0.7 / max(len(series), 1), 1)
    columns = []
    for s, column in enumerate(series.values()):
        for n, value in enumerate(column):
            gap = value is LEFT_OUT
            value = gap_below if gap else value or 0
            x = round(PLOT_LEFT + n * group + group * 0.15 + s * width, 1)
            y = _y(value, top)
            columns.append(
                Column(
                    x=x,
                    y=y,
                    width=width,
                    height=round(PLOT_BOTTOM - y, 1),
                    colour=GAP_COLOUR if gap else SERIES[s % len(SERIES)],
                    text=gap_short if gap else count_text(value),
                    text_x=round(x + width / 2, 1),
                    gap=gap,
                    hatched=s % 2 == 1,
                )
            )

    def said(value) -> str:
        return gap_text if value is LEFT_OUT else count_text(value)

    desc = " ".join(
        f"{label}: "
        + _listing(
            (week_said(week), said(value)) for week, value in zip(weeks, column, strict=True)
        )
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
class Gap:
    """A week whose figure was left out: a dashed band over the plot, its short text inside."""

    x: float
    width: float
    text: str
    top: int = PLOT_TOP
    height: int = PLOT_BOTTOM - PLOT_TOP
    colour: str = GAP_COLOUR

    @property
    def text_x(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def text_y(self) -> int:
        return PLOT_BOTTOM - 8


@dataclass(frozen=True)
class LineChart:
    id: str
    title: str
    desc: str
    frame: Frame
    lines: tuple[Line, ...]
    gaps: tuple[Gap, ...] = ()


def share_line_chart(
    weeks: list[str],
    series: dict[str, list],
    *,
    id: str,
    title: str,
    gap_short: str = "",
    gap_text: str = "",
) -> LineChart:
    """Lines of shares (0 to 1) over the weeks; a week without a value breaks the line.

    A value LEFT_OUT (too few measured to show) breaks the line too, and its week gets a
    dashed band with GAP_SHORT ("<5") in it; the description says GAP_TEXT for it.
    """
    frame = _frame(weeks, [(_y(p, 100), f"{p}%") for p in (0, 25, 50, 75, 100)], list(series))
    lines = []
    left_out = set()
    for s, (label, values) in enumerate(series.items()):
        legend = frame.legend[s]
        points, segments, run = [], [], []
        for n, share in enumerate(values):
            if share is None or share is LEFT_OUT:
                if share is LEFT_OUT:
                    left_out.add(n)
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
    step = (PLOT_RIGHT - PLOT_LEFT) / max(len(weeks), 1)
    gaps = tuple(
        Gap(
            x=round(PLOT_LEFT + n * step + step * 0.15, 1),
            width=round(step * 0.7, 1),
            text=gap_short,
        )
        for n in sorted(left_out)
    )

    def said(value) -> str:
        return gap_text if value is LEFT_OUT else share_text(value)

    desc = " ".join(
        f"{label}: "
        + _listing(
            (week_said(week), said(value)) for week, value in zip(weeks, values, strict=True)
        )
        + "."
        for label, values in series.items()
    )
    return LineChart(id=id, title=title, desc=desc, frame=frame, lines=tuple(lines), gaps=gaps)


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
