"""The API's shared dreams: /api/v1/dreams/ and /api/v1/dreams/{id}/ (issue 19)."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.timezone import localdate

from initiatives.statuses import Status
from opendata.dream_fields import DREAM_FIELDS
from tests.factories import DreamFactory
from tests.opendata.shared_world import share

pytestmark = pytest.mark.django_db

LIST = "/api/v1/dreams/"


def results(client, url=LIST, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_list_of_the_shared_dreams_newest_first(client, world):
    answer = results(client)

    assert list(answer) == ["count", "next", "previous", "results"]
    assert answer["count"] == len(world.shared)
    assert answer["next"] is None and answer["previous"] is None
    expected = sorted(world.shared, key=lambda d: (d.submitted_at, d.pk), reverse=True)
    assert [row["id"] for row in answer["results"]] == [d.pk for d in expected]


def test_a_dream_has_exactly_the_documented_fields_in_order(client, world):
    story = world.stories[0]

    row = results(client, f"{LIST}{story.pk}/")

    assert tuple(row) == DREAM_FIELDS
    assert row == {
        "id": story.pk,
        "title": story.publication.title,
        "neighbourhood": story.neighbourhood.name,
        "theme": story.theme.name,
        "status": "realised",
        "status_text": "Gerealiseerd",
        "submitted_on": localdate(story.submitted_at).isoformat(),
        "picked_up_on": localdate(story.picked_up_at).isoformat(),
        "first_contact_on": localdate(story.first_contact_at).isoformat(),
        "closed_on": localdate(story.closed_at).isoformat(),
        "dreamt": story.publication.dreamt,
        "own_part": story.publication.own_part,
        "granted_total": "1334.50",  # two grants given, the rejected one not counted
        "story_url": f"{settings.SITE_URL}{reverse('stories:story', args=[story.pk])}",
    }


def test_the_api_the_downloads_and_the_page_about_the_data_have_the_same_fields():
    from opendata.api_dreams import DreamOut
    from opendata.datasets import DREAMS

    assert tuple(DreamOut.model_fields) == DREAM_FIELDS == tuple(f.name for f in DREAMS.fields)


def test_the_texts_are_the_publications_never_what_was_written_to_the_municipality(client):
    dream = DreamFactory(
        story="Mijn buurman Kees de Vries maakt altijd herrie.",
        own_contribution="Ik bel Kees op 06-11223344.",
    )
    share(dream, title="Een rustig plein", dreamt="Een rustig plein.", own_part="Wij vegen.")

    row = results(client, f"{LIST}{dream.pk}/")

    assert (row["title"], row["dreamt"], row["own_part"]) == (
        "Een rustig plein",
        "Een rustig plein.",
        "Wij vegen.",
    )
    assert "Kees" not in str(row)


def test_status_in_dutch_words_whatever_the_language_asked(client, world):
    answer = client.get(LIST, HTTP_ACCEPT_LANGUAGE="en").json()

    texts = {row["status"]: row["status_text"] for row in answer["results"]}
    assert texts == {
        "submitted": "Ingediend",
        "picked_up": "Opgepakt",
        "in_progress": "Aan de slag",
        "not_possible": "Niet mogelijk",
        "realised": "Gerealiseerd",
    }


def test_story_url_only_for_stories(client, world):
    rows = results(client)["results"]

    with_story = {row["id"] for row in rows if row["story_url"]}
    assert with_story == {d.pk for d in world.stories}


def test_filters(client, world):
    drunen = world.stories[1].neighbourhood
    spelen = world.shared[3].theme

    by_place = results(client, neighbourhood=drunen.pk)
    by_theme = results(client, theme=spelen.pk)
    realised = results(client, status="realised")
    combined = results(client, neighbourhood=drunen.pk, theme=spelen.pk, status="not_possible")

    assert {r["neighbourhood"] for r in by_place["results"]} == {"Drunen"}
    assert by_place["count"] == sum(1 for d in world.shared if d.neighbourhood == drunen)
    assert {r["theme"] for r in by_theme["results"]} == {"Spelen"}
    assert {r["status"] for r in realised["results"]} == {"realised"}
    assert realised["count"] == 4
    assert [r["id"] for r in combined["results"]] == [world.shared[3].pk]
    assert results(client, neighbourhood=99999)["count"] == 0


def test_pages_of_fifty_with_absolute_links_keeping_the_filters(client, world):
    place = world.shared[0].neighbourhood
    for n in range(52):
        share(DreamFactory(neighbourhood=place, title=f"Extra {n}"))
    total = sum(1 for d in world.shared if d.neighbourhood == place) + 52

    first = results(client, neighbourhood=place.pk)
    second = client.get(first["next"].removeprefix(settings.SITE_URL)).json()

    assert first["count"] == second["count"] == total
    assert len(first["results"]) == 50 and len(second["results"]) == total - 50
    assert first["next"] == f"{settings.SITE_URL}{LIST}?neighbourhood={place.pk}&page=2"
    assert second["previous"] == f"{settings.SITE_URL}{LIST}?neighbourhood={place.pk}"
    assert second["next"] is None
    seen = [r["id"] for r in first["results"] + second["results"]]
    assert len(set(seen)) == total


def test_a_page_past_the_end_is_404_json(client, world):
    response = client.get(LIST, {"page": 2})

    assert response.status_code == 404
    assert response.json() == {
        "detail": "Dit staat niet in de open data. / There is no such item in the open data."
    }


def test_anything_not_shared_is_404_json(client, world):
    for dream in world.hidden:
        response = client.get(f"{LIST}{dream.pk}/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert "open data" in response.json()["detail"]
    assert {row["id"] for row in results(client)["results"]}.isdisjoint(d.pk for d in world.hidden)


@pytest.mark.parametrize("extra", [0, 60])
def test_the_list_costs_the_same_queries_whatever_its_length(
    client, world, extra, django_assert_num_queries
):
    for _ in range(extra):
        share(DreamFactory(status=Status.IN_PROGRESS))

    # The count, and the page of dreams with places, publication and granted totals.
    with django_assert_num_queries(2):
        answer = results(client)
    assert len(answer["results"]) == min(50, len(world.shared) + extra)
