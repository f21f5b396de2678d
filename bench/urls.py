"""The portal's URLs plus one bare view: what a request costs with nothing on the page."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from config import errors

handler400 = errors.bad_request  # as config/urls.py: the portal's own 400 page


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("config.urls")),
]
