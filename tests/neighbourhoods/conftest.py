"""People for the neighbourhood pages' tests: residents with a platform role, and staff."""

import pytest

from accounts.roles import Role
from initiatives.models import Platform, PlatformMember
from tests.factories import NeighbourhoodFactory, UserFactory
from tests.staff.conftest import make_staff


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
