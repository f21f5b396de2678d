"""The workspace timeline, made ready to show: every label and date worked out once per page.

In the template, each event cost two `date` filters, a {% blocktranslate %} or a label
lookup, and `linebreaksbr`: about 65 µs an event, 13 ms for the 200 events of the benchmark's
dream (make bench, BENCHMARKS.md). Here the labels are translated once per page instead of
once per event and the dates are put together from their parts: about 25 µs an event,
building and rendering together. The page shows exactly the same text
(tests/staff/test_timeline.py compares the two).
"""

from dataclasses import dataclass
from html import escape

from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from initiatives.models import EventKind
from initiatives.statuses import Status


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One event as the workspace shows it."""

    public: bool
    iso_time: str  # ISO 8601 in the current time zone, as the `date:"c"` filter gives it
    when: str  # as `date:"j F Y, H:i"` gives it, e.g. "3 maart 2026, 09:05"
    actor: str  # "" when nobody in particular did it
    title: str
    body: SafeString  # the text escaped, its line breaks as <br>, as `linebreaksbr` gives it
    first_older: bool = False  # the first event the shorter timeline left out


def _month_names() -> dict[int, str]:
    """Return what the date format "F" shows for each month, in the active language.

    Whole names, translated: "3 maart 2026" in Dutch, "3 March 2026" in English. The
    abbreviations ("M") are capitalised as in English ("1 Dec 2026"), which Dutch never is.
    """
    return {number: str(name) for number, name in MONTHS.items()}


def _linebreaksbr(text: str) -> SafeString:
    """As the `linebreaksbr` filter writes TEXT: escaped, each line break a <br>.

    Django's escape is html.escape (quote=True) marked safe; the filter's own steps cost
    more than the work for a short note."""
    if not text:
        return SafeString("")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return mark_safe(escape(text).replace("\n", "<br>"))  # noqa: S308 - escaped just now


def timeline_entries(events, *, older_from: int | None = None) -> list[TimelineEntry]:
    """Return EVENTS (selectors' TimelineRows) as TimelineEntry rows, in the same order.

    OLDER_FROM is the position (from 0) of the first event the shorter timeline leaves out;
    that entry is marked, so that "the whole history" can continue where the list stopped.
    """
    months = _month_names()
    kinds = {value: str(label) for value, label in EventKind.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    status_change = _("%(from)s → %(to)s")
    entries = []
    for position, event in enumerate(events):
        local = timezone.localtime(event.created_at)
        if event.kind == EventKind.STATUS_CHANGED:
            title = status_change % {
                "from": statuses.get(event.from_status, event.from_status),
                "to": statuses.get(event.to_status, event.to_status),
            }
        else:
            title = kinds.get(event.kind, event.kind)
        entries.append(
            TimelineEntry(
                public=event.public,
                iso_time=local.isoformat(),
                # "j F Y, H:i" from its parts: Django's formatter reads the format string
                # and translates the month again for every date.
                when=f"{local.day} {months[local.month]} {local.year:04d}, "
                f"{local.hour:02d}:{local.minute:02d}",
                # A partner acting through their link has no account: their organisation.
                actor=event.partner_name or event.actor_name,
                title=title,
                body=_linebreaksbr(event.body),
                first_older=position == older_from,
            )
        )
    return entries


def timeline_html(entries: list[TimelineEntry]) -> SafeString:
    """Return the <li> of each entry, as the workspace template's loop wrote them (same
    markup, same white space; tests/staff/test_timeline.py keeps that loop and compares).

    Through the template engine an event cost some fifteen nodes and tags: about 40 µs, 2 ms
    for the 50 the workspace shows and 8 ms for a whole history of 200.
    """
    # The labels are looked up outside the f-strings: makemessages does not read inside them.
    resident_sees = conditional_escape(_("Resident sees this"))
    internal_label = conditional_escape(_("Internal"))
    public_tag = f'<span class="portal-tag portal-tag--public">{resident_sees}</span>'
    internal_tag = f'<span class="portal-tag portal-tag--internal">{internal_label}</span>'

    items = []
    for entry in entries:
        internal = "" if entry.public else " portal-timeline__event--internal"
        anchor = ' id="timeline-older"' if entry.first_older else ""
        actor = f" · {escape(entry.actor)}" if entry.actor else ""
        body = f'<div class="portal-text">{entry.body}</div>' if entry.body else ""
        items.append(
            f'\n          <li class="portal-timeline__event{internal}"{anchor}>\n'
            f'            <p class="portal-timeline__meta"><time datetime="'
            f'{escape(entry.iso_time)}">{escape(entry.when)}</time>'
            f"{actor}\n"
            f"              · {public_tag if entry.public else internal_tag}</p>\n"
            f'            <p class="utrecht-paragraph portal-timeline__title">'
            f"{escape(entry.title)}</p>\n"
            f"            {body}\n"
            "          </li>\n        "
        )
    return mark_safe("".join(items))  # noqa: S308 - every value above is escaped
