"""The resident's answers reach someone, and the page says who (issue 14, items 2 and 3)."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from initiatives import services
from initiatives.models import CoreValue, Decision, OutboxMail, Verdict
from initiatives.statuses import Status
from tests.factories import DreamFactory
from tests.initiatives.outbox.retries import setup_mail_sent
from tests.residents.helpers import mail_as_received

pytestmark = pytest.mark.django_db

OTHER_HELP = "Het wijkplatform Drunen helpt met buurtfeesten: wijkplatform.example"
ALL_SUPPORT = dict.fromkeys(CoreValue.values, (Verdict.SUPPORTS, "Dit past erbij."))


def _page(response) -> str:
    return response.content.decode()


class TestBeforePickUp:
    def test_the_page_says_truthfully_where_the_message_goes(
        self, client, dream, resident, mogelijkmaker, django_capture_on_commit_callbacks
    ):
        client.force_login(resident)
        page = _page(client.get(f"/mijn-dromen/{dream.pk}/"))
        assert "Stuur een bericht over je droom" in page
        assert "Er is nog geen MogelijkMaker die je droom heeft opgepakt." in page
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/mijn-dromen/{dream.pk}/bericht/", {"body": "Nog een vraag."}, follow=True
            )
        page = _page(response)
        assert (
            "Je bericht staat bij je droom. Zodra een MogelijkMaker je droom oppakt, leest die het."
            in page
        )
        assert "verstuurd naar je MogelijkMaker" not in page
        assert mail.outbox == []
        # The MogelijkMakers see on the triage list that the resident wrote.
        staff = Client()
        staff.force_login(mogelijkmaker)
        triage = _page(staff.get(reverse("staff:triage")))
        assert "Ongelezen bericht van de bewoner" in triage

    def test_once_picked_up_the_page_names_the_mogelijkmaker(self, client, resident, mogelijkmaker):
        dream = DreamFactory(
            resident=resident,
            status=Status.PICKED_UP,
            contact=mogelijkmaker,
            picked_up_at=timezone.now(),
        )
        client.force_login(resident)
        response = client.post(f"/mijn-dromen/{dream.pk}/bericht/", {"body": "Hoi"}, follow=True)
        assert "Je bericht is verstuurd naar je MogelijkMaker." in _page(response)


class TestAfterNotPossible:
    @pytest.fixture
    def refused(self, resident, mogelijkmaker, communications_advisor):
        dream = DreamFactory(
            resident=resident,
            status=Status.IN_CONVERSATION,
            contact=mogelijkmaker,
            picked_up_at=timezone.now(),
            first_contact_at=timezone.now(),
        )
        services.review_record(dream=dream, by=mogelijkmaker, verdicts=ALL_SUPPORT)
        decision = services.decision_propose(
            dream=dream, by=mogelijkmaker, reasons="De grond is niet van ons."
        )
        services.decision_sign(
            decision=decision,
            by=communications_advisor,
            letter="Helaas kan het niet.",
            other_help=OTHER_HELP,
        )
        mail.outbox.clear()
        return dream

    def test_the_page_has_a_reply_form_and_names_who_else_can_help(
        self, client, refused, resident, django_capture_on_commit_callbacks
    ):
        client.force_login(resident)
        page = _page(client.get(f"/mijn-dromen/{refused.pk}/"))
        assert "Niet mogelijk" in page
        assert "Wie kan je nog meer helpen?" in page
        assert OTHER_HELP in page
        assert "Stel een vraag of laat weten dat je het er niet mee eens bent" in page
        assert "Mo El Amrani (je MogelijkMaker) en Carla Communicatie" in page
        setup_mail_sent()  # the letter and the mails before it
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/mijn-dromen/{refused.pk}/bericht/",
                {"body": "Ik ben het er niet mee eens."},
                follow=True,
            )
        page = _page(response)
        assert (
            "Je reactie is verstuurd naar je MogelijkMaker en naar de communicatieadviseur "
            "die de brief ondertekende." in page
        )
        assert "Ik ben het er niet mee eens." in page
        assert len(mail.outbox) == 2

    def test_the_contact_person_answers_from_the_workspace(
        self, client, refused, resident, mogelijkmaker, django_capture_on_commit_callbacks
    ):
        client.force_login(mogelijkmaker)
        page = _page(client.get(f"/medewerkers/dromen/{refused.pk}/"))
        assert "De inwoner antwoorden" in page
        assert 'aria-describedby="answer-after-no-help"' not in page  # usable, not greyed out
        setup_mail_sent()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/medewerkers/dromen/{refused.pk}/bericht/",
                {"message-body": "Bel me gerust, dan leg ik het uit."},
            )
        assert response.status_code == 302, _page(response)[:500]
        assert [m.to for m in mail.outbox] == [[resident.email]]
        client.force_login(resident)
        assert "Bel me gerust, dan leg ik het uit." in _page(
            client.get(f"/mijn-dromen/{refused.pk}/")
        )

    def test_the_letter_mail_links_to_the_reply_form(self, refused, resident):
        letter = mail_as_received(OutboxMail.objects.filter(recipient=resident).latest("pk"))
        assert OTHER_HELP in letter
        link = re.search(r"/droom/[^/\s]+/", letter).group(0)
        page = _page(Client().get(link))
        assert OTHER_HELP in page
        assert "Stel een vraag of laat weten dat je het er niet mee eens bent" in page
        assert 'action="/droom/bericht/"' in page


def test_the_advisor_names_who_else_can_help_when_signing(client, communications_advisor):
    dream = DreamFactory(status=Status.IN_CONVERSATION)
    decision = Decision.objects.create(
        dream=dream, reasons="Kan niet.", proposed_by=DreamFactory().resident
    )
    client.force_login(communications_advisor)
    url = reverse("staff:decision_sign", args=[decision.pk])
    assert "Wie kan nog meer helpen (niet verplicht)" in _page(client.get(url))
    with_too_much = client.post(url, {"letter": "Helaas.", "other_help": "x" * 2001})
    assert with_too_much.status_code == 400
    assert "x" * 2001 in _page(with_too_much)  # nothing typed is lost
    response = client.post(url, {"letter": "Helaas.", "other_help": OTHER_HELP})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.state, decision.other_help) == (Decision.State.SIGNED, OTHER_HELP)
