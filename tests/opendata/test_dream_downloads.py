"""The shared dreams as downloads: dromen.csv and dromen.json (issue 19)."""

import csv
import io
import json

import pytest
from django.conf import settings
from django.urls import reverse

from opendata.dream_fields import DREAM_FIELDS
from tests.factories import DreamFactory
from tests.opendata.shared_world import share

pytestmark = pytest.mark.django_db


def api_rows(client) -> list[dict]:
    rows, url = [], "/api/v1/dreams/"
    while url:
        answer = client.get(url).json()
        rows += answer["results"]
        url = answer["next"] and answer["next"].removeprefix(settings.SITE_URL)
    return rows


def test_json_is_every_shared_dream_as_the_api_gives_it(client, world):
    for n in range(55):  # more than one page of the API
        share(DreamFactory(title=f"Nog een {n}"))

    response = client.get(reverse("opendata:download_dreams_json"))

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="dromen.json"'
    body = json.loads(response.content)
    # The same envelope as the figures' downloads (minus their threshold for small counts).
    assert list(body) == ["dataset", "licence", "fields", "rows"]
    assert body["dataset"] == "dromen" and body["licence"] == "CC0-1.0"
    assert tuple(body["fields"]) == DREAM_FIELDS
    rows = body["rows"]
    assert [tuple(row) for row in rows] == [DREAM_FIELDS] * (len(world.shared) + 55)
    assert rows == api_rows(client)


def test_csv_has_the_same_fields_in_the_same_order_with_nulls_empty(client, world):
    response = client.get(reverse("opendata:download_dreams_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="dromen.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 that spreadsheets recognise
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert tuple(lines[0]) == DREAM_FIELDS
    expected = [
        ["" if value is None else str(value) for value in row.values()] for row in api_rows(client)
    ]
    assert lines[1:] == expected
    submitted = next(line for line in lines[1:] if line[4] == "submitted")
    assert submitted[DREAM_FIELDS.index("picked_up_on")] == ""
    assert submitted[DREAM_FIELDS.index("story_url")] == ""


def test_csv_text_never_runs_as_a_formula(client, db):
    share(DreamFactory(), title='=HYPERLINK("http://evil.example")', own_part="+31 doen")

    response = client.get(reverse("opendata:download_dreams_csv"))

    line = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1]
    assert line[DREAM_FIELDS.index("title")] == '\'=HYPERLINK("http://evil.example")'
    assert line[DREAM_FIELDS.index("own_part")] == "'+31 doen"


def test_only_shared_dreams(client, world):
    rows = json.loads(client.get(reverse("opendata:download_dreams_json")).content)["rows"]

    assert {row["id"] for row in rows} == {d.pk for d in world.shared}


@pytest.mark.parametrize("extra", [0, 40])
def test_a_fixed_number_of_queries(client, world, extra, django_assert_num_queries):
    for _ in range(extra):
        share(DreamFactory())

    with django_assert_num_queries(1):
        client.get(reverse("opendata:download_dreams_csv"))
