"""How the open data answers over HTTP (issue 19): cached with ETag and Last-Modified, rate
limited per IP address as JSON, open to every web page for GET, without session or cookie,
read-only, and hostile parameters refused cleanly."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from initiatives import open_data_version

pytestmark = pytest.mark.django_db


def urls(world) -> list[str]:
    """Every open data answer of this helper: the API's lists and items, the downloads."""
    return [
        "/api/v1/dreams/",
        "/api/v1/dreams/?status=realised",
        f"/api/v1/dreams/{world.shared[0].pk}/",
        "/api/v1/stories/",
        f"/api/v1/stories/{world.stories[0].pk}/",
        reverse("opendata:download_dreams_csv"),
        reverse("opendata:download_dreams_json"),
    ]


def test_answers_carry_an_etag_and_last_modified_and_answer_304(client, world):
    for url in urls(world):
        first = client.get(url)
        assert first.status_code == 200, url
        etag, modified = first["ETag"], first["Last-Modified"]

        by_etag = client.get(url, HTTP_IF_NONE_MATCH=etag)
        by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=modified)

        assert (by_etag.status_code, by_date.status_code) == (304, 304), url
        assert by_etag.content == b""
        assert by_etag["ETag"] == etag


def test_a_change_gives_a_new_etag_and_the_new_data(
    client, world, django_capture_on_commit_callbacks
):
    first = client.get("/api/v1/dreams/")
    publication = world.shared[0].publication

    with django_capture_on_commit_callbacks(execute=True):
        publication.title = "Een nieuwe titel"
        publication.save()
        open_data_version.bump()
    again = client.get("/api/v1/dreams/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert "Een nieuwe titel" in {row["title"] for row in again.json()["results"]}


def test_a_cached_answer_runs_no_query(client, world, django_assert_num_queries):
    client.get("/api/v1/dreams/")

    with django_assert_num_queries(0):
        assert client.get("/api/v1/dreams/").status_code == 200


def test_rate_limited_per_address_as_json_in_dutch_and_english(client, world, settings):
    settings.RATELIMIT_OPEN_DATA_PER_IP = "3/m"
    # Time stands still for the burst: django_ratelimit's one-minute window cannot roll over
    # halfway and hand out a fresh budget.
    with time_machine.travel(timezone.now(), tick=False):
        # API and downloads share one budget.
        for url in ["/api/v1/dreams/", "/api/v1/stories/", reverse("opendata:download_dreams_csv")]:
            assert client.get(url).status_code == 200

        for url in urls(world):
            refused = client.get(url)
            assert refused.status_code == 429, url
            assert refused["Content-Type"] == "application/json"
            assert refused.json() == {
                "detail": "Te veel verzoeken vanaf je adres. Wacht even en probeer het dan opnieuw."
                " / Too many requests from your address. Wait a moment and try again."
            }
            assert 1 <= int(refused["Retry-After"]) <= 60
        other = client.get("/api/v1/dreams/", REMOTE_ADDR="192.0.2.7")
        assert other.status_code == 200


def test_open_to_every_web_page_for_get(client, world):
    for url in urls(world):
        response = client.get(url, HTTP_ORIGIN="https://elders.example")
        assert response["Access-Control-Allow-Origin"] == "*", url
        assert "Access-Control-Allow-Credentials" not in response
    for name in ["download_weeks_csv", "download_money_json"]:
        download = client.get(reverse(f"opendata:{name}"), HTTP_ORIGIN="https://elders.example")
        assert download["Access-Control-Allow-Origin"] == "*", name
    # The site's own pages stay closed to other origins.
    page = client.get(reverse("opendata:about"), HTTP_ORIGIN="https://elders.example")
    assert "Access-Control-Allow-Origin" not in page
    preflight = client.options(
        "/api/v1/dreams/",
        HTTP_ORIGIN="https://elders.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in preflight["Access-Control-Allow-Methods"]


def test_no_cookie_set_and_none_needed(client, world, settings):
    assert not client.cookies
    answers = [client.get(url) for url in urls(world)]
    answers += [
        client.get("/api/v1/dreams/?page=abc"),
        client.get("/api/v1/dreams/999999/"),
        client.post("/api/v1/dreams/"),
        client.get("/api/v1/openapi.json"),
        client.get("/api/v1/docs"),
    ]
    settings.RATELIMIT_OPEN_DATA_PER_IP = "1/m"  # a new rate counts afresh
    with time_machine.travel(timezone.now(), tick=False):  # both in one rate-limit window
        answers += [client.get("/api/v1/dreams/"), client.get("/api/v1/dreams/")]

    assert [a.status_code for a in answers[: len(urls(world))]] == [200] * len(urls(world))
    assert answers[-1].status_code == 429
    for answer in answers:
        assert not answer.has_header("Set-Cookie"), answer.request["PATH_INFO"]
        assert not answer.cookies
    assert not client.cookies


def test_no_cookie_on_public_answers_for_a_signed_in_visitor(client, world, resident):
    """With SESSION_SAVE_EVERY_REQUEST the session cookie would come back on every answer:
    never on one marked Cache-Control: public, where a shared cache could keep it."""
    client.force_login(resident)
    figures = [
        "/api/v1/figures/weeks/",
        reverse("opendata:download_weeks_csv"),
        reverse("opendata:download_silence_json"),
    ]
    for url in urls(world) + figures:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer["Cache-Control"].startswith("public"), url
        assert not answer.has_header("Set-Cookie"), url
        assert not answer.cookies, url
    # Elsewhere the signed-in visitor's session cookie still comes back (the idle time).
    assert "sessionid" in client.get(reverse("opendata:about")).cookies


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_read_only(client, world, method):
    for url in urls(world):
        response = getattr(client, method)(url, data="{}", content_type="application/json")
        assert response.status_code == 405, (method, url)
        assert "GET" in response["Allow"]


@pytest.mark.parametrize(
    "query",
    [
        "page=" + "9" * 30,
        "page=0",
        "page=-1",
        "page=abc",
        "page=%00",
        "page=1%00",
        "page=1.5",
        "page=",
        "neighbourhood=99999999999999999999",
        "neighbourhood=-5",
        "neighbourhood=%00",
        "theme=drie",
        "status=gerealiseerd",
        "status=unconfirmed",
        "status=%00",
        "status=realised%00",
    ],
)
def test_hostile_list_parameters_refused_as_json(client, world, query):
    for path in ["/api/v1/dreams/", "/api/v1/stories/"]:
        if not query.startswith("page") and "stories" in path:
            continue
        response = client.get(f"{path}?{query}")

        assert response.status_code == 422, (path, query, response.content)
        answer = response.json()
        assert answer["detail"].startswith("Sommige parameters zijn niet begrepen")
        assert answer["errors"][0]["parameter"] == query.split("=")[0]
        assert answer["errors"][0]["message"]


@pytest.mark.parametrize(
    ("item", "status"),
    [
        ("99999999999999999999", 422),
        ("2147483648", 422),
        ("0", 422),
        ("-1", 422),
        ("abc", 422),
        ("1%00", 422),
        ("%00", 422),
        ("2147483647", 404),
    ],
)
def test_hostile_ids_refused_as_json(client, world, item, status):
    for path in ["/api/v1/dreams/", "/api/v1/stories/"]:
        response = client.get(f"{path}{item}/")

        assert response.status_code == status, (path, item)
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response.json()["detail"]


def test_an_etag_expires_with_the_cache_window(client, world, settings):
    """Answers that change without a write (the longest silence, "this week", generated_at)
    must not be 304 forever: after the cache window the same ETag gets the answer again."""
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    window = timedelta(seconds=settings.OPEN_DATA_CACHE_SECONDS)
    with time_machine.travel(start, tick=False):
        first = client.get("/api/v1/stories/")
        assert client.get("/api/v1/stories/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    with time_machine.travel(start + window, tick=False):
        by_etag = client.get("/api/v1/stories/", HTTP_IF_NONE_MATCH=first["ETag"])
        by_date = client.get("/api/v1/stories/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert (by_etag.status_code, by_date.status_code) == (200, 200)
    assert by_etag["ETag"] != first["ETag"]
    assert by_etag.json()["generated_at"] != first.json()["generated_at"]


def test_unknown_query_parameters_share_one_cache_entry(client, world, django_assert_num_queries):
    cache.clear()
    first = client.get("/api/v1/dreams/?status=realised&x=0")

    # Other unknown parameters are answered from the same entry: no query, no new answer.
    with django_assert_num_queries(0):
        answers = [client.get(f"/api/v1/dreams/?x={n}&status=realised&y=1") for n in range(5)]
        answers.append(client.get("/api/v1/dreams/?status=realised"))
    assert {answer["ETag"] for answer in answers} == {first["ETag"]}
    # The parameters the view does read still make answers of their own.
    assert client.get("/api/v1/dreams/")["ETag"] != first["ETag"]
    # A download reads no parameter: its path alone is the key.
    download = reverse("opendata:download_dreams_csv")
    client.get(download + "?x=1")
    with django_assert_num_queries(0):
        assert client.get(download + "?x=2").status_code == 200


def test_every_api_operation_keys_its_cache_on_all_its_query_parameters():
    """A query parameter missing from open_data_cached's params would give every value the
    same (wrong) cached answer."""
    from opendata.api import api

    api.urls  # noqa: B018 - binds the routers' operations
    checked = 0
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                declared = {
                    field.alias or name
                    for model in operation.models
                    if model.__ninja_param_source__ == "query"
                    for name, field in model.model_fields.items()
                }
                if operation.view_func.__module__ == "opendata.api_docs":
                    continue
                assert set(operation.run.open_data_params) == declared, operation.view_func
                checked += 1
    assert checked >= 8
