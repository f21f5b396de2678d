"""Hoe doen we het? in Chromium: a resident on a phone follows the footer's link, picks a
village and a week with the choosers (a plain form, no script needed), and reads a figure
from the table beside a chart. axe finds no WCAG 2.1 A/AA violation, the CSP blocks nothing.
"""

import re
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from initiatives.weeks import week_name, week_period
from tests.browser.conftest import check_accessibility
from tests.factories import DreamFactory, NeighbourhoodFactory, ThemeFactory

pytestmark = pytest.mark.browser


def handed_in(count: int, *, on, neighbourhood, theme) -> None:
    for _n in range(count):
        DreamFactory(submitted_at=on, created_at=on, neighbourhood=neighbourhood, theme=theme)


def row_name(monday) -> str:
    """A week's row in the tables: "week 48" with its days."""
    return f"week {monday.isocalendar().week} {week_period(monday)}"


@pytest.fixture
def wednesday_noon(live_server):
    """Set the clock to noon on this week's Wednesday, ticking on from there: the live server
    runs in a thread of this process, so it reads the same clock, and "this week" and "last
    week" are the same weeks for the test and the server whenever the test runs (a run across
    Sunday midnight or new year would otherwise split them)."""
    today = timezone.localdate()
    wednesday = today - timedelta(days=today.weekday()) + timedelta(days=2)
    noon = timezone.make_aware(datetime.combine(wednesday, time(12)))
    with time_machine.travel(noon, tick=True):
        yield noon


def test_a_resident_reads_how_the_municipality_is_doing(
    live_server, page: Page, page_errors, wednesday_noon
):
    today = timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    last_monday = this_monday - timedelta(weeks=1)
    noon_last_week = timezone.make_aware(
        timezone.datetime.combine(last_monday, timezone.datetime.min.time())
    ) + timedelta(hours=12)
    green = ThemeFactory(name="Groen")
    vlijmen = NeighbourhoodFactory(name="Vlijmen", slug="vlijmen")
    elshout = NeighbourhoodFactory(name="Elshout", slug="elshout")
    drunen = NeighbourhoodFactory(name="Drunen", slug="drunen")
    handed_in(7, on=noon_last_week, neighbourhood=vlijmen, theme=green)
    handed_in(2, on=noon_last_week, neighbourhood=elshout, theme=green)
    # Hidden as well (the smallest other), so that the total does not give Elshout's back.
    handed_in(6, on=noon_last_week, neighbourhood=drunen, theme=green)
    handed_in(6, on=timezone.now(), neighbourhood=vlijmen, theme=green)

    page.goto(live_server.url)
    page.get_by_role("contentinfo").get_by_role(
        "link", name=re.compile("^Hoe doen we het?")
    ).click()
    expect(page).to_have_url(f"{live_server.url}/hoe-doen-we-het/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hoe doen we het?")
    charts = page.locator("main svg[role=img]")
    assert charts.count() >= 4  # the dreams (3) and the promises; money once granted
    for n in range(charts.count()):
        expect(charts.nth(n)).to_have_accessible_name(re.compile(r"\w"))
        expect(charts.nth(n)).to_have_accessible_description(re.compile(r"\w"))
    table = page.get_by_role("table", name="Ingediend en opgepakt")
    this_week = table.get_by_role("row", name=row_name(this_monday))
    expect(this_week.get_by_role("cell").first).to_have_text("6")
    check_accessibility(page, "how-we-do-01-all-villages")

    # Elshout, last week: too few to show, said in words.
    page.get_by_label("Dorp of wijk").select_option(label="Elshout")
    page.get_by_label("Tot en met").select_option(label=week_name(last_monday))
    page.get_by_role("button", name="Toon").click()
    expect(page).to_have_url(re.compile(r"\?village=elshout&week=\d{4}-W\d{2}$"))
    table = page.get_by_role("table", name="Ingediend en opgepakt")
    last_week = table.get_by_role("row", name=row_name(last_monday))
    expect(last_week.get_by_role("cell").first).to_have_text("minder dan 5")
    expect(page.get_by_text("Elshout: van week")).to_be_visible()
    check_accessibility(page, "how-we-do-02-elshout-last-week")

    # Drunen, the same week: hidden only so that Elshout's cannot be worked out, so not
    # "fewer than 5" (it is 6): "hidden", and the page's first lines say why.
    page.get_by_label("Dorp of wijk").select_option(label="Drunen")
    page.get_by_role("button", name="Toon").click()
    table = page.get_by_role("table", name="Ingediend en opgepakt")
    last_week = table.get_by_role("row", name=row_name(last_monday))
    expect(last_week.get_by_role("cell").first).to_have_text("verborgen")
    expect(page.locator("#left-out")).to_contain_text("Soms verbergen we ook een tweede getal")

    # Vlijmen, the same week: the figure itself.
    page.get_by_label("Dorp of wijk").select_option(label="Vlijmen")
    page.get_by_role("button", name="Toon").click()
    table = page.get_by_role("table", name="Ingediend en opgepakt")
    last_week = table.get_by_role("row", name=row_name(last_monday))
    expect(last_week.get_by_role("cell").first).to_have_text("7")
    expect(page.get_by_label("Tot en met")).to_have_value(re.compile(r"^\d{4}-W\d{2}$"))
    assert not page_errors, "\n".join(page_errors)
