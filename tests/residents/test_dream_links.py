"""The link in a status mail opens that one dream for weeks (issue 14, item 1).

It works late, twice, after a newer mail and after a mail scanner opened it first; it signs
no one in; sending a message is a POST that carries the token again; an altered, expired or
stopped link gets a page that says so in plain Dutch.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from config.log_redaction import redact
from initiatives import services
from initiatives.models import EventKind, OutboxMail, TimelineEvent
from initiatives.statuses import Status
from initiatives.tokens import dream_link_token_make, link_tokens_masked
from tests.factories import DreamFactory
from tests.residents.helpers import mail_as_received
from tests.staff.conftest import add_photo

pytestmark = pytest.mark.django_db


LINK = re.compile(re.escape(settings.SITE_URL) + r"(/droom/[^/\s]+/)")


def _mail_link(resident) -> str:
    """The path of the dream link in the newest mail to RESIDENT, as they received it."""
    body = mail_as_received(OutboxMail.objects.filter(recipient=resident).latest("pk"))
    match = LINK.search(body)
    assert match, body
    return match.group(1)


@pytest.fixture
def picked_up_link(dream, mogelijkmaker, django_capture_on_commit_callbacks):
    """The link in the mail that says Mo picked up the resident's dream."""
    with django_capture_on_commit_callbacks(execute=True):
        services.dream_pick_up(dream=dream, by=mogelijkmaker)
    link = _mail_link(dream.resident)
    mail.outbox.clear()
    return link


def _token(link: str) -> str:
    return link.split("/")[2]


def _page(response) -> str:
    return response.content.decode()


class TestTheLinkKeepsWorking:
    def test_an_hour_later_twice_after_a_scanner_and_after_a_newer_mail(
        self, dream, resident, mogelijkmaker, picked_up_link, django_capture_on_commit_callbacks
    ):
        scanner = Client()
        assert scanner.get(picked_up_link).status_code == 200  # the mail scanner opens it
        with time_machine.travel(timezone.now() + timedelta(hours=1)):
            reader = Client()
            first = reader.get(picked_up_link)
            second = reader.get(picked_up_link)
        for response in (first, second):
            assert response.status_code == 200
            assert dream.title in _page(response)
            assert "Bericht versturen" in _page(response)  # the answer form
        # A newer mail does not stop the older link.
        with django_capture_on_commit_callbacks(execute=True):
            services.dream_send_message(dream=dream, by=mogelijkmaker, body="Ik bel je morgen.")
        newer = _mail_link(resident)
        assert Client().get(picked_up_link).status_code == 200
        assert "Ik bel je morgen." in _page(Client().get(newer))
        # Weeks later, within DREAM_LINK_DAYS, it still works.
        later = timezone.now() + timedelta(days=settings.DREAM_LINK_DAYS - 1)
        with time_machine.travel(later):
            assert Client().get(picked_up_link).status_code == 200

    def test_it_signs_no_one_in(self, client, picked_up_link):
        response = client.get(picked_up_link)
        assert response.status_code == 200
        assert settings.SESSION_COOKIE_NAME not in response.cookies
        assert "no-store" in response["Cache-Control"]
        assert client.get("/mijn-dromen/").status_code == 302  # to the sign-in page
        # The one-time sign-in link is still offered, for the whole account.
        assert "/inloggen/?next=/mijn-dromen/" in _page(response)

    def test_its_own_resident_signed_in_gets_the_full_page(
        self, client, dream, resident, picked_up_link
    ):
        client.force_login(resident)
        response = client.get(picked_up_link)
        assert (response.status_code, response["Location"]) == (302, f"/mijn-dromen/{dream.pk}/")

    def test_it_opens_that_dream_only(self, client, dream, resident, picked_up_link):
        other = DreamFactory(resident=resident, title="Mijn andere droom")
        page = _page(client.get(picked_up_link))
        assert dream.title in page
        assert other.title not in page
        # Another dream's id in the token breaks its signature.
        token = _token(picked_up_link)
        forged = token.replace(token.split(":")[0], dream_link_token_make(other).split(":")[0], 1)
        response = client.get(f"/droom/{forged}/")
        assert response.status_code == 400
        assert other.title not in _page(response)


class TestRefusedLinks:
    def test_an_altered_link_says_so(self, client, picked_up_link):
        response = client.get(picked_up_link[:-6] + "xxxxx/")
        assert response.status_code == 400
        page = _page(response)
        assert "Deze link klopt niet" in page
        assert "Stuur mij een link" in page  # the way on: a sign-in link

    def test_an_expired_link_says_so(self, client, picked_up_link):
        with time_machine.travel(timezone.now() + timedelta(days=settings.DREAM_LINK_DAYS + 1)):
            response = client.get(picked_up_link)
        assert response.status_code == 410
        assert "Deze link is verlopen" in _page(response)
        assert f"werkt {settings.DREAM_LINK_DAYS} dagen" in _page(response)

    def test_the_resident_can_stop_the_links_and_a_new_mail_brings_a_working_one(
        self, client, dream, resident, mogelijkmaker, picked_up_link
    ):
        client.force_login(resident)
        page = _page(client.get(f"/mijn-dromen/{dream.pk}/"))
        assert f"opent deze pagina {settings.DREAM_LINK_DAYS} dagen lang" in page
        assert "Zet de links in eerdere mails uit" in page
        response = client.post(f"/mijn-dromen/{dream.pk}/links-intrekken/", follow=True)
        assert "De links in eerdere mails over deze droom werken niet meer." in _page(response)
        stranger = Client()
        refused = stranger.get(picked_up_link)
        assert refused.status_code == 410
        assert "Deze link is uitgezet" in _page(refused)
        services.dream_send_message(dream=dream, by=mogelijkmaker, body="Nieuw bericht.")
        assert stranger.get(_mail_link(resident)).status_code == 200

    def test_another_resident_cannot_stop_the_links(self, client, dream, other_resident):
        client.force_login(other_resident)
        assert client.post(f"/mijn-dromen/{dream.pk}/links-intrekken/").status_code == 404
        dream.refresh_from_db()
        assert dream.access_link_version == 0

    def test_erasure_stops_the_links(self, client, resident, picked_up_link):
        services.resident_erase(resident=resident)
        response = client.get(picked_up_link)
        assert response.status_code == 410
        assert "Deze link is uitgezet" in _page(response)


class TestAnsweringByLink:
    def test_a_message_sent_by_link_reaches_the_mogelijkmaker(
        self, dream, mogelijkmaker, picked_up_link, django_capture_on_commit_callbacks
    ):
        browser = Client(enforce_csrf_checks=True)
        page = browser.get(picked_up_link)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', _page(page)).group(1)
        token = _token(picked_up_link)
        assert f'name="token" value="{token}"' in _page(page)
        with django_capture_on_commit_callbacks(execute=True):
            response = browser.post(
                "/droom/bericht/",
                {"csrfmiddlewaretoken": csrf, "token": token, "body": "Dinsdag kan ik ook."},
            )
        assert (response.status_code, response["Location"]) == (302, picked_up_link + "#tijdlijn")
        event = TimelineEvent.objects.get(kind=EventKind.MESSAGE_FROM_RESIDENT)
        assert (event.dream_id, event.actor_id, event.public) == (dream.pk, dream.resident_id, True)
        assert [m.to for m in mail.outbox] == [[mogelijkmaker.email]]
        page = _page(browser.get(picked_up_link))
        assert "Dinsdag kan ik ook." in page
        assert "Je bericht is verstuurd naar je MogelijkMaker." in page

    def test_without_csrf_the_post_is_refused(self, picked_up_link):
        browser = Client(enforce_csrf_checks=True)
        response = browser.post(
            "/droom/bericht/", {"token": _token(picked_up_link), "body": "Hallo"}
        )
        assert response.status_code == 403
        assert not TimelineEvent.objects.filter(kind=EventKind.MESSAGE_FROM_RESIDENT).exists()

    @pytest.mark.parametrize("token", ["", "niet-een-token", "eyJkIjoxfQ:1abc:def"])
    def test_without_a_valid_token_the_post_is_refused_and_the_text_kept(self, client, token):
        response = client.post("/droom/bericht/", {"token": token, "body": "Mijn lange verhaal"})
        assert response.status_code == 403
        page = _page(response)
        assert "Je bericht is niet verstuurd" in page
        assert "Mijn lange verhaal" in page  # nothing typed is lost
        assert not TimelineEvent.objects.filter(kind=EventKind.MESSAGE_FROM_RESIDENT).exists()

    def test_a_stopped_link_cannot_send(self, client, dream, resident, picked_up_link):
        services.dream_links_revoke(dream=dream, by=resident)
        response = client.post(
            "/droom/bericht/", {"token": _token(picked_up_link), "body": "Hallo"}
        )
        assert response.status_code == 403
        assert "Deze link is uitgezet" in _page(response)
        assert not TimelineEvent.objects.filter(kind=EventKind.MESSAGE_FROM_RESIDENT).exists()

    def test_by_htmx_a_refused_token_leads_to_a_page_that_explains(self, client):
        response = client.post(
            "/droom/bericht/", {"token": "kapot", "body": "Hallo"}, headers={"HX-Request": "true"}
        )
        assert response["HX-Redirect"] == "/droom/link-werkt-niet/"
        assert "Deze link klopt niet" in _page(client.get("/droom/link-werkt-niet/"))

    def test_an_empty_message_shows_the_form_again_with_the_token(self, client, picked_up_link):
        token = _token(picked_up_link)
        response = client.post("/droom/bericht/", {"token": token, "body": "  "})
        assert response.status_code == 400
        assert "Schrijf eerst een bericht." in _page(response)
        assert f'name="token" value="{token}"' in _page(response)

    def test_the_link_page_offers_no_withdrawal_no_photos_no_location(
        self, client, dream, picked_up_link
    ):
        add_photo(dream)
        type(dream).objects.filter(pk=dream.pk).update(location="Vijverlaan 3")
        page = _page(client.get(picked_up_link))
        assert "/intrekken/" not in page
        assert "/fotos/" not in page
        assert "Vijverlaan 3" not in page


def test_a_closed_dream_opens_but_takes_no_messages(client, dream, mogelijkmaker):
    services.dream_pick_up(dream=dream, by=mogelijkmaker)
    type(dream).objects.filter(pk=dream.pk).update(status=Status.REALISED)
    link = _mail_link(dream.resident)
    page = _page(client.get(link))
    assert dream.title in page
    assert "Bericht versturen" not in page
    response = client.post("/droom/bericht/", {"token": _token(link), "body": "Hallo"})
    assert response.status_code == 400
    assert not TimelineEvent.objects.filter(kind=EventKind.MESSAGE_FROM_RESIDENT).exists()


def test_the_token_is_hidden_in_the_outbox_and_in_logs(dream, mogelijkmaker):
    services.dream_pick_up(dream=dream, by=mogelijkmaker)
    row = OutboxMail.objects.filter(recipient=dream.resident).latest("pk")
    token = _token(_mail_link(dream.resident))
    assert token not in link_tokens_masked(row.body_text)
    assert token not in link_tokens_masked(row.body_html)
    assert redact(f"GET /droom/{token}/ 200") == "GET /droom/[token]/ 200"
