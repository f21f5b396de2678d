"""Staff users per role, and dreams at the stages the staff pages act on."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from initiatives import services
from initiatives.models import CoreValue, DreamPhoto, Verdict
from tests.conftest import image_bytes
from tests.factories import FundFactory, StaffFactory

PASSWORD = "correct-horse-battery"  # StaffFactory's password


def make_staff(role: str | None, **kwargs):
    user = StaffFactory(**kwargs)
    if role:
        user.groups.add(Group.objects.get(name=role))  # the groups come from a data migration
    return user


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Staff have passwords; a slow hasher would make every staff fixture take ~0.3 s."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def enabler(db):
    """A MogelijkMaker (overrides the role-less `enabler` of tests/conftest.py)."""
    return make_staff(Role.ENABLER, email="sanne@heusden.example", full_name="Sanne de Vries")


@pytest.fixture
def second_enabler(db):
    return make_staff(Role.ENABLER, email="mehmet@heusden.example", full_name="Mehmet Yilmaz")


@pytest.fixture
def comms(db):
    return make_staff(Role.COMMUNICATIONS, email="fleur@heusden.example", full_name="Fleur Jansen")


@pytest.fixture
def manager(db):
    return make_staff(Role.MANAGER, email="marco@heusden.example", full_name="Marco Bakker")


@pytest.fixture
def administrator(db):
    return make_staff(
        Role.ADMINISTRATOR,
        email="anke@heusden.example",
        full_name="Anke Beheer",
        is_superuser=True,
    )


@pytest.fixture
def roleless_staff(db):
    return make_staff(None, email="piet@heusden.example", full_name="Piet Zonderrol")


@pytest.fixture
def fund(db):
    return FundFactory(name="Dromenfonds", amount=10000)


@pytest.fixture
def picked_up(dream, enabler):
    """The `dream`, picked up by `enabler`."""
    services.dream_pick_up(dream=dream, by=enabler)
    dream.refresh_from_db()
    return dream


@pytest.fixture
def in_conversation(picked_up, enabler):
    """The `dream` after its first contact moment."""
    from django.utils import timezone

    services.dream_log_contact(
        dream=picked_up,
        by=enabler,
        kind="phone",
        on=timezone.localdate(),
        summary="Eerste gesprek.",
    )
    picked_up.refresh_from_db()
    return picked_up


def review_verdicts(verdict: str = Verdict.SUPPORTS) -> dict[str, tuple[str, str]]:
    return {value.value: (verdict, f"Uitleg bij {value.label}.") for value in CoreValue}


@pytest.fixture
def reviewed(in_conversation, enabler):
    """The `dream` in conversation with a current core-value review."""
    services.review_record(dream=in_conversation, by=enabler, verdicts=review_verdicts())
    return in_conversation


def add_photo(dream) -> DreamPhoto:
    return DreamPhoto.objects.create(
        dream=dream,
        image=SimpleUploadedFile("foto.png", image_bytes("PNG")),
        content_type="image/png",
        width=40,
        height=30,
    )
