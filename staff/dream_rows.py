"""The rows of the staff dream list, written in Python: the same HTML as the template loop
they replace (tests/staff/test_dream_rows.py keeps that loop and compares).

Through the template engine each of the 25 rows cost a URL tag, a block translation, an
include for its status, two date filters and some forty variable nodes: about a third of
the list's Python time (issue 15). Here a row is one f-string.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from config.escaping import escaped

_MARK = 987654321987  # an id that appears nowhere else in the address


def dream_rows_html(dreams) -> SafeString:
    """Return the <tr> of each dream of the list (selectors.dream_list_page's ListedDreams)."""
    tension = escaped(gettext("Tension"))
    nobody = escaped(gettext("nobody yet"))
    select = gettext("Select “%(title)s”")
    # One reverse() for all rows: the workspace address with the id put in.
    before, after = reverse("staff:dream_workspace", args=[_MARK]).split(str(_MARK))
    days, labels = {}, {}  # a page's 25 rows share a few days and statuses: each written once
    rows = []
    for dream in dreams:
        pk = dream.pk
        title = escaped(dream.title)
        url = f"{before}{pk}{after}"
        flag = f' <strong class="portal-flag">{tension}</strong>' if dream.has_tension else ""
        theme = escaped(dream.theme_name)
        place = escaped(dream.neighbourhood_name)
        person = None if dream.contact_name is None else escaped(dream.contact_name)
        local_day = timezone.localtime(dream.submitted_at).date()
        day = days.get(local_day)
        if day is None:
            day = days[local_day] = date_format(local_day, "j F Y")
        status = escaped(dream.status)
        label = labels.get(dream.status)
        if label is None:
            label = labels[dream.status] = escaped(dream.get_status_display())
        rows.append(
            '<tr class="utrecht-table__row">\n'
            f'<td class="utrecht-table__cell"><input type="checkbox" name="dream" value="{pk}" '
            f'id="select-{pk}" class="utrecht-checkbox utrecht-checkbox--html-input">'
            f'<label for="select-{pk}" class="portal-visually-hidden">'
            f"{escaped(select % {'title': dream.title})}</label></td>\n"
            f'<td class="utrecht-table__cell"><a class="utrecht-link utrecht-link--html-a" '
            f'href="{url}">{title}</a>{flag}<br><span class="portal-muted">{theme}</span>\n'
            # On a phone the columns to the right are hidden (they made the page scroll
            # sideways): the same facts here.
            f'<span class="portal-muted portal-narrow-only">{place} · {person or nobody} · '
            f"{day}</span></td>\n"
            f'<td class="utrecht-table__cell"><span class="portal-status portal-status--{status}">'
            f"{label}</span>\n</td>\n"
            f'<td class="utrecht-table__cell portal-wide-only">{place}</td>\n'
            '<td class="utrecht-table__cell portal-wide-only">'
            f"{person or f'<span class="portal-muted">{nobody}</span>'}</td>\n"
            f'<td class="utrecht-table__cell portal-wide-only">{day}</td>\n'
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped
