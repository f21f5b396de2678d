"""The funds' public pages (/fondsen/, /fondsen/<pk>/): anyone reads what a fund is for,
its criteria, its maximum, its money and who decides; a closed or past year says it takes
no applications."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives.models import Fund
from tests.factories import FundFactory, NeighbourhoodFactory

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
F_AMOUNT = F("amount")  # all of it committed: the fund is spent
APPLY_BUTTON = re.compile(r'<a class="utrecht-button-link[^"]*"[^>]*>Aanvragen</a>')


@pytest.fixture
def dromenfonds(db):
    return FundFactory(
        name="Zomerfonds",
        year=THIS_YEAR,
        amount=Decimal("50000"),
        description="Voor activiteiten in de zomer.",
        criteria="Het is voor iedereen.\nHet is in de zomer.",
        max_per_application=Decimal("5000"),
        open_for_applications=True,
    )


@pytest.fixture
def wijkfonds(vlijmen, platform):
    fund = FundFactory(
        name="Denk & Doe mee!-fonds Vlijmen",
        year=THIS_YEAR,
        amount=Decimal("20000"),
        neighbourhood=vlijmen,
        description="Voor plannen die Vlijmen mooier maken.",
        criteria="Voor en door bewoners van Vlijmen.\nBuren doen mee.",
        max_per_application=Decimal("2500"),
        decider=Fund.Decider.STAFF_AFTER_ADVICE,
        open_for_applications=True,
    )
    Fund.objects.filter(pk=fund.pk).update(committed=Decimal("2700"))
    fund.refresh_from_db()
    return fund


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode().replace("&nbsp;", " ")  # "€&nbsp;20.000,00" keeps together


class TestFundList:
    def test_anyone_reads_this_years_funds(self, client, dromenfonds, wijkfonds):
        FundFactory(name="Dromenfonds", year=THIS_YEAR)  # not open: MogelijkMakers only
        FundFactory(name="Zomerfonds", year=THIS_YEAR - 1, open_for_applications=True)
        content = _page(client, "/fondsen/")
        assert "<h1" in content and "Geld voor je plan" in content
        assert content.index("Zomerfonds") < content.index("Denk &amp; Doe mee!-fonds Vlijmen")
        assert "Dromenfonds" not in content
        assert content.count('class="portal-card"') == 2
        # What it is for, the criteria, the maximum, the money and what is left, who decides.
        assert "Voor plannen die Vlijmen mooier maken." in content
        assert "<li>Buren doen mee.</li>" in content
        assert "Fonds van de wijk Vlijmen" in content and "Fonds van de gemeente" in content
        assert "€ 2.500,00" in content  # at most per application
        assert "€ 20.000,00" in content and "€ 17.300,00" in content  # budget, still to give
        assert "Het wijkplatform geeft eerst advies" in content
        assert f'href="/fondsen/{wijkfonds.pk}/"' in content

    def test_without_open_funds_the_page_says_so(self, client):
        FundFactory(name="Dromenfonds", year=THIS_YEAR)
        content = _page(client, "/fondsen/")
        assert "Op dit moment is er geen fonds waar je geld kunt aanvragen." in content

    def test_a_spent_fund_says_its_money_is_given_out(self, client, dromenfonds):
        Fund.objects.filter(pk=dromenfonds.pk).update(committed=F_AMOUNT)
        content = _page(client, "/fondsen/")
        assert "Al het geld van dit jaar is weggegeven." in content

    def test_the_list_costs_the_same_queries_with_few_and_many_funds(self, client, dromenfonds):
        client.get("/fondsen/")
        with CaptureQueriesContext(connection) as few:
            client.get("/fondsen/")
        for n in range(8):
            FundFactory(
                name=f"Wijkfonds {n}",
                year=THIS_YEAR,
                neighbourhood=NeighbourhoodFactory(),
                criteria="Een.\nTwee.",
                open_for_applications=True,
            )
        with CaptureQueriesContext(connection) as many:
            content = client.get("/fondsen/").content.decode()
        assert content.count('class="portal-card"') == 9
        assert len(many.captured_queries) == len(few.captured_queries) <= 3


class TestFundPage:
    def test_an_open_fund_has_the_apply_button(self, client, wijkfonds):
        content = _page(client, f"/fondsen/{wijkfonds.pk}/")
        assert (
            f'<h1 class="utrecht-heading-1">Denk &amp; Doe mee!-fonds Vlijmen {THIS_YEAR}</h1>'
            in content
        )
        button = APPLY_BUTTON.search(content)
        assert button, content
        # Until the application form's URL exists, its agreed address.
        assert f'href="/fondsen/{wijkfonds.pk}/aanvragen/"' in button.group(0)
        assert "<li>Voor en door bewoners van Vlijmen.</li>" in content
        assert "€ 17.300,00" in content and "€ 2.700,00" in content
        assert "Het wijkplatform geeft eerst advies" in content
        assert "geen aanvragen" not in content

    def test_a_closed_fund_takes_no_applications(self, client, dromenfonds):
        Fund.objects.filter(pk=dromenfonds.pk).update(open_for_applications=False)
        content = _page(client, f"/fondsen/{dromenfonds.pk}/")
        assert not APPLY_BUTTON.search(content)
        assert "Dit fonds neemt nu geen aanvragen aan." in content
        assert "De gemeente heeft het niet opengezet voor aanvragen." in content

    def test_a_past_year_takes_no_applications_and_links_the_other_years(self, client, dromenfonds):
        old = FundFactory(name="Zomerfonds", year=THIS_YEAR - 1, open_for_applications=True)
        content = _page(client, f"/fondsen/{old.pk}/")
        assert not APPLY_BUTTON.search(content)
        assert "Dit fonds neemt nu geen aanvragen aan." in content
        assert f"Deze pagina gaat over {THIS_YEAR - 1}, en dat jaar is voorbij." in content
        assert f'href="/fondsen/{dromenfonds.pk}/"' in content  # this year's, still readable
        this_year = _page(client, f"/fondsen/{dromenfonds.pk}/")
        assert f'href="/fondsen/{old.pk}/"' in this_year  # and the year before from there

    def test_next_years_fund_opens_on_1_january(self, client, dromenfonds):
        new = FundFactory(name="Zomerfonds", year=THIS_YEAR + 1, open_for_applications=True)
        content = _page(client, f"/fondsen/{new.pk}/")
        assert not APPLY_BUTTON.search(content)
        assert f"Je kunt aanvragen vanaf 1 januari {THIS_YEAR + 1}." in content

    def test_a_spent_fund_takes_no_applications(self, client, dromenfonds):
        Fund.objects.filter(pk=dromenfonds.pk).update(committed=F_AMOUNT)
        content = _page(client, f"/fondsen/{dromenfonds.pk}/")
        assert not APPLY_BUTTON.search(content)
        assert f"Al het geld voor {THIS_YEAR} is weggegeven." in content

    def test_an_unknown_fund_is_not_found(self, client):
        assert client.get("/fondsen/999999/").status_code == 404

    def test_only_get(self, client, dromenfonds):
        assert client.post("/fondsen/").status_code == 405
        assert client.post(f"/fondsen/{dromenfonds.pk}/").status_code == 405

    def test_in_english_too(self, client, wijkfonds):
        client.cookies["django_language"] = "en"
        content = _page(client, f"/fondsen/{wijkfonds.pk}/")
        assert ">Apply</a>" in content


def test_a_fund_page_shows_what_was_granted_paid_and_accounted_for(client, wijkfonds):
    """Public money in the open: the fund's grants, what was paid out, and what the residents
    accounted for (the grant of a dream that came true, its report accepted)."""
    from decimal import Decimal

    from django.utils import timezone

    from initiatives.models import Accountability, Application, Grant
    from initiatives.statuses import Status
    from tests.factories import DreamFactory, StaffFactory

    dream = DreamFactory(status=Status.REALISED)
    staff = StaffFactory()
    Grant.objects.create(
        dream=dream,
        fund=wijkfonds,
        amount=Decimal("400"),
        purpose="Plantenbakken",
        state=Grant.State.GRANTED,
        requested_by=staff,
        decided_by=staff,
        decided_at=timezone.now(),
        paid_at=timezone.now(),
    )
    application = Application.objects.create(
        dream=dream,
        fund=wijkfonds,
        applicant=Application.Applicant.RESIDENT,
        requested=Decimal("400"),
        granted=Decimal("400"),
        state=Application.State.GRANTED,
        submitted_by=dream.resident,
    )
    Accountability.objects.create(
        application=application,
        report="Klaar.",
        spent=Decimal("390"),
        state=Accountability.State.ACCEPTED,
        accepted_at=timezone.now(),
    )
    content = " ".join(_page(client, f"/fondsen/{wijkfonds.pk}/").split())
    assert "Uitbetaald</dt><dd>€ 400,00" in content
    assert "Verantwoord door de bewoners</dt><dd>€ 400,00" in content
