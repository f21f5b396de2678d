"""Open data's pages: about the open data and its downloads (issue 19)."""

from django.urls import path

from opendata import dream_downloads

app_name = "opendata"
urlpatterns = [
    # The shared dreams (helper api): the same fields as the API's dreams.
    path(
        "open-data/downloads/dromen.csv",
        dream_downloads.dreams_csv,
        name="download_dreams_csv",
    ),
    path(
        "open-data/downloads/dromen.json",
        dream_downloads.dreams_json,
        name="download_dreams_json",
    ),
]
