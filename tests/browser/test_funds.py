"""The funds in Chromium, on the demo municipality (issue 16): a resident on a phone reads
which funds take applications and Vlijmen's fund page; a manager opens the overview per
fund and neighbourhood. axe finds no WCAG 2.1 A/AA violation on any of them."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.models import User
from initiatives.models import Fund
from tests.browser.conftest import check_accessibility
from tests.browser.test_report import MANAGER_EMAIL, sign_in

pytestmark = pytest.mark.browser

FUND = "Denk & Doe mee!-fonds Vlijmen"  # from demo_data


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return live_server.url


def test_a_resident_reads_the_funds_and_a_manager_the_overview(
    site, page: Page, page_errors, pages
):
    call_command("demo_data", "--i-know-this-is-not-production", stdout=io.StringIO())
    fund = Fund.objects.get(name=FUND)

    # A resident on a phone, not signed in: which funds can I ask money from?
    page.goto(f"{site}/fondsen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Geld voor je plan: de fondsen")
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=FUND))
    expect(card).to_contain_text("Fonds van de wijk Vlijmen")
    expect(card).to_contain_text("€ 2.500,00")  # at most per application
    expect(card).to_contain_text("Zonder dit geld komt het plan er niet.")
    check_accessibility(page, "funds-01-list")

    card.get_by_role("link", name=f"Meer over {FUND}").click()
    expect(page).to_have_url(f"{site}/fondsen/{fund.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(FUND)
    apply = page.get_by_role("link", name="Aanvragen", exact=True)
    expect(apply).to_be_visible()
    assert apply.get_attribute("href").startswith(f"/fondsen/{fund.pk}/aanvragen")
    expect(page.get_by_role("heading", name="Waar je plan aan moet voldoen")).to_be_visible()
    check_accessibility(page, "funds-02-fund-page")

    # The municipality's Dromenfonds is not open to applications: its page says so.
    dromenfonds = Fund.objects.get(name="Dromenfonds")
    page.goto(f"{site}/fondsen/{dromenfonds.pk}/")
    expect(page.get_by_text("Dit fonds neemt nu geen aanvragen aan.")).to_be_visible()
    expect(page.get_by_role("link", name="Aanvragen", exact=True)).to_have_count(0)
    check_accessibility(page, "funds-03-closed-fund")
    assert not page_errors, "\n".join(page_errors)

    # A manager at a desk opens the overview from the menu.
    staff = pages.open({"width": 1280, "height": 900})
    sign_in(staff, site, User.objects.get(email=MANAGER_EMAIL))
    staff.goto(f"{site}/medewerkers/")
    staff.get_by_role("banner").get_by_role("link", name="Fondsen").click()
    expect(staff).to_have_url(f"{site}/medewerkers/fondsen/")
    expect(staff.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Fondsen \d{4}: geld en besluiten$")
    )
    row = staff.get_by_role("row").filter(has=staff.get_by_role("rowheader", name=FUND))
    expect(row).to_contain_text("Vlijmen")
    expect(row).to_contain_text("€ 20.000,00")
    expect(staff.get_by_role("rowheader", name="Dromenfonds")).to_be_visible()
    check_accessibility(staff, "funds-04-manager-overview")
    assert not pages.errors, "\n".join(pages.errors)
