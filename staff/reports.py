"""The weekly report's presentation: comparisons, the figures as rows, and its charts.

Pure presentation: everything here takes the figures of a WeeklyReport snapshot (plain
numbers and strings) and returns what a template draws. Nothing reads the database. The
charts themselves (SVG drawn on the server) are shared with the public page "Hoe doen we
het?" and live in config/charts.py; their names are re-exported here, so the report's code
reads `reports.bar_chart(...)` as before.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from config.charts import AXIS as AXIS
from config.charts import BACKGROUND as BACKGROUND
from config.charts import BAR_LABEL_WIDTH as BAR_LABEL_WIDTH
from config.charts import BAR_WIDTH as BAR_WIDTH
from config.charts import METER_TRACK as METER_TRACK
from config.charts import MINUS, NONE
from config.charts import PLOT_BOTTOM as PLOT_BOTTOM
from config.charts import PLOT_TOP as PLOT_TOP
from config.charts import SERIES as SERIES
from config.charts import TEXT as TEXT
from config.charts import TRACK as TRACK
from config.charts import bar_chart as bar_chart
from config.charts import column_chart as column_chart
from config.charts import count_text as count_text
from config.charts import days_text as days_text
from config.charts import meter as meter
from config.charts import money_text as money_text
from config.charts import nice_ticks as nice_ticks
from config.charts import share_line_chart as share_line_chart
from config.charts import share_text as share_text
from config.charts import short_week as short_week
from config.charts import to_decimal as to_decimal
from initiatives.dilemma_models import Dilemma
from initiatives.statuses import Status

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
