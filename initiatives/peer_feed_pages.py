"""All pages of a peer's stories feed, within the limits of one fetch.

A feed lists its newest stories first, at most 50 (our own) or 100 (the format) per page,
with `next` for the rest. Following `next` blindly would let a peer keep a worker busy or
send it anywhere, so:

- at most PEER_FETCH_MAX_PAGES pages; after the last one the older stories are left out
  (docs/open-data.md and the page "Elders gelukt" say so);
- all pages together share one Budget: PEER_FETCH_MAX_BYTES and PEER_FETCH_TOTAL_SECONDS are
  for the whole fetch, as they were for the one page before;
- `next` only on the same server as the feed address the administrator entered (scheme,
  host and port), never an address seen before (a loop); otherwise the pages so far are all;
- every page is downloaded and checked against the format as the first one is; any problem
  on any page refuses the whole fetch (the stories stored before stay), so a half-read feed
  never replaces a whole one.
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings

from initiatives.peer_feed import Budget, feed_download
from initiatives.peer_feed_format import FeedStory, feed_page

logger = logging.getLogger(__name__)


def _same_server(url: str, other: str) -> bool:
    one, two = urlsplit(url), urlsplit(other)
    return (one.scheme, one.hostname, one.port) == (two.scheme, two.hostname, two.port)


def feed_all_stories(feed_url: str) -> list[FeedStory]:
    """Return the stories of the feed at FEED_URL and of its next pages, newest first, each
    story once (a story that moved to the next page while we read counts where first seen).
    Raises PeerFeedProblem as feed_download and feed_page do."""
    budget = Budget()
    stories: dict[str, FeedStory] = {}
    url, seen = feed_url.strip(), set()
    for _page in range(settings.PEER_FETCH_MAX_PAGES):
        seen.add(url)
        page = feed_page(feed_download(url, budget))
        for story in page.stories:
            stories.setdefault(story.remote_id, story)
        if not page.next:
            break
        if page.next in seen or not _same_server(feed_url, page.next):
            logger.info("feed %s: next page %s not followed", feed_url, page.next[:200])
            break
        url = page.next
    else:
        if page.next:
            logger.info("feed %s: stopped after %s pages", feed_url, settings.PEER_FETCH_MAX_PAGES)
    return list(stories.values())
