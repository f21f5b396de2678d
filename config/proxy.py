"""The client's address behind the reverse proxy, for django-ratelimit's per-IP limits.

Without this every resident behind Caddy would share the proxy's address, and 20 sign-ins
an hour (RATELIMIT_SIGN_IN_PER_IP) would lock the whole town out.
"""

from django.http import HttpRequest


def ratelimit_ip(request: HttpRequest) -> str:
    """Return the address the limits count: the one the audit log records (TRUSTED_PROXY_COUNT)."""
    from staff.audit import client_ip  # late: staff.audit imports the domain services

    return client_ip(request) or request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104
