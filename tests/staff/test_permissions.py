"""Who may open which staff page: every staff URL, for every role, with the expected answer.

The expectations are written out below, on purpose not read from staff.permissions.ACCESS:
a change to ACCESS, to a view's area or to staff/urls.py shows up here as a mismatch.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from initiatives import services
from initiatives.models import Accountability, Application
from initiatives.partner_models import Organisation
from initiatives.platform_models import Platform
from staff import urls as staff_urls
from tests.assembly_panel_world import make_assembly as make_panel_assembly
from tests.factories import AssemblyLifeFactory, NeighbourhoodFactory, PanelMemberFactory
from tests.neighbourhoods.decision_world import make_application
from tests.staff.assembly_world import drawn_assembly, make_assembly
from tests.staff.conftest import add_photo, make_staff, review_verdicts

pytestmark = pytest.mark.django_db

ANONYMOUS, RESIDENT, ROLELESS = "anonymous", "resident", "roleless staff"
ENABLER, COMMS, MANAGER, ADMIN = "MogelijkMaker", "communications", "manager", "administrator"
ROLES = (ANONYMOUS, RESIDENT, ROLELESS, ENABLER, COMMS, MANAGER, ADMIN)

TRIAGE = "/medewerkers/nieuwe-dromen/"
DREAM_LIST = "/medewerkers/dromen/"
APPROVALS = "/medewerkers/goedkeuringen/"
PAYMENTS = "/medewerkers/betalingen/"
WORKSPACE = "workspace"  # stands for /medewerkers/dromen/<the dream>/
EXPORT_PAGE = "export page"  # stands for /medewerkers/exports/<a new export>/
SAME_PAGE = "the same page"  # a redirect back to the URL itself


@dataclass(frozen=True)
class Answer:
    status: int
    location: str | None = None  # where a redirect must lead (a path prefix)


@dataclass(frozen=True)
class Expect:
    roles: frozenset[str]  # who may use the URL; the administrator always may
    get: Answer = Answer(200)  # the answer to GET for someone who may
    post: Answer | None = None  # the answer to an empty POST for someone who may; None: no POST
    # One face: only the dream's contact (ENABLER in the world below) may do it; anyone else
    # the role allows gets the workspace again with the refusal (400).
    contact_only: bool = False
    # An export is its maker's alone (ENABLER's in the world below): anyone else the role
    # allows gets 404, as if it did not exist.
    owner_only: bool = False


def _may(
    *roles: str,
    get: Answer = Answer(200),
    post: Answer | None = None,
    contact_only=False,
    owner_only=False,
) -> Expect:
    return Expect(frozenset({*roles, ADMIN}), get, post, contact_only, owner_only)


NOT_ALLOWED = Answer(405)  # GET on an endpoint that only takes POST
INVALID = Answer(400)  # an empty form: the page again, with the errors
BACK_TO_WORKSPACE = Answer(302, WORKSPACE)

EXPECTED: dict[str, Expect] = {
    # Every role's start page: what waits for them (issue 14). A role-less account has none.
    "start": _may(ENABLER, COMMS, MANAGER),
    # How I hear of waiting work; an empty choice gets the page again with the error.
    "preferences": _may(ENABLER, COMMS, MANAGER, post=INVALID),
    "triage": _may(ENABLER, MANAGER),
    "dream_list": _may(ENABLER, COMMS, MANAGER),
    # Reached from the list; what may be done with the selection is checked inside the view.
    "dream_bulk": _may(ENABLER, COMMS, MANAGER, get=NOT_ALLOWED, post=Answer(302, DREAM_LIST)),
    # Everything that matches the list's filters, as CSV: asked for, then made by a worker;
    # its page and its file are for the person who asked only.
    "dream_export": _may(ENABLER, MANAGER, get=NOT_ALLOWED, post=Answer(302, EXPORT_PAGE)),
    "export_status": _may(ENABLER, MANAGER, owner_only=True),
    "export_download": _may(ENABLER, MANAGER, owner_only=True),
    "dream_workspace": _may(ENABLER, COMMS, MANAGER),
    # The dream is already picked up: the answer is "someone has it", back to the triage.
    "pick_up": _may(ENABLER, get=NOT_ALLOWED, post=Answer(302, TRIAGE)),
    "dream_photo": _may(ENABLER, COMMS, MANAGER),
    "dream_message": _may(ENABLER, get=NOT_ALLOWED, post=INVALID),
    "dream_note": _may(ENABLER, COMMS, MANAGER, get=NOT_ALLOWED, post=INVALID),
    "dream_contact": _may(ENABLER, get=NOT_ALLOWED, post=INVALID),
    # Every field of a working practice is optional: an empty POST saves "not done yet".
    "dream_practice": _may(ENABLER, get=NOT_ALLOWED, post=BACK_TO_WORKSPACE, contact_only=True),
    "dream_review": _may(ENABLER, get=NOT_ALLOWED, post=INVALID),
    "dream_grant": _may(ENABLER, get=NOT_ALLOWED, post=INVALID),
    "dream_move": _may(ENABLER, get=NOT_ALLOWED, post=INVALID),
    "dream_propose_not_possible": _may(ENABLER, get=NOT_ALLOWED, post=INVALID),
    "dream_hand_over": _may(ENABLER, MANAGER, get=NOT_ALLOWED, post=INVALID),
    # The dream's plan (issue 17): an empty need or contribution is refused with its errors;
    # a need or contribution that is not the dream's is 404, to whoever asks.
    "dream_plan_need": _may(ENABLER, get=NOT_ALLOWED, post=INVALID),
    "dream_plan_need_change": _may(ENABLER, get=NOT_ALLOWED, post=Answer(404)),
    "dream_plan_need_remove": _may(ENABLER, get=NOT_ALLOWED, post=Answer(404)),
    "dream_contribution": _may(ENABLER, get=NOT_ALLOWED, post=INVALID),
    "dream_contribution_withdraw": _may(ENABLER, get=NOT_ALLOWED, post=Answer(404)),
    "decisions": _may(COMMS),
    "decision_sign": _may(COMMS, post=INVALID),
    "approvals": _may(MANAGER),
    # No choice made: back to the list of grants with a message.
    "approval_decide": _may(MANAGER, get=NOT_ALLOWED, post=Answer(302, APPROVALS)),
    "workload": _may(ENABLER, MANAGER),
    # The weekly report: last week's; without a snapshot yet the page says it is being
    # prepared, and the files lead there until its task has built it.
    "report": _may(MANAGER),
    "report_csv": _may(MANAGER, get=Answer(302, "/medewerkers/rapportage/")),
    "report_pdf": _may(MANAGER, get=Answer(302, "/medewerkers/rapportage/")),
    # The money afterwards (issue 16): granted money marked paid (the world's grant still
    # waits for approval: said, and back to the list), reports on it; a file that does not
    # exist is 404 for whoever may look.
    "payments": _may(ENABLER, MANAGER),
    "grant_paid": _may(ENABLER, MANAGER, get=NOT_ALLOWED, post=Answer(302, PAYMENTS)),
    "accountabilities": _may(ENABLER, MANAGER),
    "accountability": _may(ENABLER, MANAGER, post=INVALID),
    "accountability_file": _may(ENABLER, MANAGER, get=Answer(404)),
    # Per fund and neighbourhood: budget, granted, waiting, balance, time to decide (issue 16).
    "funds": _may(MANAGER),
    # Invite residents to a neighbourhood platform (issue 16): an empty form is refused with
    # its errors; withdrawing an open invitation leads back to the page.
    "platforms": _may(ENABLER, MANAGER, post=INVALID),
    "platform_invitation_withdraw": _may(
        ENABLER, MANAGER, get=NOT_ALLOWED, post=Answer(302, "/medewerkers/wijkplatforms/")
    ),
    # Applications to a fund (issue 16): the MogelijkMaker decides, managers read. Which
    # MogelijkMaker, and the platform's roles: tests/neighbourhoods/test_decision_permissions.py.
    "application_list": _may(ENABLER, MANAGER),
    "application_detail": _may(ENABLER, MANAGER),
    "application_decide": _may(ENABLER, get=NOT_ALLOWED, post=INVALID),
    "application_frame_check": _may(ENABLER, get=NOT_ALLOWED, post=INVALID),
    # Dilemmas and exceptions (issue 17): the contact person records one in the workspace (an
    # empty form: its errors); managers note an outcome per item, MogelijkMakers read along.
    "dream_dilemma": _may(ENABLER, get=NOT_ALLOWED, post=INVALID),
    "dilemmas": _may(ENABLER, MANAGER),
    "dilemma_discuss": _may(MANAGER, get=NOT_ALLOWED, post=INVALID),
    # The question behind the question (issue 17): an empty form is refused with its errors.
    "dream_situation": _may(ENABLER, get=NOT_ALLOWED, post=INVALID),
    # The paspoort (issue 17): every staff role reads it, only the administrator edits it;
    # an empty form gets the page again with its errors, removing leads back to the list.
    "paspoort": _may(ENABLER, COMMS, MANAGER),
    "paspoort_edit": _may(post=INVALID),
    "paspoort_part_edit": _may(post=INVALID),
    "paspoort_part_remove": _may(
        get=NOT_ALLOWED, post=Answer(302, "/medewerkers/paspoort/bewerken/")
    ),
    # Partner organisations (issue 17): MogelijkMakers and managers keep them; an empty form
    # is refused with its errors; an organisation that does not exist is 404.
    "partners": _may(ENABLER, MANAGER),
    "partner_add": _may(ENABLER, MANAGER, post=INVALID),
    "partner_edit": _may(ENABLER, MANAGER, post=INVALID),
    # Inviting a partner to the dream, and withdrawing it: the dream's contact's work. An
    # empty invitation is refused; the withdrawal needs nothing filled in.
    "dream_partner_invite": _may(ENABLER, get=NOT_ALLOWED, post=INVALID),
    # A story's photos (issue 19): the service decides who may (the contact person, a
    # manager, communications) and only with the resident's consent; this dream is not
    # shared, so the page comes back with the refusal.
    "dream_story_photos": _may(ENABLER, COMMS, MANAGER, get=NOT_ALLOWED, post=INVALID),
    # Taking a shared story offline (issue 19): a manager or communications, with a reason;
    # an empty one is refused with its error.
    "dream_story_take_down": _may(COMMS, MANAGER, get=NOT_ALLOWED, post=INVALID),
    "dream_partner_withdraw": _may(
        ENABLER, get=NOT_ALLOWED, post=BACK_TO_WORKSPACE, contact_only=True
    ),
    # A citizens' assembly's life (issue 18): MogelijkMakers and managers record its meetings
    # and outcomes (an empty form: its errors), make an outcome a dream, look at the pool
    # (audit-logged) and end it (back to the same page, which says it has ended).
    "assembly_meetings": _may(ENABLER, MANAGER, post=INVALID),
    "assembly_meeting_edit": _may(ENABLER, MANAGER, post=INVALID),
    "assembly_outcomes": _may(ENABLER, MANAGER, post=INVALID),
    "assembly_outcome_edit": _may(ENABLER, MANAGER, post=INVALID),
    "assembly_outcome_dream": _may(ENABLER, MANAGER, post=INVALID),
    "assembly_pool": _may(ENABLER, MANAGER),
    "assembly_end": _may(ENABLER, MANAGER, post=Answer(302, SAME_PAGE)),
    # A citizens' assembly by lot (issue 18): MogelijkMakers and managers prepare it and run
    # its invitation lottery. An empty form is refused with its errors; the world's assembly
    # being prepared has its draw announced (so it can be performed), another has none and
    # no households (announcing it is refused), a third has its letters drawn.
    "assemblies": _may(ENABLER, MANAGER),
    "assembly_add": _may(ENABLER, MANAGER, post=INVALID),
    "assembly": _may(ENABLER, MANAGER),
    "assembly_edit": _may(ENABLER, MANAGER, post=INVALID),
    "assembly_feature_add": _may(ENABLER, MANAGER, post=INVALID),
    "assembly_feature_edit": _may(ENABLER, MANAGER, post=INVALID),
    "assembly_feature_remove": _may(ENABLER, MANAGER, get=NOT_ALLOWED, post=Answer(404)),
    "assembly_draw_announce": _may(ENABLER, MANAGER, post=INVALID),
    "assembly_draw": _may(ENABLER, MANAGER),
    "assembly_draw_perform": _may(ENABLER, MANAGER, post=INVALID),
    "assembly_letters": _may(ENABLER, MANAGER),
    # The panel of a citizens' assembly (issue 18): MogelijkMakers and managers. The world's
    # assembly has nobody registered: empty quotas are refused with their errors, there is no
    # pool to announce a draw for, no draw to perform, no seat to fill, nobody to decline.
    "assembly_quotas": _may(ENABLER, MANAGER, post=INVALID),
    "assembly_panel": _may(ENABLER, MANAGER),
    "assembly_panel_announce": _may(ENABLER, MANAGER, get=NOT_ALLOWED, post=INVALID),
    "assembly_panel_perform": _may(ENABLER, MANAGER, get=NOT_ALLOWED, post=INVALID),
    "assembly_panel_decline": _may(ENABLER, MANAGER, get=NOT_ALLOWED, post=Answer(404)),
    "assembly_panel_replacement_announce": _may(ENABLER, MANAGER, get=NOT_ALLOWED, post=INVALID),
    "assembly_panel_replacement_perform": _may(ENABLER, MANAGER, get=NOT_ALLOWED, post=INVALID),
    "assembly_panel_restart": _may(ENABLER, MANAGER, get=NOT_ALLOWED, post=INVALID),
}

# Steps of signing in, open to everyone or to every signed-in staff member whatever their
# role: tested in test_views.py and test_two_factor.py.
NOT_IN_THE_MATRIX = {"login", "logout", "two_factor", "two_factor_setup"}


def _staff_url_names() -> list[str]:
    return [p.name for p in staff_urls.urlpatterns if p.name not in NOT_IN_THE_MATRIX]


def test_every_staff_url_is_in_the_matrix():
    names = _staff_url_names()
    missing = sorted(set(names) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(names))
    assert not missing, f"staff URLs without an expectation in EXPECTED: {missing}"
    assert not stale, f"EXPECTED names URLs that staff/urls.py no longer has: {stale}"
    assert len(names) == len(set(names)), "two staff URL patterns share a name"


@pytest.fixture
def world(resident, picked_up, enabler, fund, administrator):
    """One dream with a photo, a review, a proposed decision, a grant awaiting approval, and
    the MogelijkMaker's finished export, an open invitation to a neighbourhood platform."""
    services.review_record(
        dream=picked_up,
        by=enabler,
        verdicts=review_verdicts(),
    )
    decision = services.decision_propose(dream=picked_up, by=enabler, reasons="Geen plek.")
    grant = services.grant_create(
        dream=picked_up, by=enabler, fund=fund, amount=Decimal(3000), purpose="Bankjes"
    )
    photo = add_photo(picked_up)
    application = make_application(picked_up, fund)
    export = services.export_request(by=enabler, query_string="", filters={})
    services.export_build(export_id=export.pk)  # as the worker does after the commit
    application = Application.objects.create(
        dream=picked_up,
        fund=fund,
        applicant=Application.Applicant.RESIDENT,
        requested=Decimal(100),
        granted=Decimal(100),
        state=Application.State.GRANTED,
        submitted_by=resident,
    )
    report = Accountability.objects.create(application=application, report="Klaar.", spent=90)
    platform = Platform.objects.create(
        neighbourhood=picked_up.neighbourhood, name="Wijkplatform", slug="wijkplatform"
    )
    invitation = services.platform_invite(
        platform=platform, email="buur@example.nl", by=enabler
    ).invitation
    dilemma = services.dilemma_record(
        dream=picked_up, by=enabler, kind="dilemma", summary="Spreekt hij voor de straat?", why="?"
    )
    part = services.paspoort_part_add(by=administrator, title="Eén gezicht", text="Eén contact.")
    organisation = Organisation.objects.create(
        kind=Organisation.Kind.HOUSING,
        name="Woonstichting Heusden Thuis",
        contact_name="Ellen Bosch",
        contact_email="e.bosch@heusdenthuis.example",
        one_face=enabler,
    )
    partner = services.partner_invite(dream=picked_up, organisation=organisation, by=enabler)
    assembly = AssemblyLifeFactory(created_by=enabler)
    member = PanelMemberFactory(assembly=assembly)
    meeting = services.assembly_meeting_save(
        by=enabler, assembly=assembly, starts_at=picked_up.submitted_at, place="Het Anker"
    )
    outcome = services.assembly_outcome_save(
        by=enabler,
        assembly=assembly,
        title="Pluktuin",
        description="Bomen.",
        participants=[member.pk],
    )
    announced = make_assembly(enabler, slug="aangekondigd")
    services.invitation_draw_announce(by=enabler, assembly=announced)
    unannounced = make_assembly(
        enabler, slug="nog-niet", households=0, neighbourhood=NeighbourhoodFactory(name="Elshout")
    )
    drawn, _draw = drawn_assembly(enabler, slug="geloot", neighbourhood=NeighbourhoodFactory())
    return {
        "assembly": assembly,
        "assembly_meeting": meeting,
        "assembly_outcome": outcome,
        "assembly_announced": announced,
        "assembly_unannounced": unannounced,
        "assembly_drawn": drawn,
        "assembly_panel": make_panel_assembly(enabler),
        "dilemma": dilemma,
        "paspoort_part": part,
        "organisation": organisation,
        "partner_invitation": partner.invitation,
        "accountability": report,
        "dream": picked_up,
        "photo": photo,
        "decision": decision,
        "grant": grant,
        "export": export,
        "invitation": invitation,
        "application": application,
    }


@pytest.fixture
def clients(resident, roleless_staff, enabler, comms, manager, administrator):
    people = {
        RESIDENT: resident,
        ROLELESS: roleless_staff,
        ENABLER: enabler,
        COMMS: comms,
        MANAGER: manager,
        ADMIN: administrator,
    }
    result = {ANONYMOUS: Client()}
    for role, person in people.items():
        result[role] = Client()
        result[role].force_login(person)
    return result


def _url(name: str, world) -> str:
    pattern = next(p for p in staff_urls.urlpatterns if p.name == name)
    values = {
        "pk": world["dream"].pk,
        "photo_pk": world["photo"].pk,
        "practice": "mapping",
        "key": world["paspoort_part"].key,
        "need_pk": 999_999,  # not the dream's: 404
        "contribution_pk": 999_999,
    }
    if name == "decision_sign":
        values["pk"] = world["decision"].pk
    if name == "approval_decide":
        values["pk"] = world["grant"].pk
    if name == "platform_invitation_withdraw":
        values["pk"] = world["invitation"].pk
    if name.startswith("application_") and name != "application_list":
        values["pk"] = world["application"].pk
    if name in ("export_status", "export_download"):
        values["pk"] = world["export"].pk
    if name == "grant_paid":
        values["pk"] = world["grant"].pk
    if name == "dilemma_discuss":
        values["pk"] = world["dilemma"].pk
    if name == "accountability":
        values["pk"] = world["accountability"].pk
    if name == "accountability_file":
        values["pk"] = 999_999
    if name == "partner_edit":
        values["pk"] = world["organisation"].pk
    values["invitation_pk"] = world["partner_invitation"].pk
    if name.startswith("assembly_"):
        values["pk"] = world["assembly"].pk
    values["meeting_pk"] = world["assembly_meeting"].pk
    values["outcome_pk"] = world["assembly_outcome"].pk
    if name.startswith("assembly_draw") or name == "assembly_letters" or name == "assembly":
        values["pk"] = world["assembly_drawn"].pk
    if name.startswith(("assembly_edit", "assembly_feature", "assembly_draw_perform")):
        values["pk"] = world["assembly_announced"].pk
        values["feature_pk"] = world["assembly_announced"].features.first().pk
    if name == "assembly_draw_announce":
        values["pk"] = world["assembly_unannounced"].pk
    if name == "assembly_feature_remove":
        values["feature_pk"] = 999_999  # not the assembly's: 404
    if name.startswith(("assembly_quotas", "assembly_panel")):
        values["pk"] = world["assembly_panel"].pk
        values["participant_pk"] = 999_999  # not the assembly's: 404
    kwargs = {key: values[key] for key in pattern.pattern.converters}
    return reverse(f"staff:{name}", kwargs=kwargs)


def _expected(role: str, expect: Answer | None, url: str, allowed: set[str]) -> Answer:
    if role == ANONYMOUS:
        return Answer(302, "login")
    if role == RESIDENT:
        return Answer(404)  # a resident does not learn that the staff side exists
    if role not in allowed:
        return Answer(403)
    assert expect is not None
    return expect


def _describe(response) -> str:
    location = response.get("Location")
    return f"{response.status_code}" + (f" → {location}" if location else "")


def _matches(response, answer: Answer, url: str, workspace: str) -> bool:
    if response.status_code != answer.status:
        return False
    if answer.location is None:
        return True
    location = response["Location"]
    if answer.location == "login":
        parts = urlsplit(location)
        return parts.path == "/medewerkers/inloggen/" and parse_qs(parts.query).get("next") == [url]
    if answer.location == SAME_PAGE:
        return urlsplit(location).path == url
    if answer.location == EXPORT_PAGE:
        return re.fullmatch(r"/medewerkers/exports/\d+/", urlsplit(location).path) is not None
    target = workspace if answer.location == WORKSPACE else answer.location
    return urlsplit(location).path == target


def test_permission_matrix(world, clients, capsys):
    workspace = reverse("staff:dream_workspace", args=[world["dream"].pk])
    names = _staff_url_names()
    mismatches: list[str] = []
    requests = 0
    for name in names:
        expect = EXPECTED.get(name)
        if expect is None:
            mismatches.append(f"{name}: no expectation (add it to EXPECTED)")
            continue
        url = _url(name, world)
        for role in ROLES:
            client = clients[role]
            checks = [("GET", client.get, expect.get)]
            if expect.post is not None:
                checks.append(("POST", client.post, expect.post))
            for method, send, allowed_answer in checks:
                answer = _expected(role, allowed_answer, url, expect.roles)
                if expect.contact_only and method == "POST" and answer == allowed_answer:
                    answer = allowed_answer if role == ENABLER else INVALID
                if expect.owner_only and answer == allowed_answer and role != ENABLER:
                    answer = Answer(404)
                response = send(url)
                requests += 1
                if not _matches(response, answer, url, workspace):
                    mismatches.append(
                        f"{method} {url} ({name}) as {role}: expected {answer.status}"
                        f"{' → ' + answer.location if answer.location else ''},"
                        f" got {_describe(response)}"
                    )
    cells = len(names) * len(ROLES)
    with capsys.disabled():
        print(
            f"\npermission matrix: {len(names)} URLs × {len(ROLES)} roles = {cells} checks"  # noqa: RUF001
            f" ({requests} requests), {len(mismatches)} mismatches"
        )
    assert not mismatches, "permission matrix mismatches:\n" + "\n".join(mismatches)


def test_allowed_pages_really_show_their_content(world, clients):
    """The 200s of the matrix are the real pages, not an error page with status 200."""
    dream = world["dream"]
    for role in (ENABLER, COMMS, MANAGER, ADMIN):
        content = clients[role].get(f"/medewerkers/dromen/{dream.pk}/").content.decode()
        assert dream.title in content, role
    photo = clients[COMMS].get(_url("dream_photo", world))
    assert photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content).startswith(b"\x89PNG")
    assert "Geen plek." in clients[COMMS].get(_url("decision_sign", world)).content.decode()
    assert "Bankjes" in clients[MANAGER].get(APPROVALS).content.decode()
    assert "Sanne de Vries" in clients[MANAGER].get("/medewerkers/werkvoorraad/").content.decode()
    assert "Keek op de week" in clients[MANAGER].get("/medewerkers/rapportage/").content.decode()


# The menu offers only what works: each link shows exactly when the role may open it.
MENU = {
    "/medewerkers/": {ENABLER, COMMS, MANAGER, ADMIN},
    "/medewerkers/nieuwe-dromen/": {ENABLER, MANAGER, ADMIN},
    "/medewerkers/dromen/": {ENABLER, COMMS, MANAGER, ADMIN},
    "/medewerkers/besluiten/": {COMMS, ADMIN},
    "/medewerkers/goedkeuringen/": {MANAGER, ADMIN},
    "/medewerkers/aanvragen/": {ENABLER, MANAGER, ADMIN},
    "/medewerkers/werkvoorraad/": {ENABLER, MANAGER, ADMIN},
    "/medewerkers/rapportage/": {MANAGER, ADMIN},
    "/medewerkers/dilemmas/": {ENABLER, MANAGER, ADMIN},
    "/medewerkers/fondsen/": {MANAGER, ADMIN},
    "/medewerkers/betalingen/": {ENABLER, MANAGER, ADMIN},
    "/medewerkers/verantwoording/": {ENABLER, MANAGER, ADMIN},
    "/medewerkers/wijkplatforms/": {ENABLER, MANAGER, ADMIN},
    "/medewerkers/burgerberaad/": {ENABLER, MANAGER, ADMIN},
}


@pytest.mark.parametrize("role", [ENABLER, COMMS, MANAGER, ADMIN])
def test_the_menu_offers_only_pages_the_role_may_open(world, clients, role):
    content = clients[role].get(_url("dream_workspace", world)).content.decode()
    nav = content.split("<nav", 1)[1].split("</nav>", 1)[0]
    for href, roles in MENU.items():
        assert (f'href="{href}"' in nav) == (role in roles), (role, href)


class TestDjangoAdmin:
    """/beheer/ is for the functional administrator only."""

    def test_the_administrator_sees_the_admin(self, client, administrator):
        client.force_login(administrator)
        response = client.get("/beheer/")
        assert response.status_code == 200
        content = response.content.decode()
        assert "/beheer/initiatives/dream/" in content
        assert "/beheer/accounts/user/" in content

    def test_a_mogelijkmaker_cannot_see_the_admin_index(self, client, enabler):
        client.force_login(enabler)
        response = client.get("/beheer/")
        assert response.status_code in (200, 302, 403)
        content = response.content.decode()
        assert "/beheer/initiatives/" not in content
        assert "/beheer/accounts/" not in content
        assert client.get("/beheer/accounts/user/").status_code in (302, 403)
        assert client.get("/beheer/initiatives/dream/").status_code in (302, 403)

    def test_a_resident_is_sent_to_the_admin_login(self, client, resident):
        client.force_login(resident)
        response = client.get("/beheer/")
        assert response.status_code == 302
        parts = urlsplit(response["Location"])
        assert parts.path == "/beheer/login/"
        assert parse_qs(parts.query)["next"] == ["/beheer/"]


def test_group_names_are_the_users_groups(db):
    """staff.permissions.group_names (one query composed once) reads what user.groups does."""
    from staff.permissions import group_names

    nobody = make_staff(None)
    one = make_staff("MogelijkMaker")
    two = make_staff("Manager")
    two.groups.add(Group.objects.get(name="Communicatieadviseur"))
    for user in (nobody, one, two):
        assert group_names(user.pk) == {group.name for group in user.groups.all()}
    assert len(group_names(two.pk)) == 2 and group_names(nobody.pk) == set()


def test_the_menus_areas_say_what_can_says_for_every_role(db, resident):
    """staff.permissions.areas_of (the menu's one read of the roles) answers as can() does."""
    from staff.permissions import ACCESS, areas_of, can

    two = make_staff("Manager")
    two.groups.add(Group.objects.get(name="Communicatieadviseur"))
    inactive = make_staff("MogelijkMaker")
    inactive.is_active = False
    inactive.save()
    admin = make_staff(None)
    admin.is_superuser = True
    admin.save()
    people = [resident, make_staff(None), make_staff("MogelijkMaker"), two, inactive, admin]
    for user in people:
        fresh = type(user).objects.get(pk=user.pk)  # no roles read yet
        assert areas_of(fresh) == {area: can(fresh, area) for area in ACCESS}, user
    assert areas_of(admin) == dict.fromkeys(ACCESS, True)
    assert not any(areas_of(inactive).values()) and not any(areas_of(resident).values())
    assert areas_of(people[2])["dream_work"] and not areas_of(people[2])["approvals"]
