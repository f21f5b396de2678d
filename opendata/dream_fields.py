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
from opendata.datasets import DREAMS
from opendata.public_urls import absolute_reverse

# The fields in order (the downloads' columns, every dream object's keys) and their meaning
# come from the registry of every dataset, which the page about the open data explains.
DREAM_FIELDS = tuple(item.name for item in DREAMS.fields)


def described(name: str) -> str:
    """Return the explanation of the dreams' field NAME (English; the OpenAPI document)."""
    return next(item.description for item in DREAMS.fields if item.name == name)


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


def dream_row(dream: Dream, texts: dict[str, str]) -> dict:
    """Return DREAM (from selectors.open_dreams, which says whether it is a story) as the
    open data's fields, in DREAM_FIELDS' order; TEXTS from status_texts()."""
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
        "story_url": absolute_reverse("stories:story", pk=dream.pk) if dream.is_story else None,
    }
