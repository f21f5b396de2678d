"""A resident types a postcode and house number on the dream form, sees the street and the
village filled in, and hands in the dream (issue 18). With axe on every page it visits.

Also by keyboard: Enter in the house number field looks the address up, Enter in another
field hands the dream in; the result is announced from the form's live region (role
status)."""

import re

import pytest
from playwright.sync_api import expect

from initiatives.address_models import Address
from initiatives.models import Dream
from tests.browser.conftest import check_accessibility
from tests.factories import NeighbourhoodFactory, ThemeFactory

pytestmark = pytest.mark.browser

NOT_FOUND = "We vinden dit adres niet. Typ de straat zelf."


@pytest.fixture
def site(live_server, settings):
    settings.MAILERS = {"default": {"BACKEND": "config.mailbox.MailboxBackend"}}
    NeighbourhoodFactory(name="Vlijmen")
    drunen = NeighbourhoodFactory(name="Drunen")
    ThemeFactory(name="Groen")
    Address.objects.create(
        bag_id="0797200000000001",
        residence_id="0797010000000001",
        postcode="5251AB",
        house_number=12,
        street="Kerkstraat",
        place="Drunen",
        neighbourhood=drunen,
        household=True,
    )
    return live_server.url


def test_a_resident_finds_the_street_by_postcode_and_hands_in_the_dream(site, page, page_errors):
    page.goto(f"{site}/dromen/nieuw/")
    check_accessibility(page, "address-01-dream-form")
    result = page.locator("#address-result")
    expect(result).to_have_attribute("role", "status")

    # A number that is not there: a clear message, nothing filled in, the typing stays.
    page.get_by_label("Postcode").fill("5251 ab")
    page.get_by_label("Huisnummer").fill("99")
    page.get_by_role("button", name="Zoek adres").click()
    expect(result).to_have_text(NOT_FOUND)
    expect(page.locator("#id_location")).to_have_value("")
    expect(page.get_by_label("Postcode")).to_have_value("5251 ab")
    check_accessibility(page, "address-02-not-found")

    # By keyboard: correct the number, Enter looks it up.
    page.get_by_label("Huisnummer").fill("12")
    page.get_by_label("Huisnummer").press("Enter")
    expect(result).to_contain_text("Gevonden: Kerkstraat 12, Drunen.")
    expect(page.locator("#id_location")).to_have_value("Kerkstraat 12, Drunen")
    expect(page.locator("#id_neighbourhood option:checked")).to_have_text("Drunen")
    expect(page).to_have_url(f"{site}/dromen/nieuw/")  # still the form: nothing was sent
    check_accessibility(page, "address-03-found")

    page.locator("#id_title").fill("Bankje bij de kerk")
    page.locator("#id_story").fill("Een plek om even te zitten na de markt.")
    page.locator("#id_own_contribution").fill("Wij houden het bankje schoon.")
    page.locator("#id_needs_from_municipality").fill("Toestemming om het te plaatsen.")
    page.locator("#id_theme").select_option(label="Groen")
    page.locator("#id_email").fill("anna@example.nl")
    # Enter in any other field hands the dream in: "Zoek adres" is not the default button.
    expect(page.get_by_role("button", name="Zoek adres")).to_have_attribute("type", "button")
    page.locator("#id_email").press("Enter")
    expect(page).to_have_url(re.compile(r"/dromen/nieuw/bevestig-je-mail/$"))
    check_accessibility(page, "address-04-check-mail")

    dream = Dream.objects.get()
    assert dream.location == "Kerkstraat 12, Drunen"
    assert dream.neighbourhood.name == "Drunen"
    assert page_errors == []
