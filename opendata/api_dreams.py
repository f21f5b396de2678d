"""The API's dreams (issue 19): the dreams whose residents chose to share them."""

from datetime import date
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Path, Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import Field

from initiatives import selectors
from initiatives.models import Dream
from opendata.api_errors import PROBLEMS
from opendata.conditional import open_data_cached
from opendata.dream_fields import PUBLIC_STATUSES, described, dream_row, status_texts
from opendata.public_urls import page_url
from opendata.rate_limit import open_data_rate_limited

router = Router(tags=["dreams"])
# Around every operation: first the rate limit, so every request counts, then the answer
# cached by the open-data version, with ETag and Last-Modified, keyed by the path and the
# operation's own query parameters (the last decorator given is outermost).
LIST_PARAMS = ("neighbourhood", "theme", "status", "page")

PAGE_SIZE = 50
# Bounds on numbers in the query: a database id is a 32-bit integer, and no list has more
# pages than this; anything bigger is refused before it reaches the database.
MAX_ID = 2**31 - 1
MAX_PAGE = 100_000

PublicStatus = Literal[PUBLIC_STATUSES]  # type: ignore[valid-type]
MONEY = r"^[0-9]{1,10}\.[0-9]{2}$"
_STATUS_QUERY = Query(None, description="Only dreams with this status code.")


class DreamOut(Schema):
    """A dream whose resident shares it (its fields as on the page about the open data)."""

    id: int = Field(description=described("id"))
    title: str = Field(description=described("title"))
    neighbourhood: str = Field(description=described("neighbourhood"))
    theme: str = Field(description=described("theme"))
    status: PublicStatus = Field(description=described("status"))
    status_text: str = Field(description=described("status_text"))
    submitted_on: date | None = Field(description=described("submitted_on"))
    picked_up_on: date | None = Field(description=described("picked_up_on"))
    first_contact_on: date | None = Field(description=described("first_contact_on"))
    closed_on: date | None = Field(description=described("closed_on"))
    dreamt: str = Field(description=described("dreamt"))
    own_part: str = Field(description=described("own_part"))
    granted_total: str = Field(pattern=MONEY, description=described("granted_total"))
    story_url: str | None = Field(description=described("story_url"))


class DreamPage(Schema):
    count: int = Field(description="How many dreams match, on all pages.")
    next: str | None = Field(description="The web address of the next page, if any.")
    previous: str | None = Field(description="The web address of the previous page, if any.")
    results: list[DreamOut] = Field(description=f"At most {PAGE_SIZE} dreams, newest first.")


@router.get(
    "",
    response={200: DreamPage, **PROBLEMS},
    summary="Shared dreams",
    description=(
        f"The dreams whose residents chose to share them, newest handed in first, "
        f"{PAGE_SIZE} per page. Never names, contact details or addresses."
    ),
)
@decorate_view(open_data_cached(params=LIST_PARAMS), open_data_rate_limited)
def dream_list(
    request: HttpRequest,
    neighbourhood: int | None = Query(
        None, ge=1, le=MAX_ID, description="Only this neighbourhood (its id)."
    ),
    theme: int | None = Query(None, ge=1, le=MAX_ID, description="Only this theme (its id)."),
    status: PublicStatus | None = _STATUS_QUERY,
    page: int = Query(1, ge=1, le=MAX_PAGE, description="The page, counting from 1."),
):
    dreams = selectors.open_dreams(
        neighbourhood=neighbourhood, theme=theme, status=status, photos=False
    )
    count = dreams.count()
    start = (page - 1) * PAGE_SIZE
    if page > 1 and start >= count:
        raise Http404
    texts = status_texts()
    query = {"neighbourhood": neighbourhood, "theme": theme, "status": status}
    return {
        "count": count,
        "next": page_url(request.path, query, page + 1 if start + PAGE_SIZE < count else None),
        "previous": page_url(request.path, query, page - 1 if page > 1 else None),
        "results": [dream_row(dream, texts) for dream in dreams[start : start + PAGE_SIZE]],
    }


@router.get(
    "{id}/",
    response={200: DreamOut, **PROBLEMS},
    summary="One shared dream",
    description="One dream whose resident shares it; 404 for any other.",
)
@decorate_view(open_data_cached, open_data_rate_limited)
def dream_detail(
    request: HttpRequest,
    id: int = Path(..., ge=1, le=MAX_ID, description="The dream's number."),
):
    try:
        dream = selectors.open_dream(pk=id, photos=False)
    except Dream.DoesNotExist:
        raise Http404 from None
    return dream_row(dream, status_texts())
