"""The demo has one dream funded from three sources (issue 17): a grant from the Dromenfonds,
the housing corporation's money and hours, the builders' merchant's materials, and the
residents' own hours."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from initiatives import selectors
from initiatives.models import Dream
from initiatives.partner_models import Organisation
from initiatives.plan_models import Contribution

pytestmark = pytest.mark.django_db


def test_the_demo_dream_funded_from_three_sources(settings):
    settings.DEBUG = True
    call_command("demo_data", "--quiet-accounts", stdout=io.StringIO())
    dream = Dream.objects.get(title="Moestuin voor de hele straat")
    plan = selectors.dream_plan(dream)
    sources = {row["source"]: row for row in plan.by_source}
    assert sources["fund"]["money"] > 0
    assert sources["partner"]["money"] == Decimal(600)
    assert sources["partner"]["materials"] == Decimal(350)
    assert sources["residents"]["hours"] == Decimal(60)
    assert {c.who for c in plan.contributions} == {
        "Dromenfonds",
        "Woonstichting Heusden Thuis",
        "Bouwmarkt Van Dijk",
        "De bewoners zelf",
    }
    assert plan.totals["open_amount"] == 0 and plan.totals["open_hours"] == Decimal(12)
    kinds = dict(Organisation.objects.values_list("name", "kind"))
    assert kinds["Woonstichting Heusden Thuis"] == "housing"
    assert kinds["Bouwmarkt Van Dijk"] == "business"

    call_command("demo_data", "--quiet-accounts", stdout=io.StringIO())  # safe to run twice
    assert Contribution.objects.filter(dream=dream).count() == 5
    assert Organisation.objects.filter(name="Bouwmarkt Van Dijk").count() == 1
