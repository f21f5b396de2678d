"""Funds with a frame (services/funds.py): the frame's rules, a new budget year, and a balance
that never goes below zero, also with two deciders at once (issue 16, item 2)."""

import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from accounts.roles import Role
from initiatives import services
from initiatives.exceptions import InsufficientFunds, NotAllowed
from initiatives.models import Fund, Grant, Platform
from initiatives.statuses import Status
from tests.factories import DreamFactory, FundFactory, NeighbourhoodFactory, StaffFactory
from tests.initiatives.services.helpers import RACES, at_once

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(db):
    return StaffFactory(email="anke@heusden.example", is_superuser=True)


@pytest.fixture
def vlijmen(db):
    return NeighbourhoodFactory(name="Vlijmen")


@pytest.fixture
def platform(vlijmen):
    return Platform.objects.create(
        neighbourhood=vlijmen, name="Wijkplatform Vlijmen", slug="vlijmen"
    )


def _errors(**overrides) -> dict[str, list[str]]:
    frame = {
        "fund_pk": None,
        "amount": Decimal("10000"),
        "max_per_application": Decimal("2500"),
        "decider": Fund.Decider.STAFF,
        "neighbourhood": None,
        "criteria": "Voor en door bewoners.\nBuren doen mee.",
    }
    return services.fund_frame_errors(**(frame | overrides))


class TestTheFrame:
    def test_a_sound_frame_has_no_errors(self):
        assert _errors() == {}

    def test_at_most_ten_criteria(self):
        assert _errors(criteria="\n".join(f"Punt {n}" for n in range(10))) == {}
        errors = _errors(criteria="\n".join(f"Punt {n}" for n in range(11)))
        assert list(errors) == ["criteria"]
        assert "Geef hoogstens 10 criteria" in errors["criteria"][0]
        assert "Er zijn er nu 11" in errors["criteria"][0]

    def test_empty_lines_are_not_criteria(self):
        criteria = "\n\n".join(f"Punt {n}" for n in range(10)) + "\n\n   \n"
        assert _errors(criteria=criteria) == {}

    def test_each_criterion_at_most_300_characters(self):
        assert _errors(criteria="a" * 300) == {}
        errors = _errors(criteria="Kort.\n" + "b" * 301)
        assert errors["criteria"] == [
            "Criterium 2 heeft 301 tekens; er passen er hoogstens 300. Zeg het korter,"
            " of verdeel het over twee regels."
        ]

    def test_a_platform_decider_needs_a_neighbourhood(self):
        for decider in (Fund.Decider.PLATFORM, Fund.Decider.STAFF_AFTER_ADVICE):
            errors = _errors(decider=decider)
            assert list(errors) == ["decider"]
            assert "Alleen een fonds van een wijk" in errors["decider"][0]

    def test_a_platform_decider_needs_the_neighbourhood_to_have_a_platform(self, vlijmen):
        errors = _errors(decider=Fund.Decider.PLATFORM, neighbourhood=vlijmen)
        assert "Vlijmen heeft nog geen wijkplatform" in errors["decider"][0]
        Platform.objects.create(neighbourhood=vlijmen, name="Wijkplatform Vlijmen", slug="v")
        assert _errors(decider=Fund.Decider.PLATFORM, neighbourhood=vlijmen) == {}

    def test_staff_decide_for_any_fund(self, vlijmen):
        assert _errors(neighbourhood=vlijmen) == {}

    def test_the_maximum_not_above_the_yearly_amount(self):
        assert _errors(max_per_application=Decimal("10000")) == {}
        errors = _errors(max_per_application=Decimal("10000.01"))
        assert errors == {
            "max_per_application": [
                "Het maximum per aanvraag (€ 10.000,01) kan niet hoger zijn dan het"
                " jaarbedrag (€ 10.000,00)."
            ]
        }

    def test_the_yearly_amount_not_below_what_is_committed(self):
        fund = FundFactory(amount=Decimal("10000"), max_per_application=None)
        Fund.objects.filter(pk=fund.pk).update(committed=Decimal("4000"))
        assert _errors(fund_pk=fund.pk, amount=Decimal("4000"), max_per_application=None) == {}
        errors = _errors(fund_pk=fund.pk, amount=Decimal("3999.99"), max_per_application=None)
        assert "€ 4.000,00 van dit fonds is al toegekend" in errors["amount"][0]


class TestSaveFrame:
    def test_a_new_fund_starts_with_nothing_committed(self, administrator, vlijmen):
        fund = Fund(
            name="Wijkfonds",
            year=2026,
            amount=Decimal("5000"),
            neighbourhood=vlijmen,
            criteria="  Eén.  \n\n Twee.",
            committed=Decimal("99"),
        )
        services.fund_save_frame(fund=fund, by=administrator)
        fund.refresh_from_db()
        assert fund.committed == 0
        assert fund.criteria == "Eén.\nTwee."  # tidied: one criterion a line

    def test_a_frame_change_leaves_the_money_as_the_grants_wrote_it(self, administrator):
        fund = FundFactory(amount=Decimal("10000"))
        stale = Fund.objects.get(pk=fund.pk)  # read by the admin before a grant
        Fund.objects.filter(pk=fund.pk).update(committed=Decimal("3000"))  # the grant
        stale.description = "Nieuwe uitleg."
        services.fund_save_frame(fund=stale, by=administrator)
        fund.refresh_from_db()
        assert (fund.description, fund.committed) == ("Nieuwe uitleg.", Decimal("3000"))
        assert stale.committed == Decimal("3000")

    def test_a_bad_frame_is_not_saved(self, administrator):
        fund = FundFactory(amount=Decimal("10000"))
        fund.amount, fund.max_per_application = Decimal("100"), Decimal("500")
        with pytest.raises(ValidationError) as raised:
            services.fund_save_frame(fund=fund, by=administrator)
        assert "max_per_application" in raised.value.message_dict
        fund.refresh_from_db()
        assert fund.amount == Decimal("10000")

    def test_only_the_administrator_sets_the_frame(self):
        manager = StaffFactory(roles=[Role.MANAGER])
        with pytest.raises(NotAllowed):
            services.fund_save_frame(fund=Fund(name="X", year=2026, amount=1), by=manager)
        assert not Fund.objects.exists()


class TestStartYear:
    def test_the_next_year_has_the_same_frame_and_nothing_committed(
        self, administrator, vlijmen, platform
    ):
        old = FundFactory(
            name="Wijkfonds Vlijmen",
            year=2026,
            amount=Decimal("20000"),
            neighbourhood=vlijmen,
            description="Voor Vlijmen.",
            criteria="Eén.\nTwee.",
            max_per_application=Decimal("2500"),
            decider=Fund.Decider.STAFF_AFTER_ADVICE,
            open_for_applications=True,
        )
        Fund.objects.filter(pk=old.pk).update(committed=Decimal("7500"))
        new = services.fund_start_year(
            fund=old, year=2027, amount=Decimal("22000"), by=administrator
        )
        new.refresh_from_db()
        assert new.pk != old.pk
        assert (new.name, new.year, new.amount, new.committed) == (
            "Wijkfonds Vlijmen",
            2027,
            Decimal("22000"),
            Decimal("0"),
        )
        assert (
            new.neighbourhood,
            new.description,
            new.criteria,
            new.max_per_application,
            new.decider,
            new.open_for_applications,
        ) == (vlijmen, "Voor Vlijmen.", "Eén.\nTwee.", Decimal("2500"), "staff_after_advice", True)
        old.refresh_from_db()  # history is kept as it was
        assert (old.year, old.amount, old.committed) == (2026, Decimal("20000"), Decimal("7500"))

    def test_a_year_that_exists_is_refused(self, administrator):
        old = FundFactory(name="Dromenfonds", year=2026)
        FundFactory(name="Dromenfonds", year=2027, amount=Decimal("1"))
        with pytest.raises(services.FundYearExists) as raised:
            services.fund_start_year(fund=old, year=2027, amount=Decimal("5"), by=administrator)
        assert raised.value.message_dict == {"year": ["Dromenfonds heeft al een budget voor 2027."]}
        assert Fund.objects.get(name="Dromenfonds", year=2027).amount == Decimal("1")

    def test_a_new_year_comes_after_the_fund_year(self, administrator):
        old = FundFactory(year=2026)
        for year in (2025, 2026):
            with pytest.raises(ValidationError):
                services.fund_start_year(fund=old, year=year, amount=Decimal(5), by=administrator)
        assert Fund.objects.count() == 1

    def test_the_amount_not_below_the_maximum_per_application(self, administrator):
        old = FundFactory(year=2026, max_per_application=Decimal("2500"))
        with pytest.raises(ValidationError) as raised:
            services.fund_start_year(fund=old, year=2027, amount=Decimal("2000"), by=administrator)
        assert "Het maximum per aanvraag is € 2.500,00" in raised.value.message_dict["amount"][0]
        assert Fund.objects.count() == 1

    def test_only_the_administrator_starts_a_year(self):
        old = FundFactory(year=2026)
        with pytest.raises(NotAllowed):
            services.fund_start_year(
                fund=old, year=2027, amount=Decimal(5), by=StaffFactory(roles=[Role.MANAGER])
            )


class TestTheDatabaseRefusesANegativeBalance:
    def test_an_update_of_what_is_committed(self, fund_with_last_euros):
        fund = fund_with_last_euros
        with pytest.raises(IntegrityError), transaction.atomic():
            Fund.objects.filter(pk=fund.pk).update(committed=F("committed") + Decimal("100.01"))
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE initiatives_fund SET committed = amount + 1 WHERE id = %s", [fund.pk]
            )
        fund.refresh_from_db()
        assert fund.balance == Decimal("100.00")

    def test_an_update_of_the_yearly_amount(self, fund_with_last_euros):
        fund = fund_with_last_euros
        with pytest.raises(IntegrityError), transaction.atomic():
            Fund.objects.filter(pk=fund.pk).update(amount=Decimal("899.99"))
        fund.refresh_from_db()
        assert fund.amount == Decimal("1000.00")


@pytest.fixture
def fund_with_last_euros(db):
    """A fund of € 1.000 of which € 900 is committed: € 100 is left."""
    fund = FundFactory(name="Bijna op", amount=Decimal("1000.00"))
    Fund.objects.filter(pk=fund.pk).update(committed=Decimal("900.00"))
    fund.refresh_from_db()
    return fund


HOLD = 0.3  # seconds a decider keeps its transaction open after deciding


@pytest.mark.django_db(transaction=True)
def test_two_deciders_at_once_on_the_last_euros(postgresql_only):
    """Two MogelijkMakers grant the last € 100 at the same moment, each from their own
    connection. Each keeps its transaction open a moment after deciding, so without the
    fund's row lock both would read € 100 left and both grant: exactly one may succeed."""
    enabler = StaffFactory(roles=[Role.ENABLER])
    for n in range(RACES):
        fund = FundFactory(name=f"Laatste euro's {n}", amount=Decimal("1000.00"))
        Fund.objects.filter(pk=fund.pk).update(committed=Decimal("900.00"))
        dreams = [DreamFactory(status=Status.IN_CONVERSATION, contact=enabler) for _ in range(2)]

        def decide(dream, fund=fund):
            with transaction.atomic():
                grant = services.grant_create(
                    dream=dream, by=enabler, fund=fund, amount=Decimal("100.00"), purpose="Race"
                )
                time.sleep(HOLD)
                return grant

        results = at_once(*(lambda dream=dream: decide(dream) for dream in dreams))

        granted = [r for r in results if isinstance(r, Grant)]
        refused = [r for r in results if isinstance(r, InsufficientFunds)]
        assert (len(granted), len(refused)) == (1, 1), results
        assert "€ 0,00" in str(refused[0])  # told what is left
        fund.refresh_from_db()
        assert fund.committed == Decimal("1000.00") and fund.balance == 0
        assert Grant.objects.filter(fund=fund).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_administrators_start_the_same_year_at_once(postgresql_only):
    administrators = [StaffFactory(is_superuser=True) for _ in range(2)]
    old = FundFactory(name="Dromenfonds", year=2026)
    results = at_once(
        *(
            lambda by=by: services.fund_start_year(
                fund=old, year=2027, amount=Decimal("100"), by=by
            )
            for by in administrators
        )
    )
    started = [r for r in results if isinstance(r, Fund)]
    refused = [r for r in results if isinstance(r, services.FundYearExists)]
    assert (len(started), len(refused)) == (1, 1), results
    assert Fund.objects.filter(name="Dromenfonds", year=2027).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_administrator_lowers_the_amount_while_a_grant_takes_the_last_euros(postgresql_only):
    """The frame's check and the grant both lock the fund row: whoever is second sees what the
    first did, and is told so (a message, not the database's refusal as an error page)."""
    enabler = StaffFactory(roles=[Role.ENABLER])
    administrator = StaffFactory(is_superuser=True)
    for n in range(RACES):
        fund = FundFactory(name=f"Kader {n}", amount=Decimal("1000.00"))
        Fund.objects.filter(pk=fund.pk).update(committed=Decimal("900.00"))
        dream = DreamFactory(status=Status.IN_CONVERSATION, contact=enabler)

        def grant(fund=fund, dream=dream):
            with transaction.atomic():
                made = services.grant_create(
                    dream=dream, by=enabler, fund=fund, amount=Decimal("100.00"), purpose="Race"
                )
                time.sleep(HOLD)
                return made

        def lower(fund=fund):
            with transaction.atomic():
                frame = Fund.objects.get(pk=fund.pk)
                frame.amount = Decimal("950.00")
                saved = services.fund_save_frame(fund=frame, by=administrator)
                time.sleep(HOLD)
                return saved

        made, saved = at_once(grant, lower)
        fund.refresh_from_db()
        assert fund.committed <= fund.amount
        if isinstance(made, Grant):  # the grant was first: the new amount is refused
            assert isinstance(saved, ValidationError), saved
            assert (fund.amount, fund.committed) == (Decimal("1000.00"), Decimal("1000.00"))
        else:  # the frame was first: € 50 is left, not enough for € 100
            assert isinstance(made, InsufficientFunds), made
            assert isinstance(saved, Fund)
            assert (fund.amount, fund.committed) == (Decimal("950.00"), Decimal("900.00"))
