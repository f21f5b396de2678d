"""Staff hear when work starts waiting for them (issue 14, item 7): a letter to sign reaches
the communications advisors, a grant to approve the managers, a resident's message the
contact; at once, or held for the daily email, as each person chose."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import NotificationMode, StaffNotificationMode
from accounts.roles import Role
from initiatives import services
from initiatives.models import Dream, OutboxMail, Review
from initiatives.statuses import Status
from tests.factories import DreamFactory, StaffFactory, UserFactory
from tests.initiatives.services.helpers import ALL_SUPPORT, mails_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def advisors(db):
    return [
        StaffFactory(email="carla@heusden.example", roles=[Role.COMMUNICATIONS]),
        StaffFactory(
            email="cees@heusden.example",
            roles=[Role.COMMUNICATIONS],
            staff_notification_mode=StaffNotificationMode.DAILY,
        ),
    ]


@pytest.fixture
def reviewed(in_conversation, mogelijkmaker):
    services.review_record(dream=in_conversation, by=mogelijkmaker, verdicts=ALL_SUPPORT)
    assert Review.objects.filter(dream=in_conversation, is_current=True).exists()
    return in_conversation


def _rows(user) -> list[OutboxMail]:
    return list(OutboxMail.objects.filter(recipient=user).order_by("id"))


class TestALetterToSign:
    def test_every_advisor_hears_at_once_or_in_the_daily_email(
        self, reviewed, mogelijkmaker, advisors, django_capture_on_commit_callbacks
    ):
        at_once, daily = advisors
        with django_capture_on_commit_callbacks(execute=True):
            decision = services.decision_propose(
                dream=reviewed, by=mogelijkmaker, reasons="Geen plek."
            )

        [now] = _rows(at_once)
        assert now.state == OutboxMail.State.SENT
        [sent] = mails_to(at_once.email)
        assert sent.subject == f"Een brief om te ondertekenen: “{reviewed.title}” is niet mogelijk"
        assert f"/medewerkers/besluiten/{decision.pk}/" in sent.body
        assert "Geen plek." in sent.body
        assert "/medewerkers/voorkeuren/" in sent.body  # where to choose a daily email
        assert "/afmelden/" not in sent.body  # no resident's unsubscribe link

        [held] = _rows(daily)
        assert held.state == OutboxMail.State.HELD_FOR_DIGEST  # not sent after commit
        assert mails_to(daily.email) == []
        assert held.digest_line == (
            f"Een brief om te schrijven en te ondertekenen: “{reviewed.title}” "
            "(voorgesteld door Mo El Amrani)."
        )

    def test_the_daily_email_bundles_a_staff_members_work(
        self, reviewed, mogelijkmaker, advisors, resident, django_capture_on_commit_callbacks
    ):
        _at_once, daily = advisors
        other = UserFactory(email="bep@example.nl", notification_mode=NotificationMode.DAILY)
        services.decision_propose(dream=reviewed, by=mogelijkmaker, reasons="Geen plek.")
        OutboxMail.objects.create(  # a resident's held update, for the same digest run
            recipient=other,
            to_email=other.email,
            subject="Nieuws",
            body_text="x",
            digest_line="Een bericht over je droom.",
            state=OutboxMail.State.HELD_FOR_DIGEST,
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert services.outbox_digest_send() == 2

        [digest] = mails_to(daily.email)
        assert digest.subject == "Dromen.Doen vandaag: 1 nieuwe taak voor jou"
        assert f"“{reviewed.title}” (voorgesteld door Mo El Amrani)" in digest.body
        assert re.search(r"^https?://\S+/medewerkers/$", digest.body, re.M)  # the start page
        assert "/medewerkers/voorkeuren/" in digest.body
        assert "/mijn-dromen/" not in digest.body  # the residents' digest is another mail
        [resident_digest] = mails_to(other.email)
        assert "/mijn-dromen/" in resident_digest.body
        assert _rows(daily)[0].state == OutboxMail.State.IN_DIGEST


class TestAGrantToApprove:
    def test_managers_hear_of_a_grant_above_the_limit_only(
        self, in_conversation, mogelijkmaker, manager, fund, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.grant_create(
                dream=in_conversation,
                by=mogelijkmaker,
                fund=fund,
                amount=Decimal("600"),
                purpose="Verf",
            )
        assert mails_to(manager.email) == []
        with django_capture_on_commit_callbacks(execute=True):
            services.grant_create(
                dream=in_conversation,
                by=mogelijkmaker,
                fund=fund,
                amount=Decimal("3000"),
                purpose="Een podium",
            )
        [sent] = mails_to(manager.email)
        assert (
            sent.subject
            == f"Een budget om goed te keuren: € 3.000,00 voor “{in_conversation.title}”"
        )
        assert "Een podium" in sent.body
        assert "/medewerkers/goedkeuringen/" in sent.body


class TestAResidentsMessage:
    @pytest.mark.parametrize("mode", StaffNotificationMode.values)
    def test_the_contact_hears_as_they_chose(
        self, in_conversation, resident, mogelijkmaker, mode, django_capture_on_commit_callbacks
    ):
        services.staff_notification_mode_set(user=mogelijkmaker, mode=mode)
        with django_capture_on_commit_callbacks(execute=True):
            services.dream_message_from_resident(
                dream=in_conversation, by=resident, body="Wanneer komt het bankje?"
            )
        [row] = _rows(mogelijkmaker)
        if mode == StaffNotificationMode.IMMEDIATE:
            assert row.state == OutboxMail.State.SENT
            assert "Wanneer komt het bankje?" in mails_to(mogelijkmaker.email)[0].body
        else:
            assert row.state == OutboxMail.State.HELD_FOR_DIGEST
            assert row.digest_line == f"Een bericht van de inwoner van “{in_conversation.title}”."
            assert mails_to(mogelijkmaker.email) == []


class TestTheChoice:
    def test_only_staff_choose_and_only_known_modes(self, resident, mogelijkmaker):
        with pytest.raises(ValueError):
            services.staff_notification_mode_set(user=resident, mode="daily")
        with pytest.raises(ValueError):
            services.staff_notification_mode_set(user=mogelijkmaker, mode="weekly")
        services.staff_notification_mode_set(user=mogelijkmaker, mode="daily")
        mogelijkmaker.refresh_from_db()
        assert mogelijkmaker.staff_notification_mode == StaffNotificationMode.DAILY

    def test_urgent_staff_mail_is_not_held(self, mogelijkmaker, django_capture_on_commit_callbacks):
        """A broken promise's reminder is not "work that started waiting": always at once."""
        services.staff_notification_mode_set(user=mogelijkmaker, mode="daily")
        dream = DreamFactory(
            status=Status.PICKED_UP,
            contact=mogelijkmaker,
            picked_up_at=timezone.now() - timedelta(days=14),
        )
        assert Dream.objects.filter(pk=dream.pk).exists()
        with django_capture_on_commit_callbacks(execute=True):
            services.promises_check()
        assert [r.state for r in _rows(mogelijkmaker)] == [OutboxMail.State.SENT]
