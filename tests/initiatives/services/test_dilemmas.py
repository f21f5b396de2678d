"""Dilemmas and exceptions in the open (services/dilemmas.py, issue 17)."""

import pytest
from django.core import mail

from initiatives import services
from initiatives.dilemma_models import Dilemma
from initiatives.exceptions import NotAllowed
from initiatives.models import CoreValue, Dream, EventKind, TimelineEvent, Verdict
from initiatives.statuses import Status
from tests.initiatives.services.helpers import ALL_SUPPORT

pytestmark = pytest.mark.django_db

EXCEPTION = {
    "kind": Dilemma.Kind.EXCEPTION,
    "summary": "Subsidie voor een buurtfeest met alcohol",
    "rule": "Geen subsidie voor alcohol",
    "why": "De opbrengst gaat naar de voedselbank; de bar is van de vereniging.",
    "agreed_with": "Teamleider Joke",
}


def _record(dream, by, **changes):
    return services.dilemma_record(dream=dream, by=by, **{**EXCEPTION, **changes})


class TestRecord:
    def test_the_contact_person_records_an_exception(self, in_conversation, mogelijkmaker):
        item = _record(in_conversation, mogelijkmaker)
        item.refresh_from_db()
        assert (item.kind, item.rule, item.agreed_with, item.outcome) == (
            "exception",
            "Geen subsidie voor alcohol",
            "Teamleider Joke",
            Dilemma.Outcome.OPEN,
        )
        assert item.recorded_by == mogelijkmaker and item.review is None
        event = in_conversation.events.get(kind=EventKind.DILEMMA)
        assert not event.public  # internal: the resident never reads it
        assert "Geen subsidie voor alcohol" in event.body
        assert event.actor == mogelijkmaker
        assert mail.outbox == []  # nothing to tell anyone: a record, not a request
        dream = Dream.objects.get(pk=in_conversation.pk)
        assert dream.status == Status.IN_CONVERSATION  # nothing blocked or approved

    def test_a_dilemma_needs_no_rule(self, in_conversation, mogelijkmaker):
        item = _record(
            in_conversation,
            mogelijkmaker,
            kind=Dilemma.Kind.DILEMMA,
            summary="Spreekt zij voor de hele straat?",
            rule="een regel die niet hoort",
            agreed_with="Wijkagent",
        )
        assert item.kind == "dilemma" and item.rule == ""  # a rule belongs to an exception
        assert item.agreed_with == "Wijkagent"  # a dilemma's "discussed with"

    def test_an_exception_without_a_rule_is_refused(self, in_conversation, mogelijkmaker):
        with pytest.raises(ValueError, match="noem de regel"):
            _record(in_conversation, mogelijkmaker, rule="   ")
        assert not Dilemma.objects.exists()
        assert not TimelineEvent.objects.filter(kind=EventKind.DILEMMA).exists()

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"summary": ""}, "wat er besloten is"),
            ({"why": " "}, "Zeg waarom"),
            ({"kind": "rule"}, "uitzondering of een dilemma"),
        ],
    )
    def test_what_is_required(self, in_conversation, mogelijkmaker, changes, message):
        with pytest.raises(ValueError, match=message):
            _record(in_conversation, mogelijkmaker, **changes)
        assert not Dilemma.objects.exists()

    def test_only_the_contact_person_records(self, in_conversation, other_mogelijkmaker, manager):
        with pytest.raises(NotAllowed, match="contactpersoon"):
            _record(in_conversation, other_mogelijkmaker)
        with pytest.raises(NotAllowed):
            _record(in_conversation, manager)  # a manager discusses, does not record
        assert not Dilemma.objects.exists()

    def test_not_on_a_dream_nobody_picked_up_or_that_is_closed(
        self, dream, in_conversation, mogelijkmaker
    ):
        with pytest.raises(NotAllowed):
            _record(dream, mogelijkmaker)
        Dream.objects.filter(pk=in_conversation.pk).update(status=Status.REALISED)
        with pytest.raises(NotAllowed):
            _record(in_conversation, mogelijkmaker)
        assert not Dilemma.objects.exists()


class TestFromTheReview:
    def _review(self, dream, by, dilemma, discussed_with=""):
        return services.review_record(
            dream=dream,
            by=by,
            verdicts={**ALL_SUPPORT, CoreValue.DIALOGUE: (Verdict.TENSION, "Buren niet gehoord.")},
            dilemma=dilemma,
            discussed_with=discussed_with,
        )

    def test_a_new_dilemma_in_a_review_is_recorded(self, in_conversation, mogelijkmaker):
        review = self._review(in_conversation, mogelijkmaker, "Wie beslist?", "Collega Ad")
        item = Dilemma.objects.get()
        assert (item.kind, item.summary, item.why, item.agreed_with) == (
            "dilemma",
            "Wie beslist?",
            "Wie beslist?",
            "Collega Ad",
        )
        assert item.review == review and item.recorded_by == mogelijkmaker
        kinds = list(in_conversation.events.values_list("kind", flat=True))
        assert kinds.count(EventKind.DILEMMA) == 1

    def test_the_same_dilemma_again_is_not_recorded_twice(self, in_conversation, mogelijkmaker):
        self._review(in_conversation, mogelijkmaker, "Wie beslist?")
        self._review(in_conversation, mogelijkmaker, "  Wie beslist?  ", "Ad")
        assert Dilemma.objects.count() == 1
        self._review(in_conversation, mogelijkmaker, "Wie beslist, en wanneer?")
        assert Dilemma.objects.count() == 2
        services.review_record(dream=in_conversation, by=mogelijkmaker, verdicts=ALL_SUPPORT)
        assert Dilemma.objects.count() == 2  # no dilemma written: nothing to record

    def test_a_long_dilemma_is_summed_up_by_its_first_line(self, in_conversation, mogelijkmaker):
        text = "Eerste regel van het dilemma.\n" + "woord " * 600
        self._review(in_conversation, mogelijkmaker, text[:3000])
        item = Dilemma.objects.get()
        assert item.summary == "Eerste regel van het dilemma."
        long_line = "lang " * 100
        self._review(in_conversation, mogelijkmaker, long_line)
        item = Dilemma.objects.latest("id")
        assert len(item.summary) <= 300 and item.summary.endswith("…")
        assert item.why == long_line.strip()


class TestDiscuss:
    @pytest.fixture
    def item(self, in_conversation, mogelijkmaker):
        return _record(in_conversation, mogelijkmaker)

    def test_a_manager_notes_the_outcome(self, item, manager):
        services.dilemma_discuss(
            dilemma=item, by=manager, outcome="no_new_rule", note="Past binnen de geest."
        )
        item.refresh_from_db()
        assert item.outcome == "no_new_rule" and item.outcome_note == "Past binnen de geest."
        assert item.discussed_by == manager and item.discussed_at is not None
        event = TimelineEvent.objects.get(kind=EventKind.DILEMMA_DISCUSSED)
        assert not event.public and event.actor == manager
        assert "Past binnen de geest." in event.body
        assert mail.outbox == []

    def test_only_managers_close(self, item, mogelijkmaker, communications_advisor):
        for person in (mogelijkmaker, communications_advisor):
            with pytest.raises(NotAllowed):
                services.dilemma_discuss(dilemma=item, by=person, outcome="no_new_rule")
        item.refresh_from_db()
        assert item.outcome == "open" and item.discussed_at is None
        assert not TimelineEvent.objects.filter(kind=EventKind.DILEMMA_DISCUSSED).exists()

    @pytest.mark.parametrize(
        ("outcome", "note", "message"),
        [
            ("open", "", "Kies de uitkomst"),
            ("approved", "", "Kies de uitkomst"),
            ("follow_up", "  ", "vervolg heeft een notitie nodig"),
        ],
    )
    def test_what_is_refused(self, item, manager, outcome, note, message):
        with pytest.raises(ValueError, match=message):
            services.dilemma_discuss(dilemma=item, by=manager, outcome=outcome, note=note)
        item.refresh_from_db()
        assert item.outcome == "open"

    def test_the_outcome_can_change_but_never_back_to_open(self, item, manager):
        services.dilemma_discuss(
            dilemma=item, by=manager, outcome="follow_up", note="Joke zoekt uit of dit vaker kan."
        )
        services.dilemma_discuss(
            dilemma=item, by=manager, outcome="no_new_rule", note="Uitgezocht: eenmalig."
        )
        item.refresh_from_db()
        assert item.outcome == "no_new_rule" and item.outcome_note == "Uitgezocht: eenmalig."
        bodies = list(
            TimelineEvent.objects.filter(kind=EventKind.DILEMMA_DISCUSSED)
            .order_by("id")
            .values_list("body", flat=True)
        )
        assert len(bodies) == 2 and "Uitkomst gewijzigd" in bodies[1]
        with pytest.raises(ValueError):
            services.dilemma_discuss(dilemma=item, by=manager, outcome="open")
        with pytest.raises(ValueError, match="al vastgelegd"):
            services.dilemma_discuss(
                dilemma=item, by=manager, outcome="no_new_rule", note="Uitgezocht: eenmalig."
            )

    def test_a_closed_dream_can_still_be_discussed(self, item, manager):
        Dream.objects.filter(pk=item.dream_id).update(status=Status.REALISED)
        services.dilemma_discuss(dilemma=item, by=manager, outcome="no_new_rule")
        item.refresh_from_db()
        assert item.outcome == "no_new_rule"
