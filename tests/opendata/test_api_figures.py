"""The figures in the API (/api/v1/figures/…): typed answers, suppressed counts as null with
a flag, cached with ETag and Last-Modified, hostile parameters refused with 4xx, a rate limit."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from initiatives import open_data_version
from initiatives.selectors.open_figures import this_monday
from initiatives.statuses import Status
from tests.factories import NeighbourhoodFactory, ThemeFactory
from tests.opendata.figures_world import fund, grant, handed_in, move

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.OPEN_DATA_MIN_COUNT = 5
    settings.RATELIMIT_OPEN_DATA_PER_IP = "600/m"


@pytest.fixture
def client():
    return Client(HTTP_HOST="localhost")


@pytest.fixture
def places():
    return NeighbourhoodFactory(name="Asten"), NeighbourhoodFactory(name="Bergen"), ThemeFactory()


def _this_week(hours: int = 1):
    return timezone.make_aware(
        timezone.datetime.combine(this_monday(), timezone.datetime.min.time())
    ) + timedelta(hours=hours)


def test_weeks_per_neighbourhood_with_suppressed_counts(client, places):
    asten, bergen, theme = places
    dreams = handed_in(6, on=_this_week(), neighbourhood=asten, theme=theme)
    handed_in(7, on=_this_week(), neighbourhood=bergen, theme=theme)
    move(dreams[:2], to=Status.PICKED_UP, on=_this_week(2))

    answer = client.get("/api/v1/figures/weeks/", {"neighbourhood": bergen.pk})
    assert answer.status_code == 200
    body = answer.json()
    assert body["min_count"] == 5
    assert len(body["rows"]) == 12
    last = body["rows"][-1]
    assert last["week_start"] == this_monday().isoformat()
    assert last["neighbourhood"] == "Bergen" and last["theme_id"] is None
    assert last["handed_in"] == 7 and last["handed_in_suppressed"] is False
    everything = client.get("/api/v1/figures/weeks/").json()["rows"][-1]
    assert everything["handed_in"] == 13
    assert everything["picked_up"] is None and everything["picked_up_suppressed"] is True
    assert everything["withdrawn"] == 0 and everything["withdrawn_suppressed"] is False


def test_a_range_of_weeks(client, places):
    monday = this_monday()
    rows = client.get(
        "/api/v1/figures/weeks/",
        {"from": (monday - timedelta(weeks=3)).isoformat(), "to": monday.isoformat()},
    ).json()["rows"]
    assert [row["week_start"] for row in rows] == [
        (monday - timedelta(weeks=n)).isoformat() for n in (3, 2, 1, 0)
    ]


@pytest.mark.parametrize(
    "query",
    [
        {"neighbourhood": "0"},
        {"neighbourhood": "-1"},
        {"neighbourhood": str(2**40)},
        {"neighbourhood": "abc"},
        {"theme": "1e9"},
        {"from": "2026-13-45"},
        {"to": "0"},
        {"from": "2026-1-5"},
    ],
)
def test_hostile_parameters_are_refused_with_422(client, query):
    for path in ("/api/v1/figures/weeks/", "/api/v1/figures/promises/"):
        answer = client.get(path, query)
        assert answer.status_code == 422, (path, query, answer.content)
        assert "detail" in answer.json()


def test_days_far_away_answer_cleanly(client):
    assert (
        client.get("/api/v1/figures/weeks/", {"to": "9999-12-31"}).json()["rows"][-1]["week_start"]
        == this_monday().isoformat()
    )
    assert client.get("/api/v1/figures/weeks/", {"to": "0001-01-03"}).json()["rows"] == []
    early = client.get("/api/v1/figures/promises/", {"from": "0001-01-01", "to": "2000-02-01"})
    assert early.status_code == 200 and len(early.json()["rows"]) == 5


def test_a_long_range_answers_its_last_104_weeks_and_a_backward_one_none(client):
    rows = client.get("/api/v1/figures/weeks/", {"from": "2020-01-06", "to": "2026-01-05"})
    assert [row["week_start"] for row in rows.json()["rows"]][-1] == "2026-01-05"
    assert len(rows.json()["rows"]) == 104
    backwards = client.get("/api/v1/figures/promises/", {"from": "2026-06-01", "to": "2026-01-05"})
    assert backwards.status_code == 200 and backwards.json()["rows"] == []
    assert "open_dreams" in backwards.json()["silence"]


def test_an_unknown_neighbourhood_is_404(client, places):
    for path in (
        "/api/v1/figures/weeks/",
        "/api/v1/figures/promises/",
        "/api/v1/figures/money/",
        "/api/v1/figures/contributions/",
    ):
        answer = client.get(path, {"neighbourhood": 999999})
        assert answer.status_code == 404, path
        # In Dutch and English at once: an answer's reader may be anyone, anywhere.
        assert answer.json()["detail"] == (
            "Er is geen wijk met dit nummer. / There is no neighbourhood with this id."
        )


def test_promises_with_the_silence_now(client, places):
    asten, _bergen, theme = places
    handed_in(
        5,
        on=_this_week(),
        neighbourhood=asten,
        theme=theme,
        last_public_update_at=timezone.now() - timedelta(days=20, hours=1),
    )
    body = client.get("/api/v1/figures/promises/", {"neighbourhood": asten.pk}).json()
    assert body["silence"]["open_dreams"] == 5
    assert body["silence"]["longest_silence_days"] == 20
    row = body["rows"][-1]
    assert row["pick_up_working_days"] == 2 and row["first_contact_working_days"] == 5
    assert set(row) >= {"picked_up_in_time_share", "picked_up_in_time_measured"}


def test_money_and_contributions(client, places):
    asten, _bergen, theme = places
    dromen = fund("Dromenfonds", year=timezone.localdate().year)
    for dream in handed_in(5, on=_this_week(), neighbourhood=asten, theme=theme):
        grant(dream, fund=dromen, amount=120, on=timezone.now())
    rows = client.get("/api/v1/figures/money/").json()["rows"]
    cell = next(r for r in rows if r["neighbourhood_id"] == asten.pk and r["fund_id"])
    assert cell["grants"] == 5 and cell["amount"] == "600.00" and cell["suppressed"] is False
    assert client.get("/api/v1/figures/money/", {"year": 2001}).json()["rows"] == []
    assert client.get("/api/v1/figures/money/", {"year": 1}).status_code == 422
    contributions = client.get("/api/v1/figures/contributions/")
    assert contributions.status_code == 200 and contributions.json()["rows"] == []


def test_answers_are_cached_per_version_with_etag_and_304(
    client, places, django_capture_on_commit_callbacks
):
    asten, _bergen, theme = places
    first = client.get("/api/v1/figures/weeks/")
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    assert not first.cookies
    again = client.get("/api/v1/figures/weeks/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    # A new dream is not seen until the version changes; then the ETag changes too.
    handed_in(6, on=_this_week(), neighbourhood=asten, theme=theme)
    assert client.get("/api/v1/figures/weeks/").json() == first.json()
    with django_capture_on_commit_callbacks(execute=True):
        open_data_version.bump()
    changed = client.get("/api/v1/figures/weeks/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed.json()["rows"][-1]["handed_in"] == 6


def test_the_rate_limit_answers_429_in_json(client, settings):
    settings.RATELIMIT_OPEN_DATA_PER_IP = "3/m"
    # Time stands still for the burst: django_ratelimit's one-minute window cannot roll over.
    with time_machine.travel(timezone.now(), tick=False):
        answers = [client.get("/api/v1/figures/weeks/").status_code for _n in range(4)]
        limited = client.get("/api/v1/figures/money/")
    assert answers == [200, 200, 200, 429]
    assert limited.status_code == 429
    assert limited.json()["detail"] and int(limited["Retry-After"]) >= 1


def test_every_field_is_described_in_the_openapi_document(client):
    schema = client.get("/api/v1/openapi.json").json()
    for name in ("WeekRow", "PromiseRow", "SilenceRow", "MoneyRow", "ContributionRow"):
        properties = schema["components"]["schemas"][name]["properties"]
        assert properties and all(field.get("description") for field in properties.values())
    week = schema["components"]["schemas"]["WeekRow"]["properties"]
    assert "suppressed" in week["handed_in"]["description"].lower()
