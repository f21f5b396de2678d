"""Who may open which platform page: every URL of neighbourhoods/platform_urls.py (and the
resident's share button), for anonymous, a resident who is no member, a member, the chair, a
member who left, and each staff role, GET and POST, with the expected answer.

The expectations are written out, not read from the views: a change to who may do what shows
up here as a mismatch. Platform roles are per platform; staff roles give no platform role.
"""

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from initiatives.platform_models import AgendaItem, PlatformMember
from neighbourhoods import platform_urls
from tests.neighbourhoods.conftest import (
    ANONYMOUS,
    CHAIR,
    INVITATION_TOKEN,
    LEFT,
    MEMBER,
    RESIDENT,
    ROLES,
    client_for,
)

pytestmark = pytest.mark.django_db

EVERYONE = frozenset(ROLES)
MEMBERS = frozenset({MEMBER, CHAIR})
THE_CHAIR = frozenset({CHAIR})
LOGIN = "login"


@dataclass(frozen=True)
class Answer:
    status: int
    location: str | None = None  # a URL name in the neighbourhoods namespace, or LOGIN


@dataclass(frozen=True)
class Expect:
    roles: frozenset[str]  # who may use it
    get: Answer
    post: Answer
    refused: Answer = Answer(403)  # for a signed-in person who may not


NOT_ALLOWED = Answer(405)
INVALID = Answer(400)

# In the order they are asked: leaving comes last, as it ends the membership.
EXPECTED: dict[str, Expect] = {
    "platform_list": Expect(EVERYONE, Answer(200), NOT_ALLOWED),
    "platform_detail": Expect(EVERYONE, Answer(200), NOT_ALLOWED),
    # The invitation is for an address nobody here has: anyone signed in who posts is told
    # so (400) and joins nothing; GET shows it to everyone and changes nothing.
    "platform_invitation": Expect(EVERYONE, Answer(200), INVALID),
    "platform_members": Expect(MEMBERS, Answer(200), NOT_ALLOWED),
    "agenda_edit": Expect(THE_CHAIR, Answer(200), INVALID),
    "agenda_item_edit": Expect(THE_CHAIR, Answer(200), INVALID),
    "agenda_item_move": Expect(THE_CHAIR, NOT_ALLOWED, Answer(302, "agenda_edit")),
    "agenda_item_done": Expect(THE_CHAIR, NOT_ALLOWED, Answer(302, "agenda_edit")),
    "agenda_item_dreams": Expect(THE_CHAIR, NOT_ALLOWED, INVALID),
    "platform_invite": Expect(THE_CHAIR, Answer(200), INVALID),
    "platform_invitation_withdraw": Expect(THE_CHAIR, NOT_ALLOWED, Answer(302, "platform_invite")),
    "platform_leave": Expect(MEMBERS, NOT_ALLOWED, Answer(302, "platform_detail")),
}
# The resident's own dream page: only its resident shares it; for anyone else it does not
# exist (404), as every page of "my dreams" (a GET is refused first: 405).
SHARE = Expect(frozenset({RESIDENT}), NOT_ALLOWED, Answer(302), refused=Answer(404))


def test_every_platform_url_is_in_the_matrix():
    names = [pattern.name for pattern in platform_urls.urlpatterns]
    assert sorted(names) == sorted(EXPECTED)


def _url(name: str, world) -> str:
    pattern = next(p for p in platform_urls.urlpatterns if p.name == name)
    values = {
        "slug": world["platform"].slug,
        "pk": world["item"].pk,
        "token": INVITATION_TOKEN,
    }
    if name == "platform_invitation_withdraw":
        values["pk"] = world["invitation"].pk
    kwargs = {key: values[key] for key in pattern.pattern.converters}
    return reverse(f"neighbourhoods:{name}", kwargs=kwargs)


def _location_matches(response, answer: Answer, url: str, world) -> bool:
    if answer.location is None:
        return True
    parts = urlsplit(response["Location"])
    if answer.location == LOGIN:
        return parts.path == "/inloggen/" and parse_qs(parts.query).get("next") == [url]
    return parts.path == _url(answer.location, world)


def _expected(role: str, expect: Expect, allowed_answer: Answer, method: str) -> Answer:
    if role in expect.roles:
        return allowed_answer
    if role == ANONYMOUS:
        return Answer(302, LOGIN)
    return expect.refused


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, role):
    client = client_for(world, role)
    checks = [(name, _url(name, world), expect) for name, expect in EXPECTED.items()]
    share_url = reverse("residents:dream_share", args=[world["dream"].pk])
    checks.insert(-1, ("dream_share", share_url, SHARE))
    mismatches = []
    for name, url, expect in checks:
        for method, send, allowed_answer in (
            ("GET", client.get, expect.get),
            ("POST", client.post, expect.post),
        ):
            answer = _expected(role, expect, allowed_answer, method)
            if name == "platform_invitation" and role == ANONYMOUS and method == "POST":
                answer = Answer(302, LOGIN)  # sign in first, then join
            if name == "dream_share" and method == "GET" and role != ANONYMOUS:
                answer = NOT_ALLOWED  # as every POST-only page of "my dreams"
            response = send(url)
            if response.status_code != answer.status or not _location_matches(
                response, answer, url, world
            ):
                mismatches.append(
                    f"{method} {url} ({name}) as {role}: expected {answer.status} "
                    f"{answer.location or ''}, got {response.status_code} "
                    f"{response.get('Location', '')}"
                )
    assert not mismatches, "\n".join(mismatches)
    # Nobody joined through the matrix: the invitation is not theirs.
    world["invitation"].refresh_from_db()
    assert world["invitation"].accepted_at is None


def test_the_chairs_posts_in_the_matrix_really_acted(world):
    """The 302s of the chair are the real actions, not a refusal that redirects."""
    client = client_for(world, CHAIR)
    item = world["item"]
    client.post(_url("agenda_item_done", world))
    assert AgendaItem.objects.get(pk=item.pk).done_on is not None
    client.post(_url("platform_invitation_withdraw", world))
    world["invitation"].refresh_from_db()
    assert world["invitation"].withdrawn_at is not None
    client.post(_url("platform_leave", world))
    assert not PlatformMember.objects.filter(
        user=world["people"][CHAIR], left_at__isnull=True
    ).exists()


def test_a_member_who_left_sees_the_public_page_only(world):
    client = client_for(world, LEFT)
    assert client.get(_url("platform_detail", world)).status_code == 200
    refused = client.get(_url("platform_members", world))
    assert refused.status_code == 403
    assert "Klaar-overs" not in refused.content.decode()
