"""Dilemmas and exceptions in the open (issue 17), in Chromium against the live server.

A MogelijkMaker records an exception to a rule from the dream's workspace (first without the
rule: the message beside the field, nothing lost); a manager opens "Dilemma's", reads it for
the weekly meeting and closes it with an outcome; the weekly report lists it with that
outcome. Every page built for it gets an axe check (WCAG 2.1 A/AA).

The weekly report covers weeks that have ended: once recorded and discussed, the two moments
are moved into last week (as if the journey had happened then), and last week's report is
read.
"""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from initiatives import services
from initiatives.dilemma_models import Dilemma
from tests.browser.conftest import DESKTOP, check_accessibility
from tests.browser.test_report import sign_in
from tests.factories import DreamFactory, StaffFactory

pytestmark = pytest.mark.browser

SUMMARY = "Subsidie voor een buurtfeest met een bar"
RULE = "Geen subsidie voor alcohol"
WHY = "De opbrengst van de bar gaat naar de voedselbank; de bar is van de vereniging."
NOTE = "Eenmalig; geen nieuwe regel nodig. Joke zegt het tegen de vereniging."


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return live_server.url


def test_an_exception_recorded_discussed_and_reported(site, pages):
    enabler = StaffFactory(
        email="sanne.devries@heusden.example", full_name="Sanne de Vries", roles=[Role.ENABLER]
    )
    manager = StaffFactory(
        email="marco.bakker@heusden.example", full_name="Marco Bakker", roles=[Role.MANAGER]
    )
    dream = DreamFactory(title="Buurtfeest in de Wilgenstraat")
    services.dream_pick_up(dream=dream, by=enabler)
    services.dream_log_contact(
        dream=dream, by=enabler, kind="phone", on=timezone.localdate(), summary="Gebeld."
    )

    # The MogelijkMaker records the exception in the workspace.
    page = pages.open(DESKTOP)
    sign_in(page, site, enabler)
    page.goto(f"{site}/medewerkers/dromen/{dream.pk}/")
    panel = page.locator("section", has=page.locator("#dilemmas-heading"))
    expect(panel.get_by_text("Nog niets vastgelegd voor deze droom.")).to_be_visible()
    panel.get_by_label("Uitzondering op een regel").check()
    panel.get_by_label("Wat is er besloten, of waarover twijfel je?").fill(SUMMARY)
    panel.get_by_label("Waarom?").fill(WHY)
    panel.get_by_label("Wie ging akkoord, of met wie heb je het besproken?").fill("Joke")
    panel.get_by_role("button", name="Vastleggen").click()
    # No rule: said beside the field, everything typed still there (htmx swapped it in).
    panel = page.locator("section", has=page.locator("#dilemmas-heading"))
    expect(panel.locator("#id_dilemma-rule_error")).to_contain_text("noem de regel")
    expect(panel.get_by_label("Waarom?")).to_have_value(WHY)
    check_accessibility(page, "staff-60-dilemma-refused")
    panel.get_by_label("Van welke regel wijkt het besluit af?").fill(RULE)
    panel.get_by_role("button", name="Vastleggen").click()
    expect(page.get_by_text("Vastgelegd. Managers vinden het")).to_be_visible()
    panel = page.locator("section", has=page.locator("#dilemmas-heading"))
    expect(panel.locator(".portal-dilemma")).to_contain_text(SUMMARY)
    expect(panel.locator(".portal-dilemma")).to_contain_text("Te bespreken")
    check_accessibility(page, "staff-61-dilemma-recorded")
    assert Dilemma.objects.get().rule == RULE

    # The manager reads it on "Dilemma's" and closes it with an outcome.
    desk = pages.open(DESKTOP)
    sign_in(desk, site, manager)
    desk.goto(f"{site}/medewerkers/")
    desk.get_by_role("banner").get_by_role("link", name="Dilemma's").click()
    expect(desk).to_have_url(f"{site}/medewerkers/dilemmas/")
    item = desk.locator("article", has_text=SUMMARY)
    for shown in (RULE, WHY, "Sanne de Vries", "Joke", dream.title):
        expect(item).to_contain_text(shown)
    check_accessibility(desk, "staff-62-dilemmas")
    item.get_by_label("Besproken: vervolg").check()
    item.get_by_role("button", name=re.compile("^Uitkomst opslaan")).click()
    expect(desk.locator("#form-errors")).to_contain_text("Een vervolg heeft een notitie nodig")
    check_accessibility(desk, "staff-63-dilemma-outcome-refused")
    item = desk.locator("article", has_text=SUMMARY)
    item.get_by_label("Besproken: geen nieuwe regel").check()
    item.get_by_label("Wat is er afgesproken?").fill(NOTE)
    item.get_by_role("button", name=re.compile("^Uitkomst opslaan")).click()
    expect(desk.get_by_text(f"De uitkomst van “{SUMMARY}” is vastgelegd.")).to_be_visible()
    expect(desk.get_by_text("Niets te bespreken")).to_be_visible()
    discussed = desk.locator("section", has=desk.locator("#discussed-heading"))
    expect(discussed).to_contain_text(NOTE)
    expect(discussed).to_contain_text("Besproken: geen nieuwe regel")
    check_accessibility(desk, "staff-64-dilemma-discussed")

    # As if it all happened last week: last week's report lists it with its outcome.
    last_monday = services.last_monday()
    wednesday = timezone.make_aware(datetime.combine(last_monday + timedelta(2), time(10)))
    Dilemma.objects.update(created_at=wednesday, discussed_at=wednesday + timedelta(days=1))
    desk.get_by_role("banner").get_by_role("link", name="Rapportage").click()
    section = desk.locator("section", has=desk.locator("#dilemmas"))
    expect(section).to_contain_text(SUMMARY, timeout=20_000)  # built by its task first
    expect(section).to_contain_text(RULE)
    expect(section).to_contain_text("Besproken: geen nieuwe regel")
    expect(section).to_contain_text(NOTE)
    check_accessibility(desk, "staff-65-weekly-report-dilemmas")
    assert not pages.errors, "\n".join(pages.errors)
