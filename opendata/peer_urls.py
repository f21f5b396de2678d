"""Open data's pages: realised dreams of other installations (Elders gelukt) (issue 19)."""

from django.urls import path

from opendata import peer_views

app_name = "peers"
urlpatterns = [
    path("elders-gelukt/", peer_views.elsewhere, name="elsewhere"),
]
