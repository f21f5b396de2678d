"""The API's stories (issue 19): realised dreams whose residents chose to share them, in the
stories feed format version 1 (opendata/schemas/stories-v1.schema.json) that other
installations read ("Elders gelukt")."""

from datetime import date, datetime
from typing import Literal

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import Field

from initiatives import selectors
from initiatives.models import Dream
from opendata.api_dreams import MAX_ID, MAX_PAGE, MONEY
from opendata.api_errors import PROBLEMS
from opendata.conditional import open_data_cached
from opendata.dream_fields import day, money
from opendata.public_urls import absolute_reverse, page_url
from opendata.rate_limit import open_data_rate_limited

router = Router(tags=["stories"])
# Around every operation: first the rate limit, so every request counts, then the answer
# cached by the open-data version, with ETag and Last-Modified, keyed by the path and the
# operation's own query parameters (the last decorator given is outermost).

PAGE_SIZE = 50
FORMAT = "dromen-doen/stories/v1"
LICENSE = "CC0-1.0"


class PhotoOut(Schema):
    url: str = Field(max_length=500, description="The web address of the photo.")
    alt: str = Field(max_length=250, description="What the photo shows, for who cannot see it.")
    role: Literal["before", "after"] = Field(description="Taken before or after.")


class StoryOut(Schema):
    id: str = Field(description="The story's id in this installation (the dream's number).")
    url: str = Field(max_length=500, description="The web address of the story's page.")
    title: str = Field(description="The title, as the resident wrote it for publication.")
    village: str = Field(description="The village or neighbourhood where it happened.")
    theme: str = Field(description="The theme of the dream.")
    dreamt: str = Field(description="What the residents dreamt.")
    own_part: str = Field(description="What the residents did themselves.")
    helped_by: str = Field(description="Who helped.")
    realised_on: date | None = Field(description="The day it was realised.")
    granted_total: str = Field(
        pattern=MONEY, description="Money granted by the municipality in total, in euros."
    )
    photos: list[PhotoOut] = Field(description="Photos from before and after.")


class Installation(Schema):
    name: str = Field(description="The municipality whose installation this is.")
    url: str = Field(description="The installation's web address.")


class StoriesFeed(Schema):
    format: Literal["dromen-doen/stories/v1"] = Field(description="The feed's format and version.")
    installation: Installation = Field(description="Who publishes this feed.")
    generated_at: datetime = Field(description="When this answer was made.")
    license: Literal["CC0-1.0"] = Field(description="The licence of the data: public domain.")
    next: str | None = Field(description="The web address of the next page, if any.")
    stories: list[StoryOut] = Field(description=f"At most {PAGE_SIZE} stories, newest first.")


def story_object(dream: Dream) -> dict:
    """Return DREAM (from selectors.open_stories) as a story of the feed format v1."""
    publication = dream.publication
    return {
        "id": str(dream.pk),
        "url": absolute_reverse("stories:story", pk=dream.pk),
        "title": publication.title,
        "village": dream.neighbourhood.name,
        "theme": dream.theme.name,
        "dreamt": publication.dreamt,
        "own_part": publication.own_part,
        "helped_by": publication.helped_by,
        "realised_on": day(dream.closed_at),
        "granted_total": money(dream.granted_total),
        "photos": [
            {
                "url": absolute_reverse("stories:photo", pk=dream.pk, photo_pk=photo.pk),
                "alt": photo.alt_text,
                "role": photo.role,
            }
            for photo in publication.photos.all()
        ][:10],  # the format allows ten: a reader may refuse a feed with more
    }


@router.get(
    "",
    response={200: StoriesFeed, **PROBLEMS},
    summary="Stories of realised dreams",
    description=(
        "Realised dreams whose residents chose to share them as a story, newest first, "
        f"{PAGE_SIZE} per page, in the stories feed format version 1 that other "
        "Dromen.Doen installations read. Follow `next` for older stories."
    ),
)
@decorate_view(open_data_cached(params=("page",)), open_data_rate_limited)
def story_list(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=MAX_PAGE, description="The page, counting from 1."),
):
    start = (page - 1) * PAGE_SIZE
    # One more than a page tells whether there is a next one, without counting them all.
    stories = list(selectors.open_stories()[start : start + PAGE_SIZE + 1])
    if page > 1 and not stories:
        raise Http404
    return {
        "format": FORMAT,
        "installation": {"name": settings.MUNICIPALITY_NAME, "url": settings.SITE_URL},
        "generated_at": timezone.now(),
        "license": LICENSE,
        "next": page_url(request.path, {}, page + 1 if len(stories) > PAGE_SIZE else None),
        "stories": [story_object(dream) for dream in stories[:PAGE_SIZE]],
    }


@router.get(
    "{id}/",
    response={200: StoryOut, **PROBLEMS},
    summary="One story",
    description="One realised dream shared as a story; 404 for any other.",
)
@decorate_view(open_data_cached, open_data_rate_limited)
def story_detail(
    request: HttpRequest,
    id: int = Path(..., ge=1, le=MAX_ID, description="The story's id (the dream's number)."),
):
    try:
        dream = selectors.open_story(pk=id)
    except Dream.DoesNotExist:
        raise Http404 from None
    return story_object(dream)
