"""The open data's one rate limit: RATELIMIT_OPEN_DATA_PER_IP requests per client address,
shared by every API endpoint and download (one group), answered with 429 and JSON.

It counts before the cache answers: a 304 or a cached answer is a request too. The limit is
read when a request comes (not at import), so a deployment or a test can change it.
"""

from functools import wraps

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

GROUP = "open-data"


def too_many_requests(request: HttpRequest) -> JsonResponse | None:
    """A 429 answer when the client is over the limit (counting this request), else None."""
    usage = get_usage(
        request, group=GROUP, key="ip", rate=settings.RATELIMIT_OPEN_DATA_PER_IP, increment=True
    )
    if usage is None or not usage["should_limit"]:
        return None
    response = JsonResponse(
        {
            "detail": _(
                "Too many requests from your address. Wait a minute and try again, or use "
                "the downloads."
            )
        },
        status=429,
    )
    response["Retry-After"] = str(max(int(usage["time_left"]), 1))
    return response


def open_data_rate_limited(view):
    """Wrap VIEW (a Django view, or a ninja operation's run) in the open data's limit."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        return too_many_requests(request) or view(request, *args, **kwargs)

    return wrapper
