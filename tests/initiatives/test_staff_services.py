"""The MogelijkMakers' work: every service that staff use to carry a dream along."""

import threading
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts.roles import Role, has_role
from initiatives import selectors, services
from initiatives.exceptions import AlreadyPickedUp, InsufficientFunds, InvalidTransition, NotAllowed
from initiatives.models import (
    ContactMoment,
    CoreValue,
    Decision,
    Dream,
    EventKind,
    Fund,
    Grant,
    OutboxMail,
    PracticeNote,
    Review,
    TimelineEvent,
    Verdict,
    WorkingPractice,
)
from initiatives.statuses import NEEDS_REVIEW, STAFF_MOVES, Status
from tests.factories import DreamFactory, FundFactory, ReviewFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
ALL_SUPPORT = dict.fromkeys(CoreValue.values, (Verdict.SUPPORTS, "Dit past erbij."))


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Staff have passwords; the real hasher would make each staff user take ~0.3 s."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def picked_up(resident, neighbourhood, theme, mogelijkmaker):
    """A dream Mo picked up, before the first contact moment."""
    return DreamFactory(
        resident=resident,
        neighbourhood=neighbourhood,
        theme=theme,
        status=Status.PICKED_UP,
        contact=mogelijkmaker,
        picked_up_at=timezone.now(),
    )


@pytest.fixture
def in_conversation(picked_up):
    Dream.objects.filter(pk=picked_up.pk).update(
        status=Status.IN_CONVERSATION, first_contact_at=timezone.now()
    )
    picked_up.refresh_from_db()
    return picked_up


@pytest.fixture
def fund(db):
    return FundFactory(name="Dromenfonds", amount=Decimal("10000.00"))


def _mails_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def _kinds(dream: Dream) -> list[tuple[str, bool]]:
    return list(dream.events.order_by("created_at", "id").values_list("kind", "public"))


class TestPickUp:
    def test_picking_up_makes_you_the_one_face_and_tells_the_resident(
        self, dream, resident, mogelijkmaker, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.dream_pick_up(dream=dream, by=mogelijkmaker)
            assert mail.outbox == []  # nothing leaves before the transaction commits

        dream.refresh_from_db()
        assert dream.status == Status.PICKED_UP
        assert dream.contact == mogelijkmaker
        assert dream.picked_up_at is not None
        event = dream.events.get()
        assert (event.kind, event.public, event.actor) == (
            EventKind.STATUS_CHANGED,
            True,
            mogelijkmaker,
        )
        assert (event.from_status, event.to_status) == (Status.SUBMITTED, Status.PICKED_UP)
        assert "Mo El Amrani" in event.body
        assert dream.last_public_update_at == event.created_at
        assert [m.to for m in mail.outbox] == [[resident.email]]
        assert "Opgepakt" in mail.outbox[0].subject
        assert "Opgepakt" in mail.outbox[0].body

    def test_the_second_one_is_told_who_was_first(
        self, dream, mogelijkmaker, other_mogelijkmaker, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.dream_pick_up(dream=dream, by=mogelijkmaker)
            with pytest.raises(AlreadyPickedUp) as excinfo:
                services.dream_pick_up(dream=dream, by=other_mogelijkmaker)

        assert "Mo El Amrani" in str(excinfo.value)
        dream.refresh_from_db()
        assert dream.contact == mogelijkmaker
        assert dream.events.filter(to_status=Status.PICKED_UP).count() == 1
        assert OutboxMail.objects.filter(dream=dream).count() == 1  # the resident hears once
        assert len(mail.outbox) == 1

    @pytest.mark.parametrize("role", [Role.COMMUNICATIONS, Role.MANAGER])
    def test_only_a_mogelijkmaker_can_pick_up(self, dream, role):
        someone = StaffFactory(roles=[role])
        with pytest.raises(NotAllowed):
            services.dream_pick_up(dream=dream, by=someone)
        dream.refresh_from_db()
        assert (dream.status, dream.contact) == (Status.SUBMITTED, None)
        assert not dream.events.exists()
        assert not OutboxMail.objects.exists()

    def test_a_resident_or_a_deactivated_mogelijkmaker_cannot_pick_up(self, dream, other_resident):
        gone = StaffFactory(roles=[Role.ENABLER], is_active=False)
        for someone in (other_resident, gone):
            with pytest.raises(NotAllowed):
                services.dream_pick_up(dream=dream, by=someone)
        dream.refresh_from_db()
        assert dream.contact is None

    def test_a_withdrawn_dream_cannot_be_picked_up(self, resident, mogelijkmaker):
        dream = DreamFactory(resident=resident, status=Status.WITHDRAWN)
        with pytest.raises(InvalidTransition):
            services.dream_pick_up(dream=dream, by=mogelijkmaker)
        dream.refresh_from_db()
        assert (dream.status, dream.contact) == (Status.WITHDRAWN, None)


class TestMove:
    @pytest.mark.parametrize("with_review", [True, False], ids=["reviewed", "no-review"])
    @pytest.mark.parametrize("target", list(Status))
    @pytest.mark.parametrize("current", list(Status))
    def test_a_move_succeeds_exactly_where_the_table_allows_it(
        self, resident, mogelijkmaker, current, target, with_review
    ):
        dream = DreamFactory(resident=resident, status=current, contact=mogelijkmaker)
        if with_review:
            ReviewFactory(dream=dream, by=mogelijkmaker)
        allowed = target in STAFF_MOVES.get(current, [])
        review_ok = with_review or target not in NEEDS_REVIEW

        if allowed and review_ok:
            services.dream_move(dream=dream, by=mogelijkmaker, target=target, note="Zo verder.")
            dream.refresh_from_db()
            assert dream.status == target
            event = dream.events.get()
            assert (event.kind, event.public, event.actor) == (
                EventKind.STATUS_CHANGED,
                True,
                mogelijkmaker,
            )
            assert (event.from_status, event.to_status, event.body) == (
                current,
                target,
                "Zo verder.",
            )
            assert list(OutboxMail.objects.values_list("to_email", flat=True)) == [resident.email]
            assert (dream.closed_at is not None) == (target == Status.REALISED)
        else:
            expected = InvalidTransition if not allowed else NotAllowed
            with pytest.raises(expected):
                services.dream_move(dream=dream, by=mogelijkmaker, target=target)
            dream.refresh_from_db()
            assert dream.status == current
            assert dream.closed_at is None
            assert not dream.events.exists()
            assert not OutboxMail.objects.exists()

    def test_in_progress_needs_a_current_review(self, in_conversation, mogelijkmaker):
        with pytest.raises(NotAllowed) as excinfo:
            services.dream_move(dream=in_conversation, by=mogelijkmaker, target=Status.IN_PROGRESS)
        assert "Aan de slag" in str(excinfo.value)  # the refusal names the status, in Dutch
        in_conversation.refresh_from_db()
        assert in_conversation.status == Status.IN_CONVERSATION

        services.review_record(dream=in_conversation, by=mogelijkmaker, verdicts=ALL_SUPPORT)
        services.dream_move(dream=in_conversation, by=mogelijkmaker, target=Status.IN_PROGRESS)
        in_conversation.refresh_from_db()
        assert in_conversation.status == Status.IN_PROGRESS

    def test_an_earlier_version_is_not_a_current_review(self, in_conversation, mogelijkmaker):
        ReviewFactory(dream=in_conversation, by=mogelijkmaker, is_current=False)
        with pytest.raises(NotAllowed):
            services.dream_move(dream=in_conversation, by=mogelijkmaker, target=Status.IN_PROGRESS)

    def test_only_a_mogelijkmaker_moves_a_dream(self, picked_up, manager):
        with pytest.raises(NotAllowed):
            services.dream_move(dream=picked_up, by=manager, target=Status.PAUSED)
        picked_up.refresh_from_db()
        assert picked_up.status == Status.PICKED_UP


class TestContactMoment:
    def test_the_first_contact_starts_the_conversation(
        self, picked_up, resident, mogelijkmaker, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            moment = services.dream_log_contact(
                dream=picked_up,
                by=mogelijkmaker,
                kind=ContactMoment.Kind.PHONE,
                on=timezone.localdate(),
                summary="  Gebeld over het bankje.  ",
            )

        picked_up.refresh_from_db()
        assert picked_up.status == Status.IN_CONVERSATION
        assert picked_up.first_contact_at is not None
        assert (moment.dream, moment.by, moment.summary) == (
            picked_up,
            mogelijkmaker,
            "Gebeld over het bankje.",
        )
        assert _kinds(picked_up) == [
            (EventKind.CONTACT_MOMENT, False),
            (EventKind.STATUS_CHANGED, True),
        ]
        assert [m.to for m in mail.outbox] == [[resident.email]]
        assert "In gesprek" in mail.outbox[0].subject

    def test_a_later_contact_does_not_move_or_restart_the_clock(
        self, picked_up, mogelijkmaker, django_capture_on_commit_callbacks
    ):
        first_day = datetime(2025, 3, 10, 10, 0, tzinfo=AMSTERDAM)
        with time_machine.travel(first_day, tick=False):
            services.dream_log_contact(
                dream=picked_up,
                by=mogelijkmaker,
                kind=ContactMoment.Kind.PHONE,
                on=first_day.date(),
                summary="Eerste gesprek.",
            )
        with (
            time_machine.travel(first_day + timedelta(days=3), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            services.dream_log_contact(
                dream=picked_up,
                by=mogelijkmaker,
                kind=ContactMoment.Kind.VISIT,
                on=(first_day + timedelta(days=3)).date(),
                summary="Samen gekeken bij de vijver.",
            )

        picked_up.refresh_from_db()
        assert picked_up.status == Status.IN_CONVERSATION
        assert picked_up.first_contact_at == first_day
        assert picked_up.contact_moments.count() == 2
        assert picked_up.events.filter(kind=EventKind.STATUS_CHANGED).count() == 1
        assert mail.outbox == []  # an internal contact moment alone mails nobody

    def test_a_contact_moment_cannot_be_in_the_future(self, picked_up, mogelijkmaker):
        with pytest.raises(ValueError):
            services.dream_log_contact(
                dream=picked_up,
                by=mogelijkmaker,
                kind=ContactMoment.Kind.MEETING,
                on=timezone.localdate() + timedelta(days=1),
                summary="Morgen.",
            )
        picked_up.refresh_from_db()
        assert picked_up.status == Status.PICKED_UP
        assert picked_up.first_contact_at is None
        assert not ContactMoment.objects.exists()
        assert not picked_up.events.exists()

    def test_a_dream_nobody_picked_up_has_no_contact_moments(self, dream, mogelijkmaker):
        with pytest.raises(NotAllowed):
            services.dream_log_contact(
                dream=dream,
                by=mogelijkmaker,
                kind=ContactMoment.Kind.PHONE,
                on=timezone.localdate(),
                summary="Gebeld.",
            )
        dream.refresh_from_db()
        assert (dream.status, dream.first_contact_at) == (Status.SUBMITTED, None)
        assert not ContactMoment.objects.exists()


class TestMessagesAndNotes:
    def test_a_message_reaches_the_resident(
        self, in_conversation, resident, mogelijkmaker, django_capture_on_commit_callbacks
    ):
        before = in_conversation.last_public_update_at
        with django_capture_on_commit_callbacks(execute=True):
            event = services.dream_send_message(
                dream=in_conversation, by=mogelijkmaker, body="Zullen we dinsdag afspreken?"
            )

        event.refresh_from_db()
        assert (event.kind, event.public, event.actor) == (
            EventKind.MESSAGE_TO_RESIDENT,
            True,
            mogelijkmaker,
        )
        in_conversation.refresh_from_db()
        assert before is None
        assert in_conversation.last_public_update_at == event.created_at
        seen = selectors.dream_for_resident(resident=resident, pk=in_conversation.pk)
        assert [e.pk for e in seen.public_events] == [event.pk]
        assert [m.to for m in mail.outbox] == [[resident.email]]
        assert "Zullen we dinsdag afspreken?" in mail.outbox[0].body

    def test_a_note_stays_inside(
        self, in_conversation, resident, mogelijkmaker, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            note = services.dream_add_note(
                dream=in_conversation, by=mogelijkmaker, body="Buurman is tegen, voorzichtig."
            )

        note.refresh_from_db()
        assert (note.kind, note.public, note.body) == (
            EventKind.NOTE,
            False,
            "Buurman is tegen, voorzichtig.",
        )
        in_conversation.refresh_from_db()
        assert in_conversation.last_public_update_at is None  # a note is no news for the resident
        seen = selectors.dream_for_resident(resident=resident, pk=in_conversation.pk)
        assert seen.public_events == []
        assert mail.outbox == []
        assert not OutboxMail.objects.exists()

    def test_empty_texts_are_refused(self, in_conversation, mogelijkmaker):
        with pytest.raises(ValueError):
            services.dream_send_message(dream=in_conversation, by=mogelijkmaker, body="  ")
        with pytest.raises(ValueError):
            services.dream_add_note(dream=in_conversation, by=mogelijkmaker, body="\n")
        assert not TimelineEvent.objects.exists()

    def test_a_resident_cannot_write_internal_notes(self, in_conversation, resident):
        with pytest.raises(NotAllowed):
            services.dream_add_note(dream=in_conversation, by=resident, body="Stiekem")
        assert not TimelineEvent.objects.exists()

    def test_no_message_on_a_closed_dream(self, mogelijkmaker, resident):
        dream = DreamFactory(resident=resident, status=Status.REALISED, contact=mogelijkmaker)
        with pytest.raises(NotAllowed):
            services.dream_send_message(dream=dream, by=mogelijkmaker, body="Nog iets")
        assert not TimelineEvent.objects.exists()


class TestPractice:
    def test_one_row_per_practice_and_an_internal_event_each_time(
        self, in_conversation, mogelijkmaker, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.practice_update(
                dream=in_conversation,
                by=mogelijkmaker,
                practice=WorkingPractice.MAPPING,
                done=False,
                note="Eerst de buurt rond.",
            )
            services.practice_update(
                dream=in_conversation,
                by=mogelijkmaker,
                practice=WorkingPractice.MAPPING,
                done=True,
                note="Buurt in kaart.",
            )
            services.practice_update(
                dream=in_conversation,
                by=mogelijkmaker,
                practice=WorkingPractice.RELATIONSHIPS,
                done=True,
                note="",
            )

        rows = {p.practice: p for p in PracticeNote.objects.filter(dream=in_conversation)}
        assert set(rows) == {WorkingPractice.MAPPING, WorkingPractice.RELATIONSHIPS}
        assert (rows[WorkingPractice.MAPPING].done, rows[WorkingPractice.MAPPING].note) == (
            True,
            "Buurt in kaart.",
        )
        assert _kinds(in_conversation) == [(EventKind.PRACTICE, False)] * 3
        assert (
            "Buurt in kaart."
            in in_conversation.events.order_by("-id").values_list("body", flat=True)[1]
        )
        assert mail.outbox == []


class TestReview:
    def test_a_revision_is_a_new_version_and_the_old_one_is_kept(
        self, in_conversation, mogelijkmaker
    ):
        first = services.review_record(
            dream=in_conversation,
            by=mogelijkmaker,
            verdicts={**ALL_SUPPORT, CoreValue.DIALOGUE: (Verdict.TENSION, "Buren niet gehoord.")},
            dilemma="Wie beslist over de plek?",
        )
        second = services.review_record(
            dream=in_conversation, by=mogelijkmaker, verdicts=ALL_SUPPORT
        )

        versions = list(
            Review.objects.filter(dream=in_conversation)
            .order_by("version")
            .values_list("version", "is_current", "has_tension", "dialogue_verdict")
        )
        assert versions == [
            (1, False, True, Verdict.TENSION),
            (2, True, False, Verdict.SUPPORTS),
        ]
        assert (first.version, second.version) == (1, 2)
        assert Review.objects.get(pk=first.pk).dilemma == "Wie beslist over de plek?"
        events = in_conversation.events.filter(kind=EventKind.REVIEW)
        assert list(events.values_list("public", flat=True)) == [False, False]

    @pytest.mark.parametrize("value", CoreValue.values)
    def test_any_tension_marks_the_review(self, in_conversation, mogelijkmaker, value):
        verdicts = {
            **dict.fromkeys(CoreValue.values, (Verdict.NOT_RELEVANT, "Speelt hier niet.")),
            value: (Verdict.TENSION, "Hier wringt het."),
        }
        review = services.review_record(dream=in_conversation, by=mogelijkmaker, verdicts=verdicts)
        assert Review.objects.get(pk=review.pk).has_tension is True

    def test_no_tension_without_a_tension_verdict(self, in_conversation, mogelijkmaker):
        verdicts = {**ALL_SUPPORT, CoreValue.CUSTOMER: (Verdict.NOT_RELEVANT, "n.v.t.")}
        review = services.review_record(dream=in_conversation, by=mogelijkmaker, verdicts=verdicts)
        assert Review.objects.get(pk=review.pk).has_tension is False

    @pytest.mark.parametrize(
        "verdicts",
        [
            {k: v for k, v in ALL_SUPPORT.items() if k != CoreValue.RESPONSIBILITY},
            {**ALL_SUPPORT, CoreValue.CUSTOMER: (Verdict.SUPPORTS, "   ")},
            {**ALL_SUPPORT, CoreValue.CUSTOMER: ("great", "Prima.")},
        ],
        ids=["missing-value", "empty-reasoning", "unknown-verdict"],
    )
    def test_an_incomplete_review_is_refused(self, in_conversation, mogelijkmaker, verdicts):
        ReviewFactory(dream=in_conversation, by=mogelijkmaker)
        with pytest.raises(ValueError):
            services.review_record(dream=in_conversation, by=mogelijkmaker, verdicts=verdicts)
        assert list(Review.objects.values_list("version", "is_current")) == [(1, True)]
        assert not in_conversation.events.exists()


class TestGrant:
    def test_a_grant_within_the_limit_is_granted_at_once(
        self, in_conversation, resident, mogelijkmaker, fund, django_capture_on_commit_callbacks
    ):
        assert selectors.service_promises().grant_approval_limit == Decimal("2500")
        with django_capture_on_commit_callbacks(execute=True):
            grant = services.grant_create(
                dream=in_conversation,
                by=mogelijkmaker,
                fund=fund,
                amount=Decimal("450.00"),
                purpose="Verf en een bankje",
            )

        grant.refresh_from_db()
        assert (grant.state, grant.decided_by, grant.requested_by) == (
            Grant.State.GRANTED,
            mogelijkmaker,
            mogelijkmaker,
        )
        fund.refresh_from_db()
        assert fund.committed == Decimal("450.00")
        assert _kinds(in_conversation) == [(EventKind.GRANT, True)]
        assert [m.to for m in mail.outbox] == [[resident.email]]
        assert "Verf en een bankje" in mail.outbox[0].body

    def test_exactly_the_limit_needs_no_approval(self, in_conversation, mogelijkmaker, fund):
        grant = services.grant_create(
            dream=in_conversation,
            by=mogelijkmaker,
            fund=fund,
            amount=Decimal("2500.00"),
            purpose="Precies de grens",
        )
        assert grant.state == Grant.State.GRANTED

    def test_above_the_limit_the_money_is_held_for_a_manager(
        self, in_conversation, mogelijkmaker, fund, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            grant = services.grant_create(
                dream=in_conversation,
                by=mogelijkmaker,
                fund=fund,
                amount=Decimal("2500.01"),
                purpose="Een speeltoestel",
            )

        grant.refresh_from_db()
        assert (grant.state, grant.decided_by, grant.decided_at) == (
            Grant.State.AWAITING_APPROVAL,
            None,
            None,
        )
        fund.refresh_from_db()
        assert fund.committed == Decimal("2500.01")
        assert _kinds(in_conversation) == [(EventKind.GRANT_REQUESTED, False)]
        assert mail.outbox == []

    def test_a_manager_approves(
        self,
        in_conversation,
        resident,
        mogelijkmaker,
        manager,
        fund,
        django_capture_on_commit_callbacks,
    ):
        grant = services.grant_create(
            dream=in_conversation,
            by=mogelijkmaker,
            fund=fund,
            amount=Decimal("3000"),
            purpose="Speeltoestel",
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.grant_decide(grant=grant, by=manager, approve=True)

        grant.refresh_from_db()
        assert (grant.state, grant.decided_by) == (Grant.State.GRANTED, manager)
        assert grant.decided_at is not None
        fund.refresh_from_db()
        assert fund.committed == Decimal("3000")
        public = in_conversation.events.get(public=True)
        assert (public.kind, public.actor) == (EventKind.GRANT, manager)
        assert [m.to for m in mail.outbox] == [[resident.email]]

    def test_a_manager_refuses_and_the_money_is_released(
        self, in_conversation, mogelijkmaker, manager, fund, django_capture_on_commit_callbacks
    ):
        grant = services.grant_create(
            dream=in_conversation,
            by=mogelijkmaker,
            fund=fund,
            amount=Decimal("3000"),
            purpose="Speeltoestel",
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.grant_decide(grant=grant, by=manager, approve=False)

        grant.refresh_from_db()
        assert (grant.state, grant.decided_by) == (Grant.State.REJECTED, manager)
        fund.refresh_from_db()
        assert fund.committed == Decimal("0")
        assert _kinds(in_conversation) == [
            (EventKind.GRANT_REQUESTED, False),
            (EventKind.GRANT_REJECTED, False),
        ]
        assert mail.outbox == []
        with pytest.raises(NotAllowed):  # decided once, decided for good
            services.grant_decide(grant=grant, by=manager, approve=True)
        fund.refresh_from_db()
        assert fund.committed == Decimal("0")

    def test_a_mogelijkmaker_cannot_decide(
        self, in_conversation, mogelijkmaker, other_mogelijkmaker, fund
    ):
        grant = services.grant_create(
            dream=in_conversation,
            by=mogelijkmaker,
            fund=fund,
            amount=Decimal("3000"),
            purpose="Speeltoestel",
        )
        for someone in (mogelijkmaker, other_mogelijkmaker):
            with pytest.raises(NotAllowed):
                services.grant_decide(grant=grant, by=someone, approve=True)
        grant.refresh_from_db()
        assert (grant.state, grant.decided_by) == (Grant.State.AWAITING_APPROVAL, None)

    def test_more_than_the_balance_changes_nothing(self, in_conversation, mogelijkmaker):
        fund = FundFactory(name="Klein fonds", amount=Decimal("1000.00"))
        services.grant_create(
            dream=in_conversation,
            by=mogelijkmaker,
            fund=fund,
            amount=Decimal("600.00"),
            purpose="Eerste deel",
        )
        with pytest.raises(InsufficientFunds) as excinfo:
            services.grant_create(
                dream=in_conversation,
                by=mogelijkmaker,
                fund=fund,
                amount=Decimal("400.01"),
                purpose="Net te veel",
            )
        assert "400" in str(excinfo.value)
        fund.refresh_from_db()
        assert fund.committed == Decimal("600.00")
        assert list(Grant.objects.values_list("purpose", flat=True)) == ["Eerste deel"]
        assert in_conversation.events.count() == 1

    @pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5")])
    def test_the_amount_must_be_positive(self, in_conversation, mogelijkmaker, fund, amount):
        with pytest.raises(ValueError):
            services.grant_create(
                dream=in_conversation, by=mogelijkmaker, fund=fund, amount=amount, purpose="x"
            )
        fund.refresh_from_db()
        assert fund.committed == 0
        assert not Grant.objects.exists()

    def test_no_grant_before_the_dream_is_picked_up(self, dream, mogelijkmaker, fund):
        with pytest.raises(NotAllowed):
            services.grant_create(
                dream=dream, by=mogelijkmaker, fund=fund, amount=Decimal("10"), purpose="x"
            )
        assert not Grant.objects.exists()

    def test_the_database_refuses_a_negative_balance(self, fund):
        with pytest.raises(IntegrityError), transaction.atomic():
            Fund.objects.filter(pk=fund.pk).update(committed=F("amount") + 1)
        with pytest.raises(IntegrityError), transaction.atomic():
            Fund.objects.filter(pk=fund.pk).update(committed=-1)
        fund.refresh_from_db()
        assert fund.committed == 0


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
        assert _mails_to(resident.email) == []
        assert not OutboxMail.objects.filter(to_email=resident.email).exists()
        with pytest.raises(NotAllowed):  # one open proposal at a time
            services.decision_propose(dream=reviewed, by=mogelijkmaker, reasons="Nogmaals.")

    def test_the_signed_letter_closes_the_dream_and_reaches_the_resident(
        self,
        decision,
        resident,
        communications_advisor,
        django_capture_on_commit_callbacks,
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
        assert "Niet mogelijk" in mail.outbox[0].subject

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


class TestHandOver:
    @pytest.fixture
    def two_dreams(self, resident, other_resident, mogelijkmaker):
        return [
            DreamFactory(resident=who, status=status, contact=mogelijkmaker)
            for who, status in (
                (resident, Status.IN_CONVERSATION),
                (other_resident, Status.PAUSED),
            )
        ]

    def test_hand_over_changes_the_face_and_tells_everyone(
        self,
        two_dreams,
        mogelijkmaker,
        other_mogelijkmaker,
        resident,
        other_resident,
        django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            count = services.dreams_hand_over(
                dreams=two_dreams,
                by=mogelijkmaker,
                to=other_mogelijkmaker,
                note="  Ik ga met verlof; Anna belt graag na 17 uur.  ",
            )

        assert count == 2
        for dream in two_dreams:
            dream.refresh_from_db()
            assert dream.contact == other_mogelijkmaker
            handover = dream.events.get(kind=EventKind.HANDOVER)
            assert (handover.public, handover.actor) == (False, mogelijkmaker)
            assert "Ik ga met verlof; Anna belt graag na 17 uur." in handover.body
            changed = dream.events.get(kind=EventKind.CONTACT_CHANGED)
            assert changed.public is True
            assert "Petra Jansen" in changed.body
            assert "verlof" not in changed.body  # the internal note stays internal
        assert len(_mails_to(resident.email)) == 1
        assert len(_mails_to(other_resident.email)) == 1
        to_new = _mails_to(other_mogelijkmaker.email)
        assert len(to_new) == 2
        assert all("Anna belt graag na 17 uur." in m.body for m in to_new)
        assert _mails_to(mogelijkmaker.email) == []

    def test_only_to_a_mogelijkmaker(self, two_dreams, mogelijkmaker, communications_advisor):
        with pytest.raises(NotAllowed):
            services.dreams_hand_over(
                dreams=two_dreams, by=mogelijkmaker, to=communications_advisor, note="Graag."
            )
        self._assert_unchanged(two_dreams, mogelijkmaker)

    def test_a_note_is_required(self, two_dreams, mogelijkmaker, other_mogelijkmaker):
        with pytest.raises(ValueError):
            services.dreams_hand_over(
                dreams=two_dreams, by=mogelijkmaker, to=other_mogelijkmaker, note="   "
            )
        self._assert_unchanged(two_dreams, mogelijkmaker)

    def test_all_or_none(
        self,
        two_dreams,
        resident,
        mogelijkmaker,
        other_mogelijkmaker,
        django_capture_on_commit_callbacks,
    ):
        not_picked_up = DreamFactory(resident=resident, status=Status.SUBMITTED)
        with (
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(NotAllowed),
        ):
            services.dreams_hand_over(
                dreams=[*two_dreams, not_picked_up],
                by=mogelijkmaker,
                to=other_mogelijkmaker,
                note="Alles naar Petra.",
            )
        self._assert_unchanged(two_dreams, mogelijkmaker)
        not_picked_up.refresh_from_db()
        assert not_picked_up.contact is None
        assert mail.outbox == []

    def test_a_communications_advisor_cannot_hand_over(
        self, two_dreams, mogelijkmaker, other_mogelijkmaker, communications_advisor
    ):
        with pytest.raises(NotAllowed):
            services.dreams_hand_over(
                dreams=two_dreams, by=communications_advisor, to=other_mogelijkmaker, note="Hup."
            )
        self._assert_unchanged(two_dreams, mogelijkmaker)

    @staticmethod
    def _assert_unchanged(dreams, contact):
        for dream in dreams:
            dream.refresh_from_db()
            assert dream.contact == contact
        assert not TimelineEvent.objects.exists()
        assert not OutboxMail.objects.exists()


# --- two people at the same moment (PostgreSQL: SQLite has no row locks) ----------------------

RACES = 5


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; on CI the suite runs there")


def _at_once(*calls):
    """Run CALLS in threads released together; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # the outcome is what the test checks
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


@pytest.mark.django_db(transaction=True)
def test_two_pick_ups_at_once_one_wins(postgresql_only):
    resident = UserFactory()
    first = StaffFactory(full_name="Eerste Pakker", roles=[Role.ENABLER])
    second = StaffFactory(full_name="Tweede Pakker", roles=[Role.ENABLER])
    names = {first.pk: first.full_name, second.pk: second.full_name}
    for _ in range(RACES):
        dream = DreamFactory(resident=resident)
        results = _at_once(
            lambda dream=dream: services.dream_pick_up(dream=dream, by=first),
            lambda dream=dream: services.dream_pick_up(dream=dream, by=second),
        )

        won = [r for r in results if isinstance(r, Dream)]
        lost = [r for r in results if isinstance(r, AlreadyPickedUp)]
        assert (len(won), len(lost)) == (1, 1), results
        dream.refresh_from_db()
        assert dream.status == Status.PICKED_UP
        assert dream.contact_id == won[0].contact_id
        assert names[dream.contact_id] in str(lost[0])
        assert dream.events.filter(to_status=Status.PICKED_UP).count() == 1
        assert OutboxMail.objects.filter(dream=dream).count() == 1  # the resident hears once


@pytest.mark.django_db(transaction=True)
def test_two_grants_at_once_cannot_overspend(postgresql_only):
    enabler = StaffFactory(roles=[Role.ENABLER])
    for n in range(RACES):
        fund = FundFactory(name=f"Racefonds {n}", amount=Decimal("1000.00"))
        dreams = [
            DreamFactory(status=Status.IN_CONVERSATION, contact=enabler) for _ in range(2)
        ]  # two dreams, so only the fund's lock stands between the two grants
        results = _at_once(
            *(
                lambda dream=dream, fund=fund: services.grant_create(
                    dream=dream, by=enabler, fund=fund, amount=Decimal("700.00"), purpose="Race"
                )
                for dream in dreams
            )
        )

        granted = [r for r in results if isinstance(r, Grant)]
        refused = [r for r in results if isinstance(r, InsufficientFunds)]
        assert (len(granted), len(refused)) == (1, 1), results
        fund.refresh_from_db()
        assert fund.committed == Decimal("700.00")
        assert Grant.objects.filter(fund=fund).count() == 1
