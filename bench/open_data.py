"""Issue 19's open data in the benchmark: the API's dream list and figures, the gallery.

Their answers are cached per open-data version (initiatives/open_data_version.py,
opendata/conditional.py), so each page is measured two ways:

- cached: the version unchanged, every URL requested once before the timing (the usual
  case: nothing public changed since the last visitor asked);
- cold: the version bumped before each request, so every answer is computed (what the first
  visitor after a change waits for; at most once per change and URL in real life). The bump
  is one Redis write, inside the timed request. Under the load test gunicorn bumps it itself
  (cold_open_data below, a middleware of bench.settings) when a request carries COLD_HEADER.

The URLs rotate over pages and the filters by neighbourhood, theme and status; pages past the
first are only asked for when the page before links to them (a page number past the end is
a cheap 404 in the API, the last page again in the gallery: neither a page of its own).
"""

from collections.abc import Callable

from django.db import connection
from django.test import Client

from bench import SLUG_PREFIX
from initiatives import data_version, open_data_version
from initiatives.models import Neighbourhood, Theme

# Gunicorn (bench settings) bumps the open-data version before a request with this header.
COLD_HEADER = "X-Bench-Open-Data"
COLD_VALUE = "cold"
GROUP = "open_data"
PAGE_SET = "open-data"  # bench --pages open-data

DREAMS = "/api/v1/dreams/"
WEEKS = "/api/v1/figures/weeks/"
PROMISES = "/api/v1/figures/promises/"
MONEY = "/api/v1/figures/money/"
GALLERY = "/verhalen/"
STATUSES = ("in_conversation", "in_progress", "realised")
MAX_PAGES = 5

# The in-process pages: (key, label) of each endpoint; each is measured cached (KEY) and
# cold (KEY + COLD).
COLD = "_cold"
ENDPOINTS = [
    ("api_dreams", f"API dream list {DREAMS}: pages, neighbourhood, theme, status"),
    ("api_weeks", f"API figures per week {WEEKS}: neighbourhood, theme"),
    ("api_promises", f"API service promises {PROMISES}"),
    ("api_money", f"API money per fund and neighbourhood {MONEY}"),
    ("gallery", f"Gallery of stories {GALLERY}: pages, wijk, thema"),
]
PAGES = [
    (key + suffix, f"{label} ({mode})", GROUP)
    for key, label in ENDPOINTS
    for suffix, mode in (("", "cached"), (COLD, "cold"))
]
KEYS = {key for key, _label, _group in PAGES}

# The load test: the three the issue names, each cached and cold: (name, label, the
# in-process page whose time guesses the first rate, the endpoints it rotates over).
LOAD = [
    ("api_dreams", "API dream list", ["api_dreams"]),
    (
        "api_figures",
        "API figures: weeks, promises, money",
        ["api_weeks", "api_promises", "api_money"],
    ),
    ("gallery", "Gallery of stories", ["gallery"]),
]
OPEN_LOOP_PAGES = [
    (name + suffix, f"{label} ({mode})", endpoints[0] + suffix)
    for name, label, endpoints in LOAD
    for suffix, mode in (("", "cached"), (COLD, "cold"))
]


def is_cold(key: str) -> bool:
    return key.endswith(COLD)


def _filters() -> tuple[list[int], list[int]]:
    neighbourhoods = list(
        Neighbourhood.objects.filter(slug__startswith=SLUG_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)[:5]
    )
    themes = list(
        Theme.objects.filter(slug__startswith=SLUG_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)[:3]
    )
    return neighbourhoods, themes


def _pages(client: Client, template: str, parameter: str) -> list[str]:
    """TEMPLATE with page 1, and pages 2 ... MAX_PAGES as far as each page before links to
    the next (its PARAMETER=N+1 in the answer: the API's "next", the gallery's link)."""
    found = [template.format(1)]
    for number in range(1, MAX_PAGES):
        answer = client.get(template.format(number), secure=True)
        if answer.status_code != 200 or f"{parameter}={number + 1}" not in answer.text:
            break
        found.append(template.format(number + 1))
    return found


def paths(client: Client) -> dict[str, list[str]]:
    """The URLs of each endpoint (ENDPOINTS' keys), asked anonymously with CLIENT (under the
    benchmark's URLs) which pages exist."""
    nbs, themes = _filters()
    combinations = list(zip(nbs, [*STATUSES, *STATUSES], strict=False))[:4]
    return {
        "api_dreams": [
            *_pages(client, DREAMS + "?page={}", "page"),
            *(f"{DREAMS}?neighbourhood={nb}" for nb in nbs),
            *(f"{DREAMS}?theme={theme}" for theme in themes),
            *(f"{DREAMS}?status={status}" for status in STATUSES),
            *(f"{DREAMS}?neighbourhood={nb}&status={status}" for nb, status in combinations),
        ],
        "api_weeks": [
            WEEKS,
            *(f"{WEEKS}?neighbourhood={nb}" for nb in nbs),
            *(f"{WEEKS}?theme={theme}" for theme in themes),
            *(
                f"{WEEKS}?neighbourhood={nb}&theme={theme}"
                for nb, theme in zip(nbs, themes, strict=False)
            ),
        ],
        "api_promises": [PROMISES],
        "api_money": [MONEY],
        "gallery": [
            *_pages(client, GALLERY + "?pagina={}", "pagina"),
            *(f"{GALLERY}?wijk={nb}" for nb in nbs),
            *(f"{GALLERY}?thema={theme}" for theme in themes),
            *(f"{GALLERY}?wijk={nb}&thema={theme}" for nb, theme in zip(nbs, themes, strict=False)),
        ],
    }


def cold(request: Callable[[], None]) -> Callable[[], None]:
    """REQUEST after raising the open-data version: every cached answer is stale."""

    def bumped():
        if connection.in_atomic_block:
            # bump() waits for the transaction's commit: inside one, "cold" would be cached.
            raise RuntimeError("cold open-data requests need autocommit, not a transaction")
        open_data_version.bump()
        request()

    bumped.count = getattr(request, "count", 1)
    return bumped


def requests(endpoint_paths: dict[str, list[str]]) -> dict[str, Callable[[], None]]:
    """The in-process requests of PAGES: each endpoint's URLs in turn, by an anonymous
    visitor (no cookie: the open data needs none)."""
    from bench.pages import HOST, _get, rotating

    made = {}
    for key, _label in ENDPOINTS:
        visitor = Client(HTTP_HOST=HOST)
        turn = rotating(*(_get(visitor, path) for path in endpoint_paths[key]))
        made[key] = turn
        made[key + COLD] = cold(turn)
    return made


def open_loop_paths(endpoint_paths: dict[str, list[str]]) -> dict[str, list[str]]:
    """The paths of OPEN_LOOP_PAGES (the cold ones are sent with COLD_HEADER)."""
    found = {}
    for name, _label, endpoints in LOAD:
        rotation = [path for key in endpoints for path in endpoint_paths[key]]
        found[name] = found[name + COLD] = rotation
    return found


def cold_open_data(get_response):
    """Middleware for the benchmark's gunicorn (bench.settings): a request with COLD_HEADER
    first raises the open-data version and the data version of the staff lists, as a write
    would: its answer is computed, not read from a cache."""

    def middleware(request):
        if request.headers.get(COLD_HEADER) == COLD_VALUE:
            # As a write would: the open data's and the staff lists' caches are of before.
            open_data_version.bump()
            data_version.bump()
        return get_response(request)

    return middleware
