"""The staff side of partners (issue 17): the organisations' pages, the workspace's partner
panel (invite, invite again, withdraw), and who did it on the timelines."""

from types import SimpleNamespace

import pytest
from django.db import connection

from initiatives import services
from initiatives.models import EventKind, OutboxMail, TimelineEvent
from initiatives.partner_models import Organisation, PartnerInvitation
from initiatives.selectors import workspace
from tests.factories import DreamFactory
from tests.partners.conftest import make_organisation

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
LIST = "/medewerkers/partners/"
ADD = "/medewerkers/partners/nieuw/"


def _page(response) -> str:
    return response.content.decode()


def _organisation_post(enabler, **changes) -> dict:
    return {
        "kind": "business",
        "name": "Bouwmarkt Van Dijk",
        "contact_name": "Karin van Dijk",
        "contact_email": "karin@bouwmarktvandijk.example",
        "contact_phone": "0416 12 34 56",
        "one_face": enabler.pk,
        "notes": "Materialen tegen inkoopprijs.",
        "active": "on",
        **changes,
    }


class TestOrganisationPages:
    def test_the_list_and_the_menu(self, client, enabler, comms):
        make_organisation(enabler)
        client.force_login(enabler)
        page = _page(client.get(LIST))
        assert "Woonstichting Heusden Thuis" in page and "Woningcorporatie" in page
        assert "Ellen Bosch" in page and "Sanne de Vries" in page
        assert f'href="{LIST}" aria-current="page"' in page
        client.force_login(comms)
        assert f'href="{LIST}"' not in _page(client.get("/medewerkers/"))

    def test_adding_one(self, client, enabler):
        client.force_login(enabler)
        response = client.post(ADD, _organisation_post(enabler, name="  Bouwmarkt   Van Dijk "))
        assert (response.status_code, response["Location"]) == (302, LIST)
        organisation = Organisation.objects.get()
        assert (organisation.name, organisation.kind, organisation.one_face_id) == (
            "Bouwmarkt Van Dijk",
            "business",
            enabler.pk,
        )
        assert "“Bouwmarkt Van Dijk” is opgeslagen." in _page(client.get(LIST))

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"name": ""}, "Vul de naam van de organisatie in."),
            ({"name": "woonstichting heusden thuis"}, "Er is al een partnerorganisatie met deze"),
            ({"contact_email": "geen-adres"}, "Vul een geldig e-mailadres in"),
            ({"kind": "kerk"}, "Kies de soort organisatie."),
            ({"one_face": "999999"}, "Kies de medewerker die hun vaste gezicht is."),
            ({"one_face": "abc"}, "Kies de medewerker die hun vaste gezicht is."),
            ({"contact_phone": "0" * 31}, "Gebruik maximaal 30 tekens"),
            ({"notes": "x" * 2001}, "Gebruik maximaal 2000 tekens"),
        ],
    )
    def test_bad_input_is_refused_with_everything_kept(self, client, enabler, changes, message):
        make_organisation(enabler)
        client.force_login(enabler)
        response = client.post(ADD, _organisation_post(enabler, **changes))
        assert response.status_code == 400
        page = _page(response)
        assert message in page
        assert "Karin van Dijk" in page  # nothing typed is lost
        assert Organisation.objects.count() == 1

    def test_changing_and_deactivating_one(self, client, enabler):
        organisation = make_organisation(enabler)
        client.force_login(enabler)
        url = f"{LIST}{organisation.pk}/"
        assert "Ellen Bosch" in _page(client.get(url))
        data = _organisation_post(enabler, name=organisation.name, contact_name="Joris Bos")
        del data["active"]
        assert client.post(url, data).status_code == 302
        organisation.refresh_from_db()
        assert (organisation.contact_name, organisation.active) == ("Joris Bos", False)
        assert client.get(f"{LIST}999999/").status_code == 404


@pytest.fixture
def organisation(enabler):
    return make_organisation(enabler)


def _invite_url(dream) -> str:
    return f"/medewerkers/dromen/{dream.pk}/partners/"


class TestWorkspacePanel:
    def test_the_contact_invites_from_the_workspace(
        self, client, enabler, in_conversation, organisation
    ):
        client.force_login(enabler)
        page = _page(client.get(f"/medewerkers/dromen/{in_conversation.pk}/"))
        assert "Er is nog geen partner uitgenodigd voor deze droom." in page
        assert "Woonstichting Heusden Thuis (Woningcorporatie)" in page
        response = client.post(
            _invite_url(in_conversation),
            {
                "partner-organisation": organisation.pk,
                "partner-role": "helper",
                "partner-message": "Kunnen jullie helpen?",
            },
        )
        assert response.status_code == 302
        invitation = PartnerInvitation.objects.get()
        assert invitation.message == "Kunnen jullie helpen?"
        mail = OutboxMail.objects.get(to_email=organisation.contact_email)
        assert "/partner/" in mail.body_text
        page = _page(client.get(response["Location"]))
        assert "Woonstichting Heusden Thuis is uitgenodigd" in page
        assert "actief, werkt tot" in page and "nog niet gebruikt" in page

    def test_inviting_again_renews_and_htmx_gets_the_workspace(
        self, client, enabler, in_conversation, organisation
    ):
        services.partner_invite(dream=in_conversation, organisation=organisation, by=enabler)
        client.force_login(enabler)
        response = client.post(
            _invite_url(in_conversation),
            {"partner-organisation": organisation.pk, "partner-role": "co_owner"},
            headers=HTMX,
        )
        assert response.status_code == 200
        assert "is vernieuwd" in _page(response)
        assert PartnerInvitation.objects.get().role == "co_owner"
        assert OutboxMail.objects.filter(to_email=organisation.contact_email).count() == 2

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({}, "Kies een organisatie."),
            ({"partner-organisation": "999999", "partner-role": "helper"}, "uit de lijst"),
            ({"partner-organisation": "x", "partner-role": "helper"}, "uit de lijst"),
            ({"partner-role": "baas"}, "Kies helper of mede-eigenaar."),
            ({"partner-message": "y" * 2001}, "Gebruik maximaal 2000 tekens"),
        ],
    )
    def test_bad_input_is_refused(
        self, client, enabler, in_conversation, organisation, data, message
    ):
        client.force_login(enabler)
        response = client.post(_invite_url(in_conversation), data)
        assert response.status_code == 400
        assert message in _page(response)
        assert not PartnerInvitation.objects.exists()

    def test_an_inactive_organisation_cannot_be_chosen(self, client, enabler, in_conversation):
        inactive = make_organisation(enabler, name="Gestopt", active=False)
        client.force_login(enabler)
        response = client.post(
            _invite_url(in_conversation),
            {"partner-organisation": inactive.pk, "partner-role": "helper"},
        )
        assert response.status_code == 400
        assert not PartnerInvitation.objects.exists()

    def test_a_colleague_is_refused(self, client, second_enabler, in_conversation, organisation):
        client.force_login(second_enabler)
        response = client.post(
            _invite_url(in_conversation),
            {"partner-organisation": organisation.pk, "partner-role": "helper"},
        )
        assert response.status_code == 400
        assert "Alleen de contactpersoon van deze droom" in _page(response)
        assert not PartnerInvitation.objects.exists()

    def test_withdrawing_from_the_workspace(self, client, enabler, in_conversation, organisation):
        sent = services.partner_invite(dream=in_conversation, organisation=organisation, by=enabler)
        client.force_login(enabler)
        url = f"{_invite_url(in_conversation)}{sent.invitation.pk}/intrekken/"
        response = client.post(url)
        assert response.status_code == 302
        page = _page(client.get(response["Location"]))
        assert "De uitnodiging is ingetrokken: de link werkt niet meer." in page
        assert "ingetrokken op" in page
        assert client.get(sent.link.split("8000", 1)[-1]).status_code == 410

    def test_an_invitation_of_another_dream_is_not_found(
        self, client, enabler, in_conversation, organisation, resident
    ):
        sent = services.partner_invite(dream=in_conversation, organisation=organisation, by=enabler)
        other = DreamFactory(resident=resident)
        client.force_login(enabler)
        response = client.post(f"{_invite_url(other)}{sent.invitation.pk}/intrekken/")
        assert response.status_code == 404
        assert PartnerInvitation.objects.get().withdrawn_at is None


class TestWhoDidIt:
    @pytest.fixture
    def partner_acted(self, enabler, in_conversation, organisation):
        sent = services.partner_invite(dream=in_conversation, organisation=organisation, by=enabler)
        token = sent.link.rstrip("/").rsplit("/", 1)[1]
        services.partner_message(token=token, body="Wij helpen <graag>.")
        services.partner_contribution(token=token, kind="hours", hours=8, description="Klussen")
        return in_conversation

    @pytest.mark.parametrize("reading", ["one query", "prefetched"])
    def test_the_staff_timeline_names_the_organisation(
        self, client, enabler, partner_acted, monkeypatch, reading
    ):
        if reading == "prefetched" or connection.vendor != "postgresql":
            monkeypatch.setattr(workspace, "connection", SimpleNamespace(vendor="another"))
        client.force_login(enabler)
        page = _page(client.get(f"/medewerkers/dromen/{partner_acted.pk}/"))
        assert "· Woonstichting Heusden Thuis" in page
        assert "Bericht van een partner" in page and "Wij helpen &lt;graag&gt;." in page
        assert "draagt 8 uur bij: Klussen" in page

    def test_the_resident_sees_who_helps_and_who_wrote(self, client, resident, partner_acted):
        client.force_login(resident)
        page = _page(client.get(f"/mijn-dromen/{partner_acted.pk}/"))
        assert "Wie helpt je" in page
        assert "Woonstichting Heusden Thuis (Woningcorporatie) · Helper" in page
        assert "· Woonstichting Heusden Thuis" in page
        assert "Wij helpen &lt;graag&gt;." in page
        event = TimelineEvent.objects.get(kind=EventKind.PARTNER_INVITED)
        assert "helpt mee met je droom" in event.body


def test_the_list_reads_as_many_queries_for_seven_as_for_one(client, enabler, manager):
    from django.test.utils import CaptureQueriesContext

    make_organisation(enabler, name="Eerste")
    client.force_login(manager)
    client.get(LIST)  # warm up

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries.captured_queries)

    one = count()
    for number in range(6):
        make_organisation(manager if number % 2 else enabler, name=f"Partner {number}")
    assert count() == one
