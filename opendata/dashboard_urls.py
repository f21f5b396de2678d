"""Open data's pages: Hoe doen we het? (issue 19)."""

from django.urls import path

from opendata import dashboard_views

app_name = "dashboard"
urlpatterns = [
    path("hoe-doen-we-het/", dashboard_views.how_we_do, name="how_we_do"),
]
