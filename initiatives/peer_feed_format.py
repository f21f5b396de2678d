"""Reading a downloaded stories feed (format dromen-doen/stories/v1) into plain values.

The feed must follow the published schema, opendata/schemas/stories-v1.schema.json (the same
document this installation's own /api/v1/stories/ promises). The schema's "uri" and
"date-time" formats need packages that are not installed, so web addresses are checked here
as well: only http and https are kept, a javascript: or data: address refuses the whole feed
(a peer that sends one is broken or worse, and what it sent next to it is not trusted either).
Control characters are taken out of the texts (PostgreSQL stores no NUL); everything else is
kept as plain text and always rendered escaped.
"""

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import best_match

from initiatives.peer_feed import PeerFeedProblem

# Characters of C0 and C1 besides tab, newline and carriage return, and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# How much of the schema's complaint the administrator reads: it may quote a peer's long text.
PROBLEM_LENGTH = 300


@dataclass(frozen=True)
class FeedStory:
    remote_id: str
    title: str
    village: str
    theme: str
    dreamt: str
    own_part: str
    realised_on: date | None
    granted_total: Decimal
    url: str


@cache
def _validator() -> Draft202012Validator:
    path = Path(settings.BASE_DIR) / "opendata" / "schemas" / "stories-v1.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


def _short(text: str) -> str:
    return text if len(text) <= PROBLEM_LENGTH else text[: PROBLEM_LENGTH - 1] + "…"


def _is_web_address(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and not any(character.isspace() or ord(character) < 32 for character in value)
    )


def _web_addresses(feed: dict) -> list[str]:
    """Return every web address in FEED that a page or a reader could follow."""
    addresses = [feed["installation"]["url"]]
    if feed.get("next"):
        addresses.append(feed["next"])
    for story in feed["stories"]:
        addresses.append(story["url"])
        addresses.extend(photo["url"] for photo in story.get("photos", []))
    return addresses


def story_link(url: str, *, feed_url: str) -> str:
    """Return URL if it is on the server of FEED_URL (the same host name), else "".

    The link "Read the whole story at <peer>" must lead to the peer the administrator chose,
    not wherever its feed says (a look-alike page asking residents for their details). The
    feed's own installation.url is not trusted for this: the same feed writes it. A story
    without its link is still shown.
    """
    try:
        story_host = urlsplit(url).hostname
        feed_host = urlsplit(feed_url.strip()).hostname
    except ValueError:
        return ""
    return url if story_host and story_host == feed_host else ""


def _text(value: str) -> str:
    return CONTROL_CHARACTERS.sub("", value).strip()


def _story(item: dict) -> FeedStory:
    return FeedStory(
        remote_id=_text(item["id"]) or "?",
        title=_text(item["title"]) or "?",
        village=_text(item["village"]),
        theme=_text(item["theme"]),
        dreamt=_text(item["dreamt"]),
        own_part=_text(item["own_part"]),
        realised_on=date.fromisoformat(item["realised_on"]) if item["realised_on"] else None,
        granted_total=Decimal(item["granted_total"]),
        url=item["url"],
    )


@dataclass(frozen=True)
class FeedPage:
    stories: list[FeedStory]
    next: str | None  # the address of the next page (checked: a web address), if any


def feed_stories(body: bytes) -> list[FeedStory]:
    """Return the stories in BODY, or raise PeerFeedProblem saying why the feed is refused."""
    return feed_page(body).stories


def feed_page(body: bytes) -> FeedPage:
    """Return the stories in BODY and its next page's address, or raise PeerFeedProblem
    saying why the feed is refused."""
    try:
        feed = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise PeerFeedProblem(_("The feed is not valid JSON.")) from exc
    error = best_match(_validator().iter_errors(feed))
    if error is not None:
        where = " → ".join(str(part) for part in error.absolute_path) or "/"
        raise PeerFeedProblem(
            _short(
                _("The feed does not follow the stories format (version 1) at %(where)s: %(what)s")
                % {"where": where, "what": error.message}
            )
        )
    for address in _web_addresses(feed):
        if not _is_web_address(address):
            raise PeerFeedProblem(
                _short(
                    _("The feed holds an address that is not a web page: %(address)s")
                    % {"address": address}
                )
            )
    try:
        stories = [_story(item) for item in feed["stories"]]
    except ValueError as exc:  # a date the format checker let through but Python cannot read
        raise PeerFeedProblem(_("The feed holds a date that is not a date.")) from exc
    if len({story.remote_id for story in stories}) != len(stories):
        raise PeerFeedProblem(_("The feed holds the same story more than once."))
    return FeedPage(stories=stories, next=feed.get("next") or None)
