"""The administrator sets each fund's frame on behalf of the council (/beheer/, FundAdmin), and
starts a new budget year with an action: every rule a clear Dutch message by its field."""

import html
import re
from decimal import Decimal

import pytest

from initiatives.models import Fund, Platform
from tests.factories import FundFactory, NeighbourhoodFactory

pytestmark = pytest.mark.django_db

ADD = "/beheer/initiatives/fund/add/"
LIST = "/beheer/initiatives/fund/"


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def vlijmen(db):
    return NeighbourhoodFactory(name="Vlijmen")


def _frame(**overrides) -> dict:
    data = {
        "name": "Denk & Doe mee!-fonds Vlijmen",
        "year": "2026",
        "neighbourhood": "",
        "amount": "20.000,00",
        "description": "Voor plannen die Vlijmen mooier maken.",
        "criteria": "Voor en door bewoners.\nBuren doen mee.",
        "max_per_application": "2.500",
        "decider": "staff",
        "open_for_applications": "on",
        "_save": "Opslaan",
    }
    return data | overrides


def _field_errors(content: str, field: str) -> list[str]:
    """The messages shown by FIELD: Django's error list, or the portal's (form_field)."""
    match = re.search(rf'id="id_{field}_error">(.*?)</(?:ul|div)>', content, re.S)
    if not match:
        return []
    found = re.findall(r'<(?:li|p class="portal-error")>(.*?)</(?:li|p)>', match.group(1), re.S)
    return [html.unescape(message) for message in found]


class TestTheFrame:
    def test_the_administrator_sets_a_new_fund(self, admin_client, vlijmen):
        response = admin_client.post(ADD, _frame(neighbourhood=str(vlijmen.pk)))
        assert response.status_code == 302, response.content.decode()[:3000]
        fund = Fund.objects.get()
        assert (fund.amount, fund.max_per_application) == (Decimal("20000"), Decimal("2500"))
        assert (fund.neighbourhood, fund.committed, fund.open_for_applications) == (
            vlijmen,
            0,
            True,
        )
        assert fund.criteria_list == ["Voor en door bewoners.", "Buren doen mee."]

    @pytest.mark.parametrize("typed", ["20000", "20000,00", "20000.00", "20.000", "€ 20.000,00"])
    def test_amounts_with_comma_or_point(self, admin_client, typed):
        assert admin_client.post(ADD, _frame(amount=typed)).status_code == 302
        assert Fund.objects.get().amount == Decimal("20000")

    def test_the_form_shows_every_field_of_the_frame(self, admin_client):
        content = admin_client.get(ADD).content.decode()
        for field in (
            "name",
            "year",
            "neighbourhood",
            "amount",
            "description",
            "criteria",
            "max_per_application",
            "decider",
            "open_for_applications",
        ):
            assert f'name="{field}"' in content, field
        assert 'name="committed"' not in content  # kept by the services, never typed in
        assert 'inputmode="decimal"' in content

    def test_at_most_ten_criteria(self, admin_client):
        criteria = "\n".join(f"Criterium {n}" for n in range(11))
        content = admin_client.post(ADD, _frame(criteria=criteria)).content.decode()
        assert _field_errors(content, "criteria") == [
            "Geef hoogstens 10 criteria, één per regel. Er zijn er nu 11: voeg er een paar"
            " samen of haal er een paar weg."
        ]
        assert criteria in content  # nothing typed is lost
        assert not Fund.objects.exists()

    def test_a_criterion_at_most_300_characters(self, admin_client):
        content = admin_client.post(ADD, _frame(criteria="x" * 301)).content.decode()
        assert "Criterium 1 heeft 301 tekens" in " ".join(_field_errors(content, "criteria"))
        assert not Fund.objects.exists()

    def test_a_platform_decider_needs_a_neighbourhood(self, admin_client):
        content = admin_client.post(ADD, _frame(decider="platform")).content.decode()
        [message] = _field_errors(content, "decider")
        assert message.startswith("Alleen een fonds van een wijk kan een wijkplatform hebben")
        assert "fund_platform_decider_has_neighbourhood" not in content  # no database words
        assert not Fund.objects.exists()

    def test_a_platform_decider_needs_the_platform(self, admin_client, vlijmen):
        data = _frame(decider="staff_after_advice", neighbourhood=str(vlijmen.pk))
        content = admin_client.post(ADD, data).content.decode()
        assert "Vlijmen heeft nog geen wijkplatform" in " ".join(_field_errors(content, "decider"))
        Platform.objects.create(neighbourhood=vlijmen, name="Wijkplatform Vlijmen", slug="v")
        assert admin_client.post(ADD, data).status_code == 302

    def test_the_maximum_not_above_the_yearly_amount(self, admin_client):
        content = admin_client.post(
            ADD, _frame(amount="1.000", max_per_application="1.000,01")
        ).content.decode()
        assert _field_errors(content, "max_per_application") == [
            "Het maximum per aanvraag (€ 1.000,01) kan niet hoger zijn dan het jaarbedrag"
            " (€ 1.000,00)."
        ]
        assert not Fund.objects.exists()

    @pytest.mark.parametrize(
        ("field", "typed", "message"),
        [
            ("amount", "twintig", "Vul een bedrag in euro in, zoals 1250 of 1.250,50."),
            ("amount", "-5", "Het jaarbedrag kan niet lager zijn dan nul."),
            ("max_per_application", "0", "Het maximum moet meer dan € 0 zijn."),
            ("amount", "12,345", "Gebruik hoogstens 2 cijfers achter de komma (centen)."),
        ],
    )
    def test_bad_amounts(self, admin_client, field, typed, message):
        content = admin_client.post(ADD, _frame(**{field: typed})).content.decode()
        assert any(m.startswith(message) for m in _field_errors(content, field)), content[:500]
        assert f'value="{typed}"' in content  # kept as typed
        assert not Fund.objects.exists()

    def test_the_yearly_amount_not_below_what_is_granted(self, admin_client):
        fund = FundFactory(name="Dromenfonds", year=2026, amount=Decimal("10000"))
        Fund.objects.filter(pk=fund.pk).update(committed=Decimal("6000"))
        url = f"{LIST}{fund.pk}/change/"
        data = _frame(name="Dromenfonds", amount="5.000", max_per_application="")
        content = admin_client.post(url, data).content.decode()
        [message] = _field_errors(content, "amount")
        assert message.startswith("€ 6.000,00 van dit fonds is al toegekend")
        fund.refresh_from_db()
        assert (fund.amount, fund.committed) == (Decimal("10000"), Decimal("6000"))
        response = admin_client.post(url, data | {"amount": "6.000"})
        assert response.status_code == 302
        fund.refresh_from_db()
        assert (fund.amount, fund.committed) == (Decimal("6000"), Decimal("6000"))

    def test_the_same_name_and_year_twice(self, admin_client):
        FundFactory(name="Dromenfonds", year=2026)
        content = admin_client.post(ADD, _frame(name="Dromenfonds")).content.decode()
        assert "bestaat al" in content
        assert Fund.objects.count() == 1


class TestStartYear:
    def _choose(self, admin_client, *funds):
        return admin_client.post(
            LIST,
            {
                "action": "start_next_year",
                "_selected_action": [str(fund.pk) for fund in funds],
                "index": "0",
            },
        )

    def _confirm(self, admin_client, amounts: dict):
        data = {
            "action": "start_next_year",
            "_selected_action": [str(fund.pk) for fund in amounts],
            "confirm": "Start",
        }
        data |= {f"amount_{fund.pk}": typed for fund, typed in amounts.items()}
        return admin_client.post(LIST, data)

    def test_the_action_asks_for_each_amount_then_starts_the_years(self, admin_client, vlijmen):
        dromen = FundFactory(name="Dromenfonds", year=2026, amount=Decimal("150000"))
        wijk = FundFactory(
            name="Wijkfonds Vlijmen",
            year=2026,
            amount=Decimal("20000"),
            neighbourhood=vlijmen,
            criteria="Eén.\nTwee.",
            max_per_application=Decimal("2500"),
        )
        Fund.objects.filter(pk=wijk.pk).update(committed=Decimal("12000"))
        page = self._choose(admin_client, dromen, wijk)
        assert page.status_code == 200
        content = page.content.decode()
        assert "Jaarbedrag voor Wijkfonds Vlijmen 2027 (in euro)" in content
        assert f'name="amount_{wijk.pk}"' in content and 'value="20000,00"' in content
        assert not Fund.objects.filter(year=2027).exists()  # only asked so far

        response = self._confirm(admin_client, {dromen: "160.000", wijk: "22.500,50"})
        assert response.status_code == 302
        new = Fund.objects.get(name="Wijkfonds Vlijmen", year=2027)
        assert (new.amount, new.committed, new.criteria) == (
            Decimal("22500.50"),
            0,
            "Eén.\nTwee.",
        )
        assert Fund.objects.get(name="Dromenfonds", year=2027).amount == Decimal("160000")
        old = Fund.objects.get(pk=wijk.pk)
        assert (old.year, old.committed) == (2026, Decimal("12000"))  # history kept
        messages = admin_client.get(LIST).content.decode()
        assert "Een nieuw budgetjaar is begonnen voor" in messages

    def test_nothing_is_started_when_one_year_exists(self, admin_client):
        dromen = FundFactory(name="Dromenfonds", year=2026)
        wijk = FundFactory(name="Wijkfonds", year=2026)
        FundFactory(name="Wijkfonds", year=2027)
        response = self._confirm(admin_client, {dromen: "1000", wijk: "2000"})
        assert response.status_code == 200
        content = response.content.decode()
        assert _field_errors(content, f"amount_{wijk.pk}") == [
            "Wijkfonds heeft al een budget voor 2027."
        ]
        assert not Fund.objects.filter(name="Dromenfonds", year=2027).exists()

    def test_a_bad_amount_is_asked_again(self, admin_client):
        fund = FundFactory(name="Dromenfonds", year=2026, max_per_application=Decimal("500"))
        content = self._confirm(admin_client, {fund: "veel"}).content.decode()
        assert _field_errors(content, f"amount_{fund.pk}") == [
            "Vul een bedrag in euro in, zoals 1250 of 1.250,50."
        ]
        content = self._confirm(admin_client, {fund: "400"}).content.decode()
        [message] = _field_errors(content, f"amount_{fund.pk}")
        assert message.startswith("Het maximum per aanvraag is € 500,00")
        assert Fund.objects.count() == 1


def test_the_year_of_an_existing_fund_stays(admin_client):
    fund = FundFactory(name="Dromenfonds", year=2026, amount=Decimal("10000"))
    url = f"{LIST}{fund.pk}/change/"
    assert 'name="year"' not in admin_client.get(url).content.decode()
    data = _frame(name="Dromenfonds", year="2030", max_per_application="")
    assert admin_client.post(url, data).status_code == 302
    fund.refresh_from_db()
    assert (fund.year, fund.amount) == (2026, Decimal("20000"))


def test_a_rename_onto_a_fund_that_exists_is_refused(admin_client):
    """The year is not on the change form, so Django's own check of name and year is off."""
    FundFactory(name="Dromenfonds", year=2026)
    other = FundFactory(name="Buurtbudget", year=2026)
    data = _frame(name="Dromenfonds", max_per_application="")
    content = admin_client.post(f"{LIST}{other.pk}/change/", data).content.decode()
    assert _field_errors(content, "name") == [
        "Dromenfonds 2026 bestaat al. Kies een andere naam, of verander het fonds dat er al is."
    ]
    other.refresh_from_db()
    assert other.name == "Buurtbudget"
