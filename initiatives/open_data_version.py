"""How fresh the open data is: one version, raised by the services whenever what the public
sees changes (a status, a grant, a publication given, changed or withdrawn).

Everything public that is cached (the API's answers, the downloads, the figures of "Hoe doen we
het?") is keyed by this version, and its ETag and Last-Modified come from it. A change is
visible at the next request after its transaction commits; what changes without a write (the
silence of a dream grows every day) is at most OPEN_DATA_CACHE_SECONDS old, because every
cached entry expires after that.

The version lives in the shared cache (Redis). When the cache is unreachable, reads fall back
to a version that changes every OPEN_DATA_CACHE_SECONDS: the data is then computed more often,
never stale beyond that.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

KEY = "open-data:version"


@dataclass(frozen=True)
class Version:
    token: str  # changes with every change; part of every cache key and ETag
    changed_at: datetime  # the Last-Modified of everything keyed by this version


def _new() -> Version:
    return Version(token=secrets.token_hex(8), changed_at=timezone.now().replace(microsecond=0))


def current() -> Version:
    """The version now; the first read after a start (or a lost cache) makes one."""
    stored = cache.get(KEY)
    if stored is not None:
        return Version(token=stored[0], changed_at=datetime.fromtimestamp(stored[1], tz=UTC))
    version = _new()
    cache.add(KEY, (version.token, version.changed_at.timestamp()), timeout=None)
    stored = cache.get(KEY)
    if stored is None:  # no cache at all: a version per window of OPEN_DATA_CACHE_SECONDS
        window = int(timezone.now().timestamp()) // settings.OPEN_DATA_CACHE_SECONDS
        start = datetime.fromtimestamp(window * settings.OPEN_DATA_CACHE_SECONDS, tz=UTC)
        return Version(token=f"w{window}", changed_at=start)
    return Version(token=stored[0], changed_at=datetime.fromtimestamp(stored[1], tz=UTC))


def bump() -> None:
    """Raise the version once the current transaction commits (at once outside one)."""

    def _raise() -> None:
        version = _new()
        cache.set(KEY, (version.token, version.changed_at.timestamp()), timeout=None)

    transaction.on_commit(_raise)
