"""A week as people name it: "week 48, 23-29 november 2026", in the active language.

(The dash between the days is an en dash.) The ISO form ("2026-W48") stays in the stored
snapshots and in the CSV rows; what a person reads (a page title, the week chooser, a
download's name, the Monday mail) says the week number and its days, because nobody outside
a planning office knows what W48 is.
"""

from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _

DASH = "\N{EN DASH}"


def week_monday(value: date | str) -> date:
    """Return the Monday of VALUE's ISO week: a date, "YYYY-MM-DD" or "YYYY-Www"."""
    if isinstance(value, str):
        if "-W" in value:
            year, week = value.split("-W")
            return date.fromisocalendar(int(year), int(week), 1)
        value = date.fromisoformat(value)
    return value - timedelta(days=value.weekday())


def week_period(value: date | str) -> str:
    """Return the days of VALUE's week: "23-29 november 2026", "30 november - 6 december
    2026", or "29 december 2025 - 4 januari 2026" (with en dashes)."""
    monday = week_monday(value)
    sunday = monday + timedelta(days=6)
    if monday.year != sunday.year:
        return f"{date_format(monday, 'j F Y')} {DASH} {date_format(sunday, 'j F Y')}"
    if monday.month != sunday.month:
        return f"{date_format(monday, 'j F')} {DASH} {date_format(sunday, 'j F Y')}"
    return f"{monday.day}{DASH}{date_format(sunday, 'j F Y')}"


def week_name(value: date | str) -> str:
    """Return VALUE's week as people name it: "week 48, 23-29 november 2026"."""
    monday = week_monday(value)
    return _("week %(number)d, %(period)s") % {
        "number": monday.isocalendar().week,
        "period": week_period(monday),
    }
