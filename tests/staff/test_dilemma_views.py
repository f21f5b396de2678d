"""Dilemmas and exceptions on the staff side (issue 17): the workspace panel of the contact
person, and the managers' page with an outcome per item."""

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives import services
from initiatives.dilemma_models import Dilemma
from initiatives.models import EventKind, TimelineEvent, Verdict
from tests.factories import DreamFactory
from tests.staff.conftest import review_verdicts

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
PAGE = "/medewerkers/dilemmas/"


def _workspace(dream) -> str:
    return f"/medewerkers/dromen/{dream.pk}/"


def _post_record(client, dream, headers=None, **changes):
    data = {
        "dilemma-kind": "exception",
        "dilemma-summary": "Subsidie voor het buurtfeest met een bar",
        "dilemma-rule": "Geen subsidie voor alcohol",
        "dilemma-why": "De opbrengst gaat naar de voedselbank.",
        "dilemma-agreed_with": "Teamleider Joke",
    }
    data.update({f"dilemma-{key}": value for key, value in changes.items()})
    return client.post(f"/medewerkers/dromen/{dream.pk}/dilemma/", data, headers=headers or {})


def _record(dream, by, number=0, **changes):
    values = {
        "kind": Dilemma.Kind.EXCEPTION,
        "summary": f"Uitzondering {number}",
        "rule": f"Regel {number}",
        "why": f"Omdat {number}",
        "agreed_with": f"Collega {number}",
    }
    return services.dilemma_record(dream=dream, by=by, **{**values, **changes})


class TestWorkspace:
    def test_the_contact_person_records_an_exception(self, client, enabler, in_conversation):
        client.force_login(enabler)
        page = client.get(_workspace(in_conversation)).content.decode()
        assert "Uitzondering of dilemma vastleggen" in page
        assert "Nog niets vastgelegd voor deze droom." in page
        response = _post_record(client, in_conversation)
        assert response.status_code == 302
        item = Dilemma.objects.get()
        assert (item.kind, item.rule, item.recorded_by) == (
            "exception",
            "Geen subsidie voor alcohol",
            enabler,
        )
        page = client.get(_workspace(in_conversation)).content.decode()
        assert "Subsidie voor het buurtfeest met een bar" in page
        assert "Te bespreken" in page  # its outcome: still to discuss

    def test_with_htmx_the_workspace_is_swapped(self, client, enabler, in_conversation):
        client.force_login(enabler)
        response = _post_record(client, in_conversation, headers=HTMX)
        assert response.status_code == 200
        content = response.content.decode()
        assert 'id="workspace"' in content and "<html" not in content
        assert "Subsidie voor het buurtfeest met een bar" in content
        assert Dilemma.objects.count() == 1

    def test_an_exception_without_a_rule_keeps_what_was_typed(
        self, client, enabler, in_conversation
    ):
        client.force_login(enabler)
        response = _post_record(client, in_conversation, rule="")
        assert response.status_code == 400
        content = unescape(response.content.decode())
        error = content.split('id="id_dilemma-rule_error"', 1)[1][:300]
        assert "Een uitzondering wijkt af van een regel: noem de regel." in error
        assert "Subsidie voor het buurtfeest met een bar" in content
        assert "De opbrengst gaat naar de voedselbank." in content
        assert "Teamleider Joke" in content
        assert not Dilemma.objects.exists()

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("summary", "", "Zeg wat er besloten is, of waarover je twijfelt."),
            ("why", "", "Zeg waarom."),
            ("kind", "regel", "Kies een uitzondering of een dilemma."),
            ("summary", "x" * 301, "Gebruik maximaal 300 tekens (je hebt er 301 gebruikt)."),
        ],
    )
    def test_bad_input_is_said_beside_the_field(
        self, client, enabler, in_conversation, field, value, message
    ):
        client.force_login(enabler)
        response = _post_record(client, in_conversation, **{field: value})
        assert response.status_code == 400
        content = unescape(response.content.decode())
        assert message in content.split(f'id="id_dilemma-{field}', 1)[1]
        assert not Dilemma.objects.exists()

    def test_a_colleague_is_refused_and_nothing_is_lost(
        self, client, second_enabler, in_conversation
    ):
        client.force_login(second_enabler)
        page = client.get(_workspace(in_conversation)).content.decode()
        assert "Uitzondering of dilemma vastleggen" in page  # shown, not usable
        response = _post_record(client, in_conversation)
        assert response.status_code == 400
        content = unescape(response.content.decode())
        assert "Alleen de contactpersoon van deze droom" in content
        assert "Subsidie voor het buurtfeest met een bar" in content
        assert not Dilemma.objects.exists()

    def test_a_manager_reads_the_items_but_has_no_form(
        self, client, enabler, manager, in_conversation
    ):
        _record(in_conversation, enabler)
        client.force_login(manager)
        page = client.get(_workspace(in_conversation)).content.decode()
        assert "Uitzondering 0" in page and "Regel 0" in page
        assert f"/medewerkers/dromen/{in_conversation.pk}/dilemma/" not in page
        response = _post_record(client, in_conversation)
        assert response.status_code == 403

    def test_a_review_dilemma_shows_on_both_pages(self, client, enabler, manager, in_conversation):
        services.review_record(
            dream=in_conversation,
            by=enabler,
            verdicts=review_verdicts(Verdict.TENSION),
            dilemma="Mag de buurt zelf de sleutel beheren?",
            discussed_with="Wijkagent",
        )
        client.force_login(manager)
        for url in (_workspace(in_conversation), PAGE):
            page = client.get(url).content.decode()
            assert "Mag de buurt zelf de sleutel beheren?" in page, url
            assert "kernwaardentoets, versie 1" in page, url

    def test_bad_dream_is_404_and_get_is_405(self, client, enabler):
        client.force_login(enabler)
        assert client.post("/medewerkers/dromen/999999/dilemma/", {}).status_code == 404
        dream = DreamFactory()
        assert client.get(f"/medewerkers/dromen/{dream.pk}/dilemma/").status_code == 405


class TestManagersPage:
    @pytest.fixture
    def items(self, enabler, in_conversation):
        other = DreamFactory(title="Jeu-de-boulesbaan")
        services.dream_pick_up(dream=other, by=enabler)
        first = _record(in_conversation, enabler, 1)
        second = _record(
            other, enabler, 2, kind=Dilemma.Kind.DILEMMA, rule="", agreed_with="Wijkagent"
        )
        return first, second

    def test_open_items_oldest_first_with_everything_for_the_meeting(
        self, client, manager, items, in_conversation
    ):
        client.force_login(manager)
        response = client.get(PAGE)
        assert response.status_code == 200
        content = unescape(response.content.decode())
        open_part = content.split('id="open-heading"', 1)[1].split('id="discussed-heading"', 1)[0]
        assert open_part.index("Uitzondering 1") < open_part.index("Uitzondering 2")
        for shown in (
            in_conversation.title,
            f"/medewerkers/dromen/{in_conversation.pk}/",
            "Sanne de Vries",
            "Regel 1",
            "Omdat 1",
            "Collega 1",
            "Wijkagent",
            "Uitkomst opslaan",
        ):
            assert shown in open_part, shown
        assert "Nog niets besproken." in content

    def test_a_manager_records_the_outcome(self, client, manager, items):
        first, _second = items
        client.force_login(manager)
        response = client.post(
            f"{PAGE}{first.pk}/uitkomst/",
            {f"item-{first.pk}-outcome": "no_new_rule", f"item-{first.pk}-note": "Eenmalig."},
        )
        assert response.status_code == 302
        assert response["Location"].startswith(PAGE)
        first.refresh_from_db()
        assert (first.outcome, first.outcome_note, first.discussed_by) == (
            "no_new_rule",
            "Eenmalig.",
            manager,
        )
        event = TimelineEvent.objects.get(kind=EventKind.DILEMMA_DISCUSSED)
        assert not event.public
        content = client.get(PAGE).content.decode()
        discussed = content.split('id="discussed-heading"', 1)[1]
        assert "Uitzondering 1" in discussed and "Eenmalig." in discussed
        assert "Besproken: geen nieuwe regel" in discussed

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            ({"note": "Iets"}, "outcome", "Kies de uitkomst: geen nieuwe regel, of vervolg."),
            ({"outcome": "open"}, "outcome", "Kies de uitkomst: geen nieuwe regel, of vervolg."),
            ({"outcome": "follow_up", "note": " "}, "note", "Een vervolg heeft een notitie nodig"),
        ],
    )
    def test_bad_input_is_said_beside_the_field(self, client, manager, items, data, field, message):
        first, _second = items
        client.force_login(manager)
        response = client.post(
            f"{PAGE}{first.pk}/uitkomst/",
            {f"item-{first.pk}-{key}": value for key, value in data.items()},
        )
        assert response.status_code == 400
        content = unescape(response.content.decode())
        assert message in content.split(f'id="id_item-{first.pk}-{field}', 1)[1]
        if data.get("note", "").strip():
            assert data["note"] in content
        first.refresh_from_db()
        assert first.outcome == "open"

    def test_a_mogelijkmaker_reads_but_cannot_decide(self, client, enabler, items):
        first, _second = items
        client.force_login(enabler)
        content = client.get(PAGE).content.decode()
        assert "Uitzondering 1" in content and "Uitkomst opslaan" not in content
        response = client.post(
            f"{PAGE}{first.pk}/uitkomst/", {f"item-{first.pk}-outcome": "no_new_rule"}
        )
        assert response.status_code == 403
        first.refresh_from_db()
        assert first.outcome == "open"

    def test_bad_id_is_404_and_get_is_405(self, client, manager, items):
        client.force_login(manager)
        assert client.post(f"{PAGE}999999/uitkomst/", {}).status_code == 404
        assert client.get(f"{PAGE}{items[0].pk}/uitkomst/").status_code == 405

    def test_the_page_costs_the_same_queries_with_few_and_many(
        self, client, manager, enabler, items, in_conversation
    ):
        client.force_login(manager)
        client.get(PAGE)  # warm up the session

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(PAGE).status_code == 200
            return len(captured.captured_queries)

        few = queries()
        for number in range(3, 15):
            item = _record(in_conversation, enabler, number)
            if number % 2:
                services.dilemma_discuss(dilemma=item, by=manager, outcome="no_new_rule")
        many = queries()
        assert few == many == EXPECTED_PAGE_QUERIES


# The session, the user, their second factor and roles (4); the open items and the items
# discussed recently, each with its dream and people (2).
EXPECTED_PAGE_QUERIES = 6
