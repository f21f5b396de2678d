"""The open data's rate limit: RATELIMIT_OPEN_DATA_PER_IP requests per IP address, one budget
for every API operation and download (issue 19).

Answered with 429 as JSON, in Dutch and English, with Retry-After: a program reads this, so
the site's HTML page for a hit limit (RATELIMIT_VIEW) would only be in its way.
"""

from functools import wraps

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_noop
from django_ratelimit.core import get_usage

from opendata.bilingual import bilingual

GROUP = "opendata"


def _rate(group: str, request: HttpRequest) -> str:
    # Read when the request comes, so tests and deploys can set it.
    return settings.RATELIMIT_OPEN_DATA_PER_IP


def too_many_requests(retry_after: int) -> JsonResponse:
    response = JsonResponse(
        {
            "detail": bilingual(
                gettext_noop("Too many requests from your address. Wait a moment and try again.")
            )
        },
        status=429,
    )
    response["Retry-After"] = str(max(retry_after, 1))
    return response


def open_data_rate_limited(view):
    """Count every request to VIEW against the caller's open data budget; answer 429 once it
    is spent."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        usage = get_usage(request, group=GROUP, key="ip", rate=_rate, increment=True)
        if usage is not None and usage["should_limit"]:
            return too_many_requests(usage["time_left"])
        return view(request, *args, **kwargs)

    return wrapper
