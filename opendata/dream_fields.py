"""One shared dream as the open data gives it: the API's dreams and the downloads (dromen.csv,
dromen.json) have the same fields in the same order (issue 19).

Only what the resident wrote for publication (the Publication's texts) and facts about the
dream's course: never a name, email, phone number, street or address, nor what was written to
or by the municipality (Dream.story, own_contribution, notes).
"""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone, translation

from initiatives.models import Dream
from initiatives.statuses import Status
from opendata.public_urls import absolute_reverse

# The order of the downloads' columns and of every dream object.
DREAM_FIELDS = (
    "id",
    "title",
    "neighbourhood",
    "theme",
    "status",
    "status_text",
    "submitted_on",
    "picked_up_on",
    "first_contact_on",
    "closed_on",
    "dreamt",
    "own_part",
    "granted_total",
    "story_url",
)

# Every status a shared dream can have: an unconfirmed dream is never open data.
PUBLIC_STATUSES = tuple(status.value for status in Status if status != Status.UNCONFIRMED)


def status_texts() -> dict[str, str]:
    """Return each status's Dutch label, the words the open data uses whatever the visitor's
    language (one answer is cached for everyone)."""
    with translation.override("nl"):
        return {status.value: str(status.label) for status in Status}


def money(amount: Decimal) -> str:
    """Return AMOUNT as "1234.50": a string, so no reader rounds it through a float."""
    return f"{amount.quantize(Decimal('0.01'))}"


def day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def is_story(dream: Dream) -> bool:
    return dream.status == Status.REALISED and dream.publication.story_published_at is not None


def dream_row(dream: Dream, texts: dict[str, str]) -> dict:
    """Return DREAM (from selectors.open_dreams) as the open data's fields, in DREAM_FIELDS'
    order; TEXTS from status_texts()."""
    publication = dream.publication
    return {
        "id": dream.pk,
        "title": publication.title,
        "neighbourhood": dream.neighbourhood.name,
        "theme": dream.theme.name,
        "status": dream.status,
        "status_text": texts[dream.status],
        "submitted_on": day(dream.submitted_at),
        "picked_up_on": day(dream.picked_up_at),
        "first_contact_on": day(dream.first_contact_at),
        "closed_on": day(dream.closed_at),
        "dreamt": publication.dreamt,
        "own_part": publication.own_part,
        "granted_total": money(dream.granted_total),
        "story_url": absolute_reverse("stories:story", pk=dream.pk) if is_story(dream) else None,
    }
