"""The three date formats pages show in loops, written from their parts.

Django's `date` filter reads the format string and translates the month name again for every
value: about 60 µs a date under load, two per event on a timeline of 200 (issue 15). These
filters write exactly what `date:"j F Y, H:i"`, `date:"j F Y"` and `date:"c"` write
(tests/initiatives/test_date_filters.py compares them), in the current time zone and language.
"""

from django import template
from django.utils.dates import MONTHS

register = template.Library()


@register.filter(expects_localtime=True)
def day_and_time(value) -> str:
    """As date:"j F Y, H:i": "3 maart 2026, 09:05"."""
    if value in (None, ""):
        return ""
    return (
        f"{value.day} {MONTHS[value.month]} {value.year:04d}, {value.hour:02d}:{value.minute:02d}"
    )


@register.filter(expects_localtime=True)
def day(value) -> str:
    """As date:"j F Y": "3 maart 2026" (a date or a date and time)."""
    if value in (None, ""):
        return ""
    return f"{value.day} {MONTHS[value.month]} {value.year:04d}"


@register.filter(expects_localtime=True)
def iso_time(value) -> str:
    """As date:"c": ISO 8601, for a <time datetime> attribute."""
    if value in (None, ""):
        return ""
    return value.isoformat()
