"""A citizens' assembly's outcome becomes a dream, in Chromium (issue 18): a MogelijkMaker adds
a meeting and an outcome (a missing field is said, nothing typed is lost), makes the outcome
a dream taken up by two panel members; it waits in the triage queue marked as coming from the
assembly; the owner reads it on their own page. Every page gets an axe check."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.roles import Role
from initiatives.models import Dream, EventKind
from initiatives.statuses import Status
from tests.browser.conftest import DESKTOP, check_accessibility
from tests.browser.test_staff_flows import resident_page, staff_sign_in
from tests.factories import (
    AssemblyLifeFactory,
    NeighbourhoodFactory,
    PanelMemberFactory,
    StaffFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.browser

ASSEMBLY = "Burgerberaad Drunen-Oost"
TITLE = "Een pluktuin bij de school"


@pytest.fixture
def site(live_server, settings):
    settings.MAILERS = {"default": {"BACKEND": "config.mailbox.MailboxBackend"}}
    settings.SITE_URL = live_server.url
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return live_server.url


def test_an_outcome_becomes_a_dream_in_the_triage_queue(site, pages):
    enabler = StaffFactory(
        email="sanne@heusden.example", full_name="Sanne de Vries", roles=[Role.ENABLER]
    )
    drunen = NeighbourhoodFactory(name="Drunen-Oost")
    ThemeFactory(name="Groen")
    assembly = AssemblyLifeFactory(title=ASSEMBLY, neighbourhoods=[drunen], created_by=enabler)
    PanelMemberFactory(
        assembly=assembly, pseudonym="P-0001", name="Fatima El Idrissi", email="fatima@example.nl"
    )
    PanelMemberFactory(
        assembly=assembly, pseudonym="P-0002", name="Joost van Dam", email="joost@example.nl"
    )
    PanelMemberFactory(
        assembly=assembly, pseudonym="P-0003", name="Ria Peters", email="ria@example.nl"
    )

    # 1. A meeting: without a place the form says so, and keeps the rest.
    staff = pages.open(DESKTOP)
    meetings = reverse("staff:assembly_meetings", args=[assembly.pk])
    staff_sign_in(staff, site, enabler, path=meetings)
    expect(staff.get_by_role("heading", level=1)).to_have_text("Bijeenkomsten")
    check_accessibility(staff, "assembly-1-meetings")
    form = staff.locator("main form.portal-form")
    form.get_by_label(re.compile("^Datum")).fill("2026-12-15")
    form.get_by_label(re.compile("^Tijd")).fill("19:30")
    form.get_by_label("Onderwerp (niet verplicht)").fill("Groen in de wijk")
    form.get_by_role("button", name="Bijeenkomst toevoegen").click()
    expect(staff.locator("#id_meeting-place_error")).to_have_text("Vul in waar de bijeenkomst is.")
    expect(form.get_by_label("Onderwerp (niet verplicht)")).to_have_value("Groen in de wijk")
    check_accessibility(staff, "assembly-2-meeting-error")
    form.get_by_label(re.compile("^Plaats")).fill("Het Anker")
    form.get_by_role("button", name="Bijeenkomst toevoegen").click()
    expect(staff.locator("#page-messages")).to_contain_text("De bijeenkomst is opgeslagen.")
    expect(staff.locator("main table")).to_contain_text("Het Anker")
    check_accessibility(staff, "assembly-3-meeting-added")

    # 2. An outcome, taken up by Fatima and Joost.
    staff.get_by_role("link", name="Uitkomsten").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Uitkomsten")
    check_accessibility(staff, "assembly-4-outcomes")
    form = staff.locator("main form.portal-form")
    form.get_by_label(re.compile("^Titel")).fill(TITLE)
    form.get_by_label(re.compile("^Beschrijving")).fill(
        "Fruitbomen en bessen op het grasveld naast de school, voor iedereen."
    )
    form.get_by_label("P-0001 — Fatima El Idrissi").check()
    form.get_by_label("P-0002 — Joost van Dam").check()
    form.get_by_role("button", name="Uitkomst vastleggen").click()
    expect(staff.locator("#page-messages")).to_contain_text("De uitkomst is opgeslagen.")
    outcome = staff.get_by_role("region", name=TITLE)
    expect(outcome).to_contain_text("P-0001 — Fatima El Idrissi, P-0002 — Joost van Dam")

    # 3. It becomes a dream: Fatima owns it, Joost takes it up with her.
    outcome.get_by_role("link", name=re.compile("^Maak er een droom van")).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"Maak van “{TITLE}” een droom")
    check_accessibility(staff, "assembly-5-outcome-dream")
    form = staff.locator("main form.portal-form")
    expect(form.get_by_label("P-0001 — Fatima El Idrissi").first).to_be_checked()
    form.get_by_role("button", name="Droom indienen").click()
    expect(staff.locator("#id_dream-theme_error")).to_have_text("Kies een thema.")
    check_accessibility(staff, "assembly-6-outcome-dream-error")
    form.get_by_label(re.compile("^Thema")).select_option(label="Groen")
    form.get_by_role("button", name="Droom indienen").click()
    expect(staff.locator("#page-messages")).to_contain_text(f"“{TITLE}” is nu een droom")
    check_accessibility(staff, "assembly-7-outcome-is-a-dream")

    dream = Dream.objects.get(title=TITLE)
    assert dream.status == Status.SUBMITTED and dream.resident.email == "fatima@example.nl"
    assert dream.events.filter(kind=EventKind.FROM_ASSEMBLY).count() == 1

    # 4. In the triage queue, marked as coming from the assembly.
    staff.goto(f"{site}{reverse('staff:triage')}")
    row = staff.locator(f"#dream-{dream.pk}")
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text(f"Uit het burgerberaad “{ASSEMBLY}”")
    check_accessibility(staff, "assembly-8-triage")
    row.get_by_role("link", name=TITLE).click()
    expect(staff.locator("#workspace")).to_contain_text(f"Uit het burgerberaad “{ASSEMBLY}”")
    expect(staff.locator("#workspace")).to_contain_text("Samen opgepakt met: Joost.")
    check_accessibility(staff, "assembly-9-workspace")

    # 5. Fatima signs in and reads it on her own page.
    resident = resident_page(pages, site, dream.resident, dream)
    expect(resident.locator("main")).to_contain_text(f"Uit het burgerberaad “{ASSEMBLY}”")
    expect(resident.locator("main")).to_contain_text("Samen opgepakt met: Joost.")
    check_accessibility(resident, "assembly-10-resident")

    # 6. Anyone reads the meeting and the outcome on the assembly's public page, nobody named.
    visitor = pages.open(DESKTOP)
    visitor.goto(f"{site}{reverse('assemblies:assembly', args=[assembly.slug])}")
    expect(visitor.locator("#assembly-meetings")).to_be_visible()
    expect(visitor.locator("main")).to_contain_text(TITLE)
    expect(visitor.locator("main")).not_to_contain_text("Fatima")
    check_accessibility(visitor, "assembly-11-public-page")
