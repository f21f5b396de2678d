"""The page about the open data: every field of every dataset explained, from the registry."""

import pytest
from django.test import Client
from django.urls import reverse

from opendata import datasets

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client(HTTP_HOST="localhost")


def test_every_field_of_every_dataset_is_explained(client, settings):
    settings.OPEN_DATA_MIN_COUNT = 7
    page = client.get("/open-data/")
    assert page.status_code == 200
    html = page.content.decode()
    for dataset in datasets.ALL_DATASETS:
        assert f'id="dataset-{dataset.key}"' in html
        for item in dataset.fields:
            assert f"<code>{item.name}</code>" in html, item.name
        for fmt in ("csv", "json"):  # every dataset has both downloads, linked
            assert reverse(f"opendata:download_{dataset.key}_{fmt}") in html, (dataset.key, fmt)
    for name in ("id", "title", "status_text", "own_part", "granted_total", "story_url"):
        assert f"<code>{name}</code>" in html
    assert "/open-data/downloads/cijfers-per-week.csv" in html
    assert "CC0 1.0" in html and "/api/v1/openapi.json" in html and "/api/v1/stories/" in html
    assert "1 tot en met 6" in html or "van 1 tot 6" in html  # the threshold, in Dutch


def test_in_english_through_the_language_switch(client):
    client.cookies["django_language"] = "en"
    html = client.get("/open-data/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Small numbers are not shown" in html
    assert "Dreams handed in during the week." in html


def test_the_developers_document_lists_the_registrys_fields():
    """docs/open-data.md carries the fields as manage.py open_data_fields writes them."""
    from pathlib import Path

    from django.conf import settings

    from opendata.fields_markdown import fields_markdown

    document = (Path(settings.BASE_DIR) / "docs" / "open-data.md").read_text(encoding="utf-8")
    assert fields_markdown() in document
