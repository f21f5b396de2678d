"""The API's stories in the feed format v1 other installations read (issue 19)."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft202012Validator

from initiatives import open_data_version
from tests.opendata.world import realised, story_with_photos

pytestmark = pytest.mark.django_db

LIST = "/api/v1/stories/"
SCHEMA = json.loads(
    (Path(settings.BASE_DIR) / "opendata/schemas/stories-v1.schema.json").read_text()
)


def validate(instance, schema=SCHEMA):
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(instance)]
    assert errors == []


def test_the_feed_matches_the_schema_file(client, world):
    answer = client.get(LIST).json()

    validate(answer)
    assert answer["format"] == "dromen-doen/stories/v1"
    assert answer["installation"] == {"name": settings.MUNICIPALITY_NAME, "url": settings.SITE_URL}
    assert answer["license"] == "CC0-1.0"
    assert answer["next"] is None
    assert [s["id"] for s in answer["stories"]] == [str(d.pk) for d in reversed(world.stories)]


def test_a_story_with_its_photos(client, world):
    dream = world.stories[2]
    photos = sorted(dream.publication.photos.all(), key=lambda p: (p.role != "before", p.pk))

    story = client.get(f"{LIST}{dream.pk}/").json()

    validate(story, SCHEMA["properties"]["stories"]["items"])
    assert story == {
        "id": str(dream.pk),
        "url": f"{settings.SITE_URL}{reverse('stories:story', args=[dream.pk])}",
        "title": dream.publication.title,
        "village": dream.neighbourhood.name,
        "theme": dream.theme.name,
        "dreamt": dream.publication.dreamt,
        "own_part": dream.publication.own_part,
        "helped_by": dream.publication.helped_by,
        "realised_on": timezone.localdate(dream.closed_at).isoformat(),
        "granted_total": "1334.50",
        "photos": [
            {
                "url": settings.SITE_URL
                + reverse("stories:photo", kwargs={"pk": dream.pk, "photo_pk": photo.pk}),
                "alt": photo.alt_text,
                "role": photo.role,
            }
            for photo in photos
        ],
    }
    assert [p["role"] for p in story["photos"]] == ["before", "after"]


def test_only_stories(client, world):
    not_a_story = [d for d in world.shared if d not in world.stories]

    for dream in not_a_story + world.hidden:
        assert client.get(f"{LIST}{dream.pk}/").status_code == 404


def test_a_withdrawn_story_leaves_the_feed_at_once(
    client, world, django_capture_on_commit_callbacks
):
    dream = world.stories[0]
    assert client.get(f"{LIST}{dream.pk}/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        dream.publication.withdrawn_at = timezone.now()
        dream.publication.save()
        open_data_version.bump()  # as the withdrawing service does

    assert client.get(f"{LIST}{dream.pk}/").status_code == 404
    assert str(dream.pk) not in {s["id"] for s in client.get(LIST).json()["stories"]}


def test_pages_of_fifty_follow_next(client, db, django_assert_num_queries):
    for _ in range(51):
        story_with_photos(realised(), count=1)

    with django_assert_num_queries(2):  # the page of stories with all they show; the photos
        first = client.get(LIST).json()
    second = client.get(first["next"].removeprefix(settings.SITE_URL)).json()

    validate(first)
    validate(second)
    assert first["next"] == f"{settings.SITE_URL}{LIST}?page=2"
    assert (len(first["stories"]), len(second["stories"])) == (50, 1)
    assert second["next"] is None
    assert client.get(LIST, {"page": 3}).status_code == 404
