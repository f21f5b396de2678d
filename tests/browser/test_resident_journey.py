"""
The journey of a new resident, clicked through in Chromium against the live server.

Selectors use the fixed Dutch terms of the UI ("Dien je droom in", "Mijn dromen",
"Inloggen", "Ingediend", "Ingetrokken"), and otherwise ids, field names and URLs; free text
whose Dutch wording is not fixed is matched by a pattern that accepts Dutch or English.
"""

import re

import pytest
from django.urls import reverse
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from config.mailbox import stored_mails
from initiatives.models import Dream
from initiatives.statuses import Status
from tests.browser.conftest import check_accessibility
from tests.factories import DreamFactory, NeighbourhoodFactory, ThemeFactory

pytestmark = pytest.mark.browser

EMAIL = "noor.nieuw@example.nl"
TITLE = "Een bankje bij de vijver"
MESSAGE = "Kunnen we volgende week bellen? Ik ben 's avonds thuis."
REASON = "De buren hebben zelf al een moestuin aangelegd."

# What the form says when a required field is empty: a word the Dutch and English share.
REQUIRED_ERRORS = {
    "title": r"titel|title",
    "story": r"droom|dream",
    "own_contribution": r"zelf|yourself",
    "needs_from_municipality": r"gemeente|municipality",
    "neighbourhood": r"dorp|wijk|village|neighbourhood",
    "theme": r"thema|theme",
}


@pytest.fixture
def site(live_server, settings):
    """Return the live server's address, with mail kept in this test's own mailbox."""
    settings.MAILERS = {"default": {"BACKEND": "config.mailbox.MailboxBackend"}}
    # A developer's machine, where anyone may read the mailbox (pytest turns DEBUG off).
    settings.DEBUG = True
    settings.SITE_URL = live_server.url  # the links in the mails point here
    NeighbourhoodFactory(name="Drunen")
    NeighbourhoodFactory(name="Vlijmen")
    ThemeFactory(name="Groen")
    ThemeFactory(name="Samen")
    return live_server.url


@pytest.fixture
def photo(tmp_path):
    """Return the path of a small real JPEG photo."""
    path = tmp_path / "vijver.jpg"
    image = Image.new("RGB", (80, 60), (70, 130, 180))
    ImageDraw.Draw(image).rectangle((10, 35, 70, 45), fill=(120, 80, 40))  # a bench
    image.save(path, format="JPEG", quality=85)
    return path


def main_form(page: Page, url_name: str, *args):
    """Return the form in the main content that posts to URL_NAME (not the header's forms)."""
    return page.locator(f'main form[action="{reverse(url_name, args=args)}"]')


def submit(form) -> None:
    # The form's own button: the dream form's "Zoek adres" sends it elsewhere (formaction).
    form.locator("button[type=submit]:not([formaction])").click()


def header_link(page: Page, name: str):
    return page.get_by_role("banner").get_by_role("link", name=name, exact=True)


def status_badge(page: Page):
    return page.locator("main .portal-status")


def test_new_resident_hands_in_follows_and_withdraws_dreams(site, page: Page, photo, page_errors):
    # a. From the home page to "check your email".
    response = page.goto(f"{site}/")
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    check_accessibility(page, "01-home")
    header_link(page, "Inloggen").click()
    expect(page).to_have_url(f"{site}/inloggen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    check_accessibility(page, "02-sign-in")
    page.locator("#id_email").fill(EMAIL)
    submit(main_form(page, "residents:sign_in"))
    expect(page).to_have_url(f"{site}/inloggen/verstuurd/")
    expect(page.locator("main")).to_contain_text(EMAIL)
    check_accessibility(page, "03-sign-in-sent")

    # b. The sign-in link from the local mailbox.
    page.goto(f"{site}/dev/mailbox/")
    check_accessibility(page, "04-mailbox")
    newest = page.locator("main table tbody tr").first
    expect(newest).to_contain_text(EMAIL)
    newest.get_by_role("link").click()
    check_accessibility(page, "05-mailbox-sign-in-mail")
    sign_in_link = page.locator(f'main a[href^="{site}/inloggen/link/?sesame="]')
    expect(sign_in_link).to_have_count(1)
    sign_in_link.click()
    expect(page).to_have_url(f"{site}/mijn-dromen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn dromen")
    expect(header_link(page, "Mijn dromen")).to_be_visible()
    expect(header_link(page, "Inloggen")).to_have_count(0)
    expect(page.locator("main .portal-card")).to_have_count(0)
    check_accessibility(page, "06-my-dreams-empty")

    # c. Hand in a dream: first empty, then complete with a photo.
    header_link(page, "Dien je droom in").click()
    expect(page).to_have_url(f"{site}/dromen/nieuw/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dien je droom in")
    expect(page.locator("#id_email")).to_have_count(0)  # signed in: no need to ask again
    check_accessibility(page, "07-dream-form-empty")

    dream_form = main_form(page, "residents:dream_create")
    submit(dream_form)
    expect(page).to_have_url(f"{site}/dromen/nieuw/")
    summary = page.locator("#form-errors")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.locator("a")).to_have_count(len(REQUIRED_ERRORS))
    for name, pattern in REQUIRED_ERRORS.items():
        error = page.locator(f"#id_{name}_error")
        expect(error).to_be_visible()
        expect(error).to_have_text(re.compile(pattern, re.IGNORECASE))
        field = page.locator(f"#id_{name}")
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_attribute("aria-describedby", re.compile(rf"\bid_{name}_error\b"))
    for name in ("location", "contact_name", "contact_phone"):
        expect(page.locator(f"#id_{name}_error")).to_have_count(0)
    check_accessibility(page, "08-dream-form-errors")

    page.locator("#id_title").fill(TITLE)
    page.locator("#id_story").fill("Een bankje bij de vijver, zodat ouderen even kunnen rusten.")
    page.locator("#id_own_contribution").fill("Ik verf het bankje elk voorjaar met de buren.")
    page.locator("#id_needs_from_municipality").fill("Toestemming en hulp bij het plaatsen.")
    page.locator("#id_neighbourhood").select_option(label="Drunen")
    page.locator("#id_location").fill("Park aan de Grotestraat")
    page.locator("#id_theme").select_option(label="Groen")
    page.locator("#id_photos").set_input_files(photo)
    page.locator("#id_show_publicly").check()
    page.locator("#id_contact_name").fill("Noor Nieuw")
    page.locator("#id_contact_phone").fill("06 12345678")
    submit(dream_form)
    expect(page).to_have_url(re.compile(rf"^{re.escape(site)}/dromen/\d+/ingediend/$"))
    dream_pk = int(re.search(r"/dromen/(\d+)/", page.url).group(1))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    follow = page.locator(f'main a[href="{reverse("residents:dream_detail", args=[dream_pk])}"]')
    expect(follow).to_be_visible()
    check_accessibility(page, "09-dream-submitted")

    confirmations = [m for m in stored_mails() if m.to == EMAIL and TITLE in m.subject]
    assert len(confirmations) == 1, [(m.to, m.subject) for m in stored_mails()]
    assert f"{site}/droom/" in confirmations[0].text  # the dream's own link (issue 14)
    assert TITLE in confirmations[0].text

    # d. Follow the dream, see its photo and send the MogelijkMaker a message.
    header_link(page, "Mijn dromen").click()
    card = page.locator("main .portal-card", has_text=TITLE)
    expect(card.locator(".portal-status")).to_have_text("Ingediend")
    card.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(f"{site}/mijn-dromen/{dream_pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(status_badge(page)).to_have_text("Ingediend")

    photos = page.locator("main .portal-photos img")
    expect(photos).to_have_count(1)
    photos.scroll_into_view_if_needed()  # loading="lazy": it loads once it is near the screen
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=photos.element_handle()
    )
    assert photos.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [80, 60]
    check_accessibility(page, "10-dream-detail")

    page.evaluate("() => { window.sameDocument = true; }")  # gone if the page reloads
    message_form = main_form(page, "residents:dream_message", dream_pk)
    message_form.locator("#id_body").fill(MESSAGE)
    submit(message_form)
    timeline = page.locator("#tijdlijn .portal-timeline")
    expect(timeline.locator(".portal-timeline__event--message_from_resident")).to_contain_text(
        MESSAGE
    )
    expect(page.locator("#id_body")).to_have_value("")  # a fresh form for the next message
    assert page.url == f"{site}/mijn-dromen/{dream_pk}/"
    assert page.evaluate("() => window.sameDocument === true"), "the page reloaded"
    check_accessibility(page, "11-dream-detail-message-sent")

    # e. Withdraw another dream of this resident.
    first = Dream.objects.select_related("resident").get(pk=dream_pk)
    assert first.resident.email == EMAIL
    other = DreamFactory(
        resident=first.resident,
        title="Moestuin aan de Schoolstraat",
        neighbourhood=first.neighbourhood,
        theme=first.theme,
    )
    header_link(page, "Mijn dromen").click()
    expect(page.locator("main .portal-card")).to_have_count(2)
    page.locator("main .portal-card").get_by_role("link", name=other.title).click()
    expect(page).to_have_url(f"{site}/mijn-dromen/{other.pk}/")
    expect(status_badge(page)).to_have_text("Ingediend")
    withdraw_url = reverse("residents:dream_withdraw", args=[other.pk])
    page.locator(f'main a[href="{withdraw_url}"]').click()
    expect(page).to_have_url(f"{site}{withdraw_url}")
    check_accessibility(page, "12-withdraw")
    withdraw_form = main_form(page, "residents:dream_withdraw", other.pk)
    withdraw_form.locator("#id_reason").fill(REASON)
    submit(withdraw_form)
    expect(page).to_have_url(f"{site}/mijn-dromen/{other.pk}/")
    expect(status_badge(page)).to_have_text("Ingetrokken")
    withdrawal = page.locator("#tijdlijn .portal-timeline__event--status_changed")
    expect(withdrawal).to_contain_text("Ingetrokken")
    expect(withdrawal).to_contain_text(REASON)
    expect(page.locator(f'main a[href="{withdraw_url}"]')).to_have_count(0)
    check_accessibility(page, "13-dream-withdrawn")
    other.refresh_from_db()
    assert other.status == Status.WITHDRAWN

    header_link(page, "Mijn dromen").click()
    cards = page.locator("main .portal-card")
    expect(cards.filter(has_text=other.title).locator(".portal-status")).to_have_text("Ingetrokken")
    expect(cards.filter(has_text=TITLE).locator(".portal-status")).to_have_text("Ingediend")

    # f. The language switch in the header: to English and back.
    switch = page.get_by_role("banner").locator("form.portal-language-switch")
    switch.get_by_role("button", name="English").click()
    expect(page).to_have_url(f"{site}/mijn-dromen/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My dreams")
    expect(header_link(page, "My dreams")).to_be_visible()
    expect(cards.filter(has_text=TITLE).locator(".portal-status")).to_have_text("Submitted")
    switch.get_by_role("button", name="Nederlands").click()
    expect(page).to_have_url(f"{site}/mijn-dromen/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn dromen")

    assert not page_errors, "\n".join(page_errors)
