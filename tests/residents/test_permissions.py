"""Who may open which resident page: every resident URL, for every role, with the answer.

The expectations are written out below, not read from the views: a change to a view's
decorators or to residents/urls.py shows up here as a mismatch. A dream, photo or data of
another person is always 404, for other residents and for staff alike (staff see dreams in
their own workspace, never through the resident pages).
"""

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from initiatives.models import Accountability, AccountabilityFile, Application
from initiatives.statuses import Status
from initiatives.tokens import dream_link_token_make, unsubscribe_token_make
from residents import urls as resident_urls
from tests.conftest import image_bytes
from tests.factories import DreamFactory, FundFactory, StaffFactory, UserFactory
from tests.staff.conftest import add_photo

pytestmark = pytest.mark.django_db

ANONYMOUS, OWNER, OTHER = "anonymous", "resident (owner)", "other resident"
ENABLER, COMMS, MANAGER, ADMIN = "MogelijkMaker", "communications", "manager", "administrator"
ROLES = (ANONYMOUS, OWNER, OTHER, ENABLER, COMMS, MANAGER, ADMIN)
STAFF = (ENABLER, COMMS, MANAGER, ADMIN)

LOGIN = "login"  # stands for a redirect to /inloggen/?next=<the URL>


@dataclass(frozen=True)
class Answer:
    status: int
    location: str | None = None  # where a redirect must lead: LOGIN or a path


@dataclass(frozen=True)
class Expect:
    """The answer for each kind of visitor; staff roles all get the same on resident pages."""

    anonymous: Answer
    owner: Answer
    other: Answer
    staff: Answer

    def for_role(self, role: str) -> Answer:
        if role == ANONYMOUS:
            return self.anonymous
        if role == OWNER:
            return self.owner
        if role == OTHER:
            return self.other
        return self.staff


OK, BAD, NOT_FOUND, NOT_ALLOWED = Answer(200), Answer(400), Answer(404), Answer(405)
TO_LOGIN = Answer(302, LOGIN)


def everyone(answer: Answer) -> Expect:
    return Expect(answer, answer, answer, answer)


def signed_in(answer: Answer, staff: Answer | None = None) -> Expect:
    """For anyone signed in, about themselves; an anonymous visitor is asked to sign in."""
    return Expect(TO_LOGIN, answer, answer, staff or answer)


def owner_only(answer: Answer, others: Answer = NOT_FOUND) -> Expect:
    """About the owner's dream: everyone else gets 404, as if it did not exist."""
    return Expect(TO_LOGIN, answer, others, others)


@dataclass(frozen=True)
class Row:
    get: Expect
    post: Expect | None = None  # the answer to an empty POST; None: not sent


EXPECTED: dict[str, Row] = {
    "home": Row(everyone(OK)),
    # An empty form shows its errors again (200): nothing was sent.
    "sign_in": Row(everyone(OK), post=everyone(OK)),
    "sign_in_sent": Row(everyone(OK)),
    # Without a token the link is not valid, for anyone.
    "sign_in_link": Row(everyone(BAD)),
    "sign_out": Row(everyone(NOT_ALLOWED), post=everyone(Answer(302, "/"))),
    "dream_create": Row(everyone(OK), post=everyone(OK)),
    "dream_check_mail": Row(everyone(OK)),
    # The typed-address lookup (issue 18): the dream form's helper, for anyone.
    "address_lookup": Row(everyone(OK), post=everyone(OK)),
    "dream_confirm": Row(owner_only(OK)),
    "dream_submitted": Row(owner_only(OK)),
    "my_dreams": Row(signed_in(OK)),
    "dream_detail": Row(owner_only(OK)),
    # POST only: the method is refused before the dream is looked at, so 405 tells nothing.
    "dream_message": Row(owner_only(NOT_ALLOWED, others=NOT_ALLOWED), post=owner_only(BAD)),
    "dream_withdraw": Row(owner_only(OK), post=owner_only(BAD)),
    "dream_photo": Row(owner_only(OK)),
    "notification_preferences": Row(signed_in(OK), post=signed_in(OK)),
    "my_data": Row(signed_in(OK)),
    "my_data_download": Row(signed_in(OK)),
    "my_data_overview": Row(signed_in(OK)),
    # Staff accounts are not erased here (the administrator does that): 403 on POST.
    "my_data_erase": Row(signed_in(OK), post=signed_in(BAD, staff=Answer(403))),
    "my_data_erased": Row(everyone(OK)),
    "privacy": Row(everyone(OK)),
    # The token in the mail is the permission: no sign-in needed, the same for everyone.
    "unsubscribe": Row(everyone(OK), post=everyone(OK)),
    # A status mail's link opens that dream for whoever has it; its own resident, signed
    # in, goes to the full page. Sending needs the token in the form: without it, 403.
    "dream_link": Row(Expect(OK, Answer(302), OK, OK)),
    "dream_link_message": Row(everyone(NOT_ALLOWED), post=everyone(Answer(403))),
    "dream_link_refused": Row(everyone(BAD)),
    # Share the dream with the neighbourhood platform, or stop (issue 16): the owner's choice;
    # with no platform in the neighbourhood the answer is a message on the dream's page.
    # Sharing the dream as a story (issue 19); the dream here is not shared: an empty form is
    # refused beside its fields (400); photos for a story not shared, and "stop sharing", go
    # back to the dream's page.
    "story_share": Row(owner_only(NOT_ALLOWED, others=NOT_ALLOWED), post=owner_only(BAD)),
    "story_photos": Row(owner_only(NOT_ALLOWED, others=NOT_ALLOWED), post=owner_only(Answer(302))),
    "story_withdraw": Row(owner_only(Answer(302)), post=owner_only(Answer(302))),
    "dream_share": Row(owner_only(NOT_ALLOWED, others=NOT_ALLOWED), post=owner_only(Answer(302))),
    # Let the partners who help read the story, or stop (issue 17): the owner's choice.
    "dream_share_partners": Row(
        owner_only(NOT_ALLOWED, others=NOT_ALLOWED), post=owner_only(Answer(302))
    ),
    "dream_links_revoke": Row(
        owner_only(NOT_ALLOWED, others=NOT_ALLOWED), post=owner_only(Answer(302))
    ),
    # Accounting for a grant (issue 16): the dream has not come true yet, so the page says
    # so and a POST changes nothing; the photos and receipts are the applicant's alone.
    "application_accountability": Row(owner_only(OK), post=owner_only(OK)),
    "accountability_file": Row(owner_only(OK)),
}


def _resident_url_names() -> list[str]:
    return [p.name for p in resident_urls.urlpatterns]


def test_every_resident_url_is_in_the_matrix():
    names = _resident_url_names()
    missing = sorted(set(names) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(names))
    assert not missing, f"resident URLs without an expectation in EXPECTED: {missing}"
    assert not stale, f"EXPECTED names URLs that residents/urls.py no longer has: {stale}"
    assert len(names) == len(set(names)), "two resident URL patterns share a name"


@pytest.fixture
def world(neighbourhood, theme, settings):
    # Every role posts from the same test address: the rate limits are tested on their own.
    settings.RATELIMIT_SIGN_IN_PER_IP = settings.RATELIMIT_DREAM_PER_IP = "1000/h"
    settings.RATELIMIT_SIGN_IN_PER_ADDRESS = "1000/h"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast staff
    owner = UserFactory(email="olga@example.nl", full_name="Olga Eigenaar")
    other = UserFactory(email="otto@example.nl", full_name="Otto Ander")
    dream = DreamFactory(
        resident=owner, neighbourhood=neighbourhood, theme=theme, title="Olga's moestuin"
    )
    unconfirmed = DreamFactory(
        resident=owner,
        neighbourhood=neighbourhood,
        theme=theme,
        status=Status.UNCONFIRMED,
        submitted_at=None,
    )
    DreamFactory(resident=other, neighbourhood=neighbourhood, theme=theme, title="Otto's bankje")
    people = {
        OWNER: owner,
        OTHER: other,
        ENABLER: StaffFactory(roles=[Role.ENABLER]),
        COMMS: StaffFactory(roles=[Role.COMMUNICATIONS]),
        MANAGER: StaffFactory(roles=[Role.MANAGER]),
        ADMIN: StaffFactory(roles=[Role.ADMINISTRATOR], is_superuser=True),
    }
    application = Application.objects.create(
        dream=dream,
        fund=FundFactory(),
        applicant=Application.Applicant.RESIDENT,
        requested=Decimal(100),
        granted=Decimal(100),
        state=Application.State.GRANTED,
        submitted_by=owner,
    )
    report = Accountability.objects.create(application=application, report="Klaar.", spent=90)
    receipt = AccountabilityFile.objects.create(
        accountability=report,
        kind=AccountabilityFile.Kind.RECEIPT,
        image=SimpleUploadedFile("bon.png", image_bytes("PNG")),
        content_type="image/png",
        width=40,
        height=30,
    )
    return {
        "application": application,
        "receipt": receipt,
        "people": people,
        "dream": dream,
        "unconfirmed": unconfirmed,
        "photo": add_photo(dream),
        "token": unsubscribe_token_make(owner),
    }


def _clients(world) -> dict[str, Client]:
    result = {ANONYMOUS: Client()}
    for role, person in world["people"].items():
        result[role] = Client()
        result[role].force_login(person)
    return result


def _url(name: str, world) -> str:
    pattern = next(p for p in resident_urls.urlpatterns if p.name == name)
    values = {
        "pk": world["dream"].pk,
        "photo_pk": world["photo"].pk,
        "token": world["token"],
        "application_pk": world["application"].pk,
    }
    if name == "accountability_file":
        values["pk"] = world["receipt"].pk
    if name == "dream_link":  # made now: an earlier row may have revoked the links
        world["dream"].refresh_from_db()
        values["token"] = dream_link_token_make(world["dream"])
    if name == "dream_confirm":
        values["pk"] = world["unconfirmed"].pk
    kwargs = {key: values[key] for key in pattern.pattern.converters}
    return reverse(f"residents:{name}", kwargs=kwargs)


def _matches(response, answer: Answer, url: str) -> bool:
    if response.status_code != answer.status:
        return False
    if answer.location is None:
        return True
    parts = urlsplit(response["Location"])
    if answer.location == LOGIN:
        return parts.path == "/inloggen/" and parse_qs(parts.query).get("next") == [url]
    return parts.path == answer.location


def _describe(response) -> str:
    location = response.get("Location")
    return f"{response.status_code}" + (f" → {location}" if location else "")


def test_resident_permission_matrix(world, capsys):
    clients = _clients(world)
    names = _resident_url_names()
    mismatches: list[str] = []
    requests = 0
    # Signing out ends the session: it goes last, so every other URL is tried signed in.
    for name in sorted(names, key=lambda n: n == "sign_out"):
        row = EXPECTED.get(name)
        if row is None:
            mismatches.append(f"{name}: no expectation (add it to EXPECTED)")
            continue
        url = _url(name, world)
        for role in ROLES:
            client = clients[role]
            checks = [("GET", client.get, row.get)]
            if row.post is not None:
                checks.append(("POST", client.post, row.post))
            for method, send, expect in checks:
                answer = expect.for_role(role)
                response = send(url)
                requests += 1
                if not _matches(response, answer, url):
                    mismatches.append(
                        f"{method} {url} ({name}) as {role}: expected {answer.status}"
                        f"{' → ' + answer.location if answer.location else ''},"
                        f" got {_describe(response)}"
                    )
    cells = len(names) * len(ROLES)
    with capsys.disabled():
        print(
            f"\nresident matrix: {len(names)} URLs × {len(ROLES)} roles = {cells} checks"  # noqa: RUF001
            f" ({requests} requests), {len(mismatches)} mismatches"
        )
    assert not mismatches, "resident matrix mismatches:\n" + "\n".join(mismatches)


def test_the_allowed_answers_show_only_ones_own_things(world):
    """The 200s of the matrix are the real pages, and never show another person's data."""
    clients = _clients(world)
    owner, other = clients[OWNER], clients[OTHER]
    assert "Olga&#x27;s moestuin" in owner.get(_url("dream_detail", world)).content.decode()
    photo = owner.get(_url("dream_photo", world))
    assert b"".join(photo.streaming_content).startswith(b"\x89PNG")

    mine = other.get("/mijn-dromen/").content.decode()
    assert "Otto&#x27;s bankje" in mine
    assert "moestuin" not in mine
    for url in ("/mijn-gegevens/download.json", "/mijn-gegevens/overzicht/"):
        content = other.get(url).content.decode()
        assert "otto@example.nl" in content
        assert "olga@example.nl" not in content
        assert "moestuin" not in content
    for role in STAFF:
        content = clients[role].get("/mijn-dromen/").content.decode()
        assert "moestuin" not in content and "bankje" not in content, role


def test_nothing_of_another_residents_dream_can_be_changed(world):
    """The refused POSTs of the matrix really changed nothing."""
    dream = world["dream"]
    clients = _clients(world)
    for role in (OTHER, *STAFF):
        client = clients[role]
        assert client.post(_url("dream_withdraw", world), {"reason": "weg"}).status_code == 404
        assert client.post(_url("dream_message", world), {"body": "hoi"}).status_code == 404
        confirm = reverse("residents:dream_confirm", args=[world["unconfirmed"].pk])
        assert client.post(confirm).status_code == 404
    dream.refresh_from_db()
    world["unconfirmed"].refresh_from_db()
    assert dream.status == Status.SUBMITTED
    assert world["unconfirmed"].status == Status.UNCONFIRMED
    assert not dream.events.filter(kind__icontains="message").exists()
