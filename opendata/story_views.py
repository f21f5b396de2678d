"""Realised dreams as stories (issue 19): the gallery, a story's page, its photos, the Atom
feed. Only what the resident chose to share, only while they share it: anything else is 404.

The pages are the same for everyone but carry the visitor's own menu and CSRF token, so the
whole answer is not cached; the gallery's read is, per open-data version (selectors)."""

from pathlib import PurePath

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from initiatives import selectors
from initiatives.models import Dream
from initiatives.publication_models import PublicationPhoto
from opendata.public_urls import absolute_reverse

# What the photo view answers with, by the type the photo was stored as (initiatives/photos.py
# re-encodes every upload to one of these); the file's extension in its name.
PHOTO_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}


@require_GET
def gallery(request: HttpRequest) -> HttpResponse:
    """The stories, newest first, filtered by ?wijk= and ?thema=, a page by ?pagina=."""
    page = selectors.story_gallery(
        neighbourhood=request.GET.get("wijk"),
        theme=request.GET.get("thema"),
        page=request.GET.get("pagina"),
    )
    return render(
        request,
        "opendata/gallery.html",
        {
            "gallery": page,
            "previous_href": _gallery_href(page, page.number - 1) if page.has_previous else "",
            "next_href": _gallery_href(page, page.number + 1) if page.has_next else "",
        },
    )


def _gallery_href(page: selectors.Gallery, number: int) -> str:
    """The gallery's address for page NUMBER with the filters PAGE understood."""
    query = {"wijk": page.neighbourhood_id, "thema": page.theme_id, "pagina": number}
    return "?" + urlencode({key: value for key, value in query.items() if value})


@require_GET
def story(request: HttpRequest, pk: int) -> HttpResponse:
    """The story of dream PK: what they dreamt, what they did, who helped, the steps, the
    photos and the money; with Open Graph tags for sharing it."""
    try:
        found = selectors.story_for_public(dream_id=pk)
    except Dream.DoesNotExist:
        raise Http404 from None
    page_url = settings.SITE_URL + reverse("stories:story", args=[pk])
    cover = found.cover
    return render(
        request,
        "opendata/story.html",
        {
            "story": found,
            "page_url": page_url,
            "cover_url": settings.SITE_URL + reverse("stories:photo", args=[pk, cover.pk])
            if cover
            else "",
        },
    )


@require_GET
def photo(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    """A photo of the story of dream PK, only while it is chosen in a shared story; its file
    name says nothing about the dream or the resident."""
    try:
        chosen = selectors.open_story_photo(pk=pk, photo_pk=photo_pk)
    except PublicationPhoto.DoesNotExist:
        raise Http404 from None
    stored = chosen.photo
    extension = PHOTO_EXTENSIONS.get(
        stored.content_type, PurePath(stored.image.name).suffix.lower()
    )
    try:
        handle = stored.image.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle, content_type=stored.content_type, filename=f"verhaal-foto-{chosen.pk}{extension}"
    )
    # Short: once the resident withdraws, caches must let go of it soon.
    response["Cache-Control"] = f"public, max-age={settings.OPEN_DATA_CACHE_SECONDS}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class StoryFeed(Feed):
    """The newest stories as an Atom feed (/verhalen/feed/).

    Its links and ids are absolute from SITE_URL, never completed from the request's Host
    header (which Django's Feed would do with a relative path): the feed is read by other
    sites and readers, so a visitor's made-up Host must not end up in it."""

    feed_type = Atom1Feed

    def title(self) -> str:
        return _("Dreams that came true in %(municipality)s") % {
            "municipality": settings.MUNICIPALITY_NAME
        }

    def subtitle(self) -> str:
        return _("Stories of dreams that came true, shared by the residents.")

    def link(self) -> str:
        return absolute_reverse("stories:gallery")

    def feed_url(self) -> str:
        return absolute_reverse("stories:feed")

    def author_name(self) -> str:
        return settings.MUNICIPALITY_NAME

    def items(self) -> list[Dream]:
        return selectors.stories_for_feed()

    def item_title(self, item: Dream) -> str:
        return item.publication.title

    def item_description(self, item: Dream) -> str:
        # Atom's summary is HTML: what the resident typed is escaped, never markup.
        return escape(item.publication.dreamt)

    def item_link(self, item: Dream) -> str:
        return absolute_reverse("stories:story", pk=item.pk)

    def item_guid(self, item: Dream) -> str:
        return absolute_reverse("stories:story", pk=item.pk)

    def item_pubdate(self, item: Dream):
        return item.publication.story_published_at

    def item_updateddate(self, item: Dream):
        return item.publication.updated_at

    def item_categories(self, item: Dream) -> list[str]:
        return [item.neighbourhood.name, item.theme.name]


feed = require_GET(StoryFeed())
