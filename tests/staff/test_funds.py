"""The managers' view of the funds (issue 16, item 6): the staff page /medewerkers/fondsen/ and
the weekly report's section, its CSV and its PDF: per fund and neighbourhood the budget,
what is granted, what waits, the balance and the time to decide."""

import csv
import html
import io
import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives import services
from initiatives.application_models import Application
from initiatives.models import Fund, Grant, WeeklyReport
from tests.factories import DreamFactory, FundFactory, NeighbourhoodFactory
from tests.initiatives.selectors.test_funds import application as _application

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 5, 11, 9, 0, tzinfo=AMSTERDAM)  # a Monday
WEEK = date(2026, 4, 20)  # Monday 20 to Sunday 26 April 2026
PAGE = "/medewerkers/fondsen/"


def at(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=AMSTERDAM)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def funds(enabler):
    """The municipality's fund and Vlijmen's, in April 2026."""
    dromenfonds = FundFactory(name="Dromenfonds", year=2026, amount=Decimal("10000"))
    vlijmen = FundFactory(
        name="Wijkfonds Vlijmen",
        year=2026,
        amount=Decimal("20000"),
        neighbourhood=NeighbourhoodFactory(name="Vlijmen"),
        open_for_applications=True,
    )
    FundFactory(name="Dromenfonds", year=2025, amount=Decimal("8000"))
    # Asked on 22 April, approved by a manager on 30 April: waiting at the end of the week.
    Grant.objects.create(
        dream=DreamFactory(),
        fund=dromenfonds,
        amount=Decimal("3000"),
        purpose="Speeltoestel",
        state=Grant.State.GRANTED,
        requested_by=enabler,
        decided_by=enabler,
        created_at=at(4, 22),
        decided_at=at(4, 30),
    )
    S = Application.State
    _application(vlijmen, S.GRANTED, "1500", submitted=at(4, 1), decided=at(4, 4), granted="1500")
    _application(vlijmen, S.REFUSED, "900", submitted=at(4, 21), decided=at(5, 1))
    _application(vlijmen, S.SUBMITTED, "400", submitted=at(5, 5))
    Fund.objects.filter(pk=dromenfonds.pk).update(committed=Decimal("3000"))
    Fund.objects.filter(pk=vlijmen.pk).update(committed=Decimal("1500"))
    return {"dromenfonds": dromenfonds, "vlijmen": vlijmen}


@pytest.fixture
def as_manager(client, manager):
    client.force_login(manager)
    return client


def _cells(content: str, name: str) -> str:
    """The table row whose row header is NAME, its tags left out, spaces made single."""
    start = re.search(rf">{re.escape(name)}</(a></)?th>", content).start()
    row = content[content.rindex("<tr", 0, start) : content.index("</tr>", start)]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split())


class TestStaffPage:
    def test_this_years_funds_now(self, as_manager, funds):
        content = as_manager.get(PAGE).content.decode()
        assert "Fondsen 2026: geld en besluiten" in content
        assert _cells(content, "Dromenfonds") == (
            "Dromenfonds Hele gemeente € 10.000,00 € 3.000,00 € 0,00 € 0,00 0 (€ 0,00)"
            " 0 (€ 0,00) € 7.000,00 0 \N{EN DASH} nog geen besluiten"
        )
        assert _cells(content, "Wijkfonds Vlijmen") == (
            "Wijkfonds Vlijmen Vlijmen € 20.000,00 € 1.500,00 € 0,00 € 0,00 1 (€ 400,00)"
            " 0 (€ 0,00) € 18.500,00 2 6,5"
        )
        assert _cells(content, "Alle fondsen samen") == (
            "Alle fondsen samen € 30.000,00 € 4.500,00 € 0,00 € 0,00 1 (€ 400,00) 0 (€ 0,00)"
            " € 25.500,00 2"
        )
        assert f'href="/fondsen/{funds["vlijmen"].pk}/"' in content

    def test_an_earlier_year_stays_readable(self, as_manager, funds):
        content = as_manager.get(PAGE, {"jaar": "2025"}).content.decode()
        assert "Fondsen 2025: geld en besluiten" in content
        assert "€&nbsp;8.000,00" in content and "Wijkfonds Vlijmen" not in content
        assert 'href="?jaar=2026"' in content and 'aria-current="page">2025<' in content

    @pytest.mark.parametrize("asked", ["1999", "abc", "2026' OR 1=1", "9" * 30])
    def test_a_year_without_funds_shows_this_year(self, as_manager, funds, asked):
        response = as_manager.get(PAGE, {"jaar": asked})
        assert response.status_code == 200
        content = response.content.decode()
        assert "Fondsen 2026: geld en besluiten" in content
        assert "Er zijn geen fondsen voor het jaar dat je vroeg" in content

    def test_without_funds_the_page_says_so(self, as_manager):
        content = as_manager.get(PAGE).content.decode()
        assert "Er zijn nog geen fondsen voor 2026." in content

    def test_the_page_costs_the_same_queries_with_few_and_many_funds(self, as_manager, funds):
        as_manager.get(PAGE)
        with CaptureQueriesContext(connection) as few:
            as_manager.get(PAGE)
        for n in range(6):
            fund = FundFactory(
                name=f"Wijkfonds {n}", year=2026, neighbourhood=NeighbourhoodFactory()
            )
            for day in (1, 2, 3):
                _application(fund, Application.State.SUBMITTED, "100", submitted=at(5, day))
        with CaptureQueriesContext(connection) as many:
            content = as_manager.get(PAGE).content.decode()
        assert content.count('<th class="utrecht-table__header-cell" scope="row">') == 8
        assert len(many.captured_queries) == len(few.captured_queries)
        fund_queries = [q["sql"] for q in few.captured_queries if "initiatives_fund" in q["sql"]]
        assert len(fund_queries) == 2, fund_queries  # the years, and the overview


class TestWeeklyReport:
    def _build(self) -> dict:
        services.weekly_report_build(monday=WEEK)
        return WeeklyReport.objects.get(week_start=WEEK).figures

    def test_the_funds_as_they_were_at_the_end_of_the_week(self, funds):
        figures = self._build()
        dromenfonds, vlijmen = figures["current"]["funds"]
        # The grant asked for on 22 April was approved after the week: waiting then.
        assert dromenfonds | {"pk": None} == {
            "pk": None,
            "name": "Dromenfonds",
            "year": 2026,
            "neighbourhood": "",
            "decider": "staff",
            "amount": "10000.00",
            "granted": "0.00",
            "paid": "0.00",
            "accounted": "0.00",
            "waiting_applications": 0,
            "waiting_requested": "0.00",
            "waiting_grants": 1,
            "waiting_held": "3000.00",
            "balance": "7000.00",
            "decided": 0,
            "median_days": None,
        }
        # The refusal of 1 May was not made yet; the application of 5 May not handed in.
        assert (vlijmen["granted"], vlijmen["waiting_applications"]) == ("1500.00", 1)
        assert (vlijmen["waiting_requested"], vlijmen["balance"]) == ("900.00", "18500.00")
        assert (vlijmen["decided"], vlijmen["median_days"]) == (1, 3.0)
        assert "funds" not in figures["previous"]
        assert self._build() == figures  # built again: the same

    def test_the_page_shows_the_funds(self, as_manager, funds):
        self._build()
        content = as_manager.get("/medewerkers/rapportage/", {"week": WEEK.isoformat()})
        content = content.content.decode()
        assert 'href="#fondsen"' in content
        section = content[content.index('id="fondsen"') :]
        assert "Fondsen per wijk: budget, betaald, verantwoord, wat wacht en tijd" in section
        assert _cells(section, "Wijkfonds Vlijmen") == (
            "Wijkfonds Vlijmen Vlijmen € 20.000,00 € 1.500,00 € 0,00 € 0,00 1 (€ 900,00)"
            " 0 (€ 0,00) € 18.500,00 3"
        )

    def test_a_snapshot_from_before_has_no_funds_section(self, as_manager, funds):
        self._build()
        report = WeeklyReport.objects.get(week_start=WEEK)
        del report.figures["current"]["funds"]
        report.save()
        content = as_manager.get("/medewerkers/rapportage/", {"week": WEEK.isoformat()})
        assert content.status_code == 200
        assert 'href="#fondsen"' not in content.content.decode()

    def test_the_csv_has_the_funds(self, as_manager, funds):
        self._build()
        response = as_manager.get("/medewerkers/rapportage/csv/", {"week": WEEK.isoformat()})
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        section = "Fonds: Wijkfonds Vlijmen (Vlijmen)"
        mine = {row[1]: row[2] for row in rows if row[0] == section}
        assert mine == {
            "Budget (€)": "20000,00",
            "Toegekend (€)": "1500,00",
            "Betaald (€)": "0,00",
            "Verantwoord (€)": "0,00",
            "Aanvragen die wachten": "1",
            "Gevraagd door de aanvragen die wachten (€)": "900,00",
            "Budgetten die wachten op goedkeuring": "0",
            "Vastgehouden voor budgetten die wachten op goedkeuring (€)": "0,00",
            "Saldo (€)": "18500,00",
            "Aanvragen besloten": "1",
            "Dagen tot besluit (mediaan)": "3,0",
        }
        assert any(row[0] == "Fonds: Dromenfonds (hele gemeente)" for row in rows)
