"""Open data (issue 19): the API under /api/v1/ and the public pages about it."""

from django.urls import path

from opendata.api import api

urlpatterns = [
    path("api/v1/", api.urls),
]
