"""The portal's URLs plus two views that fail on purpose, for tests/config/test_logging.py."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from config.urls import urlpatterns as portal_urlpatterns


def forbidden(request):
    raise PermissionDenied("not yours")


def broken(request):
    raise RuntimeError("a bug on purpose")


urlpatterns = [
    path("test-logging/forbidden/", forbidden),
    path("test-logging/broken/", broken),
    *portal_urlpatterns,
]
