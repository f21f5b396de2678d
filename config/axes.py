"""How django-axes tells sign-in attempts apart (settings AXES_*_CALLABLE).

Axes counts failed password sign-ins (staff, /beheer/) per email address and per IP
address. Residents sign in by one-time link (django-sesame), which also goes through
authenticate(): those tries are not counted and never locked, since a link is no password
to guess and a locked-out IP address would shut a whole town hall out.
"""

from django.http import HttpRequest

from accounts.addresses import email_normalise
from staff.audit import client_ip as client_ip  # REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT

# AccessAttempt.username holds at most 255 characters.
USERNAME_MAX_LENGTH = 255


def username(request: HttpRequest, credentials: dict | None) -> str | None:
    """Return the email address tried, the way sign-in reads it (case and spaces ignored)."""
    source = credentials if credentials else getattr(request, "POST", {})
    value = source.get("username")
    if not isinstance(value, str):
        return None
    return email_normalise(value)[:USERNAME_MAX_LENGTH] or None


def not_a_password_sign_in(request: HttpRequest, credentials: dict | None) -> bool:
    """Return True for a one-time sign-in link: axes then neither counts nor locks it."""
    return bool(credentials) and "sesame" in credentials


def lockout(request: HttpRequest, original_response=None, credentials: dict | None = None):
    """Answer a locked-out sign-in: 429 with a page that says how long to wait."""
    from django.conf import settings
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "axes_lockout.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
