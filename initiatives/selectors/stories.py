"""Realised dreams as stories (issue 19): the gallery, one story, the feed,
the home page's newest; and what the resident's and the workspace's panels read.

What a story is, is said once, in open_dreams.open_stories: a realised dream whose resident
shares it (its Publication not withdrawn, story_published_at set), never an anonymised one.
The API and these pages read the same. Everything here reads only what the resident wrote
for publication, the place, the theme, the dates of the steps, the money granted and the
names of partner organisations: never the dream's own texts, the resident's name or contact
details.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Q, QuerySet, Subquery

from initiatives import open_data_version
from initiatives.models import Dream, DreamPhoto, Neighbourhood, Theme
from initiatives.partner_models import Organisation
from initiatives.plan_models import Contribution
from initiatives.publication_models import Publication, PublicationPhoto
from initiatives.selectors.open_dreams import open_stories, open_story

GALLERY_PAGE_SIZE = 12


def _after_photo(field: str) -> Subquery:
    """FIELD of a story's first "after" photo (the card's and Open Graph's picture)."""
    return Subquery(
        PublicationPhoto.objects.filter(
            publication__dream_id=OuterRef("pk"), role=PublicationPhoto.Role.AFTER
        )
        .order_by("chosen_at", "id")
        .values(field)[:1]
    )


def _with_cover(queryset: QuerySet[Dream]) -> QuerySet[Dream]:
    return queryset.annotate(
        cover_pk=_after_photo("pk"),
        cover_alt=_after_photo("alt_text"),
        cover_width=_after_photo("photo__width"),
        cover_height=_after_photo("photo__height"),
    )


@dataclass(frozen=True)
class Card:
    """One story in the gallery or on the home page: plain values, so it can be cached."""

    dream_id: int
    title: str
    dreamt: str
    neighbourhood: str
    theme: str
    published_at: datetime
    cover_pk: int | None
    cover_alt: str
    cover_width: int | None
    cover_height: int | None


def _card(dream: Dream) -> Card:
    publication = dream.publication
    return Card(
        dream_id=dream.pk,
        title=publication.title,
        dreamt=publication.dreamt,
        neighbourhood=dream.neighbourhood.name,
        theme=dream.theme.name,
        published_at=publication.story_published_at,
        cover_pk=dream.cover_pk,
        cover_alt=dream.cover_alt or "",
        cover_width=dream.cover_width,
        cover_height=dream.cover_height,
    )


def stories_newest(*, limit: int = 3) -> list[Card]:
    """Return the newest LIMIT stories as cards (the home page): one query, none when they
    were read since the open data last changed (cached under its version, as the gallery)."""
    key = f"stories:newest:{open_data_version.current().token}:{limit}"
    cards = cache.get(key)
    if cards is None:
        cards = [_card(dream) for dream in _with_cover(open_stories(photos=False))[:limit]]
        cache.set(key, cards, timeout=settings.OPEN_DATA_CACHE_SECONDS)
    return cards


@dataclass(frozen=True)
class Gallery:
    cards: list[Card]
    number: int  # this page
    num_pages: int
    count: int
    neighbourhoods: list[tuple[int, str]]  # the filter's options
    themes: list[tuple[int, str]]
    neighbourhood_id: int | None  # the filters as understood (unknown values: None)
    theme_id: int | None

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def _positive_int(value: str | None) -> int | None:
    """VALUE as a positive id, or None: the filters come from a URL, so from anyone."""
    if value is None or not value.isascii() or not value.isdigit() or len(value) > 18:
        return None
    number = int(value)
    return number if number > 0 else None


def _gallery_options(version: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The filters' options (neighbourhoods, themes): two queries, cached per version."""
    key = f"stories:gallery:{version}:options"
    options = cache.get(key)
    if options is None:
        options = (
            list(Neighbourhood.objects.order_by("name").values_list("pk", "name")),
            list(Theme.objects.order_by("name").values_list("pk", "name")),
        )
        cache.set(key, options, timeout=settings.OPEN_DATA_CACHE_SECONDS)
    return options


def story_gallery(*, neighbourhood: str | None, theme: str | None, page: str | None) -> Gallery:
    """Return one page of the gallery, filtered by NEIGHBOURHOOD and THEME (ids as typed in
    the URL; anything else is no filter), page PAGE (out of range: the nearest page).

    Four queries whatever the page's length (the options, a count, the page with its
    covers), none when the same page was read since the open data last changed: the answer
    is cached under the open-data version, which every service raises when a story changes.
    The URL comes from anyone, so the cache is keyed only on what was understood of it (ids
    among the options, a page that exists): made-up values cannot fill the shared cache.
    """
    version = open_data_version.current().token
    neighbourhoods, themes = _gallery_options(version)
    neighbourhood_id, theme_id = _positive_int(neighbourhood), _positive_int(theme)
    if neighbourhood_id not in {pk for pk, _name in neighbourhoods}:
        neighbourhood_id = None
    if theme_id not in {pk for pk, _name in themes}:
        theme_id = None
    queryset = open_stories(neighbourhood=neighbourhood_id, theme=theme_id, photos=False)
    filtered = f"stories:gallery:{version}:{neighbourhood_id}:{theme_id}"
    count = cache.get(f"{filtered}:count")
    if count is None:
        count = queryset.count()
        cache.set(f"{filtered}:count", count, timeout=settings.OPEN_DATA_CACHE_SECONDS)
    paginator = Paginator(_with_cover(queryset), GALLERY_PAGE_SIZE, allow_empty_first_page=True)
    paginator.count = count  # counted (or cached) above: Paginator would count again
    page_number = min(_positive_int(page) or 1, paginator.num_pages)
    key = f"{filtered}:{page_number}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    current: Page = paginator.page(page_number)
    gallery = Gallery(
        cards=[_card(dream) for dream in current.object_list],
        number=current.number,
        num_pages=paginator.num_pages,
        count=count,
        neighbourhoods=neighbourhoods,
        themes=themes,
        neighbourhood_id=neighbourhood_id,
        theme_id=theme_id,
    )
    cache.set(key, gallery, timeout=settings.OPEN_DATA_CACHE_SECONDS)
    return gallery


@dataclass(frozen=True)
class Step:
    key: str  # handed_in, picked_up, realised
    at: datetime


@dataclass(frozen=True)
class Story:
    publication: Publication
    dream: Dream
    steps: list[Step]
    before: list[PublicationPhoto]
    after: list[PublicationPhoto]
    partners: list[str]  # organisation names only
    granted: Decimal

    @property
    def cover(self) -> PublicationPhoto | None:
        return self.after[0] if self.after else None


def story_partners(dream_id: int) -> list[str]:
    """Return the names of the partner organisations that helped the dream DREAM_ID: invited
    to it (and not withdrawn) or having contributed (a contribution not withdrawn)."""
    return list(
        Organisation.objects.filter(
            Q(invitations__dream_id=dream_id, invitations__withdrawn_at__isnull=True)
            | Q(
                pk__in=Contribution.objects.filter(
                    dream_id=dream_id,
                    source=Contribution.Source.PARTNER,
                    withdrawn_at__isnull=True,
                ).values("organisation_id")
            )
        )
        .distinct()
        .order_by("name")
        .values_list("name", flat=True)
    )


def story_for_public(*, dream_id: int) -> Story:
    """Return the story of dream DREAM_ID: three queries (the dream with its publication and
    money, the photos, the partners). Raises Dream.DoesNotExist when it is not a story
    (never shared, withdrawn, not realised, anonymised)."""
    dream = open_story(pk=dream_id)
    publication = dream.publication
    chosen = list(publication.photos.all())  # before, then after (open_dreams)
    steps = [
        Step(key, at)
        for key, at in (
            ("handed_in", dream.submitted_at),
            ("picked_up", dream.picked_up_at),
            ("realised", dream.closed_at),
        )
        if at is not None
    ]
    return Story(
        publication=publication,
        dream=dream,
        steps=steps,
        before=[c for c in chosen if c.role == PublicationPhoto.Role.BEFORE],
        after=[c for c in chosen if c.role == PublicationPhoto.Role.AFTER],
        partners=story_partners(dream.pk),
        granted=dream.granted_total,
    )


def stories_for_feed(*, limit: int = 30) -> list[Dream]:
    """Return the newest LIMIT stories for the Atom feed, with their publication, place and
    theme: one query."""
    return list(open_stories(photos=False)[:limit])


def photos_of_dream(*, dream_pk: int) -> list[DreamPhoto]:
    """Return the photos of dream DREAM_PK in their order: what a story's photos come from."""
    return list(DreamPhoto.objects.filter(dream_id=dream_pk).order_by("created_at", "id"))


def publication_of(dream: Dream) -> Publication | None:
    """Return DREAM's publication (shared or withdrawn) with its chosen photos, or None:
    what the resident's page and the workspace's panel show. Two queries."""
    publication = Publication.objects.filter(dream_id=dream.pk).first()
    if publication is not None:
        publication.chosen = {
            chosen.photo_id: chosen
            for chosen in PublicationPhoto.objects.filter(publication=publication)
        }
    return publication
