"""A neighbourhood platform with everyone the platform pages must tell apart."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from initiatives.platform_models import Platform, PlatformInvitation, PlatformMember
from initiatives.selectors import platform_token_hash
from tests.factories import NeighbourhoodFactory, StaffFactory, UserFactory
from tests.neighbourhoods.helpers import add_item, add_member, make_platform, shared_dream
from tests.staff.conftest import make_staff

INVITATION_TOKEN = "uitnodiging-voor-niemand-die-hier-is-0123456789"

ANONYMOUS, RESIDENT, MEMBER, CHAIR, LEFT = "anonymous", "resident", "member", "chair", "left"
ENABLER, COMMS, MANAGER, ADMIN = "MogelijkMaker", "communications", "manager", "administrator"
ROLES = (ANONYMOUS, RESIDENT, MEMBER, CHAIR, LEFT, ENABLER, COMMS, MANAGER, ADMIN)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(neighbourhood, theme):
    """A platform with its chair, a member, a member who left, a resident of the
    neighbourhood who is no member and shares a dream, an agenda item serving it, an open
    invitation to an address nobody here has, and a staff member of each role."""
    platform = make_platform(neighbourhood)
    people = {
        CHAIR: add_member(platform, role=PlatformMember.Role.CHAIR, full_name="Clara Voorzitter"),
        MEMBER: add_member(platform, full_name="Mirte Lid", email="mirte@example.nl"),
        LEFT: add_member(platform, full_name="Lars Vertrokken"),
    }
    people = {role: row.user for role, row in people.items()}
    PlatformMember.objects.filter(user=people[LEFT]).update(left_at=timezone.now())
    people[RESIDENT] = UserFactory(
        email="bewoner@example.nl", full_name="Bea Bewoner", phone="0687654321"
    )
    staff_roles = {
        ENABLER: Role.ENABLER,
        COMMS: Role.COMMUNICATIONS,
        MANAGER: Role.MANAGER,
        ADMIN: Role.ADMINISTRATOR,
    }
    for role, group in staff_roles.items():
        people[role] = StaffFactory(
            roles=[group], full_name=f"Staff {role}", is_superuser=role == ADMIN
        )
    dream = shared_dream(
        platform, title="Klaar-overs bij school", resident=people[RESIDENT], theme=theme
    )
    item = add_item(platform)
    item.dreams.add(dream)
    invitation = PlatformInvitation.objects.create(
        platform=platform,
        email="niemand@example.nl",
        invited_by=people[CHAIR],
        token_hash=platform_token_hash(INVITATION_TOKEN),
        expires_at=timezone.now() + timedelta(days=14),
    )
    return {
        "platform": platform,
        "people": people,
        "dream": dream,
        "item": item,
        "invitation": invitation,
    }


def client_for(world, role: str) -> Client:
    client = Client()
    if role != ANONYMOUS:
        client.force_login(world["people"][role])
    return client


# The fund pages' tests (issue 16, item 2): a platform in Vlijmen and staff of every role.
@pytest.fixture
def vlijmen(db):
    return NeighbourhoodFactory(name="Vlijmen", slug="vlijmen")


@pytest.fixture
def platform(vlijmen):
    return Platform.objects.create(
        neighbourhood=vlijmen, name="Wijkplatform Vlijmen", slug="vlijmen"
    )


@pytest.fixture
def platform_member(platform):
    user = UserFactory(email="lid@example.nl", full_name="Lieke Lid")
    PlatformMember.objects.create(platform=platform, user=user, role=PlatformMember.Role.MEMBER)
    return user


@pytest.fixture
def chair(platform):
    user = UserFactory(email="voorzitter@example.nl", full_name="Victor Voorzitter")
    PlatformMember.objects.create(platform=platform, user=user, role=PlatformMember.Role.CHAIR)
    return user


@pytest.fixture
def staff_people(db):
    return {
        "roleless staff": make_staff(None, email="piet@heusden.example"),
        "MogelijkMaker": make_staff(Role.ENABLER, email="sanne@heusden.example"),
        "communications": make_staff(Role.COMMUNICATIONS, email="fleur@heusden.example"),
        "manager": make_staff(
            Role.MANAGER, email="marco@heusden.example", full_name="Marco Bakker"
        ),
        "administrator": make_staff(
            Role.ADMINISTRATOR, email="anke@heusden.example", is_superuser=True
        ),
    }
