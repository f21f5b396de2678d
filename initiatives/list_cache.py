"""The staff lists' data from the shared cache, as long as nothing was written since.

The dream list (its page of rows, the count, the search), the triage queue and the options of
the list's selects are the same for every member of staff who asks the same thing on the same
day. The first to ask reads them from PostgreSQL; everyone after reads them from Redis, until
the data version changes (initiatives/data_version.py: any write through the application) or
DATA_CACHE_SECONDS pass. For the lists, what is cached is data, and the HTML of the list's
filter and hand-over fields (the same for everyone who sends the same filters); their pages
are still written for each reader (their menu, their messages, their form token). The
workspace, the resident's pages and the home page are kept whole per reader through this
module too, with slots for the form token and the CSP nonce (config/cached_pages.py).

DATA_CACHE_SECONDS = 0 turns it off (the benchmark measures the lists that way too).
"""

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from initiatives import data_version

# Settings that change what a list holds.
SHAPING_SETTINGS = ("DREAM_LIST_COUNT_CAP", "DREAM_SEARCH_CONSIDERED", "TIME_ZONE")
# The code that makes what is cached: every app, its templates and the translations (the
# workspace, the resident's pages and the home page are cached whole: config/cached_pages.py).
_CODE_FOLDERS = (
    "accounts",
    "assemblies",
    "config",
    "initiatives",
    "locale",
    "neighbourhoods",
    "opendata",
    "partners",
    "residents",
    "staff",
    "templates",
)
_CODE_SUFFIXES = (".py", ".html", ".mo")


@functools.cache
def _code() -> str:
    """A fingerprint of the code this process runs (read once: about 700 small files)."""
    digest = hashlib.blake2b(digest_size=8)
    base = Path(settings.BASE_DIR)
    for folder in _CODE_FOLDERS:
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in _CODE_SUFFIXES:
                digest.update(path.read_bytes())
    return digest.hexdigest()


def cached[T](name: str, parts: tuple, compute: Callable[[], T]) -> T:
    """Return what COMPUTE returns for the list NAME asked with PARTS (plain values that
    decide the answer: filters, position, the person where it depends on them), from the
    cache when nothing was written since it was computed."""
    seconds = settings.DATA_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    # The version first: what is computed after it is at least as new as it.
    version = data_version.current()
    # Today and the language: overdue and waiting days count from today; a notice is in
    # the reader's language. The code and the settings that shape a list: an entry made by
    # the code before a deploy (another shape of row, another cap) is never read after it.
    asked = repr(
        (
            parts,
            timezone.localdate().isoformat(),
            get_language(),
            _code(),
            [getattr(settings, name, None) for name in SHAPING_SETTINGS],
        )
    )
    key = (
        f"staff-list:{name}:{version}:{hashlib.blake2b(asked.encode(), digest_size=16).hexdigest()}"
    )
    found = cache.get(key)
    if found is not None:
        return found
    value = compute()
    cache.set(key, value, seconds)
    return value
