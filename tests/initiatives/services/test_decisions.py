"""Not possible: proposed by the MogelijkMaker, signed by a communications advisor
(services/decisions.py)."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from accounts.roles import Role, has_role
from initiatives import services
from initiatives.exceptions import NotAllowed
from initiatives.models import Decision, Dream, EventKind, OutboxMail, TimelineEvent
from initiatives.statuses import Status
from tests.factories import DreamFactory, ReviewFactory, StaffFactory
from tests.initiatives.services.helpers import ALL_SUPPORT, mails_to

pytestmark = pytest.mark.django_db


class TestDecision:
    @pytest.fixture
    def reviewed(self, in_conversation, mogelijkmaker):
        services.review_record(dream=in_conversation, by=mogelijkmaker, verdicts=ALL_SUPPORT)
        return in_conversation

    @pytest.fixture
    def decision(self, reviewed, mogelijkmaker):
        return services.decision_propose(
            dream=reviewed, by=mogelijkmaker, reasons="De grond is niet van de gemeente."
        )

    def test_proposing_needs_a_current_review(self, in_conversation, mogelijkmaker):
        with pytest.raises(NotAllowed):
            services.decision_propose(dream=in_conversation, by=mogelijkmaker, reasons="Nee.")
        assert not Decision.objects.exists()

    @pytest.mark.parametrize("status", [Status.SUBMITTED, Status.REALISED, Status.WITHDRAWN])
    def test_proposing_needs_an_open_picked_up_dream(self, resident, mogelijkmaker, status):
        contact = None if status == Status.SUBMITTED else mogelijkmaker
        dream = DreamFactory(resident=resident, status=status, contact=contact)
        ReviewFactory(dream=dream, by=mogelijkmaker)
        with pytest.raises(NotAllowed):
            services.decision_propose(dream=dream, by=mogelijkmaker, reasons="Nee.")
        assert not Decision.objects.exists()

    def test_a_proposal_is_not_yet_a_decision(
        self, reviewed, resident, mogelijkmaker, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            decision = services.decision_propose(
                dream=reviewed, by=mogelijkmaker, reasons="De grond is niet van de gemeente."
            )

        decision.refresh_from_db()
        assert (decision.state, decision.proposed_by) == (Decision.State.PROPOSED, mogelijkmaker)
        reviewed.refresh_from_db()
        assert reviewed.status == Status.IN_CONVERSATION
        assert reviewed.closed_at is None
        assert reviewed.events.get(kind=EventKind.DECISION_PROPOSED).public is False
        assert not reviewed.events.filter(public=True).exists()
        assert mails_to(resident.email) == []
        assert not OutboxMail.objects.filter(to_email=resident.email).exists()
        with pytest.raises(NotAllowed):  # one open proposal at a time
            services.decision_propose(dream=reviewed, by=mogelijkmaker, reasons="Nogmaals.")

    def test_the_signed_letter_closes_the_dream_and_reaches_the_resident(
        self, decision, resident, communications_advisor, django_capture_on_commit_callbacks
    ):
        letter = "Beste Anna, helaas kan uw droom niet doorgaan omdat de grond niet van ons is."
        with django_capture_on_commit_callbacks(execute=True):
            services.decision_sign(decision=decision, by=communications_advisor, letter=letter)

        decision.refresh_from_db()
        assert (decision.state, decision.signed_by, decision.letter) == (
            Decision.State.SIGNED,
            communications_advisor,
            letter,
        )
        dream = Dream.objects.get(pk=decision.dream_id)
        assert dream.status == Status.NOT_POSSIBLE
        assert dream.closed_at is not None
        event = dream.events.get(kind=EventKind.DECISION_LETTER)
        assert (event.public, event.actor) == (True, communications_advisor)
        assert letter in event.body
        assert "Carla Communicatie" in event.body
        assert [m.to for m in mail.outbox] == [[resident.email]]
        assert letter in mail.outbox[0].body
        assert mail.outbox[0].subject == f"Besluit over je droom “{dream.title}”"
        assert "Niet mogelijk" in mail.outbox[0].body  # the status, in words

    def test_the_proposer_cannot_sign_even_with_the_communications_role(
        self, decision, mogelijkmaker
    ):
        mogelijkmaker.groups.add(Group.objects.get_or_create(name=Role.COMMUNICATIONS)[0])
        assert has_role(mogelijkmaker, Role.COMMUNICATIONS)  # Mo now has both roles
        with pytest.raises(NotAllowed):
            services.decision_sign(decision=decision, by=mogelijkmaker, letter="Helaas.")
        self._assert_unsigned(decision)

    def test_a_mogelijkmaker_without_the_role_cannot_sign(self, decision, other_mogelijkmaker):
        with pytest.raises(NotAllowed):
            services.decision_sign(decision=decision, by=other_mogelijkmaker, letter="Helaas.")
        self._assert_unsigned(decision)

    def test_an_empty_letter_is_refused(self, decision, communications_advisor):
        with pytest.raises(ValueError):
            services.decision_sign(decision=decision, by=communications_advisor, letter="  ")
        self._assert_unsigned(decision)

    def test_signing_twice_is_refused(self, decision, communications_advisor):
        services.decision_sign(decision=decision, by=communications_advisor, letter="Helaas.")
        second = StaffFactory(roles=[Role.COMMUNICATIONS])
        for someone in (communications_advisor, second):
            with pytest.raises(NotAllowed):
                services.decision_sign(decision=decision, by=someone, letter="Nogmaals helaas.")
        decision.refresh_from_db()
        assert (decision.letter, decision.signed_by) == ("Helaas.", communications_advisor)
        assert TimelineEvent.objects.filter(kind=EventKind.DECISION_LETTER).count() == 1

    @staticmethod
    def _assert_unsigned(decision):
        decision.refresh_from_db()
        assert (decision.state, decision.signed_by, decision.letter) == (
            Decision.State.PROPOSED,
            None,
            "",
        )
        dream = Dream.objects.get(pk=decision.dream_id)
        assert dream.status == Status.IN_CONVERSATION
        assert not dream.events.filter(public=True).exists()
        assert not OutboxMail.objects.exists()


class TestWhoElseCanHelp:
    """Issue 14, item 2: the letter can name who else can help, so a "no" is no dead end."""

    def test_the_letter_names_who_else_can_help_in_the_mail(
        self,
        in_conversation,
        resident,
        mogelijkmaker,
        communications_advisor,
        django_capture_on_commit_callbacks,
    ):
        services.review_record(dream=in_conversation, by=mogelijkmaker, verdicts=ALL_SUPPORT)
        decision = services.decision_propose(
            dream=in_conversation, by=mogelijkmaker, reasons="De grond is niet van ons."
        )
        other_help = "Het wijkplatform Drunen (wijkplatform.example) helpt met buurtfeesten."
        with django_capture_on_commit_callbacks(execute=True):
            services.decision_sign(
                decision=decision,
                by=communications_advisor,
                letter="Helaas kan het niet.",
                other_help=f"  {other_help}\n",
            )
        decision.refresh_from_db()
        assert decision.other_help == other_help
        [sent] = mails_to(resident.email)
        assert f"Wie kan je nog meer helpen?\n{other_help}" in sent.body
        assert other_help in sent.alternatives[0][0]

    def test_without_it_the_mail_says_nothing_of_it(
        self,
        in_conversation,
        resident,
        mogelijkmaker,
        communications_advisor,
        django_capture_on_commit_callbacks,
    ):
        services.review_record(dream=in_conversation, by=mogelijkmaker, verdicts=ALL_SUPPORT)
        decision = services.decision_propose(
            dream=in_conversation, by=mogelijkmaker, reasons="De grond is niet van ons."
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.decision_sign(decision=decision, by=communications_advisor, letter="Helaas.")
        [sent] = mails_to(resident.email)
        assert "Wie kan je nog meer helpen" not in sent.body
