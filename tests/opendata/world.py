"""A small world of shared dreams and stories for the open data tests (issue 19)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from initiatives.models import Dream, DreamPhoto, Fund, Grant
from initiatives.publication_models import Publication, PublicationPhoto
from initiatives.statuses import Status
from tests.conftest import image_bytes
from tests.factories import (
    DreamFactory,
    NeighbourhoodFactory,
    PublicationFactory,
    StaffFactory,
    ThemeFactory,
)


def add_photo(dream: Dream) -> DreamPhoto:
    return DreamPhoto.objects.create(
        dream=dream,
        image=SimpleUploadedFile("foto.png", image_bytes("PNG")),
        content_type="image/png",
        width=40,
        height=30,
    )


def _staff():
    # One MogelijkMaker for every grant: making a staff account hashes a password (slow).
    return User.objects.filter(email="mm@opendata.example").first() or StaffFactory(
        email="mm@opendata.example"
    )


def grant(dream: Dream, amount: str, state: str = Grant.State.GRANTED) -> Grant:
    staff = _staff()
    fund = Fund.objects.filter(name="Dromenfonds").first() or Fund.objects.create(
        name="Dromenfonds", year=timezone.localdate().year, amount=Decimal(100000)
    )
    return Grant.objects.create(
        dream=dream,
        fund=fund,
        amount=Decimal(amount),
        purpose="Bankje",
        state=state,
        requested_by=staff,
        decided_by=staff,
        decided_at=timezone.now(),
    )


def share(dream: Dream, *, story: bool = False, **texts) -> Publication:
    """Give DREAM a shared Publication; a story (story_published_at set) when STORY."""
    return PublicationFactory(
        dream=dream, story_published_at=timezone.now() if story else None, **texts
    )


def story_with_photos(dream: Dream, count: int = 2) -> Publication:
    publication = share(dream, story=True)
    for n in range(count):
        PublicationPhoto.objects.create(
            publication=publication,
            photo=add_photo(dream),
            role=PublicationPhoto.Role.BEFORE if n % 2 == 0 else PublicationPhoto.Role.AFTER,
            alt_text=f"Het veldje, foto {n + 1}",
        )
    return publication


def realised(**fields) -> Dream:
    now = timezone.now()
    return DreamFactory(
        status=Status.REALISED,
        picked_up_at=now,
        first_contact_at=now,
        closed_at=now,
        **fields,
    )


@dataclass
class World:
    shared: list[Dream] = field(default_factory=list)  # open dreams, stories among them
    stories: list[Dream] = field(default_factory=list)
    hidden: list[Dream] = field(default_factory=list)  # never public


def build_world() -> World:
    """Dreams in two villages and two themes: shared ones in several statuses, stories with
    photos and grants, and dreams that must never be public (not shared, withdrawn,
    unconfirmed, anonymised, realised but not published as a story stays a dream only)."""
    drunen = NeighbourhoodFactory(name="Drunen")
    vlijmen = NeighbourhoodFactory(name="Vlijmen")
    groen = ThemeFactory(name="Groen")
    spelen = ThemeFactory(name="Spelen")
    world = World()
    for n, status in enumerate(
        [Status.SUBMITTED, Status.PICKED_UP, Status.IN_PROGRESS, Status.NOT_POSSIBLE]
    ):
        dream = DreamFactory(
            status=status,
            neighbourhood=drunen if n % 2 else vlijmen,
            theme=groen if n < 2 else spelen,
            picked_up_at=None if status == Status.SUBMITTED else timezone.now(),
        )
        share(dream, title=f"Gedeelde droom {n}")
        world.shared.append(dream)
    for n in range(3):
        dream = realised(neighbourhood=drunen if n else vlijmen, theme=groen)
        story_with_photos(dream, count=n)
        grant(dream, "1234.50")
        grant(dream, "100.00")
        grant(dream, "999.00", state=Grant.State.REJECTED)
        world.shared.append(dream)
        world.stories.append(dream)
    not_yet_story = realised(neighbourhood=drunen, theme=spelen)
    share(not_yet_story)
    world.shared.append(not_yet_story)

    world.hidden.append(DreamFactory(neighbourhood=drunen, theme=groen))  # never shared
    withdrawn = realised(neighbourhood=drunen, theme=groen)
    share(withdrawn, story=True, withdrawn_at=timezone.now())
    world.hidden.append(withdrawn)
    unconfirmed = DreamFactory(status=Status.UNCONFIRMED, submitted_at=None)
    share(unconfirmed)
    world.hidden.append(unconfirmed)
    anonymised = realised(anonymised_at=timezone.now())
    share(anonymised, story=True)
    world.hidden.append(anonymised)
    return world
