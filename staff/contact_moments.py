"""The workspace's list of contact moments, written in Python: the same HTML as the template
loop it replaces (tests/staff/test_contact_moments.py keeps that loop and compares).

A dream in conversation for months has dozens of contact moments; through the template each
cost a label lookup, a date filter, a name and their escaping as separate nodes.
"""

from django.utils.dates import MONTHS
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from initiatives.models import ContactMoment


def contact_moments_html(moments) -> SafeString:
    """Return the <li> of each of MOMENTS (ContactMoments with their `by`), in their order:
    "<strong>kind</strong>, 3 maart 2026 (name): summary"."""
    kinds = {value: str(label) for value, label in ContactMoment.Kind.choices}
    months = {number: str(name) for number, name in MONTHS.items()}
    items = []
    for moment in moments:
        day = moment.date
        name = moment.by.get_full_name() if moment.by is not None else ""
        items.append(
            f"<li><strong>{conditional_escape(kinds.get(moment.kind, moment.kind))}</strong>, "
            f"{day.day} {conditional_escape(months[day.month])} {day.year:04d} "
            f"({conditional_escape(name)}): {conditional_escape(moment.summary)}</li>"
        )
    return mark_safe("".join(items))  # noqa: S308 - every value above is escaped
