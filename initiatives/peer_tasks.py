"""Fetching other installations' stories feeds: every half hour (CELERY_BEAT_SCHEDULE), and when
the administrator asks in /beheer/ ("Nu ophalen"). (Beside tasks.py, which other work is
changing; registered in initiatives.apps.)
"""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from initiatives import selectors, services
from initiatives.peer_models import PeerInstallation

logger = logging.getLogger(__name__)


@shared_task
def peers_fetch() -> int:
    """Ask for every active peer's feed, one task each: a slow peer holds up no other."""
    peer_ids = selectors.peers_to_fetch()
    for peer_id in peer_ids:
        peer_fetch.delay(peer_id)
    return len(peer_ids)


@shared_task
def peer_fetch(peer_id: int) -> bool:
    """Fetch the feed of the peer PEER_ID; a failure is recorded on the peer, never raised."""
    peer = PeerInstallation.objects.filter(pk=peer_id).first()
    if peer is None:  # removed by the administrator meanwhile
        return False
    try:
        return services.peer_fetch(peer=peer)
    except Exception:
        # The feed problems are the service's; this is anything else (a database hiccup, a
        # bug). The next run tries again; meanwhile the administrator sees that it failed.
        logger.exception("peer %s: fetch failed", peer_id)
        try:
            with translation.override(settings.LANGUAGE_CODE):
                problem = _("Fetching went wrong on our side. It is tried again later.")
            services.peer_fetch_problem_record(peer=peer, problem=problem)
        except Exception:
            logger.exception("peer %s: could not record the failed fetch", peer_id)
        return False
