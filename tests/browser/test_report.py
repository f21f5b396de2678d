"""The managers' weekly report in Chromium, on the demo municipality's history.

A manager opens "Rapportage": the charts are SVG images with an accessible name, axe finds
no WCAG 2.1 A/AA violation, the CSP blocks nothing, and in print only the report is left.
"""

import io
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Page, expect

from accounts.models import User
from initiatives.models import WeeklyReport
from tests.browser.conftest import check_accessibility
from tests.conftest import verify_second_factor

pytestmark = pytest.mark.browser

MANAGER_EMAIL = "marco.manager@heusden.example"  # from demo_data


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return live_server.url


def sign_in(page: Page, site: str, user) -> None:
    """Give PAGE a session of USER with their second factor given (the sign-in itself is
    clicked through in test_staff_flows.py)."""
    client = Client()
    client.force_login(user)
    verify_second_factor(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": site}]
    )


def test_a_manager_reads_the_weekly_report(site, staff_page: Page, pages):
    call_command("demo_data", "--i-know-this-is-not-production", stdout=io.StringIO())
    manager = User.objects.get(email=MANAGER_EMAIL)
    page = staff_page
    sign_in(page, site, manager)

    page.goto(f"{site}/medewerkers/")
    page.get_by_role("banner").get_by_role("link", name="Rapportage").click()
    expect(page).to_have_url(f"{site}/medewerkers/rapportage/")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Keek op de week: week \d{1,2}, \d{1,2}.* \d{4}$"))
    expect(page.get_by_role("banner").get_by_role("link", name="Rapportage")).to_have_attribute(
        "aria-current", "page"
    )

    # Last week has no snapshot yet: the page says it is being prepared, its task builds it,
    # and the page shows the report by itself (htmx asks again every 2 seconds).
    expect(page.get_by_role("link", name="Download als pdf")).to_be_visible()
    # Charts: SVG images, each with a name and a description, and a table of its figures.
    charts = page.locator("main svg[role=img]")
    assert charts.count() >= 8
    for n in range(charts.count()):
        expect(charts.nth(n)).to_have_accessible_name(re.compile(r"\w"))
        expect(charts.nth(n)).to_have_accessible_description(re.compile(r"\w"))
    expect(page.get_by_role("img", name="Nieuwe dromen per dorp of wijk")).to_be_visible()
    expect(
        page.get_by_role("img", name=re.compile("^Nieuwe en gerealiseerde dromen"))
    ).to_be_visible()
    expect(page.get_by_role("table", name="Nieuwe dromen per dorp of wijk")).to_be_visible()
    expect(page.get_by_role("table", name="Het verloop, week voor week")).to_be_visible()
    expect(page.get_by_role("link", name="Download als pdf")).to_be_visible()
    check_accessibility(page, "staff-30-weekly-report")

    # Another week: prepared by its task too, then the same page.
    page.get_by_role("link", name="Week ervoor").click()
    expect(page).to_have_url(re.compile(r"/medewerkers/rapportage/\?week=\d{4}-\d{2}-\d{2}$"))
    expect(heading).to_have_text(re.compile(r"^Keek op de week: week \d{1,2}, \d{1,2}.* \d{4}$"))
    expect(page.get_by_role("link", name="Download als pdf")).to_be_visible()
    assert WeeklyReport.objects.count() == 2
    expect(page.locator('main select[name="week"] option')).to_have_count(2)

    # A week that has not ended: a message, not an error page.
    page.goto(f"{site}/medewerkers/rapportage/?week=2999-01-07")
    expect(page.get_by_role("alert")).to_contain_text("is nog niet voorbij")
    check_accessibility(page, "staff-31-weekly-report-bad-week")

    # In print, only the report: no menu, no week chooser, no downloads.
    page.go_back()
    page.emulate_media(media="print")
    expect(page.locator(".report-weeks")).to_be_hidden()
    expect(page.get_by_role("banner")).to_be_hidden()
    expect(page.locator("main svg[role=img]").first).to_be_visible()

    assert not pages.errors, "\n".join(pages.errors)
