"""Who may open the funds' pages: every URL of this part by every role, written out.

The public pages are for everyone; the managers' overview is a staff page of the area
"funds" (staff/permissions.py): managers and the administrator. A resident, also one with a
role on a neighbourhood platform, does not learn that the staff side exists (404).
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from neighbourhoods import fund_urls
from staff.permissions import ACCESS
from tests.factories import FundFactory, UserFactory

pytestmark = pytest.mark.django_db

ANONYMOUS, RESIDENT, MEMBER, CHAIR = "anonymous", "resident", "platform member", "chair"
ROLELESS, ENABLER, COMMS = "roleless staff", "MogelijkMaker", "communications"
MANAGER, ADMIN = "manager", "administrator"
ROLES = (ANONYMOUS, RESIDENT, MEMBER, CHAIR, ROLELESS, ENABLER, COMMS, MANAGER, ADMIN)

EVERYONE = dict.fromkeys(ROLES, 200)
MANAGERS = {
    ANONYMOUS: "login",
    RESIDENT: 404,
    MEMBER: 404,
    CHAIR: 404,
    ROLELESS: 403,
    ENABLER: 403,
    COMMS: 403,
    MANAGER: 200,
    ADMIN: 200,
}

# URL (with {fund} for a fund's pk) → the answer to GET per role; POST is refused (405)
# to whoever may GET, and the staff page answers POST as it answers GET to the others.
EXPECTED = {
    "/fondsen/": EVERYONE,
    "/fondsen/{fund}/": EVERYONE,
    "/medewerkers/fondsen/": MANAGERS,
    "/medewerkers/fondsen/?jaar=2001": MANAGERS,
}


def test_every_fund_url_is_in_the_matrix():
    public = {f"/fondsen/{p.pattern}".replace("<int:pk>", "{fund}") for p in fund_urls.urlpatterns}
    assert public <= set(EXPECTED)
    assert ACCESS["funds"] == frozenset({"Manager"})


@pytest.fixture
def clients(platform_member, chair, staff_people):
    people = {
        RESIDENT: UserFactory(email="anna@example.nl"),
        MEMBER: platform_member,
        CHAIR: chair,
        **staff_people,
    }
    result = {ANONYMOUS: Client()}
    for role, person in people.items():
        result[role] = Client()
        result[role].force_login(person)
    return result


def _matches(response, expected, url: str) -> bool:
    if expected == "login":
        parts = urlsplit(response.get("Location", ""))
        return (
            response.status_code == 302
            and parts.path == "/medewerkers/inloggen/"
            and parse_qs(parts.query).get("next") == [url]
        )
    return response.status_code == expected


def test_permission_matrix(clients, capsys):
    fund = FundFactory(open_for_applications=True)
    mismatches = []
    for pattern, answers in EXPECTED.items():
        url = pattern.format(fund=fund.pk)
        for role in ROLES:
            got = clients[role].get(url)
            if not _matches(got, answers[role], url):
                mismatches.append(
                    f"GET {url} as {role}: expected {answers[role]}, got {got.status_code}"
                )
            expected_post = 405 if answers[role] == 200 else answers[role]
            got = clients[role].post(url)
            if not _matches(got, expected_post, url):
                mismatches.append(
                    f"POST {url} as {role}: expected {expected_post}, got {got.status_code}"
                )
    with capsys.disabled():
        print(f"\nfund permission matrix: {len(EXPECTED)} URLs × {len(ROLES)} roles × 2 methods")  # noqa: RUF001
    assert not mismatches, "\n".join(mismatches)


def test_the_allowed_staff_page_is_the_real_page(clients):
    FundFactory(name="Dromenfonds")
    for role in (MANAGER, ADMIN):
        content = clients[role].get("/medewerkers/fondsen/").content.decode()
        assert "Dromenfonds" in content and "geld en besluiten" in content, role
