"""The rows of the triage queue, written in Python: the same HTML as the template loop they
replace (tests/staff/test_triage_rows.py keeps that loop and compares).

Through the template engine each of the 50 rows cost two URL filters, a block translation,
a csrf_token tag and some twenty variable nodes: most of the page's Python time (issue 15).
Here a row is one f-string.
"""

from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from config.escaping import escaped
from initiatives.templatetags.row_urls import pk_url


def triage_rows_html(rows, *, can_pick_up: bool, csrf_token: str) -> SafeString:
    """Return the <tr> of each row of the queue (selectors.waiting_to_pick_up's rows, whose
    dreams are WaitingDreams).

    CAN_PICK_UP: the person may pick dreams up (a form per row); CSRF_TOKEN: that form's token.
    """
    # Not escaped, as {% translate "…" %} does not escape a literal's translation.
    unread = gettext("Unread message from the resident")
    broken = gettext("Promise broken")
    pick_up = gettext("I'll pick it up")
    token = escaped(csrf_token)
    parts = []
    for row in rows:
        dream = row.dream
        pk = int(dream.pk)
        title = escaped(dream.title)
        late = " portal-row--late" if row.late else ""
        wrote = f'<br><strong class="portal-flag">{unread}</strong>' if dream.resident_wrote else ""
        if dream.assembly_title is not None:  # an outcome of a citizens' assembly (issue 18)
            origin = gettext("From the citizens' assembly “%(title)s”") % {
                "title": escaped(dream.assembly_title)
            }
            wrote = f'<br><span class="portal-muted">{origin}</span>' + wrote
        # What {% blocktranslate count days=row.age %} writes: the number localised, escaped.
        days = ngettext("%(days)s working day", "%(days)s working days", row.age) % {
            "days": escaped(localize(row.age))
        }
        form = ""
        if can_pick_up:
            action = pk_url(pk, "staff:pick_up")
            form = (
                f'\n        <form method="post" action="{action}" hx-post="{action}" '
                f'hx-target="#pick-up-{pk}">'
                '\n          <input type="hidden" name="csrfmiddlewaretoken" '
                f'value="{token}">'
                '\n          <button type="submit" class="utrecht-button '
                f'utrecht-button--primary-action">{pick_up}<span class="portal-visually-hidden">'
                f": {title}</span></button>\n        </form>\n        "
            )
        parts.append(
            f'\n    <tr class="utrecht-table__row{late}" id="dream-{pk}">'
            '\n      <td class="utrecht-table__cell"><a class="utrecht-link utrecht-link--html-a" '
            f'href="{pk_url(pk, "staff:dream_workspace")}">{title}</a><br>'
            f'<span class="portal-muted">{escaped(dream.theme_name)}</span>{wrote}</td>'
            '\n      <td class="utrecht-table__cell">'
            f"{escaped(dream.neighbourhood_name)}</td>"
            f'\n      <td class="utrecht-table__cell">\n        {days}\n        '
            + (f'<br><strong class="portal-flag">{broken}</strong>' if row.late else "")
            + "\n      </td>"
            f'\n      <td class="utrecht-table__cell" id="pick-up-{pk}">'
            f"\n        {form}\n      </td>"
            "\n    </tr>\n  "
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
