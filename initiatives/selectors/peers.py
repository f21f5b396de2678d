"""Other installations' stories as this installation shows them ("Elders gelukt")."""

from datetime import timedelta

from django.conf import settings
from django.db.models import F, QuerySet
from django.utils import timezone

from initiatives.peer_models import PeerInstallation, PeerStory


def peer_stories_public() -> QuerySet[PeerStory]:
    """Return the stories of peers fetched without problems lately, newest realised first.

    A peer that is no longer fetched, or not successfully for PEER_STORIES_STALE_DAYS, is left
    out: a consent withdrawn there would not have reached this installation.
    """
    fresh_since = timezone.now() - timedelta(days=settings.PEER_STORIES_STALE_DAYS)
    return (
        PeerStory.objects.filter(peer__active=True, peer__last_success_at__gte=fresh_since)
        .select_related("peer")
        .order_by(F("realised_on").desc(nulls_last=True), "-id")
    )


def peers_to_fetch() -> list[int]:
    """Return the ids of the peers whose feeds the scheduled task fetches."""
    return list(PeerInstallation.objects.filter(active=True).values_list("pk", flat=True))
