"""How many queries the dream workspace makes: pinned, so a panel that starts reading on its
own (or a form built for nothing) shows up here. tests/staff/test_views.py checks that the
number does not grow with the rows; this checks the number itself."""

import re
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives import services
from initiatives.models import Dream, OutboxMail, Verdict
from initiatives.selectors import workspace, workspace_query
from initiatives.statuses import Status
from tests.factories import add_notes
from tests.staff.conftest import add_photo, review_verdicts
from tests.staff.test_views import _workspace

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the one-query read is PostgreSQL's; elsewhere the workspace prefetches",
    ),
]


@pytest.fixture(autouse=True)
def _lists_read_the_database(settings):
    """The queries pinned here are those of a first look after a write: without the staff
    lists' cache (initiatives/list_cache.py), every request sends them."""
    settings.DATA_CACHE_SECONDS = 0


def _queries(client, url: str) -> list[str]:
    client.get(url)  # warm up: the service promises are made on first use
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def _described(queries: list[str]) -> str:
    return "\n".join(sql[:160] for sql in queries)


def _reads_the_dream_once(queries: list[str]) -> None:
    dream_reads = [sql for sql in queries if "FROM initiatives_dream d" in sql]
    assert len(dream_reads) == 1, _described(queries)
    others = [sql for sql in queries if sql not in dream_reads]
    assert not [sql for sql in others if "initiatives_timelineevent" in sql], _described(others)


def test_the_contact_person_with_every_form(client, enabler, reviewed, fund):
    """Every panel and form shown: the session, the user, their second factor and roles
    (4); the dream with everything on it, the service promises and whether it has
    applications, a plan, dilemmas, partners (1); the partner panel's organisations to
    invite, which the plan's contribution form offers too (1, issue 17); this year's funds
    for the budget panel and for the grant form (2); the MogelijkMakers to hand over to (1);
    the audit row (1). It has no applications, plan or dilemmas: their panels read nothing.
    The session is not written back: it was saved less than a minute ago
    (config/sessions.py). Before the workspace was read in one query (issue 15) it was 21."""
    services.dream_add_note(dream=reviewed, by=enabler, body="notitie")
    add_photo(reviewed)
    client.force_login(enabler)
    queries = _queries(client, _workspace(reviewed))
    _reads_the_dream_once(queries)
    assert len(queries) == EXPECTED_CONTACT, _described(queries)
    _reads_no_empty_list(queries)


def _reads_no_empty_list(queries: list[str]) -> None:
    """Only the dream's read (its EXISTS flags) touches the lists the dream has none of."""
    others = [sql for sql in queries if "FROM initiatives_dream d" not in sql]
    for table in ("application", "planneed", "contribution", "dilemma"):
        assert not [sql for sql in others if f'"initiatives_{table}"' in sql], table


def test_a_closed_dream(client, enabler, reviewed, second_enabler):
    """Read only: no forms but the internal note, so no funds, no colleagues and no partner
    panel (18 before issue 15): the session, user, second factor and roles (4), the dream
    (1), the audit row (1). Its applications (issue 16), plan and dilemmas (issue 17) are
    shown to every reader, but it has none: the flags read with the dream say so."""
    Dream.objects.filter(pk=reviewed.pk).update(status=Status.REALISED)
    client.force_login(second_enabler)
    queries = _queries(client, _workspace(reviewed))
    _reads_the_dream_once(queries)
    assert len(queries) == EXPECTED_CLOSED, _described(queries)
    _reads_no_empty_list(queries)
    assert not [sql for sql in queries if '"initiatives_organisation"' in sql]


# Issue 16 added one query to each: the dream's applications to a fund, each with its budget
# lines and its answers to the criteria, read in one (the lines and answers as JSON arrays),
# however many (test_applications_add_one_query_however_many). Issue 17 one more for each of
# the dilemmas and the plan, its needs and
# contributions read in one, the summary's "plan" line from the same read
# (test_the_plan_adds_one_query_however_big); and one to the contact's: the partner panel,
# the dream's invitations and the organisations to invite read in one, which the plan's
# contribution form offers too (test_partners_add_one_query_however_many).
# That was 13 and 9. Now the dilemmas come with the one query, as a JSON array
# (test_dilemmas_add_no_query_however_many); of the other lists most dreams have none: the
# one query says whether each has anything (workspace_query.FLAGS, EXISTS subqueries), and
# an empty one costs no query. The partner panel's query stays: its form offers the
# organisations to invite.
EXPECTED_CONTACT = 10
EXPECTED_CLOSED = 6
# Each list with something in it: one query more, however long.
WITH_ONE_LIST = EXPECTED_CONTACT + 1


def test_dilemmas_add_no_query_however_many(client, enabler, manager, reviewed, fund):
    """Dilemmas and exceptions, recorded and discussed, cost no query of their own however
    many: they come with the dream's read (workspace_query, as a JSON array)."""
    for number in range(4):
        item = services.dilemma_record(
            dream=reviewed,
            by=enabler,
            kind="exception",
            summary=f"Uitzondering {number}",
            rule=f"Regel {number}",
            why="Omdat het kan.",
        )
        if number % 2:
            services.dilemma_discuss(dilemma=item, by=manager, outcome="no_new_rule", note="Ok")
    client.force_login(enabler)
    queries = _queries(client, _workspace(reviewed))
    _reads_the_dream_once(queries)
    assert len(queries) == EXPECTED_CONTACT, _described(queries)
    assert not [sql for sql in queries if '"initiatives_dilemma"' in sql], _described(queries)
    content = client.get(_workspace(reviewed)).content.decode()
    for shown in ("Uitzondering 3", "Regel 0", "Besproken: geen nieuwe regel", "Marco Bakker"):
        assert shown in content, shown


def test_the_plan_adds_one_query_however_big(client, enabler, reviewed, fund):
    """Needs, contributions from a fund, partners and the residents, one withdrawn: the plan
    panel and the summary's line cost one query (an empty plan none); the partners its form
    offers come from the partner panel's read."""
    from initiatives.partner_models import Organisation

    partners = [
        Organisation.objects.create(
            kind="business",
            name=f"Partner {number}",
            contact_name="Kees",
            contact_email=f"kees{number}@example.nl",
            one_face=enabler,
        )
        for number in range(3)
    ]
    grant = services.grant_create(
        dream=reviewed, by=enabler, fund=fund, amount=Decimal(300), purpose="Verf"
    )
    for number in range(3):
        need = services.plan_need_add(
            dream=reviewed,
            by=enabler,
            description=f"Behoefte {number}",
            kind="money",
            amount=Decimal(1000),
        )
        services.contribution_record(
            dream=reviewed,
            by=enabler,
            source="partner",
            organisation_id=partners[number].pk,
            kind="money",
            amount=Decimal(100),
            need_id=need.pk,
        )
    services.contribution_record(dream=reviewed, by=enabler, source="fund", grant_id=grant.pk)
    withdrawn = services.contribution_record(
        dream=reviewed, by=enabler, source="residents", kind="hours", hours=Decimal(5)
    )
    services.contribution_withdraw(dream=reviewed, by=enabler, contribution_id=withdrawn.pk)
    client.force_login(enabler)
    queries = _queries(client, _workspace(reviewed))
    _reads_the_dream_once(queries)
    assert len(queries) == WITH_ONE_LIST, _described(queries)
    plan_reads = [sql for sql in queries if 'initiatives_contribution"' in sql]
    assert len(plan_reads) == 1, _described(queries)
    content = client.get(_workspace(reviewed)).content.decode()
    for shown in ("Behoefte 2", "Partner 1", "€\xa0300,00 van €\xa03.000,00", "Dromenfonds"):
        assert shown in content, shown


def test_applications_add_one_query_however_many(client, enabler, reviewed, fund):
    """Three applications, each with lines and answers, cost one query (none cost none)."""
    from initiatives.models import Application

    fund.open_for_applications = True
    fund.criteria = "Wie doen er mee?\nWat heeft de wijk eraan?"
    fund.save()
    for number in range(3):
        services.application_submit(
            resident=reviewed.resident,
            fund=fund,
            dream=reviewed,
            applicant="organisation" if number else "resident",
            organisation={
                "organisation_kind": "school",
                "organisation_name": f"Basisschool {number}",
                "kvk_number": "12345678",
                "contact_person": "Juf Ans",
                "signatory": "Meester Bas",
                "signatory_role": "directeur",
            },
            lines=[(f"Regel {n}", Decimal(10 + n)) for n in range(4)],
            answers=[f"Antwoord {number}a", f"Antwoord {number}b"],
        )
        Application.objects.update(state=Application.State.REFUSED)  # room for the next one
    client.force_login(enabler)
    queries = _queries(client, _workspace(reviewed))
    _reads_the_dream_once(queries)
    assert len(queries) == WITH_ONE_LIST, _described(queries)
    application_reads = [sql for sql in queries if "initiatives_budgetline" in sql]
    assert len(application_reads) == 1, _described(queries)
    content = client.get(_workspace(reviewed)).content.decode()
    for shown in ("Basisschool 2", "Juf Ans", "Meester Bas", "directeur", "Regel 3", "Antwoord 2b"):
        assert shown in content, shown


def test_partners_add_one_query_however_many(client, enabler, reviewed, fund):
    """Five organisations, four invited (one withdrawn, one invited anew): one query."""
    from initiatives.partner_models import Organisation

    organisations = [
        Organisation.objects.create(
            kind="school",
            name=f"School {number}",
            contact_name="Juf",
            contact_email=f"juf{number}@example.nl",
            one_face=enabler,
        )
        for number in range(5)
    ]
    invitations = [
        services.partner_invite(dream=reviewed, organisation=organisation, by=enabler)
        for organisation in organisations[:4]
    ]
    services.partner_invitation_withdraw(invitation=invitations[0].invitation, by=enabler)
    services.partner_invite(dream=reviewed, organisation=organisations[0], by=enabler)
    client.force_login(enabler)
    queries = _queries(client, _workspace(reviewed))
    assert len(queries) == EXPECTED_CONTACT, _described(queries)
    # The partner panel's one query reads the invitations and the organisations to invite
    # (for the plan's contribution form too); the flag in the dream's read is an EXISTS.
    partner_reads = [
        sql
        for sql in queries
        if "initiatives_partnerinvitation" in sql and "FROM initiatives_dream d" not in sql
    ]
    assert len(partner_reads) == 1, _described(queries)
    content = client.get(_workspace(reviewed)).content.decode()
    assert content.count("ingetrokken op") == 1
    assert content.count("actief, werkt tot") == 4
    assert "School 4 (School)" in content  # not invited yet: one of the choices


# --- the one query shows what the prefetches showed ---------------------------------------------


@pytest.mark.parametrize("suffix", ["", "?geschiedenis=alle"])
def test_the_one_query_shows_what_the_prefetches_showed(
    client, enabler, manager, reviewed, fund, monkeypatch, suffix
):
    """The workspace read in one query (PostgreSQL) and read with prefetch_related (the way
    every other database reads it) give the same page, with something in every panel."""
    dream = reviewed
    hostile = "<script>alert('x')</script> & \"meer\"\nregel"
    services.dream_send_message(dream=dream, by=enabler, body=hostile)
    OutboxMail.objects.filter(dream=dream).update(state=OutboxMail.State.FAILED)
    services.dream_log_contact(
        dream=dream, by=enabler, kind="visit", on=timezone.localdate(), summary=hostile
    )
    services.practice_update(dream=dream, by=enabler, practice="mapping", done=True, note=hostile)
    services.review_record(
        dream=dream, by=enabler, verdicts=review_verdicts(Verdict.TENSION), dilemma=hostile
    )
    services.grant_create(dream=dream, by=enabler, fund=fund, amount=Decimal("12.50"), purpose="a")
    services.grant_create(dream=dream, by=enabler, fund=fund, amount=Decimal(5000), purpose="b")
    services.decision_propose(dream=dream, by=enabler, reasons=hostile)
    item = services.dilemma_record(
        dream=dream, by=enabler, kind="exception", summary=hostile, rule="Regel", why=hostile
    )
    services.dilemma_discuss(dilemma=item, by=manager, outcome="follow_up", note=hostile)
    add_photo(dream)
    add_notes(
        dream, 55, by=enabler, first=timezone.now() - timedelta(days=3), step=timedelta(minutes=1)
    )
    client.force_login(enabler)
    url = _workspace(dream) + suffix

    def page() -> str:
        content = client.get(url).content.decode()
        # Only the request's own tokens differ: the CSRF token and the CSP nonce.
        return re.sub(
            r'(csrfmiddlewaretoken" value=|X-CSRFToken": |Nonce": )"[^"]+"', r"\1", content
        )

    one_query = page()
    monkeypatch.setattr(workspace, "connection", SimpleNamespace(vendor="another"))
    with CaptureQueriesContext(connection) as queries:
        prefetched = page()
    assert any('"initiatives_timelineevent"' in q["sql"] for q in queries.captured_queries)
    assert one_query == prefetched
    for shown in (
        "12,50",
        "5.000,00",
        "&lt;script&gt;",
        "Voorgesteld op",
        "foto",
        "notitie 54.",
        "Besproken: vervolg nodig",
        "kernwaardentoets, versie 2",  # the dilemma written in the review
    ):
        assert shown in one_query, shown
    assert "<script>alert" not in one_query


# --- the flags change what is read, not what is shown -------------------------------------------


def _without_flags(monkeypatch) -> None:
    """Read the workspace's dream without its flags: every panel reads its list as before."""
    read = workspace.read_workspace_dream

    def unflagged(**kwargs):
        dream = read(**kwargs)
        for name in workspace_query.FLAGS:
            delattr(dream, name)
        return dream

    monkeypatch.setattr(workspace, "read_workspace_dream", unflagged)


def _page(client, url: str) -> str:
    content = client.get(url).content.decode()
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": |Nonce": )"[^"]+"', r"\1", content)


@pytest.mark.parametrize("filled", [False, True])
def test_the_flags_show_the_page_the_lists_showed(
    client, enabler, manager, reviewed, fund, monkeypatch, filled
):
    """Empty (the panels' empty states) or with an application, a plan, a dilemma and a
    partner: the page read with the flags is the page read without them."""
    from initiatives.partner_models import Organisation

    school = Organisation.objects.create(
        kind="school",
        name="De Regenboog",
        contact_name="Juf",
        contact_email="juf@example.nl",
        one_face=enabler,
    )
    if filled:
        fund.open_for_applications = True
        fund.save()
        services.application_submit(
            resident=reviewed.resident,
            fund=fund,
            dream=reviewed,
            applicant="resident",
            organisation={},
            lines=[("Verf", Decimal(40))],
            answers=[],
        )
        services.plan_need_add(
            dream=reviewed, by=enabler, description="Stoelen", kind="money", amount=Decimal(80)
        )
        services.dilemma_record(
            dream=reviewed, by=enabler, kind="dilemma", summary="Twijfel", rule="", why="Hm."
        )
        services.partner_invite(dream=reviewed, organisation=school, by=enabler)
    client.force_login(enabler)
    url = _workspace(reviewed)
    flagged = _page(client, url)
    with CaptureQueriesContext(connection) as queries:
        _page(client, url)
    _without_flags(monkeypatch)
    with CaptureQueriesContext(connection) as unflagged_queries:
        unflagged = _page(client, url)
    assert flagged == unflagged
    # Without the flags the applications and the plan were read even when empty, and the
    # story panel's publication always (issue 19: this dream was never shared).
    saved = len(unflagged_queries.captured_queries) - len(queries.captured_queries)
    assert saved == (1 if filled else 3)
    shown = ("Stoelen", "Twijfel", "De Regenboog (School)", "Verf")
    if filled:
        assert all(text in flagged for text in shown), [t for t in shown if t not in flagged]
        assert "werkt tot" in flagged
    else:
        assert "De Regenboog (School)" in flagged  # the organisation to invite, in the form
        assert not any(text in flagged for text in shown[:2])
