"""Every page names its icon, and /favicon.ico leads there (issue 14, item 14: it was a
404 on every page)."""

from django.contrib.staticfiles import finders
from django.templatetags.static import static


def test_pages_name_the_icon_and_it_exists(client, db):
    page = client.get("/").content.decode()
    assert f'<link rel="icon" href="{static("img/favicon.svg")}"' in page
    assert finders.find("img/favicon.svg")


def test_favicon_ico_is_not_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static("img/favicon.svg")
