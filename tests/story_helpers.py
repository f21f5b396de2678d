"""Helpers for the stories' tests (issue 19): a dream's photo, a realised dream shared."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from initiatives.models import Dream, DreamPhoto
from initiatives.publication_models import Publication, PublicationPhoto
from initiatives.statuses import Status
from tests.conftest import image_bytes
from tests.factories import DreamFactory, PublicationFactory


def add_photo(dream: Dream, size=(40, 30)) -> DreamPhoto:
    """Give DREAM a real JPEG photo, stored as an upload is (a random name)."""
    return DreamPhoto.objects.create(
        dream=dream,
        image=ContentFile(image_bytes(size=size), name="upload.jpg"),
        content_type="image/jpeg",
        width=size[0],
        height=size[1],
    )


def shared_story(*, photo_role: str | None = None, **dream_fields) -> Publication:
    """A realised dream (handed in, picked up, realised) shared as a story; with a chosen
    photo in PHOTO_ROLE when given."""
    now = timezone.now()
    dream = DreamFactory(
        status=Status.REALISED,
        picked_up_at=now - timedelta(days=20),
        submitted_at=now - timedelta(days=22),
        closed_at=now - timedelta(days=1),
        **dream_fields,
    )
    publication = PublicationFactory(dream=dream, title=f"Verhaal {dream.title}")
    if photo_role:
        PublicationPhoto.objects.create(
            publication=publication,
            photo=add_photo(dream),
            role=photo_role,
            alt_text="Het nieuwe bankje bij de vijver",
        )
    return publication
