"""The HTML of a page's own part from the shared cache, as long as nothing was written since.

A dream's workspace (staff) and a resident's own dream page cost 10-20 ms of Python to read
and write, for HTML that is the same at every look until something changes. The part under
the page's header is written once and kept under the data version, exactly as the staff
lists' data (initiatives/list_cache.py: any write through the application asks again).
The page around it (the menu, the messages, the CSP nonce) is still written for each
request.

The one thing in the part that belongs to the request is the form token: the part is
written with a slot for it, and each request fills in its own. The slot is replaced with the
whole attribute around it, `name="csrfmiddlewaretoken" value="…"`, which text a person typed
can never produce (its quotes would be escaped).
"""

from collections.abc import Callable

from django.middleware.csrf import get_token
from django.utils.safestring import mark_safe

from initiatives import list_cache

TOKEN_SLOT = "form-token-slot"  # noqa: S105 (a placeholder, not a secret)
_SLOT = f'name="csrfmiddlewaretoken" value="{TOKEN_SLOT}"'


def cached_part(request, name: str, parts: tuple, write: Callable[[dict], dict]) -> dict:
    """Return what WRITE returns for the part NAME asked with PARTS (plain values that decide
    it: the dream, the reader where it depends on them), from the cache when nothing was
    written since. WRITE gets the context to render with (the token's slot) and returns plain
    values, among them "html"; its exceptions (a dream that is not there: 404) pass through
    and nothing is kept."""
    written = list_cache.cached(f"part:{name}", parts, lambda: write({"csrf_token": TOKEN_SLOT}))
    html = written["html"]
    if _SLOT in html:
        html = html.replace(_SLOT, f'name="csrfmiddlewaretoken" value="{get_token(request)}"')
    return {**written, "html": mark_safe(html)}  # noqa: S308 (written by a template, escaped there)
