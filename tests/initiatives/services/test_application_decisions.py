"""Deciding together on an application (services/application_decisions.py): the fund's rule
says who decides; the platform's advice; a partial grant; the frame check; refusal through
the "not possible" route; two deciders at once on the last euros."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from accounts.roles import Role
from initiatives import services
from initiatives.exceptions import InsufficientFunds, NotAllowed
from initiatives.models import (
    Application,
    ApplicationAdvice,
    BudgetLine,
    Dream,
    EventKind,
    Fund,
    Grant,
    OutboxMail,
    Platform,
    PlatformMember,
)
from initiatives.statuses import Status
from tests.factories import DreamFactory, FundFactory, StaffFactory, UserFactory
from tests.initiatives.services.helpers import ALL_SUPPORT

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform(neighbourhood):
    return Platform.objects.create(
        neighbourhood=neighbourhood, name="Wijkplatform Oudheusden", slug="oudheusden"
    )


@pytest.fixture
def chair(platform):
    user = UserFactory(full_name="Carla de Voorzitter")
    PlatformMember.objects.create(platform=platform, user=user, role=PlatformMember.Role.CHAIR)
    return user


@pytest.fixture
def member(platform):
    user = UserFactory(full_name="Mees Lid")
    PlatformMember.objects.create(platform=platform, user=user)
    return user


def _fund(neighbourhood, decider, amount="5000.00", **kwargs) -> Fund:
    return FundFactory(
        name=f"Wijkfonds {decider}",
        neighbourhood=neighbourhood,
        decider=decider,
        amount=Decimal(amount),
        open_for_applications=True,
        **kwargs,
    )


def _application(dream, fund, lines=(("Plantenbakken", "300.00"), ("Koffie", "100.00"))):
    application = Application.objects.create(
        dream=dream,
        fund=fund,
        applicant=Application.Applicant.RESIDENT,
        requested=sum(Decimal(amount) for _what, amount in lines),
        submitted_by=dream.resident,
    )
    for position, (what, amount) in enumerate(lines):
        BudgetLine.objects.create(
            application=application, position=position, description=what, amount=Decimal(amount)
        )
    return application


def _all_of(application) -> dict:
    return {line.pk: line.amount for line in application.lines.all()}


def _state(application) -> str:
    return Application.objects.get(pk=application.pk).state


class TestStaffDecide:
    def test_the_mogelijkmaker_grants_all_and_the_resident_reads_it(
        self, in_conversation, mogelijkmaker, neighbourhood
    ):
        fund = _fund(neighbourhood, Fund.Decider.STAFF)
        application = _application(in_conversation, fund)

        services.application_decide(
            application=application,
            by=mogelijkmaker,
            line_amounts=_all_of(application),
            reasons="Past goed bij het fonds.",
        )

        application.refresh_from_db()
        assert application.state == Application.State.GRANTED
        assert application.granted == Decimal("400.00")
        grant = Grant.objects.get(dream=in_conversation)
        assert (grant.state, grant.amount, grant.fund) == (
            Grant.State.GRANTED,
            Decimal("400"),
            fund,
        )
        fund.refresh_from_db()
        assert fund.committed == Decimal("400.00")
        event = in_conversation.events.get(kind=EventKind.APPLICATION_DECIDED)
        assert event.public and "Past goed bij het fonds." in event.body
        assert OutboxMail.objects.filter(to_email=in_conversation.resident.email).exists()

    def test_a_partial_grant_says_what_is_not_funded(
        self, in_conversation, mogelijkmaker, neighbourhood
    ):
        fund = _fund(neighbourhood, Fund.Decider.STAFF)
        application = _application(in_conversation, fund)
        plants, coffee = application.lines.order_by("position")
        partly = {plants.pk: Decimal("300.00"), coffee.pk: Decimal("0")}
        with pytest.raises(ValueError):
            services.application_decide(
                application=application, by=mogelijkmaker, line_amounts=partly, reasons="Deels."
            )
        assert _state(application) == Application.State.SUBMITTED
        assert not Grant.objects.exists()

        services.application_decide(
            application=application,
            by=mogelijkmaker,
            line_amounts=partly,
            reasons="De plantenbakken passen in het fonds.",
            not_funded="Koffie betaalt het fonds niet.",
        )

        application.refresh_from_db()
        assert application.state == Application.State.PARTLY_GRANTED
        assert application.granted == Decimal("300.00")
        assert [line.granted for line in application.lines.order_by("position")] == [
            Decimal("300.00"),
            Decimal("0.00"),
        ]
        body = in_conversation.events.get(kind=EventKind.APPLICATION_DECIDED).body
        assert "Koffie betaalt het fonds niet." in body

    def test_only_the_dreams_mogelijkmaker_decides(
        self, in_conversation, neighbourhood, chair, manager
    ):
        fund = _fund(neighbourhood, Fund.Decider.STAFF)
        application = _application(in_conversation, fund)
        other = StaffFactory(roles=[Role.ENABLER])
        for by in (other, chair, manager, in_conversation.resident):
            with pytest.raises(NotAllowed):
                services.application_decide(
                    application=application, by=by, line_amounts=_all_of(application), reasons="Ja"
                )
        assert _state(application) == Application.State.SUBMITTED

    def test_nothing_granted_is_not_a_decision_here(
        self, in_conversation, mogelijkmaker, neighbourhood
    ):
        fund = _fund(neighbourhood, Fund.Decider.STAFF)
        application = _application(in_conversation, fund)
        nothing = dict.fromkeys(_all_of(application), Decimal(0))
        with pytest.raises(NotAllowed, match="niet mogelijk"):
            services.application_decide(
                application=application, by=mogelijkmaker, line_amounts=nothing, reasons="Nee."
            )

    def test_more_than_a_line_asked_or_a_missing_line_is_refused(
        self, in_conversation, mogelijkmaker, neighbourhood
    ):
        fund = _fund(neighbourhood, Fund.Decider.STAFF)
        application = _application(in_conversation, fund)
        plants, coffee = application.lines.order_by("position")
        for amounts in (
            {plants.pk: Decimal("301"), coffee.pk: Decimal("0")},
            {plants.pk: Decimal("300")},
            {plants.pk: Decimal("-1"), coffee.pk: Decimal("100")},
        ):
            with pytest.raises(ValueError):
                services.application_decide(
                    application=application, by=mogelijkmaker, line_amounts=amounts, reasons="Ja"
                )
        assert set(BudgetLine.objects.values_list("granted", flat=True)) == {None}

    def test_not_enough_left_in_the_fund_stores_nothing(
        self, in_conversation, mogelijkmaker, neighbourhood
    ):
        fund = _fund(neighbourhood, Fund.Decider.STAFF, amount="350.00")
        application = _application(in_conversation, fund)
        with pytest.raises(InsufficientFunds):
            services.application_decide(
                application=application,
                by=mogelijkmaker,
                line_amounts=_all_of(application),
                reasons="Ja",
            )
        application.refresh_from_db()
        assert (application.state, application.granted) == (Application.State.SUBMITTED, None)
        assert set(application.lines.values_list("granted", flat=True)) == {None}
        assert not Grant.objects.exists()

    def test_above_the_maximum_per_application_is_refused(
        self, in_conversation, mogelijkmaker, neighbourhood
    ):
        fund = _fund(neighbourhood, Fund.Decider.STAFF, max_per_application=Decimal("250"))
        application = _application(in_conversation, fund)
        with pytest.raises(NotAllowed):
            services.application_decide(
                application=application,
                by=mogelijkmaker,
                line_amounts=_all_of(application),
                reasons="Ja",
            )


class TestAdviceFirst:
    @pytest.fixture
    def application(self, in_conversation, neighbourhood, chair):
        return _application(in_conversation, _fund(neighbourhood, Fund.Decider.STAFF_AFTER_ADVICE))

    def test_staff_decide_only_after_the_platforms_advice(self, application, mogelijkmaker, chair):
        with pytest.raises(NotAllowed, match="advies van het wijkplatform"):
            services.application_decide(
                application=application,
                by=mogelijkmaker,
                line_amounts=_all_of(application),
                reasons="Ja",
            )
        advice = services.application_advise(
            application=application,
            by=chair,
            verdict=ApplicationAdvice.Verdict.CONDITIONS,
            conditions="De buren helpen mee met water geven.",
            reasons="Het past bij onze opgave Groen in de wijk.",
            participants="7 leden op de vergadering van 3 maart",
        )
        assert _state(application) == Application.State.ADVISED
        event = application.dream.events.get(kind=EventKind.ADVICE)
        assert event.public  # the applicant reads the advice too
        for text in (advice.reasons, advice.conditions, advice.participants):
            assert text in event.body
        assert OutboxMail.objects.filter(to_email=mogelijkmaker.email).exists()

        services.application_decide(
            application=application,
            by=mogelijkmaker,
            line_amounts=_all_of(application),
            reasons="Met het advies van het platform.",
        )
        assert _state(application) == Application.State.GRANTED

    def test_only_the_chair_records_advice_once(self, application, member, mogelijkmaker, chair):
        for by in (member, mogelijkmaker, application.dream.resident):
            with pytest.raises(NotAllowed):
                services.application_advise(
                    application=application,
                    by=by,
                    verdict="for",
                    reasons="Goed plan.",
                    participants="Het bestuur",
                )
        services.application_advise(
            application=application, by=chair, verdict="for", reasons="Ja.", participants="Bestuur"
        )
        with pytest.raises(NotAllowed):
            services.application_advise(
                application=application, by=chair, verdict="against", reasons="Nee.",
                participants="Bestuur",
            )  # fmt: skip

    def test_a_chair_who_left_no_longer_advises(self, application, chair):
        PlatformMember.objects.filter(user=chair).update(left_at=timezone.now())
        with pytest.raises(NotAllowed):
            services.application_advise(
                application=application, by=chair, verdict="for", reasons="Ja.", participants="X"
            )

    def test_conditions_reasons_and_participants_are_needed(self, application, chair):
        for verdict, reasons, participants in (
            ("conditions", "Ja, mits.", "Bestuur"),  # which conditions?
            ("for", "  ", "Bestuur"),
            ("against", "Te duur.", ""),
        ):
            with pytest.raises(ValueError):
                services.application_advise(
                    application=application,
                    by=chair,
                    verdict=verdict,
                    reasons=reasons,
                    participants=participants,
                )
        assert not ApplicationAdvice.objects.exists()


class TestPlatformDecides:
    @pytest.fixture
    def application(self, in_conversation, neighbourhood, chair):
        return _application(in_conversation, _fund(neighbourhood, Fund.Decider.PLATFORM))

    def test_the_chair_decides_and_staff_grant_after_checking_the_frame(
        self, application, chair, mogelijkmaker
    ):
        with pytest.raises(NotAllowed):
            services.application_decide(
                application=application,
                by=mogelijkmaker,
                line_amounts=_all_of(application),
                reasons="Ja",
            )
        services.application_decide(
            application=application,
            by=chair,
            line_amounts=_all_of(application),
            reasons="Het platform is voor.",
        )
        assert _state(application) == Application.State.FRAME_CHECK
        assert not Grant.objects.exists()  # no money before the frame is checked
        assert Fund.objects.get(pk=application.fund_id).committed == 0

        services.application_frame_check(application=application, by=mogelijkmaker, fits=True)

        assert _state(application) == Application.State.GRANTED
        assert Grant.objects.get().amount == Decimal("400.00")

    def test_a_decision_outside_the_frame_goes_back_to_the_platform(
        self, application, chair, mogelijkmaker
    ):
        services.application_decide(
            application=application, by=chair, line_amounts=_all_of(application), reasons="Ja"
        )
        with pytest.raises(ValueError):
            services.application_frame_check(application=application, by=mogelijkmaker, fits=False)
        services.application_frame_check(
            application=application,
            by=mogelijkmaker,
            fits=False,
            note="Koffie valt buiten de criteria van het fonds.",
        )
        application.refresh_from_db()
        assert application.state == Application.State.SUBMITTED
        assert application.granted is None and not Grant.objects.exists()
        assert application.frame_note == "Koffie valt buiten de criteria van het fonds."
        assert set(application.lines.values_list("granted", flat=True)) == {None}


def test_refusing_the_whole_application_follows_the_not_possible_route(
    in_conversation, mogelijkmaker, neighbourhood, communications_advisor
):
    fund = _fund(neighbourhood, Fund.Decider.STAFF)
    application = _application(in_conversation, fund)
    services.review_record(dream=in_conversation, by=mogelijkmaker, verdicts=ALL_SUPPORT)
    decision = services.decision_propose(
        dream=in_conversation, by=mogelijkmaker, reasons="Geen plek voor plantenbakken."
    )
    assert _state(application) == Application.State.SUBMITTED  # not before the letter

    services.decision_sign(
        decision=decision, by=communications_advisor, letter="Beste bewoner, helaas..."
    )

    application.refresh_from_db()
    assert application.state == Application.State.REFUSED
    assert application.decision_reasons == "Beste bewoner, helaas..."
    assert Dream.objects.get(pk=in_conversation.pk).status == Status.NOT_POSSIBLE


@pytest.mark.django_db(transaction=True)
def test_two_deciders_at_once_cannot_spend_the_last_euros_twice(
    postgresql_only, neighbourhood, theme
):
    """Two MogelijkMakers decide at the same moment on two applications to one fund that
    holds enough for one: one grant is made, the other is told the fund is short, and the
    balance never goes below zero."""
    fund = _fund(neighbourhood, Fund.Decider.STAFF, amount="500.00")
    applications = []
    for name in ("Mo", "Nina"):
        enabler = StaffFactory(roles=[Role.ENABLER], full_name=name)
        dream = DreamFactory(
            neighbourhood=neighbourhood,
            theme=theme,
            status=Status.IN_CONVERSATION,
            contact=enabler,
            picked_up_at=timezone.now(),
            first_contact_at=timezone.now(),
        )
        applications.append((_application(dream, fund), enabler))
    start = threading.Barrier(2)
    outcomes: list = []

    def decide(application, enabler):
        try:
            start.wait()
            services.application_decide(
                application=application,
                by=enabler,
                line_amounts=_all_of(application),
                reasons="Ja",
            )
            outcomes.append("granted")
        except InsufficientFunds:
            outcomes.append("short")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=pair) for pair in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["granted", "short"]
    fund.refresh_from_db()
    assert fund.committed == Decimal("400.00") and fund.balance == Decimal("100.00")
    assert Grant.objects.count() == 1
    assert connection.vendor == "postgresql"
