"""The resident's timeline on their dream's page, written in Python: the same HTML as the
template loop it replaces (tests/residents/test_timeline_html.py keeps that loop and
compares).

A dream worked on for a year has a couple of hundred events the resident sees; through the
template each cost two date filters, a block translation or a label lookup, the actor's name
and `linebreaksbr` as separate nodes: about 40 µs an event (issue 15).
"""

from html import escape

from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from initiatives.models import EventKind
from initiatives.statuses import Status


def _linebreaksbr(text: str) -> str:
    """As the `linebreaksbr` filter: escaped (Django's escape is html.escape), each line break
    a <br>."""
    return escape(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")


def resident_timeline_html(dream, decision=None) -> SafeString:
    """Return the <li> of each of DREAM's public events (selectors.dream_for_resident), newest
    first, with DECISION's other help below its letter."""
    months = {number: str(name) for number, name in MONTHS.items()}
    kinds = {value: str(label) for value, label in EventKind.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    you = escape(_("you"))
    new_status = _("New status: %(status)s")
    other_help = ""
    if decision is not None and decision.other_help:
        heading = escape(_("Who else can help you"))  # not in the f-string: makemessages
        other_help = (
            '\n              <div class="portal-panel portal-panel--quiet">\n'
            f'                <h3 class="utrecht-heading-3">{heading}'
            "</h3>\n"
            f'                <div class="portal-text">{_linebreaksbr(decision.other_help)}</div>\n'
            "              </div>\n            "
        )
    resident_id = dream.resident_id
    items = []
    for event in reversed(dream.public_events):
        local = timezone.localtime(event.created_at)
        actor = ""
        shown = event.shown_actor
        if event.partner_name:  # a partner, through their link: their organisation
            actor = f"· {escape(event.partner_name)}"
        elif shown:
            name = you if shown.pk == resident_id else escape(shown.get_full_name())
            actor = f"· {name}"
        if event.kind == EventKind.STATUS_CHANGED:
            status = statuses.get(event.to_status, event.to_status)
            title = new_status % {"status": escape(status)} + "\n              "
        else:
            title = escape(kinds.get(event.kind, event.kind))
        body = ""
        if event.body:
            body = f'<div class="portal-text">{_linebreaksbr(event.body)}</div>'
        letter_help = other_help if event.kind == EventKind.DECISION_LETTER else ""
        items.append(
            f'\n          <li class="portal-timeline__event portal-timeline__event--'
            f'{escape(event.kind)}">\n'
            f'            <p class="portal-timeline__meta"><time datetime="{local.isoformat()}">'
            f"{local.day} {escape(months[local.month])} {local.year:04d}, "
            f"{local.hour:02d}:{local.minute:02d}</time>\n"
            f"              {actor}</p>\n"
            '            <p class="utrecht-paragraph portal-timeline__title">\n'
            f"              {title}\n"
            "            </p>\n"
            f"            {body}\n"
            f"            {letter_help}\n"
            "          </li>\n        "
        )
    return mark_safe("".join(items))  # noqa: S308 - every value above is escaped
