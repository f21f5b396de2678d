"""The MogelijkMaker's daily work (services/workspace.py): pick up, move, contact moments,
messages, notes, working practices, hand-over."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.roles import Role
from initiatives import selectors, services
from initiatives.exceptions import AlreadyPickedUp, InvalidTransition, NotAllowed
from initiatives.models import (
    ContactMoment,
    Dream,
    EventKind,
    OutboxMail,
    PracticeNote,
    TimelineEvent,
    WorkingPractice,
)
from initiatives.statuses import NEEDS_REVIEW, STAFF_MOVES, Status
from tests.factories import DreamFactory, ReviewFactory, StaffFactory, UserFactory
from tests.initiatives.services.helpers import (
    ALL_SUPPORT,
    AMSTERDAM,
    RACES,
    at_once,
    kinds,
    mails_to,
)

pytestmark = pytest.mark.django_db


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
        assert kinds(picked_up) == [
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
        assert kinds(in_conversation) == [(EventKind.PRACTICE, False)] * 3
        assert (
            "Buurt in kaart."
            in in_conversation.events.order_by("-id").values_list("body", flat=True)[1]
        )
        assert mail.outbox == []


class TestHandOver:
    @pytest.fixture
    def two_dreams(self, resident, other_resident, mogelijkmaker):
        return [
            DreamFactory(resident=who, status=status, contact=mogelijkmaker)
            for who, status in ((resident, Status.IN_CONVERSATION), (other_resident, Status.PAUSED))
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
        assert len(mails_to(resident.email)) == 1
        assert len(mails_to(other_resident.email)) == 1
        to_new = mails_to(other_mogelijkmaker.email)
        assert len(to_new) == 2
        assert all("Anna belt graag na 17 uur." in m.body for m in to_new)
        assert mails_to(mogelijkmaker.email) == []

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
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(NotAllowed):
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


@pytest.mark.django_db(transaction=True)
def test_two_pick_ups_at_once_one_wins(postgresql_only):
    resident = UserFactory()
    first = StaffFactory(full_name="Eerste Pakker", roles=[Role.ENABLER])
    second = StaffFactory(full_name="Tweede Pakker", roles=[Role.ENABLER])
    names = {first.pk: first.full_name, second.pk: second.full_name}
    for _ in range(RACES):
        dream = DreamFactory(resident=resident)
        results = at_once(
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
