"""Who may open the application pages (neighbourhoods/application_urls.py): every URL, for
anonymous, a resident, a platform member, its chair and each staff role, with the answer.

Written out, not read from the views: a change to a view's decorators shows up here. The
page after sending is the applicant's own: anyone else gets 404, as if it did not exist.
"""

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from initiatives import services
from initiatives.models import Application, Platform, PlatformMember
from neighbourhoods import application_urls
from tests.factories import DreamFactory, FundFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ANONYMOUS, APPLICANT, RESIDENT = "anonymous", "applicant", "another resident"
MEMBER, CHAIR = "platform member", "platform chair"
ENABLER, COMMS, MANAGER, ADMIN = "MogelijkMaker", "communications", "manager", "administrator"
ROLES = (ANONYMOUS, APPLICANT, RESIDENT, MEMBER, CHAIR, ENABLER, COMMS, MANAGER, ADMIN)
LOGIN = "login"

# (GET, an empty POST) per role; None: the method is not tried. LOGIN: to /inloggen/?next=.
EXPECTED = {
    "application_create": {
        ANONYMOUS: (LOGIN, LOGIN),
        # An empty form: every message beside its field, nothing stored (400).
        APPLICANT: (200, 400),
        RESIDENT: (200, 400),
        MEMBER: (200, 400),
        CHAIR: (200, 400),
        # Staff decide on applications; they do not make them.
        ENABLER: (403, 403),
        COMMS: (403, 403),
        MANAGER: (403, 403),
        ADMIN: (403, 403),
    },
    "application_sent": {
        ANONYMOUS: (LOGIN, LOGIN),  # signing in comes first
        APPLICANT: (200, 405),
        RESIDENT: (404, 405),
        MEMBER: (404, 405),
        CHAIR: (404, 405),
        ENABLER: (404, 405),
        COMMS: (404, 405),
        MANAGER: (404, 405),
        ADMIN: (404, 405),
    },
}


@pytest.fixture
def world(neighbourhood, theme):
    applicant = UserFactory(email="aanvrager@example.nl")
    fund = FundFactory(
        name="Wijkfonds", neighbourhood=neighbourhood, open_for_applications=True, criteria="Wie?"
    )
    dream = DreamFactory(resident=applicant, neighbourhood=neighbourhood, theme=theme)
    application = services.application_submit(
        resident=applicant,
        fund=fund,
        dream=dream,
        applicant=Application.Applicant.RESIDENT,
        lines=[("Verf", Decimal(100))],
        answers=["De buren."],
    )
    platform = Platform.objects.create(neighbourhood=neighbourhood, name="Wijkplatform", slug="wp")
    member, chair = UserFactory(email="lid@example.nl"), UserFactory(email="voorzitter@example.nl")
    PlatformMember.objects.create(platform=platform, user=member)
    PlatformMember.objects.create(platform=platform, user=chair, role=PlatformMember.Role.CHAIR)
    return {
        "fund": fund,
        "application": application,
        "people": {
            APPLICANT: applicant,
            RESIDENT: UserFactory(email="buur@example.nl"),
            MEMBER: member,
            CHAIR: chair,
            ENABLER: StaffFactory(roles=[Role.ENABLER]),
            COMMS: StaffFactory(roles=[Role.COMMUNICATIONS]),
            MANAGER: StaffFactory(roles=[Role.MANAGER]),
            ADMIN: StaffFactory(roles=[Role.ADMINISTRATOR], is_superuser=True),
        },
    }


def _url(name: str, world) -> str:
    if name == "application_create":
        return reverse("neighbourhoods:application_create", kwargs={"fund": world["fund"].pk})
    return reverse("neighbourhoods:application_sent", kwargs={"pk": world["application"].pk})


def test_every_application_url_is_in_the_matrix():
    names = [p.name for p in application_urls.urlpatterns]
    assert sorted(names) == sorted(EXPECTED)


def _answer(response, url: str):
    if response.status_code == 302:
        parts = urlsplit(response["Location"])
        if parts.path == "/inloggen/" and parse_qs(parts.query).get("next") == [url]:
            return LOGIN
        return f"302 → {response['Location']}"
    return response.status_code


def test_application_permission_matrix(world, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    mismatches = []
    for name, expected in EXPECTED.items():
        url = _url(name, world)
        for role in ROLES:
            client = Client()
            if role != ANONYMOUS:
                client.force_login(world["people"][role])
            got = (_answer(client.get(url), url), _answer(client.post(url, {}), url))
            if got != expected[role]:
                mismatches.append(f"{name} as {role}: expected {expected[role]}, got {got}")
    assert not mismatches, "\n".join(mismatches)
    assert Application.objects.count() == 1  # no empty POST stored anything
