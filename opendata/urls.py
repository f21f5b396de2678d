"""Open data (issue 19): the API under /api/v1/ and the public pages around it. One URL
module per part, each with its own namespace."""

from django.urls import include, path

from opendata.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("opendata.figure_urls")),  # "opendata": about the data, the downloads
    path("", include("opendata.dashboard_urls")),  # "dashboard": Hoe doen we het?
    path("", include("opendata.story_urls")),  # "stories": the gallery, a story, the feed
    path("", include("opendata.peer_urls")),  # "peers": Elders gelukt
]
