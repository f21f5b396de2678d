"""Applying to a fund (services/applications.py): each rule and refusal, and nothing stored
when one refuses."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from initiatives import selectors, services
from initiatives.exceptions import NotAllowed
from initiatives.models import (
    Application,
    BudgetLine,
    CriterionAnswer,
    Dream,
    EventKind,
    OutboxMail,
    TimelineEvent,
)
from initiatives.statuses import Status
from tests.factories import DreamFactory, FundFactory, NeighbourhoodFactory, StaffFactory
from tests.initiatives.services.helpers import RACES, at_once

pytestmark = pytest.mark.django_db

CRITERIA = "Wie doen er mee?\n\n  Wat heeft de wijk eraan?  \n"
ORGANISATION = {
    "organisation_kind": "association",
    "organisation_name": "Buurtvereniging De Vijver",
    "kvk_number": "1234 5678",
    "contact_person": "Karin de Wit",
    "signatory": "Henk Jansen",
    "signatory_role": "voorzitter",
}


@pytest.fixture
def open_fund(neighbourhood):
    return FundFactory(
        name="Wijkfonds Drunen",
        neighbourhood=neighbourhood,
        open_for_applications=True,
        max_per_application=Decimal("2500.00"),
        criteria=CRITERIA,
    )


def _apply(resident, fund, **overrides) -> Application:
    data = {
        "resident": resident,
        "fund": fund,
        "applicant": "resident",
        "lines": [
            ("Verf voor de bankjes", Decimal("150.00")),
            ("Plantenbakken", Decimal("1084.50")),
        ],
        "own_money": Decimal("50"),
        "own_hours": 40,
        "other_sources": "De woningcorporatie betaalt € 200.",
        "answers": ["Twintig buren.", "Een plek om elkaar te zien."],
    }
    data.update(overrides)
    return services.application_submit(**data)


def _nothing_stored(before_events: int) -> None:
    assert not Application.objects.exists()
    assert not BudgetLine.objects.exists()
    assert not CriterionAnswer.objects.exists()
    assert TimelineEvent.objects.count() == before_events
    assert not OutboxMail.objects.exists()


class TestApplicationSubmit:
    def test_on_an_open_dream_everything_is_stored_and_told(
        self, resident, open_fund, picked_up, mogelijkmaker, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            application = _apply(resident, open_fund, dream=picked_up)

        application.refresh_from_db()
        assert application.dream == picked_up
        assert application.fund == open_fund
        assert application.requested == Decimal("1234.50")  # the sum of the lines
        assert application.state == Application.State.SUBMITTED
        assert application.submitted_by == resident
        assert (application.own_money, application.own_hours) == (Decimal("50.00"), 40)
        assert application.other_sources == "De woningcorporatie betaalt € 200."
        assert not application.by_organisation
        assert application.organisation_name == application.kvk_number == ""
        assert list(application.lines.values_list("position", "description", "amount")) == [
            (0, "Verf voor de bankjes", Decimal("150.00")),
            (1, "Plantenbakken", Decimal("1084.50")),
        ]
        # Each criterion answered one by one, kept with the criterion as it read then.
        assert list(application.answers.values_list("position", "criterion", "answer")) == [
            (0, "Wie doen er mee?", "Twintig buren."),
            (1, "Wat heeft de wijk eraan?", "Een plek om elkaar te zien."),
        ]
        event = picked_up.events.get(kind=EventKind.APPLICATION)
        assert event.public and event.actor == resident
        assert "1.234,50" in event.body and "Wijkfonds Drunen" in event.body
        picked_up.refresh_from_db()
        assert picked_up.last_public_update_at == event.created_at
        assert picked_up.status == Status.PICKED_UP  # the dream goes on as it was
        # The resident's confirmation, and the one face hears of it.
        assert sorted(m.to[0] for m in mail.outbox) == sorted([resident.email, mogelijkmaker.email])
        to_resident = next(m for m in mail.outbox if m.to == [resident.email])
        assert "Wijkfonds Drunen" in to_resident.subject
        assert "Plantenbakken" in to_resident.body and "1.084,50" in to_resident.body
        to_contact = next(m for m in mail.outbox if m.to == [mogelijkmaker.email])
        assert reverse("staff:dream_workspace", args=[picked_up.pk]) in to_contact.body

    def test_for_an_organisation_its_details_are_kept(self, resident, open_fund, dream):
        application = _apply(resident, open_fund, dream=dream, applicant="organisation",
                             organisation=ORGANISATION)  # fmt: skip
        application.refresh_from_db()
        assert application.by_organisation
        assert application.organisation_kind == "association"
        assert application.organisation_name == "Buurtvereniging De Vijver"
        assert application.kvk_number == "12345678"  # typed with a space
        assert (application.contact_person, application.signatory, application.signatory_role) == (
            "Karin de Wit",
            "Henk Jansen",
            "voorzitter",
        )
        event = dream.events.get(kind=EventKind.APPLICATION)
        assert "Buurtvereniging De Vijver" in event.body

    def test_a_resident_applying_keeps_no_organisation_details(self, resident, open_fund, dream):
        application = _apply(resident, open_fund, dream=dream, organisation=ORGANISATION)
        application.refresh_from_db()
        assert application.organisation_name == application.kvk_number == ""
        assert application.organisation_kind == application.signatory == ""

    def test_with_a_new_dream_it_is_handed_in_as_any_new_dream(
        self, resident, open_fund, neighbourhood, theme, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            application = _apply(
                resident,
                open_fund,
                new_dream={
                    "title": "Plantenbakken in de Kerkstraat",
                    "story": "Meer groen in de straat.",
                    "own_contribution": "Wij geven de planten water.",
                    "needs_from_municipality": "Geld voor de bakken.",
                    "neighbourhood": neighbourhood,
                    "theme": theme,
                    "location": "Kerkstraat",
                },
            )

        dream = application.dream
        dream.refresh_from_db()
        assert dream.resident == resident
        assert dream.status == Status.SUBMITTED and dream.contact is None
        assert dream in selectors.triage_queue()  # whoever picks it up sees the application
        assert [kind for kind, _public in dream.events.values_list("kind", "public")] == [
            EventKind.SUBMITTED,
            EventKind.APPLICATION,
        ]
        # The dream's own mail and the application's: both to the resident, none to staff.
        assert [m.to for m in mail.outbox] == [[resident.email], [resident.email]]

    def test_an_unconfirmed_dream_is_refused(self, resident, open_fund, neighbourhood, theme):
        waiting = DreamFactory(
            resident=resident,
            neighbourhood=neighbourhood,
            theme=theme,
            status=Status.UNCONFIRMED,
            submitted_at=None,
        )
        with pytest.raises(ValidationError) as refused:
            _apply(resident, open_fund, dream=waiting)
        assert "dream" in refused.value.message_dict
        _nothing_stored(0)


class TestRefusals:
    @pytest.mark.parametrize(
        ("change", "words"),
        [
            ({"open_for_applications": False}, "geen aanvragen|does not take applications"),
            ({"year": timezone.localdate().year - 1}, "gesloten|closed"),
            ({"year": timezone.localdate().year + 1}, "nog niet begonnen|not started yet"),
        ],
    )
    def test_a_closed_fund_or_another_year(self, resident, open_fund, dream, change, words):
        import re

        for name, value in change.items():
            setattr(open_fund, name, value)
        open_fund.save()
        with pytest.raises(ValidationError) as refused:
            _apply(resident, open_fund, dream=dream)
        assert re.search(words, refused.value.message_dict["fund"][0])
        _nothing_stored(0)

    def test_above_the_maximum_per_application(self, resident, open_fund, dream):
        lines = [("Podium", Decimal("2000.00")), ("Geluid", Decimal("500.01"))]
        with pytest.raises(ValidationError) as refused:
            _apply(resident, open_fund, dream=dream, lines=lines)
        message = refused.value.message_dict["lines"][0]
        assert "2.500,01" in message and "2.500,00" in message
        _nothing_stored(0)

    def test_exactly_the_maximum_is_fine(self, resident, open_fund, dream):
        application = _apply(resident, open_fund, dream=dream, lines=[("Podium", Decimal(2500))])
        assert application.requested == Decimal("2500.00")

    def test_no_maximum_means_none(self, resident, open_fund, dream):
        open_fund.max_per_application = None
        open_fund.save()
        application = _apply(resident, open_fund, dream=dream, lines=[("Podium", Decimal(90000))])
        assert application.requested == Decimal(90000)

    def test_another_residents_dream(self, resident, other_resident, open_fund, neighbourhood):
        theirs = DreamFactory(resident=other_resident, neighbourhood=neighbourhood)
        with pytest.raises(ValidationError) as refused:
            _apply(resident, open_fund, dream=theirs)
        assert "dream" in refused.value.message_dict
        _nothing_stored(0)

    @pytest.mark.parametrize("status", [Status.REALISED, Status.NOT_POSSIBLE, Status.WITHDRAWN])
    def test_a_closed_dream(self, resident, open_fund, dream, status):
        Dream.objects.filter(pk=dream.pk).update(status=status, closed_at=timezone.now())
        with pytest.raises(ValidationError) as refused:
            _apply(resident, open_fund, dream=dream)
        assert "dream" in refused.value.message_dict
        _nothing_stored(0)

    def test_a_neighbourhood_fund_is_for_its_own_neighbourhood(self, resident, open_fund, theme):
        elders = NeighbourhoodFactory(name="Elders")
        elsewhere = DreamFactory(resident=resident, neighbourhood=elders)
        with pytest.raises(ValidationError) as refused:
            _apply(resident, open_fund, dream=elsewhere)
        assert "Drunen" in refused.value.message_dict["dream"][0]
        with pytest.raises(ValidationError):
            _apply(
                resident,
                open_fund,
                new_dream={
                    "title": "Elders",
                    "story": "x",
                    "own_contribution": "x",
                    "needs_from_municipality": "x",
                    "neighbourhood": elsewhere.neighbourhood,
                    "theme": theme,
                },
            )
        assert Dream.objects.filter(resident=resident).count() == 1  # no new dream left behind
        _nothing_stored(0)

    def test_a_second_application_while_the_first_waits(self, resident, open_fund, dream):
        _apply(resident, open_fund, dream=dream)
        with pytest.raises(ValidationError) as refused:
            _apply(resident, open_fund, dream=dream)
        assert "dream" in refused.value.message_dict
        assert Application.objects.count() == 1
        # Once decided, the dream may ask again.
        Application.objects.update(state=Application.State.REFUSED)
        _apply(resident, open_fund, dream=dream)
        assert Application.objects.count() == 2

    @pytest.mark.parametrize(
        "lines",
        [
            [],
            [("Verf", Decimal(0))],
            [("Verf", Decimal("-5"))],
            [("  ", Decimal(5))],
            [("Verf", Decimal("5.001"))],
        ],
    )
    def test_a_budget_plan_without_lines_or_with_a_bad_one(self, resident, open_fund, dream, lines):
        with pytest.raises(ValidationError) as refused:
            _apply(resident, open_fund, dream=dream, lines=lines)
        assert "lines" in refused.value.message_dict
        _nothing_stored(0)

    @pytest.mark.parametrize(
        ("missing", "value"),
        [
            ("organisation_kind", "club"),
            ("organisation_name", " "),
            ("kvk_number", ""),
            ("contact_person", ""),
            ("signatory", ""),
            ("signatory_role", ""),
        ],
    )
    def test_an_organisation_must_say_who_it_is(self, resident, open_fund, dream, missing, value):
        organisation = {**ORGANISATION, missing: value}
        with pytest.raises(ValidationError) as refused:
            _apply(resident, open_fund, dream=dream, applicant="organisation",
                   organisation=organisation)  # fmt: skip
        assert list(refused.value.message_dict) == [missing]
        _nothing_stored(0)

    @pytest.mark.parametrize("kvk", ["1234567", "123456789", "1234567a", "12-34-56-78"])
    def test_a_kvk_number_has_eight_digits(self, resident, open_fund, dream, kvk):
        with pytest.raises(ValidationError) as refused:
            _apply(resident, open_fund, dream=dream, applicant="organisation",
                   organisation={**ORGANISATION, "kvk_number": kvk})  # fmt: skip
        assert "8" in refused.value.message_dict["kvk_number"][0]
        _nothing_stored(0)

    def test_each_criterion_is_answered(self, resident, open_fund, dream):
        with pytest.raises(ValidationError) as refused:
            _apply(resident, open_fund, dream=dream, answers=["Twintig buren.", "  "])
        assert list(refused.value.message_dict) == ["answer_1"]
        with pytest.raises(ValidationError) as refused:
            _apply(resident, open_fund, dream=dream, answers=["Twintig buren."])
        assert "answers" in refused.value.message_dict
        _nothing_stored(0)

    def test_negative_contributions(self, resident, open_fund, dream):
        with pytest.raises(ValidationError) as refused:
            _apply(resident, open_fund, dream=dream, own_money=Decimal("-1"), own_hours=-2)
        assert set(refused.value.message_dict) == {"own_money", "own_hours"}
        _nothing_stored(0)

    def test_every_problem_at_once(self, resident, open_fund, dream):
        open_fund.open_for_applications = False
        open_fund.save()
        problems = services.application_problems(
            resident=resident,
            fund=open_fund,
            dream=dream,
            applicant="organisation",
            organisation={},
            lines=[("Podium", Decimal(3000))],
            answers=["", ""],
        )
        assert set(problems) == {
            "fund",
            "organisation_kind",
            "organisation_name",
            "kvk_number",
            "contact_person",
            "signatory",
            "signatory_role",
            "lines",
            "answer_0",
            "answer_1",
        }

    def test_staff_cannot_apply(self, open_fund, dream):
        staff = StaffFactory()
        with pytest.raises(NotAllowed):
            _apply(staff, open_fund, dream=dream)
        _nothing_stored(0)

    def test_a_new_dream_that_is_refused_leaves_nothing(
        self, resident, open_fund, neighbourhood, theme
    ):
        with pytest.raises(ValidationError) as refused:
            _apply(
                resident,
                open_fund,
                new_dream={
                    "title": "",  # the dream's own rule: a title is needed
                    "story": "x",
                    "own_contribution": "x",
                    "needs_from_municipality": "x",
                    "neighbourhood": neighbourhood,
                    "theme": theme,
                },
            )
        assert "title" in refused.value.message_dict
        assert not Dream.objects.exists()
        _nothing_stored(0)

    def test_a_failure_after_the_dream_leaves_nothing(
        self, resident, open_fund, neighbourhood, theme, monkeypatch
    ):
        """A new dream, then a failure while the application is stored: all of it goes."""

        def broken(*args, **kwargs):
            raise RuntimeError("the database went away")

        monkeypatch.setattr(CriterionAnswer.objects, "bulk_create", broken)
        with pytest.raises(RuntimeError):
            _apply(
                resident,
                open_fund,
                new_dream={
                    "title": "Plantenbakken",
                    "story": "x",
                    "own_contribution": "x",
                    "needs_from_municipality": "x",
                    "neighbourhood": neighbourhood,
                    "theme": theme,
                },
            )
        assert not Dream.objects.exists()
        _nothing_stored(0)


class TestSelectors:
    def test_the_dreams_an_application_can_ride_on(
        self, resident, other_resident, open_fund, neighbourhood
    ):
        mine = DreamFactory(resident=resident, neighbourhood=neighbourhood)
        DreamFactory(resident=resident, neighbourhood=neighbourhood, status=Status.REALISED)
        DreamFactory(resident=resident, neighbourhood=neighbourhood, status=Status.UNCONFIRMED)
        DreamFactory(resident=resident, neighbourhood=NeighbourhoodFactory(name="Elders"))
        DreamFactory(resident=other_resident, neighbourhood=neighbourhood)
        assert list(selectors.application_dreams(resident=resident, fund=open_fund)) == [mine]

    def test_a_dreams_applications_in_one_query(
        self, resident, open_fund, dream, django_assert_num_queries
    ):
        _apply(resident, open_fund, dream=dream)
        Application.objects.update(state=Application.State.REFUSED)
        _apply(resident, open_fund, dream=dream, applicant="organisation",
               organisation=ORGANISATION, lines=[("Podium", Decimal("12.34"))])  # fmt: skip
        with django_assert_num_queries(1):
            applications = selectors.applications_for_dream(dream)
            newest, first = applications
            assert newest.fund.name == "Wijkfonds Drunen"
            assert [(line.description, line.amount) for line in newest.line_list] == [
                ("Podium", Decimal("12.34"))
            ]
            assert [line.amount for line in first.line_list] == [
                Decimal("150.00"),
                Decimal("1084.50"),
            ]
            assert [a.criterion for a in first.answer_list] == [
                "Wie doen er mee?",
                "Wat heeft de wijk eraan?",
            ]


@pytest.mark.django_db(transaction=True)
def test_two_applications_at_once_make_one(postgresql_only):
    """The dream row is locked: the second waits, then finds the first and is refused."""
    neighbourhood = NeighbourhoodFactory(name="Drunen")
    fund = FundFactory(
        name="Racefonds",
        neighbourhood=neighbourhood,
        open_for_applications=True,
        criteria=CRITERIA,
    )
    for _ in range(RACES):
        dream = DreamFactory(neighbourhood=neighbourhood)
        results = at_once(
            *(lambda dream=dream: _apply(dream.resident, fund, dream=dream) for _ in range(2))
        )
        assert sum(isinstance(r, Application) for r in results) == 1, results
        assert sum(isinstance(r, ValidationError) for r in results) == 1, results
        assert Application.objects.filter(dream=dream).count() == 1


def test_other_databases_read_the_same_applications(resident, open_fund, dream, monkeypatch):
    """Elsewhere than PostgreSQL the lines and answers are prefetched: the same objects."""
    from types import SimpleNamespace

    from initiatives.selectors import applications as module

    _apply(resident, open_fund, dream=dream, applicant="organisation", organisation=ORGANISATION)
    Application.objects.update(state=Application.State.REFUSED)
    _apply(resident, open_fund, dream=dream, lines=[("Podium", Decimal("0.01"))])

    def shown(applications) -> list:
        return [
            (
                a.pk,
                a.fund.name,
                a.organisation_name,
                a.requested,
                [(line.position, line.description, line.amount, line.granted)
                 for line in a.line_list],
                [(answer.position, answer.criterion, answer.answer) for answer in a.answer_list],
            )
            for a in applications
        ]  # fmt: skip

    one_query = shown(selectors.applications_for_dream(dream))
    monkeypatch.setattr(module, "connection", SimpleNamespace(vendor="another"))
    assert shown(selectors.applications_for_dream(dream)) == one_query
    assert len(one_query) == 2 and one_query[0][4] == [(0, "Podium", Decimal("0.01"), None)]
