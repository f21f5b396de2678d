"""Absolute web addresses in open data answers, built from SITE_URL.

Never from the request's Host header: answers are cached for everyone (opendata/conditional.py),
so one visitor's Host must not end up in what the next one reads.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def absolute_reverse(name: str, **kwargs) -> str:
    return absolute(reverse(name, kwargs=kwargs))


def page_url(path: str, query: dict, page: int | None) -> str | None:
    """Return the absolute address of PAGE of the list at PATH with the filters in QUERY
    (None values left out); None when PAGE is None."""
    if page is None:
        return None
    params = {key: value for key, value in query.items() if value is not None}
    if page != 1:
        params["page"] = page
    return absolute(path + (f"?{urlencode(params)}" if params else ""))
