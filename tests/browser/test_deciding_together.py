"""Deciding together on applications to a neighbourhood's funds (issue 16, item 4), clicked
through in Chromium against the live server.

The chair of the neighbourhood platform, on their phone, gives the platform's advice on one
application and decides on another within the frame; a MogelijkMaker, at a desk, grants part
of the advised application and checks that the platform's decision fits the frame. Each page
gets an axe check (WCAG 2.1 A/AA, zero violations), with and without errors beside fields.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from initiatives import services
from initiatives.models import Application, Fund, Grant, Platform, PlatformMember
from initiatives.statuses import Status
from tests.browser.conftest import DESKTOP, check_accessibility
from tests.browser.test_staff_flows import staff_sign_in
from tests.factories import (
    DreamFactory,
    FundFactory,
    NeighbourhoodFactory,
    StaffFactory,
    ThemeFactory,
    UserFactory,
)
from tests.neighbourhoods.decision_world import make_application

pytestmark = pytest.mark.browser

SLUG = "wijkplatform-drunen"


@pytest.fixture
def site(live_server, settings):
    settings.MAILERS = {"default": {"BACKEND": "config.mailbox.MailboxBackend"}}
    settings.SITE_URL = live_server.url
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return live_server.url


@pytest.fixture
def world(site):
    drunen = NeighbourhoodFactory(name="Drunen")
    platform = Platform.objects.create(neighbourhood=drunen, name="Wijkplatform Drunen", slug=SLUG)
    chair = UserFactory(email="carla@drunen.example", full_name="Carla Voorzitter")
    PlatformMember.objects.create(platform=platform, user=chair, role=PlatformMember.Role.CHAIR)
    enabler = StaffFactory(
        email="sanne.devries@heusden.example", full_name="Sanne de Vries", roles=[Role.ENABLER]
    )
    resident = UserFactory(email="anna@example.nl", full_name="Anna de Bewoner")
    theme = ThemeFactory(name="Groen")

    def dream(title):
        return DreamFactory(
            resident=resident,
            neighbourhood=drunen,
            theme=theme,
            title=title,
            status=Status.IN_CONVERSATION,
            contact=enabler,
            own_contribution="Wij planten en geven de bakken water.",
        )

    advice_fund = FundFactory(
        name="Denk mee-fonds",
        neighbourhood=drunen,
        decider=Fund.Decider.STAFF_AFTER_ADVICE,
        amount=Decimal("5000"),
        open_for_applications=True,
    )
    platform_fund = FundFactory(
        name="Doe mee-fonds",
        neighbourhood=drunen,
        decider=Fund.Decider.PLATFORM,
        amount=Decimal("5000"),
        open_for_applications=True,
    )
    return {
        "chair": chair,
        "enabler": enabler,
        "resident": resident,
        "advised": make_application(dream("Groene speelplaats"), advice_fund),
        "platform": make_application(dream("Buurtfeest in de zomer"), platform_fund),
    }


def _fits_the_phone(page: Page) -> None:
    """The chair works on a phone: nothing scrolls sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def _line(page: Page, what: str):
    return page.get_by_label(re.compile(rf"^{what} \(gevraagd"))


def test_the_platform_advises_and_decides_and_the_mogelijkmaker_grants(site, world, pages):
    advised, decided = world["advised"], world["platform"]

    # a. The chair, signed in by their link, sees what waits for the platform.
    chair = pages.open()
    chair.goto(
        services.sign_in_link_build(user=world["chair"], next_url=f"/wijken/{SLUG}/aanvragen/")
    )
    expect(chair).to_have_url(f"{site}/wijken/{SLUG}/aanvragen/")
    expect(chair.get_by_role("heading", level=1)).to_have_text("Aanvragen voor Wijkplatform Drunen")
    expect(chair.locator("main")).not_to_contain_text("Anna")
    check_accessibility(chair, "decide-01-platform-applications")
    _fits_the_phone(chair)

    # b. The advice: "for, with conditions" without the conditions, then with them.
    chair.locator(f"#application-{advised.pk}").get_by_role("link", name="Advies geven").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text("Advies over „Groene speelplaats”")
    check_accessibility(chair, "decide-02-advice-form")
    _fits_the_phone(chair)
    form = chair.locator("main form")
    form.get_by_label("Voor, met voorwaarden").check()
    form.get_by_label("Redenen").fill("Goed voor de kinderen in de buurt.")
    form.get_by_label("Wie deden er mee").fill("7 leden op 3 maart")
    form.get_by_role("button", name="Advies vastleggen").click()
    expect(chair.locator("#id_conditions_error")).to_have_text(
        "Noem de voorwaarden van het advies."
    )
    expect(chair.get_by_label("Redenen")).to_have_value("Goed voor de kinderen in de buurt.")
    check_accessibility(chair, "decide-03-advice-errors")
    _fits_the_phone(chair)
    chair.get_by_role("textbox", name="Voorwaarden").fill("Alleen met een vergunning voor het hek.")
    chair.locator("main form").get_by_role("button", name="Advies vastleggen").click()
    expect(chair).to_have_url(f"{site}/wijken/{SLUG}/aanvragen/")
    expect(chair.locator(".portal-messages")).to_contain_text(
        "Het advies van het platform is vastgelegd"
    )

    # c. The platform decides on the other application: part of it.
    chair.locator(f"#application-{decided.pk}").get_by_role("link", name="Besluiten").click()
    check_accessibility(chair, "decide-04-platform-decision-form")
    _fits_the_phone(chair)
    expect(_line(chair, "Plantenbakken")).to_have_value("300,00")
    _line(chair, "Koffie").fill("-5")
    chair.get_by_label("Redenen voor het besluit").fill("Het feest past bij de opgave.")
    chair.get_by_role("button", name="Besluit vastleggen").click()
    expect(chair.locator("main")).to_contain_text("Het bedrag kan niet negatief zijn.")
    expect(_line(chair, "Koffie")).to_have_value("-5")
    check_accessibility(chair, "decide-05-platform-decision-errors")
    _fits_the_phone(chair)
    _line(chair, "Koffie").fill("0")
    chair.get_by_label("Wat niet betaald wordt").fill("Koffie betaalt het fonds niet.")
    chair.get_by_role("button", name="Besluit vastleggen").click()
    expect(chair).to_have_url(f"{site}/wijken/{SLUG}/aanvragen/")
    decided.refresh_from_db()
    assert decided.state == Application.State.FRAME_CHECK

    # d. The MogelijkMaker: the list, the advised application, a partial grant.
    staff = pages.open(DESKTOP)
    staff_sign_in(staff, site, world["enabler"], "/medewerkers/aanvragen/")
    expect(staff.get_by_role("heading", level=1)).to_have_text(
        "Aanvragen die op de gemeente wachten"
    )
    check_accessibility(staff, "decide-06-staff-applications")
    staff.get_by_role("link", name="Groene speelplaats").click()
    expect(staff.locator("main")).to_contain_text("Alleen met een vergunning voor het hek.")
    check_accessibility(staff, "decide-07-staff-decision-form")
    _line(staff, "Koffie").fill("0")
    _line(staff, "Plantenbakken").fill("1.234,50")
    staff.get_by_label("Redenen voor het besluit").fill("De bakken passen bij het advies.")
    staff.get_by_role("button", name="Toekennen").click()
    expect(staff.locator("main")).to_contain_text("Hoogstens wat deze regel vroeg: € 300,00.")
    check_accessibility(staff, "decide-08-staff-decision-errors")
    _line(staff, "Plantenbakken").fill("250,50")
    staff.get_by_role("button", name="Toekennen").click()
    expect(staff.locator("#id_not_funded_error")).to_contain_text("zeg wat niet betaald wordt")
    staff.get_by_label("Wat niet betaald wordt").fill("Koffie betaalt het fonds niet.")
    staff.get_by_role("button", name="Toekennen").click()
    expect(staff.locator(".portal-messages")).to_have_text(
        "De aanvraag is voor een deel toegekend."
    )
    check_accessibility(staff, "decide-09-staff-decided")
    advised.refresh_from_db()
    assert (advised.state, advised.granted) == (Application.State.PARTLY_GRANTED, Decimal("250.50"))
    assert Grant.objects.get(dream=advised.dream).amount == Decimal("250.50")

    # e. The frame check of the platform's decision: it fits.
    staff.goto(f"{site}/medewerkers/aanvragen/{decided.pk}/")
    check_accessibility(staff, "decide-10-staff-frame-check")
    staff.get_by_role("button", name="Controle vastleggen").click()
    expect(staff.locator("#id_frame-fits_error")).to_have_text(
        "Kies of het besluit binnen het kader past."
    )
    check_accessibility(staff, "decide-11-staff-frame-check-errors")
    staff.get_by_label("Ja: ken het geld toe").check()
    staff.get_by_role("button", name="Controle vastleggen").click()
    expect(staff.locator(".portal-messages")).to_contain_text("het geld is toegekend")
    decided.refresh_from_db()
    assert decided.state == Application.State.PARTLY_GRANTED
    assert not pages.errors
