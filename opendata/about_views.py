"""The page about the open data (issue 19): what is published, every field, the licence,
how fresh it is, the rule for small counts, the API and the downloads."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from opendata import datasets

FORMATS = ("csv", "json")


def _download(dataset: datasets.Dataset, fmt: str) -> str:
    """The address of DATASET's download in format FMT (every dataset has both)."""
    return reverse(f"opendata:download_{dataset.key}_{fmt}")


def _explained(dataset: datasets.Dataset) -> dict:
    return {
        "key": dataset.key,
        "title": _(dataset.title),
        "description": _(dataset.description),
        "api_path": dataset.api_path,
        "downloads": [(fmt.upper(), _download(dataset, fmt)) for fmt in FORMATS],
        "fields": [(item.name, item.explained()) for item in dataset.fields],
    }


def rate_in_words(rate: str) -> str:
    """django-ratelimit's "600/m" as people say it: "600 requests per minute"."""
    count, _slash, period = rate.partition("/")
    periods = {
        "s": _("%(count)s requests per second"),
        "m": _("%(count)s requests per minute"),
        "h": _("%(count)s requests per hour"),
        "d": _("%(count)s requests per day"),
    }
    if period not in periods:
        return rate  # a multiple such as "100/5m": as configured
    return periods[period] % {"count": count}


@require_safe
def about(request):
    return render(
        request,
        "opendata/about.html",
        {
            "datasets": [_explained(dataset) for dataset in datasets.ALL_DATASETS],
            "min_count": settings.OPEN_DATA_MIN_COUNT,
            "below_min_count": settings.OPEN_DATA_MIN_COUNT - 1,
            "cache_minutes": max(round(settings.OPEN_DATA_CACHE_SECONDS / 60), 1),
            "rate": rate_in_words(settings.RATELIMIT_OPEN_DATA_PER_IP),
        },
    )
