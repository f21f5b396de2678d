"""Whole pages from the shared cache, as long as nothing was written since.

A dream's workspace (staff), a resident's own pages and the home page cost 10-30 ms of
Python to read and write, for HTML that is the same at every look until something changes.
The page is written once and kept under the data version, exactly as the staff lists' data
(initiatives/list_cache.py: any write through the application asks again), per reader and
address. A request with messages to show, an htmx request (its answer carries them) and a
request with a query parameter the page does not keep get their page written for them.

Two things in a page belong to the request: the form token and the CSP nonce. The page is
written with a slot for each, and each request fills in its own. A slot is replaced only in
the places a template writes it (`name="csrfmiddlewaretoken" value="…"`, the htmx header's
`"X-CSRFToken": "…"`, `nonce="…"`), which text a person typed can never produce (its quotes
are escaped). A page with a slot anywhere else is not kept: it is written for each request.
"""

from collections.abc import Callable

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string

from initiatives import list_cache

TOKEN_SLOT = "form-token-slot"  # noqa: S105 (a placeholder, not a secret)
NONCE_SLOT = "csp-nonce-slot"
# Where the templates write the token and the nonce ({% csrf_token %}, base.html's htmx
# settings); "{}" is the value.
_TOKEN_PLACES = ('name="csrfmiddlewaretoken" value="{}"', '"X-CSRFToken": "{}"')
_NONCE_PLACES = ('"inlineStyleNonce": "{}"', 'nonce="{}"')
_SLOTS = ((TOKEN_SLOT, _TOKEN_PLACES), (NONCE_SLOT, _NONCE_PLACES))
_SLOTS_CONTEXT = {"csrf_token": TOKEN_SLOT, "csp_nonce": NONCE_SLOT}


def _slots_only_in_their_places(html: str) -> bool:
    return all(
        html.count(slot) == sum(html.count(place.format(slot)) for place in places)
        for slot, places in _SLOTS
    )


def _filled(request, html: str) -> str:
    """HTML with this request's token and nonce in each slot's places."""
    nonce = get_nonce(request)  # lazy: false until made, and made here (the CSP header says it)
    values = {TOKEN_SLOT: get_token(request), NONCE_SLOT: "" if nonce is None else str(nonce)}
    for slot, places in _SLOTS:
        if slot in html:
            for place in places:
                html = html.replace(place.format(slot), place.format(values[slot]))
    return html


def cached_page(
    request,
    name: str,
    parts: tuple,
    write: Callable[[], tuple[str, dict]],
    *,
    kept_queries: frozenset[str] = frozenset(),
) -> HttpResponse:
    """Return the page NAME asked with PARTS (plain values that decide it; they must name the
    reader: the menu is theirs), from the cache when nothing was written since. WRITE returns
    the template and the context to render it with; its exceptions (a dream that is not
    there: 404) pass through and nothing is kept.

    An htmx request (its answer carries the page's messages), a request with messages to
    show and a request with a query parameter outside KEPT_QUERIES get the page written for
    them: whatever someone appends to an address never fills the cache."""

    def written() -> HttpResponse:
        template, context = write()
        return render(request, template, context)

    if (
        request.htmx
        or not kept_queries.issuperset(request.GET)
        or len(get_messages(request))  # counted, not read: they stay for the page
    ):
        return written()

    def write_page() -> dict:
        template, context = write()
        html = render_to_string(template, {**context, **_SLOTS_CONTEXT}, request=request)
        return {"html": html if _slots_only_in_their_places(html) else None}

    # The address is part of the page: the language switch sends the reader back to it.
    page = list_cache.cached(f"page:{name}", (parts, request.get_full_path()), write_page)
    if page["html"] is None:  # a slot where it cannot be filled: written for each request
        return written()
    return HttpResponse(_filled(request, page["html"]))
