"""A neighbourhood platform with everyone the platform pages must tell apart."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from initiatives.platform_models import PlatformInvitation, PlatformMember
from initiatives.selectors import platform_token_hash
from tests.factories import StaffFactory, UserFactory
from tests.neighbourhoods.helpers import add_item, add_member, make_platform, shared_dream

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
