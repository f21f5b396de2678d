"""The dreams everyone may see, and the stories among them (issue 19)."""

from decimal import Decimal

import pytest

from initiatives import selectors
from initiatives.models import Dream
from initiatives.publication_models import PublicationPhoto
from initiatives.statuses import Status
from tests.factories import DreamFactory
from tests.opendata.world import build_world, grant, realised, share, story_with_photos

pytestmark = pytest.mark.django_db


def test_open_dreams_are_the_shared_ones_only():
    world = build_world()

    assert set(selectors.open_dreams()) == set(world.shared)


def test_open_stories_are_the_realised_ones_published_as_story_newest_first():
    world = build_world()

    assert list(selectors.open_stories()) == list(reversed(world.stories))


def test_granted_total_counts_granted_grants_only():
    dream = realised()
    share(dream, story=True)
    grant(dream, "1234.50")
    grant(dream, "0.25")
    grant(dream, "500.00", state="rejected")
    grant(dream, "700.00", state="awaiting_approval")
    nothing = realised()
    share(nothing)

    totals = {d.pk: d.granted_total for d in selectors.open_dreams()}

    assert totals == {dream.pk: Decimal("1234.75"), nothing.pk: Decimal("0.00")}


def test_filters():
    world = build_world()
    drunen = world.stories[1].neighbourhood
    spelen = world.shared[3].theme

    assert {d.neighbourhood for d in selectors.open_dreams(neighbourhood=drunen.pk)} == {drunen}
    assert {d.theme for d in selectors.open_dreams(theme=spelen.pk)} == {spelen}
    assert {d.status for d in selectors.open_dreams(status=Status.REALISED)} == {Status.REALISED}
    assert selectors.open_dreams(status=Status.REALISED).count() == 4


def test_one_dream_and_story():
    world = build_world()
    not_yet_story = world.shared[-1]

    assert selectors.open_dream(pk=not_yet_story.pk) == not_yet_story
    with pytest.raises(Dream.DoesNotExist):
        selectors.open_story(pk=not_yet_story.pk)
    for hidden in world.hidden:
        with pytest.raises(Dream.DoesNotExist):
            selectors.open_dream(pk=hidden.pk)


def test_story_photo_only_of_an_open_story():
    dream = realised()
    publication = story_with_photos(dream, count=1)
    photo = publication.photos.get()
    other = realised()
    story_with_photos(other, count=1)

    assert selectors.open_story_photo(pk=dream.pk, photo_pk=photo.pk) == photo
    with pytest.raises(PublicationPhoto.DoesNotExist):
        selectors.open_story_photo(pk=other.pk, photo_pk=photo.pk)
    publication.withdrawn_at = publication.consented_at
    publication.save()
    with pytest.raises(PublicationPhoto.DoesNotExist):
        selectors.open_story_photo(pk=dream.pk, photo_pk=photo.pk)


@pytest.mark.parametrize("extra", [0, 12])
def test_a_fixed_number_of_queries_whatever_the_length(extra, django_assert_num_queries):
    build_world()
    for _ in range(extra):
        dream = realised()
        story_with_photos(dream, count=2)
        grant(dream, "10.00")
        share(DreamFactory(), title="Nog een droom")

    # The dreams with their places, publications and totals; the photos.
    with django_assert_num_queries(2):
        stories = list(selectors.open_stories())
        for story in stories:
            assert story.neighbourhood.name and story.theme.name
            [photo.photo.image.name for photo in story.publication.photos.all()]
    with django_assert_num_queries(1):
        dreams = list(selectors.open_dreams(photos=False))
        [d.publication.own_part for d in dreams]
    assert len(stories) == 3 + extra
