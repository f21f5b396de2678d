"""The funds' reads (selectors/funds.py): which funds take applications, and the managers'
overview per fund and neighbourhood at a moment, in a fixed number of queries."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives import selectors
from initiatives.application_models import Application
from initiatives.models import Fund, Grant
from initiatives.selectors.funds import FundState
from tests.factories import (
    DreamFactory,
    FundFactory,
    NeighbourhoodFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
YEAR = 2026


def moment(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(YEAR, month, day, hour, tzinfo=AMSTERDAM)


def application(fund, state, requested, *, submitted, decided=None, granted=None):
    """An application; a granted one with its grant, as services.application_decide makes it."""
    dream = DreamFactory()
    made = Application.objects.create(
        dream=dream,
        fund=fund,
        applicant=Application.Applicant.RESIDENT,
        requested=Decimal(requested),
        state=state,
        submitted_by=dream.resident,
        submitted_at=submitted,
        decided_at=decided,
        granted=None if granted is None else Decimal(granted),
    )
    if granted is not None:
        Grant.objects.create(
            dream=dream,
            fund=fund,
            amount=Decimal(granted),
            purpose="aanvraag",
            state=Grant.State.GRANTED,
            requested_by=StaffFactory(),
            created_at=decided,
            decided_at=decided,
        )
    return made


def grant(fund, state, amount, *, created, decided=None):
    return Grant.objects.create(
        dream=DreamFactory(),
        fund=fund,
        amount=Decimal(amount),
        purpose="Bankjes",
        state=state,
        requested_by=StaffFactory(),
        created_at=created,
        decided_at=decided,
    )


def commit(fund, amount) -> None:
    """What the granting services do to the fund: hold AMOUNT."""
    Fund.objects.filter(pk=fund.pk).update(committed=Decimal(amount))
    fund.refresh_from_db()


class TestOpenForApplications:
    def test_this_years_open_funds_the_municipalitys_first(self):
        today = date(YEAR, 6, 1)
        vlijmen, drunen = NeighbourhoodFactory(name="Vlijmen"), NeighbourhoodFactory(name="Drunen")
        v = FundFactory(
            name="Wijkfonds Vlijmen", year=YEAR, neighbourhood=vlijmen, open_for_applications=True
        )
        d = FundFactory(
            name="Wijkfonds Drunen", year=YEAR, neighbourhood=drunen, open_for_applications=True
        )
        m = FundFactory(name="Zomerfonds", year=YEAR, open_for_applications=True)
        FundFactory(name="Dromenfonds", year=YEAR)  # only MogelijkMakers grant from it
        FundFactory(name="Zomerfonds", year=YEAR - 1, open_for_applications=True)
        FundFactory(name="Zomerfonds", year=YEAR + 1, open_for_applications=True)
        assert list(selectors.funds_open_for_applications(today=today)) == [m, d, v]

    def test_the_state_says_why_a_fund_takes_no_applications(self):
        today = date(YEAR, 6, 1)
        fund = FundFactory(year=YEAR, amount=Decimal("1000"), open_for_applications=True)
        assert selectors.fund_state(fund, today=today) == FundState.OPEN
        assert selectors.fund_takes_applications(fund, today=today)
        assert selectors.fund_state(fund, today=date(YEAR + 1, 1, 1)) == FundState.PAST
        assert selectors.fund_state(fund, today=date(YEAR - 1, 12, 31)) == FundState.FUTURE
        commit(fund, "1000")
        assert selectors.fund_state(fund, today=today) == FundState.SPENT
        fund.open_for_applications = False
        assert selectors.fund_state(fund, today=today) == FundState.CLOSED
        assert not selectors.fund_takes_applications(fund, today=today)

    def test_the_other_years_of_a_fund(self):
        funds = [FundFactory(name="Dromenfonds", year=year) for year in (2024, 2025, 2026)]
        FundFactory(name="Ander fonds", year=2025)
        assert selectors.fund_other_years(funds[1]) == [(funds[2].pk, 2026), (funds[0].pk, 2024)]
        assert selectors.fund_years() == [2026, 2025, 2024]


@pytest.fixture
def vlijmen_fund(db):
    """A neighbourhood fund halfway through the year, with every kind of grant and application."""
    fund = FundFactory(
        name="Wijkfonds Vlijmen",
        year=YEAR,
        amount=Decimal("10000"),
        neighbourhood=NeighbourhoodFactory(name="Vlijmen"),
        decider=Fund.Decider.STAFF,
    )
    grant(fund, Grant.State.GRANTED, "1000", created=moment(2, 1), decided=moment(2, 1))
    # Waiting for a manager since March; approved on 1 May.
    grant(fund, Grant.State.GRANTED, "3000", created=moment(3, 1), decided=moment(5, 1))
    grant(fund, Grant.State.AWAITING_APPROVAL, "2000", created=moment(4, 1))
    grant(fund, Grant.State.REJECTED, "500", created=moment(3, 2), decided=moment(3, 10))
    S = Application.State
    # Decided in 2 days (March) and in 6 days (April): the median is 4 days.
    application(
        fund, S.PARTLY_GRANTED, "1500", submitted=moment(3, 1), decided=moment(3, 3), granted="1200"
    )
    application(fund, S.REFUSED, "800", submitted=moment(4, 1), decided=moment(4, 7))
    application(fund, S.SUBMITTED, "500", submitted=moment(4, 10))
    application(fund, S.ADVISED, "700", submitted=moment(4, 11))
    application(fund, S.WITHDRAWN, "999", submitted=moment(3, 5))  # never waiting
    commit(fund, "7200")  # 1.000 + 3.000 + 2.000 held + 1.200
    return fund


class TestOverview:
    def test_the_figures_now(self, vlijmen_fund):
        [row] = selectors.funds_overview(year=YEAR)
        assert (row.name, row.neighbourhood, row.amount) == (
            "Wijkfonds Vlijmen",
            "Vlijmen",
            Decimal("10000"),
        )
        assert row.granted == Decimal("5200")  # grants 1.000 + 3.000, application 1.200
        assert (row.waiting_applications, row.waiting_requested) == (2, Decimal("1200"))
        assert (row.waiting_grants, row.waiting_held) == (1, Decimal("2000"))
        assert row.balance == vlijmen_fund.balance == Decimal("2800")
        # The balance the fund keeps is what the figures add up to.
        assert row.amount - row.granted - row.waiting_held == row.balance
        assert (row.decided, row.median_days) == (2, pytest.approx(4.0))

    def test_the_figures_at_a_moment_in_the_past(self, vlijmen_fund):
        [row] = selectors.funds_overview(year=YEAR, at=moment(4, 5))
        # On 5 April: the € 3.000 grant still waited, the refusal of 7 April was not made.
        assert row.granted == Decimal("2200")
        assert (row.waiting_applications, row.waiting_requested) == (1, Decimal("800"))
        assert (row.waiting_grants, row.waiting_held) == (2, Decimal("5000"))
        assert row.balance == Decimal("2800")
        assert (row.decided, row.median_days) == (1, pytest.approx(2.0))
        [before] = selectors.funds_overview(year=YEAR, at=moment(1, 1))
        assert (before.granted, before.waiting_grants, before.decided) == (0, 0, 0)
        assert before.balance == before.amount and before.median_days is None

    def test_per_fund_and_neighbourhood_the_municipalitys_first(self, vlijmen_fund):
        FundFactory(name="Dromenfonds", year=YEAR, amount=Decimal("50000"))
        FundFactory(
            name="Wijkfonds Drunen", year=YEAR, neighbourhood=NeighbourhoodFactory(name="Drunen")
        )
        FundFactory(name="Dromenfonds", year=YEAR - 1)
        rows = selectors.funds_overview(year=YEAR)
        assert [(row.name, row.neighbourhood) for row in rows] == [
            ("Dromenfonds", ""),
            ("Wijkfonds Drunen", "Drunen"),
            ("Wijkfonds Vlijmen", "Vlijmen"),
        ]
        assert rows[0].granted == 0 and rows[0].median_days is None
        total = selectors.funds_overview_total(rows)
        assert total.amount == sum(row.amount for row in rows)
        assert (total.granted, total.waiting_applications, total.decided) == (Decimal("5200"), 2, 2)
        assert selectors.funds_overview_total([]) is None

    def test_as_json_for_the_weekly_report(self, vlijmen_fund):
        [row] = selectors.funds_overview(year=YEAR)
        data = row.as_json()
        assert data["amount"] == "10000.00" and data["balance"] == "2800.00"
        assert data["median_days"] == 4.0 and data["waiting_applications"] == 2

    def test_one_query_however_many_funds_and_applications(self, vlijmen_fund):
        with CaptureQueriesContext(connection) as few:
            selectors.funds_overview(year=YEAR)
        for n in range(4):
            fund = FundFactory(name=f"Fonds {n}", year=YEAR, amount=Decimal("9000"))
            for day in range(1, 4):
                application(
                    fund,
                    Application.State.GRANTED,
                    "100",
                    submitted=moment(5, day),
                    decided=moment(5, day + 2),
                    granted="100",
                )
                grant(fund, Grant.State.AWAITING_APPROVAL, "50", created=moment(5, day))
        with CaptureQueriesContext(connection) as many:
            rows = selectors.funds_overview(year=YEAR)
        assert len(rows) == 5
        expected = 1 if connection.vendor == "postgresql" else 2
        assert len(few.captured_queries) == len(many.captured_queries) == expected
