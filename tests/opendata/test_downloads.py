"""The figures as CSV and JSON downloads: explicit names, the registry's columns, cached with
ETag and Last-Modified (304), no cookie."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from initiatives.selectors.open_figures import this_monday
from opendata import datasets
from tests.factories import NeighbourhoodFactory, ThemeFactory
from tests.opendata.figures_world import handed_in

pytestmark = pytest.mark.django_db

DOWNLOADS = [(dataset, fmt) for dataset in datasets.FIGURES for fmt in ("csv", "json")]


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.OPEN_DATA_MIN_COUNT = 5


@pytest.fixture
def client():
    return Client(HTTP_HOST="localhost")


@pytest.fixture
def history():
    asten, theme = NeighbourhoodFactory(name="Asten"), ThemeFactory(name="Groen")
    NeighbourhoodFactory(name="Bergen")
    monday = timezone.make_aware(
        timezone.datetime.combine(this_monday(), timezone.datetime.min.time())
    )
    handed_in(6, on=monday, neighbourhood=asten, theme=theme)
    return asten, theme


@pytest.mark.parametrize(("dataset", "fmt"), DOWNLOADS, ids=lambda v: getattr(v, "key", v))
def test_every_download_has_its_name_columns_and_cache_headers(client, history, dataset, fmt):
    url = reverse(f"opendata:download_{dataset.key}_{fmt}")
    assert url == f"/open-data/downloads/{dataset.file_name}.{fmt}"
    answer = client.get(url)
    assert answer.status_code == 200
    assert answer["Content-Disposition"] == f'attachment; filename="{dataset.file_name}.{fmt}"'
    assert answer["ETag"] and answer["Last-Modified"]
    assert not answer.cookies
    names = [item.name for item in dataset.fields]
    if fmt == "csv":
        assert answer["Content-Type"] == "text/csv; charset=utf-8"
        assert answer.content.startswith(b"\xef\xbb\xbf")  # UTF-8 that spreadsheets recognise
        rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
        assert rows[0] == names
        assert all(len(row) == len(names) for row in rows)
    else:
        body = answer.json()
        assert body["licence"] == "CC0-1.0" and body["fields"] == names
        assert all(list(row) == names for row in body["rows"])
    assert client.get(url, HTTP_IF_NONE_MATCH=answer["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=answer["Last-Modified"]).status_code == 304


def test_the_weeks_csv_has_every_selection_and_suppresses(client, history):
    content = client.get(reverse("opendata:download_weeks_csv")).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    this_week = [row for row in rows if row["week_start"] == this_monday().isoformat()]
    # All, Asten, Bergen, Groen, Asten and Groen, Bergen and Groen.
    assert len(this_week) == 6
    everything = next(r for r in this_week if r["neighbourhood_id"] == "" and r["theme_id"] == "")
    assert everything["handed_in"] == "6" and everything["handed_in_suppressed"] == "false"
    bergen = next(r for r in this_week if r["neighbourhood"] == "Bergen" and r["theme"] == "")
    assert bergen["handed_in"] == "0"


def test_a_name_typed_by_staff_never_runs_as_a_formula(client):
    """Neighbourhood and fund names are typed by staff: in a spreadsheet "=..." would run."""
    theme = ThemeFactory(name="Groen")
    evil = NeighbourhoodFactory(name='=HYPERLINK("http://evil.example")')
    monday = timezone.make_aware(
        timezone.datetime.combine(this_monday(), timezone.datetime.min.time())
    )
    handed_in(6, on=monday, neighbourhood=evil, theme=theme)

    content = client.get(reverse("opendata:download_weeks_csv")).content.decode("utf-8-sig")
    names = {row["neighbourhood"] for row in csv.DictReader(io.StringIO(content))}
    assert '\'=HYPERLINK("http://evil.example")' in names
    assert '=HYPERLINK("http://evil.example")' not in names
    # The JSON has the name as it is: no spreadsheet runs JSON.
    rows = client.get(reverse("opendata:download_weeks_json")).json()["rows"]
    assert '=HYPERLINK("http://evil.example")' in {row["neighbourhood"] for row in rows}


def test_a_small_count_is_an_empty_cell_flagged_true(client):
    NeighbourhoodFactory(name="Asten")
    theme = ThemeFactory(name="Groen")
    asten = NeighbourhoodFactory(name="Asten")
    monday = timezone.make_aware(
        timezone.datetime.combine(this_monday(), timezone.datetime.min.time())
    )
    handed_in(2, on=monday, neighbourhood=asten, theme=theme)
    body = client.get(reverse("opendata:download_weeks_json")).json()
    row = next(
        r
        for r in body["rows"]
        if r["week_start"] == this_monday().isoformat()
        and r["neighbourhood_id"] is None
        and r["theme_id"] is None
    )
    assert row["handed_in"] is None and row["handed_in_suppressed"] is True
    content = client.get(reverse("opendata:download_weeks_csv")).content.decode("utf-8-sig")
    last = [
        r
        for r in csv.DictReader(io.StringIO(content))
        if r["week_start"] == this_monday().isoformat()
    ]
    assert last[0]["handed_in"] == "" and last[0]["handed_in_suppressed"] == "true"


def test_a_post_is_refused(client):
    assert client.post(reverse("opendata:download_weeks_csv")).status_code in (403, 405)


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("/api/v1/figures/weeks/", 4),
        ("/api/v1/figures/promises/", 5),
        ("/api/v1/figures/money/", 3),
        ("/api/v1/figures/contributions/", 3),
        ("/open-data/downloads/cijfers-per-week.csv", 5),
        ("/open-data/downloads/beloften-per-week.json", 6),
        ("/open-data/downloads/stilte-nu.csv", 3),
        ("/open-data/downloads/geld-toegekend.csv", 1),
        ("/open-data/downloads/bijdragen-partners.json", 1),
    ],
)
def test_a_fixed_number_of_queries_and_none_once_cached(
    client, history, path, queries, django_assert_num_queries
):
    asten, theme = history
    for n in range(1, 30):  # more weeks, more places: the same number of queries
        handed_in(
            1, on=timezone.now() - timezone.timedelta(weeks=n), neighbourhood=asten, theme=theme
        )
        NeighbourhoodFactory(name=f"Wijk {n}")
    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(path).status_code == 200
