"""{{ monday|week_name }}: a week as people name it (initiatives/weeks.py)."""

from django import template

from initiatives import weeks

register = template.Library()


@register.filter
def week_name(value) -> str:
    """Return the week of VALUE (a date, "YYYY-MM-DD" or "YYYY-Www") as people name it."""
    if not value:
        return ""
    return weeks.week_name(value)
