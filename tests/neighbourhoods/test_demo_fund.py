"""The demo municipality has Vlijmen's own fund halfway through its year (issue 16)."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from initiatives import selectors
from initiatives.application_models import Application
from initiatives.models import Fund

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_neighbourhood_fund_mid_year(settings):
    settings.DEBUG = True
    call_command("demo_data", "--quiet-accounts", stdout=io.StringIO())
    fund = Fund.objects.get(name="Denk & Doe mee!-fonds Vlijmen")
    assert fund.year == timezone.localdate().year and fund.neighbourhood.name == "Vlijmen"
    assert fund.open_for_applications and len(fund.criteria_list) == 4
    assert fund.max_per_application == Decimal("2500")
    assert 0 < fund.committed < fund.amount  # part spent
    assert selectors.fund_takes_applications(fund)
    states = sorted(fund.applications.values_list("state", flat=True))
    assert states == [
        Application.State.GRANTED,
        Application.State.PARTLY_GRANTED,
        Application.State.SUBMITTED,
    ]
    [row] = [r for r in selectors.funds_overview(year=fund.year) if r.pk == fund.pk]
    assert row.granted == fund.committed and row.waiting_applications == 1
    assert row.median_days is not None
    assert Fund.objects.filter(name="Dromenfonds").count() == 1  # the municipality's, as before

    call_command("demo_data", "--quiet-accounts", stdout=io.StringIO())  # safe to run twice
    assert Application.objects.filter(fund=fund).count() == 3
    fund.refresh_from_db()
    assert fund.committed == row.granted
