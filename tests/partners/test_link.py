"""The partner's page by their link: what it shows, what a GET leaves alone, what a POST
does, refusals, rate limits, the audit log and CSRF."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from initiatives import services
from initiatives.models import AuditEntry, Dream, EventKind, TimelineEvent
from initiatives.partner_models import PartnerInvitation
from initiatives.plan_models import Contribution
from tests.factories import DreamFactory

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    return response.content.decode()


def _state(dream: Dream) -> tuple:
    """Everything a GET must leave as it was."""
    row = Dream.objects.filter(pk=dream.pk).values().get()
    invitations = list(PartnerInvitation.objects.values())
    events = list(TimelineEvent.objects.filter(dream=dream).values_list("id", flat=True))
    contributions = list(Contribution.objects.values_list("id", flat=True))
    return row, invitations, events, contributions


class TestWhatThePartnerReads:
    def test_the_story_only_when_the_resident_shares_it(self, client, link, in_conversation):
        """What the resident wrote is theirs to share: until they do, a partner reads the
        title, the neighbourhood and the status; they can stop sharing at any time."""
        dream = in_conversation
        page = _page(client.get(link))
        assert dream.title in page and "Drunen" in page and "In gesprek" in page
        assert dream.story not in page and dream.own_contribution not in page
        assert "nog) niet gekozen om het verhaal" in page
        services.dream_share_with_partners(dream=dream, by=dream.resident, share=True)
        page = _page(client.get(link))
        assert dream.story in page and dream.own_contribution in page
        services.dream_share_with_partners(dream=dream, by=dream.resident, share=False)
        assert dream.story not in _page(client.get(link))
        kinds = list(dream.events.filter(public=True).values_list("kind", flat=True).order_by("id"))
        assert kinds[-2:] == ["shared_with_partners", "unshared_with_partners"]

    def test_only_the_resident_chooses(self, in_conversation, enabler):
        from initiatives.exceptions import NotAllowed

        with pytest.raises(NotAllowed):
            services.dream_share_with_partners(dream=in_conversation, by=enabler, share=True)
        in_conversation.refresh_from_db()
        assert not in_conversation.shared_with_partners

    def test_the_resident_shares_from_their_dream_page(self, client, sent, in_conversation):
        dream = in_conversation
        client.force_login(dream.resident)
        page_url = f"/mijn-dromen/{dream.pk}/"
        content = client.get(page_url).content.decode()
        assert "Woonstichting Heusden Thuis" in content
        assert "Ja, deel mijn verhaal met hen" in content
        response = client.post(f"/mijn-dromen/{dream.pk}/partners/", {"share": "1"})
        assert response.status_code == 302
        dream.refresh_from_db()
        assert dream.shared_with_partners
        content = client.get(page_url).content.decode()
        assert "Stop met het delen van mijn verhaal" in content
        assert client.get(f"/mijn-dromen/{dream.pk}/partners/").status_code == 405

    def test_the_dream_without_anyones_personal_data(self, client, link, in_conversation):
        dream = in_conversation
        Dream.objects.filter(pk=dream.pk).update(
            location="Kerkstraat 12",
            contact_name="Anna B.",
            contact_phone="06 99887766",
            shared_with_partners=True,  # the resident agreed to share the story
        )
        services.dream_send_message(
            dream=dream, by=dream.contact, body="Bel me op 06 11223344, Anna"
        )
        response = client.get(link)
        assert response.status_code == 200
        page = _page(response)
        for shown in (dream.title, dream.story, dream.own_contribution, "Drunen"):
            assert shown in page
        assert "In gesprek" in page  # the status in words
        assert "Sanne de Vries" in page  # the one face at the municipality
        for hidden in (
            "Anna",
            "anna@example.nl",
            "Kerkstraat",
            "06 99887766",
            "06 11223344",
            dream.needs_from_municipality,
        ):
            assert hidden not in page, hidden
        assert response["Cache-Control"].startswith("max-age=0")
        assert 'content="noindex, nofollow"' in page

    def test_a_get_changes_nothing(self, client, link, in_conversation, token):
        services.partner_message(token=token, body="Eerder bericht")
        before = _state(in_conversation)
        for _ in range(3):
            assert client.get(link).status_code == 200
        assert _state(in_conversation) == before

    def test_another_dream_is_never_reached(self, client, link, in_conversation, resident):
        other = DreamFactory(resident=resident, title="Een heel andere droom")
        for address in (link + f"?dream={other.pk}", link + f"?pk={other.pk}"):
            page = _page(client.get(address))
            assert in_conversation.title in page and other.title not in page
        client.post(link + "bericht/", {"message-body": "Hallo", "dream": other.pk, "pk": other.pk})
        event = TimelineEvent.objects.get(kind=EventKind.PARTNER_MESSAGE)
        assert event.dream_id == in_conversation.pk
        assert not TimelineEvent.objects.filter(dream=other).exists()


class TestActing:
    def test_a_message_lands_on_the_timeline(self, client, link, in_conversation):
        response = client.post(link + "bericht/", {"message-body": "Wij denken mee!"})
        assert (response.status_code, response["Location"]) == (302, link + "#tijdlijn")
        event = TimelineEvent.objects.get(kind=EventKind.PARTNER_MESSAGE)
        assert (event.dream_id, event.partner_name, event.body, event.public) == (
            in_conversation.pk,
            "Woonstichting Heusden Thuis",
            "Wij denken mee!",
            True,
        )
        page = _page(client.get(link))
        assert "Wij denken mee!" in page
        assert "Je bericht staat op de tijdlijn." in page

    def test_pledged_hours_are_recorded(self, client, link, sent):
        response = client.post(
            link + "bijdrage/",
            {
                "contribution-kind": "hours",
                "contribution-hours": "12,5",
                "contribution-description": "Twee huismeesters op zaterdag",
            },
        )
        assert response.status_code == 302
        contribution = Contribution.objects.get()
        assert str(contribution.hours) == "12.5"
        assert contribution.invitation_id == sent.invitation.pk
        assert "12,5 uur" in _page(client.get(link))

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({}, "Kies geld, uren of materialen."),
            ({"contribution-kind": "money"}, "Vul een bedrag in euro in, meer dan 0."),
            ({"contribution-kind": "hours", "contribution-hours": "veel"}, "Vul een aantal uren"),
            ({"contribution-kind": "hours", "contribution-hours": "NaN"}, "Vul een aantal uren"),
            ({"contribution-kind": "hours", "contribution-hours": "1e400"}, "Vul een aantal uren"),
            ({"contribution-kind": "hours", "contribution-hours": "0"}, "moet meer dan 0 zijn"),
            ({"contribution-kind": "money", "contribution-amount": "99999999999999"}, "te hoog"),
            ({"contribution-kind": "money", "contribution-amount": "-3"}, "moet meer dan € 0 zijn"),
            ({"contribution-kind": "geschenk"}, "Kies geld, uren of materialen."),
            (
                {"contribution-kind": "materials", "contribution-description": "x" * 400},
                "Gebruik maximaal 300 tekens",
            ),
        ],
    )
    def test_bad_input_keeps_what_was_typed_and_stores_nothing(self, client, link, data, message):
        typed = {"contribution-description": "Onze eigen woorden", **data}
        response = client.post(link + "bijdrage/", typed)
        assert response.status_code == 400
        page = _page(response)
        assert message in page
        assert typed["contribution-description"][:50] in page
        assert not Contribution.objects.exists()
        assert not TimelineEvent.objects.filter(kind=EventKind.CONTRIBUTION).exists()

    @pytest.mark.parametrize("body", ["", "   ", "x" * 4001])
    def test_a_bad_message_is_refused_with_the_text_kept(self, client, link, body):
        response = client.post(link + "bericht/", {"message-body": body})
        assert response.status_code == 400
        page = _page(response)
        assert "Schrijf je bericht." in page or "Gebruik maximaal 4000 tekens" in page
        if body.strip():
            assert body in page
        assert not TimelineEvent.objects.filter(kind=EventKind.PARTNER_MESSAGE).exists()

    def test_a_closed_dream_says_so(self, client, link, in_conversation):
        Dream.objects.filter(pk=in_conversation.pk).update(status="realised")
        response = client.post(link + "bericht/", {"message-body": "Hallo"})
        assert response.status_code == 400
        assert "Je kunt hem niet meer veranderen." in _page(response)
        assert "Hallo" in _page(response)

    def test_wrong_methods(self, client, link):
        assert client.post(link).status_code == 405
        assert client.get(link + "bericht/").status_code == 405
        assert client.get(link + "bijdrage/").status_code == 405


class TestRefusedLinks:
    def test_an_expired_link(self, client, link, in_conversation):
        PartnerInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        response = client.get(link)
        assert response.status_code == 410
        page = _page(response)
        assert "Deze link is verlopen" in page
        assert in_conversation.title not in page and in_conversation.story not in page

    def test_a_withdrawn_link_ends_at_once(self, client, link, sent, enabler, in_conversation):
        assert client.get(link).status_code == 200
        services.partner_invitation_withdraw(invitation=sent.invitation, by=enabler)
        response = client.get(link)
        assert response.status_code == 410
        assert "ingetrokken" in _page(response)
        assert in_conversation.title not in _page(response)
        posted = client.post(link + "bericht/", {"message-body": "Mijn lange verhaal"})
        assert posted.status_code == 410
        assert "Mijn lange verhaal" in _page(posted)  # nothing typed is lost
        assert not TimelineEvent.objects.filter(kind=EventKind.PARTNER_MESSAGE).exists()

    @pytest.mark.parametrize("token", ["onbekend", "a" * 43, "%C3%A4" * 80])
    def test_an_unknown_link(self, client, sent, token, in_conversation):
        response = client.get(f"/partner/{token}/")
        assert response.status_code == 404
        assert "Deze link werkt niet" in _page(response)
        assert in_conversation.title not in _page(response)
        assert client.post(f"/partner/{token}/bericht/", {"message-body": "x"}).status_code == 404


class TestRateLimits:
    def test_too_many_uses_from_one_address_get_429(self, client, link, settings):
        settings.RATELIMIT_PARTNER_PER_IP = "3/h"
        answers = [client.get(link).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        assert "even wachten" in _page(client.get(link)).lower()
        entry = AuditEntry.objects.filter(status=429).first()
        assert entry.action == "partner_link_view"

    def test_too_many_posts_through_one_link_get_429(self, link, settings):
        settings.RATELIMIT_PARTNER_PER_LINK = "2/h"
        answers = [
            Client(REMOTE_ADDR=f"10.0.0.{n}").post(link + "bericht/", {"message-body": f"{n}"})
            for n in range(3)
        ]
        assert [answer.status_code for answer in answers] == [302, 302, 429]
        assert TimelineEvent.objects.filter(kind=EventKind.PARTNER_MESSAGE).count() == 2
        # Reading is not posting: the link still opens.
        assert Client(REMOTE_ADDR="10.0.0.9").get(link).status_code == 200


class TestAudit:
    def test_every_use_is_logged_without_the_token(self, client, link, token, sent, enabler):
        client.get(link)
        client.post(link + "bericht/", {"message-body": "Hallo"})
        client.post(link + "bijdrage/", {"contribution-kind": "money"})
        services.partner_invitation_withdraw(invitation=sent.invitation, by=enabler)
        client.get(link)
        entries = list(AuditEntry.objects.order_by("id"))
        assert [(e.action, e.method, e.status) for e in entries] == [
            ("partner_link_view", "GET", 200),
            ("partner_message", "POST", 302),
            ("partner_contribution", "POST", 400),
            ("partner_link_view", "GET", 410),
        ]
        target = f"partner-invitation:{sent.invitation.pk}"
        assert {e.target for e in entries} == {target}
        assert [e.path for e in entries] == [
            "/partner/[token]/",
            "/partner/[token]/bericht/",
            "/partner/[token]/bijdrage/",
            "/partner/[token]/",
        ]
        assert all(e.user_id is None and e.ip == "127.0.0.1" for e in entries)
        for entry in entries:
            assert token not in f"{entry.path} {entry.target} {entry.action}"

    def test_an_unknown_link_is_logged_too(self, client):
        client.get("/partner/geraden/")
        entry = AuditEntry.objects.get()
        assert (entry.status, entry.target, entry.path) == (404, "", "/partner/[token]/")


def test_no_log_line_holds_the_token(caplog, client, link, token, settings):
    """Django logs every refused request with its address: the token is redacted from it."""
    import logging

    caplog.set_level(logging.DEBUG)
    settings.RATELIMIT_PARTNER_PER_LINK = "1/h"
    client.post(link + "bericht/", {"message-body": ""})  # 400
    client.post(link + "bericht/", {"message-body": "x"})  # 429
    PartnerInvitation.objects.update(expires_at=timezone.now())
    client.get(link)  # 410
    assert len(caplog.records) >= 3
    text = caplog.text + "\n".join(record.getMessage() for record in caplog.records)
    assert "/partner/[token]/" in text
    assert token not in text


class TestCsrf:
    def test_the_forms_work_without_a_session(self, link):
        browser = Client(enforce_csrf_checks=True)
        page = _page(browser.get(link))
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        response = browser.post(
            link + "bericht/", {"csrfmiddlewaretoken": csrf, "message-body": "Met token"}
        )
        assert response.status_code == 302
        assert "sessionid" not in browser.cookies
        assert TimelineEvent.objects.filter(kind=EventKind.PARTNER_MESSAGE).count() == 1

    def test_without_the_csrf_token_the_post_is_refused(self, link):
        browser = Client(enforce_csrf_checks=True)
        browser.get(link)
        response = browser.post(link + "bericht/", {"message-body": "Zonder token"})
        assert response.status_code == 403
        assert not TimelineEvent.objects.filter(kind=EventKind.PARTNER_MESSAGE).exists()


def test_the_page_reads_as_many_queries_for_many_events_as_for_few(client, link, token):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(link).status_code == 200
        return len(queries.captured_queries)

    client.get(link)  # warm up
    few = count()
    for number in range(8):
        services.partner_message(token=token, body=f"Bericht {number}")
        services.partner_contribution(token=token, kind="hours", hours=2, description="Uren")
    assert count() == few


def test_the_outbox_keeps_no_working_partner_link(sent, token):
    """Whoever reads the stored invitation mail (the administrator, a backup) cannot use the
    partner's link: the delivery record masks it, as it does a resident's links."""
    from initiatives.models import OutboxMail
    from initiatives.tokens import link_tokens_masked

    mail = OutboxMail.objects.get(to_email="e.bosch@heusdenthuis.example")
    assert token in mail.body_text  # the mail itself carries the working link
    for text in (mail.body_text, mail.body_html):
        masked = link_tokens_masked(text)
        assert token not in masked
        assert "/partner/[verborgen]" in masked
