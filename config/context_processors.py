from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from config.mailbox import mailbox_readable
from initiatives import selectors


def portal(request: HttpRequest) -> dict:
    """Return what every page shows: the municipality and whether the mailbox may be read."""
    return {
        "municipality_name": settings.MUNICIPALITY_NAME,
        "source_code_url": settings.SOURCE_CODE_URL,
        "mailbox_enabled": mailbox_readable(request),
        # Read only by pages that state a promise, so other pages pay no query for it.
        "promises": SimpleLazyObject(selectors.service_promises),
    }
