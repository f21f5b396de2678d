"""No personal data in any open data answer (issue 19).

The demo municipality (manage.py demo_data: residents, staff, dreams in every status, the
address register) with several of its dreams shared, some as stories; then every operation in
the OpenAPI document (every list, every page, every item) and every download of the opendata
namespace (figure_urls: download_*) is fetched, and every value in every answer walked for the
names, email addresses and phone numbers of everyone in the database, the dreams' contact
names and streets or spots, and every address of the register.
"""

import csv
import io
import json
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from initiatives.address_models import Address
from initiatives.models import Dream
from initiatives.publication_models import Publication, PublicationPhoto
from initiatives.selectors.addresses import address_text
from initiatives.statuses import Status
from opendata import figure_urls
from tests.opendata.shared_world import add_photo

# Shorter strings (initials, a house number) would be found in ordinary words.
SHORTEST = 6


@dataclass
class Demo:
    secrets: set[str]  # every personal string, lower case
    shared: list[int]  # the shared dreams' ids
    hidden: list[int]  # a few that are not shared


def _personal_strings() -> set[str]:
    found: set[str] = set()
    for name, email, phone in User.objects.values_list("full_name", "email", "phone"):
        found |= {name, email, phone, email.split("@")[0]}
    for name, phone, location in Dream.objects.values_list(
        "contact_name", "contact_phone", "location"
    ):
        found |= {name, phone, location}
    for address in Address.objects.all():
        found |= {address_text(address), f"{address.street} {address.number_text}"}
        found.add(f"{address.postcode} {address.house_number}")
    return {s.strip().lower() for s in found if len(s.strip()) >= SHORTEST}


def _share_some_demo_dreams() -> list[int]:
    """Give the demo's realised dreams and a few others a Publication, as residents would:
    texts written for publication, a photo with its description on one story."""
    # The demo's own stories stay as the demo shares them; these are shared on top of them.
    unshared = Dream.objects.filter(publication__isnull=True).order_by("pk")
    assert Publication.objects.exists(), "the demo shares some dreams itself"
    realised = list(unshared.filter(status=Status.REALISED))
    others = list(unshared.exclude(status__in=[Status.REALISED, Status.UNCONFIRMED])[:6])
    assert realised and len(others) >= 4, "the demo has changed: share other dreams"
    for n, dream in enumerate(realised + others):
        publication = Publication.objects.create(
            dream=dream,
            title=f"Gedeeld: {dream.title}"[:120],
            dreamt="Een plek waar de buurt samenkomt.",
            own_part="Wij organiseren het en houden het netjes.",
            helped_by="De buurtvereniging en de gemeente.",
            story_published_at=timezone.now() if dream.status == Status.REALISED else None,
        )
        if n == 0:
            PublicationPhoto.objects.create(
                publication=publication,
                photo=add_photo(dream),
                role=PublicationPhoto.Role.AFTER,
                alt_text="Kinderen spelen op het nieuwe veldje.",
            )
    # Every shared dream: the demo's own stories and those shared here.
    return list(Dream.objects.filter(publication__isnull=False).values_list("pk", flat=True))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, loaded once for this module inside a transaction rolled back at its end
    (each test's own transaction nests inside it), so no other test module sees it."""
    with django_db_blocker.unblock(), transaction.atomic():
        for role in Role:
            Group.objects.get_or_create(name=role.value)
        call_command(
            "demo_data", "--quiet-accounts", "--i-know-this-is-not-production", stdout=io.StringIO()
        )
        shared = _share_some_demo_dreams()
        hidden = list(Dream.objects.exclude(pk__in=shared).values_list("pk", flat=True)[:5])
        yield Demo(secrets=_personal_strings(), shared=shared, hidden=hidden)
        transaction.set_rollback(True)


def _values(value):
    """Yield every key and value in VALUE (a decoded JSON answer), however deep."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _values(item)
    elif value is not None:
        yield str(value)


def _fields(response) -> list[str]:
    content_type = response["Content-Type"]
    text = response.content.decode("utf-8-sig")
    if content_type.startswith("application/json"):
        return list(_values(json.loads(text)))
    if content_type.startswith("text/csv"):
        header = text.split("\n", 1)[0]
        delimiter = max(",;\t", key=header.count)  # the house's exports use ;, RFC 4180 ,
        return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]
    return [text]


def _leaks(responses, secrets: set[str]) -> list[tuple[str, str, str]]:
    leaks = []
    for url, response in responses:
        for field in _fields(response):
            lowered = field.lower()
            leaks += [(url, secret, field) for secret in secrets if secret in lowered]
    return leaks


def _api_urls(client, demo: Demo) -> list[str]:
    """Every GET operation of the OpenAPI document: lists with every page, items by id."""
    document = client.get("/api/v1/openapi.json").json()
    urls = []
    for path, item in document["paths"].items():
        if "get" not in item:
            continue
        path_parameters = [p for p in item["get"].get("parameters", []) if p["in"] == "path"]
        names = {p["name"] for p in path_parameters}
        if not names:
            urls.append(path)
        elif names == {"id"}:
            urls += [path.replace("{id}", str(pk)) for pk in demo.shared + demo.hidden]
        else:
            # Another kind of item (a week, a neighbourhood): its documented example, else 1.
            url = path
            for parameter in path_parameters:
                example = parameter.get("example", parameter["schema"].get("example", 1))
                url = url.replace("{" + parameter["name"] + "}", str(example))
            urls.append(url)
    return urls


def _download_urls() -> list[str]:
    return [
        reverse(f"opendata:{pattern.name}")
        for pattern in figure_urls.urlpatterns
        if pattern.name and pattern.name.startswith("download_")
    ]


def _fetch_all(client, demo: Demo):
    """Return (url, response) for every answer, following every list's `next`."""
    responses = []
    queue = _api_urls(client, demo) + _download_urls()
    while queue:
        url = queue.pop(0)
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        responses.append((url, response))
        if response.status_code == 200 and response["Content-Type"].startswith("application/json"):
            answer = json.loads(response.content)
            if isinstance(answer, dict) and answer.get("next"):
                queue.append(answer["next"].removeprefix(settings.SITE_URL))
    return responses


@pytest.fixture
def unlimited(settings):
    settings.RATELIMIT_OPEN_DATA_PER_IP = "100000/m"


@pytest.mark.django_db
def test_no_answer_holds_anything_personal(client, demo, unlimited):
    responses = _fetch_all(client, demo)

    # The test sees what it should: the demo's people and addresses, every shared dream.
    assert len(demo.secrets) > 100
    assert "anna bewoner" in demo.secrets and "fam.jansen@example.nl" in demo.secrets
    ok = [url for url, response in responses if response.status_code == 200]
    assert {f"/api/v1/dreams/{pk}/" for pk in demo.shared} <= set(ok)
    assert set(_download_urls()) <= set(ok)
    listed = json.loads(client.get(reverse("opendata:download_dreams_json")).content)["rows"]
    assert {row["id"] for row in listed} == set(demo.shared)
    assert _leaks(responses, demo.secrets) == []


@pytest.mark.django_db
def test_a_personal_field_added_to_the_api_would_be_found(client, demo, unlimited, monkeypatch):
    from opendata import api_dreams, dream_downloads, dream_fields

    def with_contact_name(dream, texts):
        row = dream_fields.dream_row(dream, texts)
        row["own_part"] = f"{row['own_part']} Contact: {dream.contact_name or dream.resident}"
        return row

    monkeypatch.setattr(api_dreams, "dream_row", with_contact_name)
    monkeypatch.setattr(dream_downloads, "dream_row", with_contact_name)

    leaks = _leaks(_fetch_all(client, demo), demo.secrets)

    leaked_urls = {url for url, _secret, _field in leaks}
    assert reverse("opendata:download_dreams_csv") in leaked_urls
    assert reverse("opendata:download_dreams_json") in leaked_urls
    assert "/api/v1/dreams/" in leaked_urls
    assert {f"/api/v1/dreams/{pk}/" for pk in demo.shared} <= leaked_urls
