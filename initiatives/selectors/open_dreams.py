"""The dreams everyone may see (issue 19): those whose resident shares them, and the realised
ones among them as stories.

A dream is open while its Publication is shared (withdrawn_at is None). Never an unconfirmed
dream (not handed in yet), never one whose personal data was removed (anonymised_at): the
erasure takes it out of everything public, whatever its Publication says.

A dream and its story are known by the dream's id (the API's `id`, the story page
/verhalen/<dream id>/); a story's photo by its PublicationPhoto's id
(/verhalen/<dream id>/fotos/<publication photo id>/).

Every list costs the same number of queries whatever its length: the page of dreams with
their neighbourhood, theme and publication in one query (the granted total is a subquery
per row, not a join that would multiply the rows), and the publication photos in one more.
"""

from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from initiatives.models import Dream, Grant
from initiatives.publication_models import PublicationPhoto
from initiatives.statuses import Status

# What a story is: an open dream that is realised and published as a story. The one
# definition: open_stories() filters on it, open_dreams() gives it to every dream (is_story).
IS_STORY = Q(status=Status.REALISED, publication__story_published_at__isnull=False)

_PRIVATE_FIELDS = (
    "story",
    "own_contribution",
    "needs_from_municipality",
    "location",
    "contact_name",
    "contact_phone",
    "search_document",
)


def _granted_total():
    """Return the sum of DREAM's granted grants as an SQL expression, 0 when there are none."""
    granted = (
        Grant.objects.filter(dream=OuterRef("pk"), state=Grant.State.GRANTED)
        .order_by()
        .values("dream")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    return Coalesce(
        Subquery(granted, output_field=money), Value(Decimal("0.00")), output_field=money
    )


def _photos() -> Prefetch:
    return Prefetch(
        "publication__photos",
        # Before, then after: the order a story is told in (not the roles' alphabet).
        queryset=PublicationPhoto.objects.select_related("photo").order_by(
            Case(When(role=PublicationPhoto.Role.BEFORE, then=Value(0)), default=Value(1)),
            "chosen_at",
            "id",
        ),
    )


def open_dreams(
    *,
    neighbourhood: int | None = None,
    theme: int | None = None,
    status: str | None = None,
    photos: bool = True,
) -> QuerySet[Dream]:
    """Return the dreams whose resident shares them, newest handed in first, each with
    `granted_total` (the sum of its granted grants), `is_story` (IS_STORY), its
    neighbourhood, theme and publication, and (with PHOTOS) the publication's photos in
    `publication.photos.all()`.

    NEIGHBOURHOOD and THEME are ids, STATUS a status code; None leaves that filter off.
    """
    dreams = (
        # publication__isnull=False first: without a Publication, withdrawn_at is NULL too.
        Dream.objects.filter(
            publication__isnull=False,
            publication__withdrawn_at__isnull=True,
            anonymised_at__isnull=True,
        )
        .exclude(status=Status.UNCONFIRMED)
        .select_related("neighbourhood", "theme", "publication")
        # Not read for anything public: what the resident wrote to the municipality and how to
        # reach them stay in the database (reading one costs a query, so a slip shows in the
        # pinned query counts), and the rows stay small at 100,000 dreams.
        .defer(*_PRIVATE_FIELDS)
        .annotate(
            granted_total=_granted_total(),
            is_story=ExpressionWrapper(IS_STORY, output_field=BooleanField()),
        )
        .order_by("-submitted_at", "-id")
    )
    if neighbourhood is not None:
        dreams = dreams.filter(neighbourhood_id=neighbourhood)
    if theme is not None:
        dreams = dreams.filter(theme_id=theme)
    if status is not None:
        dreams = dreams.filter(status=status)
    if photos:
        dreams = dreams.prefetch_related(_photos())
    return dreams


def open_stories(
    *, neighbourhood: int | None = None, theme: int | None = None, photos: bool = True
) -> QuerySet[Dream]:
    """Return the open dreams that are stories (realised, and published as a story), the
    newest story first, with everything open_dreams() gives."""
    return (
        open_dreams(neighbourhood=neighbourhood, theme=theme, photos=photos)
        .filter(IS_STORY)
        .order_by("-publication__story_published_at", "-id")
    )


def open_dream(*, pk: int, photos: bool = True) -> Dream:
    """Return the open dream PK (with PHOTOS as open_dreams gives them); Dream.DoesNotExist
    for any dream that is not open. The API's one dream reads this."""
    return open_dreams(photos=photos).get(pk=pk)


def open_story(*, pk: int) -> Dream:
    """Return the story of dream PK; Dream.DoesNotExist for any dream that is not a story."""
    return open_stories().get(pk=pk)


def open_story_photo(*, pk: int, photo_pk: int) -> PublicationPhoto:
    """Return photo PHOTO_PK (a PublicationPhoto's id) of the story of dream PK, with its
    DreamPhoto; PublicationPhoto.DoesNotExist when either is not open."""
    return PublicationPhoto.objects.select_related("photo").get(
        pk=photo_pk,
        publication__dream_id=pk,
        publication__dream__in=open_stories(photos=False).filter(pk=pk).values("pk"),
    )
