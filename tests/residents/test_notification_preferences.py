"""How often a resident gets mail: the page under "Mijn gegevens" and the link in every mail."""

import re

import pytest
from django.conf import settings
from django.core import mail, signing
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import NotificationMode
from initiatives import services
from initiatives.models import ContactMoment, OutboxMail
from initiatives.tokens import unsubscribe_token_make
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/mijn-gegevens/meldingen/"
INVALID_LINK = (
    "This link does not work. Sign in and choose how often you get email under "
    "“Email about your dreams”."
)
DONE = (
    "Done. From now on you only get email when the status of your dream changes or a "
    "decision is made."
)


def _mode(user) -> str:
    user.refresh_from_db()
    return user.notification_mode


def _checked(content: str) -> list[str]:
    """The values of the checked radio buttons on the page."""
    return re.findall(r'<input type="radio" name="mode" value="(\w+)"[^>]*\schecked', content)


def _dutch(message: str) -> str:
    with translation.override("nl"):
        return gettext(message)


def _unsubscribe_path(message) -> str:
    match = re.search(re.escape(settings.SITE_URL) + r"(/afmelden/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def picked_up_mail(dream, mogelijkmaker, django_capture_on_commit_callbacks):
    """The mail the resident got when their dream was picked up."""
    with django_capture_on_commit_callbacks(execute=True):
        services.dream_pick_up(dream=dream, by=mogelijkmaker)
    [message] = mail.outbox
    assert message.to == [dream.resident.email]
    mail.outbox.clear()
    return message


class TestPreferencesPage:
    def test_it_needs_sign_in(self, client, resident):
        response = client.get(URL)
        assert response.status_code == 302
        assert response["Location"] == f"/inloggen/?next={URL}"
        response = client.post(URL, {"mode": NotificationMode.ESSENTIAL})
        assert response.status_code == 302
        assert response["Location"].startswith("/inloggen/")
        assert _mode(resident) == NotificationMode.IMMEDIATE

    @pytest.mark.parametrize("mode", NotificationMode.values)
    def test_it_shows_the_current_choice(self, client, resident, mode):
        resident.notification_mode = mode
        resident.save(update_fields=["notification_mode"])
        client.force_login(resident)
        response = client.get(URL)
        assert response.status_code == 200
        content = response.content.decode()
        assert _checked(content) == [mode]
        for value in NotificationMode.values:
            assert f'value="{value}"' in content  # every choice is offered

    def test_it_saves_a_new_choice(self, client, resident):
        client.force_login(resident)
        response = client.post(URL, {"mode": NotificationMode.DAILY})
        assert response.status_code == 302
        assert response["Location"] == URL
        assert _mode(resident) == NotificationMode.DAILY

        page = client.get(URL).content.decode()
        assert _checked(page) == [NotificationMode.DAILY]
        assert _dutch("Your choice has been saved.") in page

    @pytest.mark.parametrize("posted", [{"mode": "hourly"}, {"mode": ""}, {}])
    def test_bad_input_gets_a_dutch_message_and_changes_nothing(self, client, resident, posted):
        resident.notification_mode = NotificationMode.DAILY
        resident.save(update_fields=["notification_mode"])
        client.force_login(resident)
        response = client.post(URL, posted)
        assert response.status_code in (200, 400)
        content = response.content.decode()
        assert "Er klopt nog iets niet." in content  # the summary above the form
        if posted.get("mode"):
            assert "Selecteer een geldige keuze. hourly is geen beschikbare keuze." in content
        else:
            assert _dutch("Choose one of the options.") in content
        assert 'aria-describedby="id_mode_error"' in content
        assert _mode(resident) == NotificationMode.DAILY

    def test_it_changes_only_the_signed_in_resident(self, client, resident, other_resident):
        client.force_login(resident)
        client.post(URL, {"mode": NotificationMode.ESSENTIAL})
        assert _mode(resident) == NotificationMode.ESSENTIAL
        assert _mode(other_resident) == NotificationMode.IMMEDIATE

    def test_the_pages_are_in_dutch(self, client, resident):
        client.force_login(resident)
        content = client.get(URL).content.decode()
        assert "Every update at once" not in content
        assert "Email about your dreams" not in content
        client.logout()
        token = unsubscribe_token_make(resident)
        content = client.get(f"/afmelden/{token}/").content.decode()
        assert "Less email" not in content
        assert "Do you want less email?" not in content


class TestUnsubscribeLink:
    def test_get_only_asks(self, client, resident, picked_up_mail):
        path = _unsubscribe_path(picked_up_mail)
        response = client.get(path)
        assert response.status_code == 200
        content = response.content.decode()
        assert f'<form method="post" action="{path}">' in content
        assert 'type="submit"' in content
        assert _mode(resident) == NotificationMode.IMMEDIATE
        assert "_auth_user_id" not in client.session  # the link does not sign anyone in

    def test_post_chooses_essential_mail_without_signing_in(self, client, resident, picked_up_mail):
        path = _unsubscribe_path(picked_up_mail)
        response = client.post(path)
        assert response.status_code == 200
        content = response.content.decode()
        assert _dutch(DONE) in content
        assert f'action="{path}"' not in content  # no second question
        assert _mode(resident) == NotificationMode.ESSENTIAL
        assert "_auth_user_id" not in client.session
        # Once more (a second click) changes nothing further and still answers.
        assert client.post(path).status_code == 200
        assert _mode(resident) == NotificationMode.ESSENTIAL

    def test_it_is_the_residents_own_link(self, client, resident, other_resident):
        client.post(f"/afmelden/{unsubscribe_token_make(other_resident)}/")
        assert _mode(other_resident) == NotificationMode.ESSENTIAL
        assert _mode(resident) == NotificationMode.IMMEDIATE

    @pytest.mark.parametrize(
        "tamper",
        [
            pytest.param(lambda t, u: t[:-1] + ("A" if t[-1] != "A" else "B"), id="signature"),
            pytest.param(lambda t, u: t[:3] + ("x" if t[3] != "x" else "y") + t[4:], id="payload"),
            pytest.param(lambda t, u: "garbage", id="garbage"),
            pytest.param(lambda t, u: signing.dumps({"user": u.pk}), id="signed-for-else"),
        ],
    )
    def test_a_tampered_link_answers_400_and_changes_nothing(self, client, resident, tamper):
        token = unsubscribe_token_make(resident)
        bad = tamper(token, resident)
        assert bad != token
        for method in (client.get, client.post):
            response = method(f"/afmelden/{bad}/")
            assert response.status_code == 400
            content = response.content.decode()
            assert _dutch(INVALID_LINK) in content
            assert '<form method="post" action="/afmelden/' not in content
        assert _mode(resident) == NotificationMode.IMMEDIATE

    def test_a_link_of_a_deactivated_account_does_not_work(self, client):
        gone = UserFactory(is_active=False)
        response = client.post(f"/afmelden/{unsubscribe_token_make(gone)}/")
        assert response.status_code == 400
        assert _mode(gone) == NotificationMode.IMMEDIATE

    def test_after_unsubscribing_only_status_changes_are_mailed(
        self,
        client,
        dream,
        resident,
        mogelijkmaker,
        picked_up_mail,
        django_capture_on_commit_callbacks,
    ):
        client.post(_unsubscribe_path(picked_up_mail))

        with django_capture_on_commit_callbacks(execute=True):
            services.dream_send_message(
                dream=dream, by=mogelijkmaker, body="Ik bel je volgende week."
            )
        assert mail.outbox == []
        skipped = OutboxMail.objects.get(state=OutboxMail.State.SKIPPED)
        assert skipped.recipient == resident
        assert "Ik bel je volgende week." in skipped.body_text

        with django_capture_on_commit_callbacks(execute=True):
            services.dream_log_contact(
                dream=dream,
                by=mogelijkmaker,
                kind=ContactMoment.Kind.PHONE,
                on=timezone.localdate(),
                summary="Gebeld.",
            )
        [status_mail] = mail.outbox
        assert status_mail.to == [resident.email]
        assert "In gesprek" in status_mail.subject
