"""Open data's pages: about the open data and its downloads (issue 19).

Every download has its own explicit address and a URL name download_<dataset>_<format>;
the dreams' downloads (download_dreams_csv/json) are added beside these by the API's part.
"""

from django.urls import path

from opendata import about_views, download_views, dream_downloads

app_name = "opendata"
urlpatterns = [
    # The shared dreams (the API's part): the same fields as the API's dreams.
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
    path("open-data/", about_views.about, name="about"),
    path(
        "open-data/downloads/cijfers-per-week.csv",
        download_views.weeks_csv,
        name="download_weeks_csv",
    ),
    path(
        "open-data/downloads/cijfers-per-week.json",
        download_views.weeks_json,
        name="download_weeks_json",
    ),
    path(
        "open-data/downloads/beloften-per-week.csv",
        download_views.promises_csv,
        name="download_promises_csv",
    ),
    path(
        "open-data/downloads/beloften-per-week.json",
        download_views.promises_json,
        name="download_promises_json",
    ),
    path(
        "open-data/downloads/stilte-nu.csv", download_views.silence_csv, name="download_silence_csv"
    ),
    path(
        "open-data/downloads/stilte-nu.json",
        download_views.silence_json,
        name="download_silence_json",
    ),
    path(
        "open-data/downloads/geld-toegekend.csv",
        download_views.money_csv,
        name="download_money_csv",
    ),
    path(
        "open-data/downloads/geld-toegekend.json",
        download_views.money_json,
        name="download_money_json",
    ),
    path(
        "open-data/downloads/bijdragen-partners.csv",
        download_views.contributions_csv,
        name="download_contributions_csv",
    ),
    path(
        "open-data/downloads/bijdragen-partners.json",
        download_views.contributions_json,
        name="download_contributions_json",
    ),
]
