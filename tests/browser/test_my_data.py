"""The resident's data pages and the privacy statement, in Chromium, checked with axe.

The texts of these pages are new; until the Dutch catalogue has them they read in English,
so free text is matched by a pattern that accepts either.
"""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from accounts.models import User
from initiatives import services
from tests.browser.conftest import check_accessibility
from tests.conftest import image_bytes
from tests.factories import NeighbourhoodFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server, settings):
    settings.MAILERS = {"default": {"BACKEND": "config.mailbox.MailboxBackend"}}
    settings.SITE_URL = live_server.url  # sign-in links and photo links point here
    return live_server.url


@pytest.fixture
def resident(site):
    resident = UserFactory(email="noor@example.nl", full_name="Noor Nieuw", phone="0612345678")
    services.dream_submit(
        resident=resident,
        title="Een bankje bij de vijver",
        story="Ouderen willen daar even zitten.",
        own_contribution="Ik verf het bankje.",
        needs_from_municipality="Een bankje.",
        neighbourhood=NeighbourhoodFactory(name="Drunen"),
        theme=ThemeFactory(name="Groen"),
        location="Vijverlaan 3",
        contact_name="Noor Nieuw",
        contact_phone="06 12345678",
        photo_uploads=[SimpleUploadedFile("vijver.png", image_bytes("PNG"))],
        confirmed=True,
    )
    return resident


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def test_the_data_pages_and_the_erasure_are_accessible(site, page: Page, resident, page_errors):
    # a. The page that explains what is kept, reached by the one-time link.
    page.goto(services.sign_in_link_build(user=resident, next_url="/mijn-gegevens/"))
    expect(page).to_have_url(f"{site}/mijn-gegevens/")
    expect(heading(page)).to_have_text(re.compile(r"Your data|gegevens", re.IGNORECASE))
    check_accessibility(page, "my-data-1-your-data")

    # b. The download is a JSON file with the dream in it.
    with page.expect_download() as download:
        page.locator('main a[href="/mijn-gegevens/download.json"]').first.click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["account"]["email"] == "noor@example.nl"
    assert [dream["title"] for dream in data["dreams"]] == ["Een bankje bij de vijver"]

    # c. The readable overview, with the photo.
    page.locator('main a[href="/mijn-gegevens/overzicht/"]').click()
    expect(page).to_have_url(f"{site}/mijn-gegevens/overzicht/")
    expect(page.locator("main")).to_contain_text("Vijverlaan 3")
    photo = page.locator("main .portal-photos img")
    expect(photo).to_have_count(1)
    page.wait_for_function(
        "() => [...document.querySelectorAll('main .portal-photos img')]"
        ".every((img) => img.complete && img.naturalWidth > 0)"
    )
    check_accessibility(page, "my-data-2-all-data")

    # d. The erase page asks first; without the tick nothing happens.
    page.goto(f"{site}/mijn-gegevens/verwijderen/")
    check_accessibility(page, "my-data-3-erase-confirm")
    erase_form = page.locator('main form[action="/mijn-gegevens/verwijderen/"]')
    erase_form.locator("button[type=submit]").click()
    expect(page.locator("#id_confirm_error")).to_be_visible()
    check_accessibility(page, "my-data-4-erase-not-ticked")
    assert User.objects.get(pk=resident.pk).is_active

    # e. With the tick the account goes, and the resident is signed out.
    page.locator("#id_confirm").check()
    erase_form.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{site}/mijn-gegevens/verwijderd/")
    check_accessibility(page, "my-data-5-erased")
    assert not User.objects.get(pk=resident.pk).is_active
    page.goto(f"{site}/mijn-dromen/")
    expect(page).to_have_url(re.compile(r"/inloggen/\?next="))

    assert not page_errors, "\n".join(page_errors)


def test_the_privacy_statement_is_accessible_and_linked_from_every_page(
    site, page: Page, page_errors
):
    page.goto(f"{site}/")
    page.locator('footer a[href="/privacy/"]').click()
    expect(page).to_have_url(f"{site}/privacy/")
    expect(page.locator("main")).to_contain_text("12")
    check_accessibility(page, "privacy-statement")
    assert not page_errors, "\n".join(page_errors)
