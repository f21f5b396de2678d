"""
A resident applies to the neighbourhood's fund for their association, in Chromium: a first
try with mistakes (each named beside its field, nothing lost), then a two-line budget plan
that is sent; the page after sending, the dream page that shows the application, and the
MogelijkMaker's workspace that shows it with the association's details. Each page built for
this gets an axe check (WCAG 2.1 A/AA).
"""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.roles import Role
from initiatives import services
from initiatives.models import Application
from tests.browser.conftest import DESKTOP, check_accessibility
from tests.browser.test_staff_flows import staff_sign_in
from tests.factories import (
    FundFactory,
    NeighbourhoodFactory,
    StaffFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

TITLE = "Plantenbakken in de Kerkstraat"


@pytest.fixture
def site(live_server, settings):
    settings.MAILERS = {"default": {"BACKEND": "config.mailbox.MailboxBackend"}}
    settings.SITE_URL = live_server.url
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return live_server.url


@pytest.fixture
def world(site):
    drunen = NeighbourhoodFactory(name="Drunen")
    enabler = StaffFactory(
        email="sanne.devries@heusden.example", full_name="Sanne de Vries", roles=[Role.ENABLER]
    )
    resident = UserFactory(email="karin@example.nl", full_name="Karin de Wit")
    dream = services.dream_submit(
        resident=resident,
        title=TITLE,
        story="Meer groen in de straat, samen met de buren.",
        own_contribution="De vereniging geeft de planten water.",
        needs_from_municipality="Geld voor de bakken.",
        neighbourhood=drunen,
        theme=ThemeFactory(name="Groen"),
        confirmed=True,
    )
    services.dream_pick_up(dream=dream, by=enabler)
    fund = FundFactory(
        name="Wijkfonds Drunen",
        neighbourhood=drunen,
        open_for_applications=True,
        max_per_application=Decimal("2500.00"),
        criteria="Wie doen er mee?\nWat heeft de wijk eraan?",
        description="Voor wat buren samen doen in Drunen.",
    )
    return {"resident": resident, "enabler": enabler, "dream": dream, "fund": fund}


def error_beside(page: Page, field_id: str):
    return page.locator(f"#{field_id}_error")


def test_a_resident_applies_for_their_association(site, pages, world):
    resident, dream, fund = world["resident"], world["dream"], world["fund"]
    form_path = reverse("neighbourhoods:application_create", kwargs={"fund": fund.pk})
    page = pages.open()

    # a. Signed in by the one-time link, straight to the form.
    page.goto(services.sign_in_link_build(user=resident, next_url=form_path))
    expect(page).to_have_url(f"{site}{form_path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanvragen bij Wijkfonds Drunen")
    expect(page.locator('input[name^="line_"][name$="_amount"]')).to_have_count(5)
    check_accessibility(page, "application-01-form")

    # b. More lines, without JavaScript's help: what was typed stays.
    page.locator("#id_line_1_description").fill("Verf voor de bakken")
    page.get_by_role("button", name="Ik heb meer regels nodig").click()
    expect(page.locator('input[name^="line_"][name$="_amount"]')).to_have_count(8)
    expect(page.locator("#id_line_1_description")).to_have_value("Verf voor de bakken")

    # c. A first try with mistakes: a KvK number too short, a negative amount, no answer.
    page.get_by_label(TITLE).check()
    page.get_by_label("Ik vraag aan voor een organisatie").check()
    page.locator('input[name="organisation_kind"][value="association"]').check()
    page.locator("#id_organisation_name").fill("Buurtvereniging De Kerkstraat")
    page.locator("#id_kvk_number").fill("1234567")
    page.locator("#id_contact_person").fill("Karin de Wit")
    page.locator("#id_signatory").fill("Henk Jansen")
    page.locator("#id_signatory_role").fill("voorzitter")
    page.locator("#id_line_1_amount").fill("-150")
    page.locator("#id_line_2_description").fill("Plantenbakken")
    page.locator("#id_line_2_amount").fill("1.084,50")
    page.locator("#id_own_money").fill("50")
    page.locator("#id_own_hours").fill("40")
    page.locator("#id_answer_0").fill("Twintig buren van de vereniging.")
    page.get_by_role("button", name="Verstuur mijn aanvraag").click()

    summary = page.locator("#form-errors")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    for field_id, words in (
        ("id_kvk_number", "8 cijfers"),
        ("id_line_1_amount", "meer dan € 0"),
        ("id_answer_1", "Beantwoord"),
    ):
        expect(error_beside(page, field_id)).to_contain_text(words)
        field = page.locator(f"#{field_id}")
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_attribute("aria-describedby", re.compile(rf"\b{field_id}_error\b"))
    expect(page.locator("#id_organisation_name")).to_have_value("Buurtvereniging De Kerkstraat")
    expect(page.locator("#id_line_2_amount")).to_have_value("1.084,50")
    assert not Application.objects.exists()
    check_accessibility(page, "application-02-mistakes")

    # d. Put right and sent with Enter in the last amount (it sends; it adds no lines): a
    # two-line budget plan.
    page.locator("#id_kvk_number").fill("12345678")
    page.locator("#id_answer_1").fill("Een groene straat waar buren elkaar zien.")
    page.locator("#id_line_1_amount").fill("150")
    page.locator("#id_line_1_amount").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt: je aanvraag is verstuurd")
    expect(page.locator("main")).to_contain_text("1.234,50")
    expect(page.locator("main")).to_contain_text("Sanne de Vries")
    check_accessibility(page, "application-03-sent")
    application = Application.objects.get()
    assert application.organisation_name == "Buurtvereniging De Kerkstraat"
    assert application.requested == Decimal("1234.50")
    assert application.lines.count() == 2

    # e. The dream's page shows the application: its lines, what the association brings.
    page.get_by_role("link", name="Volg je droom en je aanvraag").click()
    applications = page.locator("#aanvragen")
    expect(applications).to_contain_text("Buurtvereniging De Kerkstraat")
    expect(applications).to_contain_text("Verf voor de bakken")
    expect(applications).to_contain_text("€ 1.084,50")
    expect(applications).to_contain_text("€ 50,00")
    expect(applications).to_contain_text("Ingediend")
    expect(page.locator(".portal-timeline")).to_contain_text("Wijkfonds Drunen")
    check_accessibility(page, "application-04-dream-page")

    # f. The MogelijkMaker sees it in the workspace, with the association's details.
    staff = pages.open(DESKTOP)
    workspace = reverse("staff:dream_workspace", args=[dream.pk])
    staff_sign_in(staff, site, world["enabler"], path=workspace)
    shown = staff.locator("#workspace section").filter(
        has=staff.get_by_role("heading", level=2, name="Aanvragen bij een fonds")
    )
    for text in (
        "Buurtvereniging De Kerkstraat",
        "12345678",
        "Henk Jansen (voorzitter)",
        "Karin de Wit",
        "Plantenbakken",
        "€ 1.234,50",
        "Een groene straat waar buren elkaar zien.",
    ):
        expect(shown).to_contain_text(text)
    check_accessibility(staff, "application-05-workspace")
    assert not pages.errors, pages.errors
