from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict:
    """Return what every page shows: the municipality and whether the mailbox is on."""
    return {
        "municipality_name": settings.MUNICIPALITY_NAME,
        "mailbox_enabled": settings.MAILBOX_ENABLED,
    }
