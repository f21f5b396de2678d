# ruff: noqa: F811 - the fixtures of tests/neighbourhoods/decision_world.py, imported
"""Who may open the pages of deciding together (issue 16, item 4): every new URL, on the
platform's side and on staff's, for every role, with the expected answer written out.

The platform's pages are its chair's alone: a member, a chair who left, staff and any other
resident get 404 (they do not learn the page exists), an anonymous visitor the residents'
sign-in page. The staff pages: the MogelijkMaker works, managers read, communications may
not (403); residents, chairs too, get 404; anonymous visitors the staff sign-in page."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.neighbourhoods.decision_world import (  # noqa: F401 - fixtures
    SLUG,
    applications,
    chair,
    comms,
    contact,
    former_chair,
    funds,
    manager,
    member,
    other_enabler,
    platform,
    signed_in,
)

pytestmark = pytest.mark.django_db

ANONYMOUS, RESIDENT, MEMBER, CHAIR, FORMER_CHAIR = (
    "anonymous",
    "resident",
    "member",
    "chair",
    "chair who left",
)
ENABLER, CONTACT, MANAGER, COMMS = "enabler not the contact", "the contact", "manager", "comms"
ROLES = (ANONYMOUS, RESIDENT, MEMBER, CHAIR, FORMER_CHAIR, ENABLER, CONTACT, MANAGER, COMMS)
RESIDENTS = {RESIDENT, MEMBER, CHAIR, FORMER_CHAIR}
RESIDENT_LOGIN, STAFF_LOGIN = "/inloggen/", "/medewerkers/inloggen/"


def _platform_page(get=200, post=None):
    """The chair's alone; everyone else signed in gets 404."""
    answers = dict.fromkeys(ROLES, (404, 404 if post else None))
    answers[ANONYMOUS] = ("login:" + RESIDENT_LOGIN, "login:" + RESIDENT_LOGIN if post else None)
    answers[CHAIR] = (get, post)
    return answers


def _staff_page(get, post, *, workers, readers):
    answers = {}
    for role in ROLES:
        if role == ANONYMOUS:
            answers[role] = ("login:" + STAFF_LOGIN, "login:" + STAFF_LOGIN if post else None)
        elif role in RESIDENTS:
            answers[role] = (404, 404 if post else None)
        elif role in workers:
            answers[role] = (get, post)
        elif role in readers:
            answers[role] = (get, 403 if post else None)
        else:
            answers[role] = (403, 403 if post else None)
    return answers


# An empty POST is bad input: the page again with the messages (400).
EXPECTED = {
    "platform list": _platform_page(),
    "platform advice": _platform_page(post=400),
    "platform decision": _platform_page(post=400),
    "staff list": _staff_page(200, None, workers={ENABLER, CONTACT}, readers={MANAGER}),
    "staff application": _staff_page(200, None, workers={ENABLER, CONTACT}, readers={MANAGER}),
    "staff decide": _staff_page(405, 400, workers={ENABLER, CONTACT}, readers=set()),
    "staff frame check": _staff_page(405, 400, workers={ENABLER, CONTACT}, readers=set()),
}


def _urls(applications) -> dict[str, str]:
    return {
        "platform list": f"/wijken/{SLUG}/aanvragen/",
        "platform advice": f"/wijken/{SLUG}/aanvragen/{applications['advice'].pk}/advies/",
        "platform decision": f"/wijken/{SLUG}/aanvragen/{applications['platform'].pk}/besluit/",
        "staff list": "/medewerkers/aanvragen/",
        "staff application": f"/medewerkers/aanvragen/{applications['staff'].pk}/",
        "staff decide": f"/medewerkers/aanvragen/{applications['staff'].pk}/besluit/",
        "staff frame check": f"/medewerkers/aanvragen/{applications['frame'].pk}/kader/",
    }


@pytest.fixture
def clients(resident, member, chair, former_chair, other_enabler, contact, manager, comms):
    people = {
        ANONYMOUS: None,
        RESIDENT: resident,
        MEMBER: member,
        CHAIR: chair,
        FORMER_CHAIR: former_chair,
        ENABLER: other_enabler,
        CONTACT: contact,
        MANAGER: manager,
        COMMS: comms,
    }
    return {role: signed_in(person) for role, person in people.items()}


def _matches(response, expected, url: str) -> bool:
    if isinstance(expected, int):
        return response.status_code == expected
    login = expected.removeprefix("login:")
    if response.status_code != 302:
        return False
    parts = urlsplit(response["Location"])
    return parts.path == login and parse_qs(parts.query).get("next") == [url]


def test_permission_matrix(applications, clients):
    urls = _urls(applications)
    assert set(urls) == set(EXPECTED)
    mismatches = []
    for name, url in urls.items():
        for role in ROLES:
            get, post = EXPECTED[name][role]
            checks = [("GET", get)] + ([("POST", post)] if post is not None else [])
            for method, expected in checks:
                client = clients[role]
                response = client.get(url) if method == "GET" else client.post(url, {})
                if not _matches(response, expected, url):
                    mismatches.append(
                        f"{method} {name} as {role}: expected {expected}, got "
                        f"{response.status_code} {response.get('Location', '')}"
                    )
    assert not mismatches, "\n".join(mismatches)


def test_a_chair_of_another_platform_gets_404(applications, neighbourhood, clients):
    from initiatives.models import Platform, PlatformMember
    from tests.factories import NeighbourhoodFactory, UserFactory

    elsewhere = Platform.objects.create(
        neighbourhood=NeighbourhoodFactory(name="Vlijmen"), name="Vlijmen", slug="vlijmen"
    )
    other_chair = UserFactory()
    PlatformMember.objects.create(
        platform=elsewhere, user=other_chair, role=PlatformMember.Role.CHAIR
    )
    client = signed_in(other_chair)
    assert client.get(f"/wijken/{SLUG}/aanvragen/").status_code == 404
    # Their own platform's URL with this platform's application: not theirs either.
    url = f"/wijken/vlijmen/aanvragen/{applications['advice'].pk}/advies/"
    assert client.get(url).status_code == 404
    assert client.get("/wijken/vlijmen/aanvragen/").status_code == 200


def test_an_application_under_the_other_rule_is_404_on_each_platform_page(applications, clients):
    chair = clients[CHAIR]
    # Advice on a fund where the platform decides, a decision on a fund that asks advice,
    # and the municipality's own fund: none of them exist on these pages.
    assert (
        chair.get(f"/wijken/{SLUG}/aanvragen/{applications['platform'].pk}/advies/").status_code
        == 404
    )
    assert (
        chair.get(f"/wijken/{SLUG}/aanvragen/{applications['advice'].pk}/besluit/").status_code
        == 404
    )
    assert (
        chair.get(f"/wijken/{SLUG}/aanvragen/{applications['staff'].pk}/advies/").status_code == 404
    )
    assert chair.get(f"/wijken/{SLUG}/aanvragen/999999/advies/").status_code == 404
