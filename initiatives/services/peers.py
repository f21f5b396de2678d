"""Other installations' stories ("Elders gelukt"): fetching a peer's feed and keeping it.

A fetch that works replaces the peer's stories in one transaction, so a story the peer no
longer lists (its resident withdrew consent there) is gone here too. A fetch that fails in any
way keeps the stories already stored and records the problem in plain words, with the time:
the administrator reads both in /beheer/.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from initiatives.peer_feed import PeerFeedProblem, feed_url_refusal
from initiatives.peer_feed_format import story_link
from initiatives.peer_feed_pages import feed_all_stories
from initiatives.peer_models import PeerInstallation, PeerStory

logger = logging.getLogger(__name__)

__all__ = ["peer_feed_url_refusal", "peer_fetch", "peer_fetch_problem_record"]

peer_feed_url_refusal = feed_url_refusal


def peer_fetch(*, peer: PeerInstallation) -> bool:
    """Fetch PEER's feed (its first PEER_FETCH_MAX_PAGES pages) and keep its stories; return
    whether that worked.

    On any problem with the feed, on any of its pages, the stories stay as they were and
    last_error says why.
    """
    # Stored text, read later by whoever opens the admin: in the installation's language.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            stories = feed_all_stories(peer.feed_url)
        except PeerFeedProblem as problem:
            logger.info("peer %s: feed refused: %s", peer.pk, problem)
            peer_fetch_problem_record(peer=peer, problem=str(problem))
            return False
    _stories_replace(peer=peer, stories=stories)
    logger.info("peer %s: %s stories kept", peer.pk, len(stories))
    return True


@transaction.atomic
def _stories_replace(*, peer: PeerInstallation, stories: list) -> None:
    # Two fetches of one peer at once (beat and the admin's "fetch now") take turns.
    peer = PeerInstallation.objects.select_for_update().get(pk=peer.pk)
    now = timezone.now()
    PeerStory.objects.filter(peer=peer).delete()
    PeerStory.objects.bulk_create(
        PeerStory(
            peer=peer,
            remote_id=story.remote_id,
            title=story.title,
            village=story.village,
            theme=story.theme,
            dreamt=story.dreamt,
            own_part=story.own_part,
            realised_on=story.realised_on,
            granted_total=story.granted_total,
            url=story_link(story.url, feed_url=peer.feed_url),
            fetched_at=now,
        )
        for story in stories
    )
    peer.last_fetched_at = peer.last_success_at = now
    peer.last_error = ""
    peer.save(update_fields=["last_fetched_at", "last_success_at", "last_error"])


@transaction.atomic
def peer_fetch_problem_record(*, peer: PeerInstallation, problem: str) -> None:
    """Record that fetching PEER failed with PROBLEM (plain words); keep its stories."""
    PeerInstallation.objects.filter(pk=peer.pk).update(
        last_fetched_at=timezone.now(), last_error=problem
    )
