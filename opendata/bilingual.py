"""Messages of the open data API in Dutch and English at once: its readers are programs and
people anywhere, and an answer is cached for everyone whatever language they asked in."""

from django.utils import translation
from django.utils.translation import gettext


def bilingual(message: str) -> str:
    """Return MESSAGE (an English msgid) as "Dutch / English"."""
    with translation.override("nl"):
        dutch = gettext(message)
    with translation.override("en"):
        english = gettext(message)
    return f"{dutch} / {english}"
