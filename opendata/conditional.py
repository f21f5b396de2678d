"""Answers that are the same for everyone, cached by the open-data version.

`open_data_cached` wraps a GET view whose answer depends only on its path and the query
parameters it declares (`params`): anything else in the query string is ignored, so that
`?x=1`, `?x=2`… cannot each build and store a whole answer in the shared Redis. The answer
is kept in the shared cache under the current version and the current cache window (a
stretch of OPEN_DATA_CACHE_SECONDS), carries an ETag and Last-Modified from both, and a
client that sends either back gets 304 Not Modified without the view running.

The window is in both because some answers change without a write (the longest silence
grows, "this week" moves on, generated_at): after the window an old ETag or date no longer
matches. Only 200 answers are kept. No cookie is set or read.
"""

import hashlib
from functools import partial, wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from initiatives import open_data_version


def _window() -> int:
    """The number of the current cache window of OPEN_DATA_CACHE_SECONDS."""
    return int(timezone.now().timestamp() // settings.OPEN_DATA_CACHE_SECONDS)


def answer_key(request: HttpRequest, params: tuple[str, ...]) -> str:
    """The path with only the query parameters PARAMS, sorted: what the answer depends on."""
    query = sorted((name, value) for name in set(params) for value in request.GET.getlist(name))
    return f"{request.path}?{urlencode(query)}" if query else request.path


def _etag(version_token: str, window: int, key: str) -> str:
    digest = hashlib.sha256(f"{version_token}|{window}|{key}".encode()).hexdigest()
    return quote_etag(digest[:32])


def _last_modified(version: open_data_version.Version, window: int) -> int:
    """The later of the version's change and the window's start."""
    start = window * settings.OPEN_DATA_CACHE_SECONDS
    return max(int(version.changed_at.timestamp()), start)


def _not_modified(request: HttpRequest, etag: str, last_modified: int) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match == "*"
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and last_modified <= since


def _mark(response: HttpResponse, etag: str, last_modified: int) -> HttpResponse:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"public, max-age={settings.OPEN_DATA_CACHE_SECONDS}"
    return response


def open_data_cached(view=None, *, params: tuple[str, ...] = ()):
    """Cache VIEW's answers as above. PARAMS: the names of the query parameters VIEW reads, as
    a client writes them (an alias such as `from`); a view that reads none leaves it out."""
    if view is None:
        return partial(open_data_cached, params=tuple(params))

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        version = open_data_version.current()
        window = _window()
        etag = _etag(version.token, window, answer_key(request, params))
        last_modified = _last_modified(version, window)
        if _not_modified(request, etag, last_modified):
            return _mark(HttpResponseNotModified(), etag, last_modified)
        key = f"open-data:answer:{etag}"
        stored = cache.get(key)
        if stored is not None:
            content, content_type, extra = stored
            response = HttpResponse(content, content_type=content_type)
            for header, value in extra.items():
                response[header] = value
            return _mark(response, etag, last_modified)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not getattr(response, "streaming", False):
            extra = {
                header: response[header]
                for header in ("Content-Disposition",)
                if response.has_header(header)
            }
            cache.set(
                key,
                (response.content, response["Content-Type"], extra),
                timeout=settings.OPEN_DATA_CACHE_SECONDS,
            )
            return _mark(response, etag, last_modified)
        return response

    wrapper.open_data_params = tuple(params)  # read by the test that every parameter is listed
    return wrapper
