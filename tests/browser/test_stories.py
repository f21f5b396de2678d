"""Stories of realised dreams in Chromium (issue 19): the gallery and its filters, a story,
and a resident who shares their dream, chooses a photo, then stops sharing and sees the
story's page gone. Every page gets an axe check."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from initiatives import services
from initiatives.statuses import Status
from tests.factories import DreamFactory, NeighbourhoodFactory, ThemeFactory, UserFactory
from tests.story_helpers import add_photo, shared_story

pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server, settings):
    settings.MAILERS = {"default": {"BACKEND": "config.mailbox.MailboxBackend"}}
    settings.SITE_URL = live_server.url
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return live_server.url


def test_the_gallery_and_a_story(site, page: Page):
    from tests.browser.conftest import check_accessibility

    drunen, vlijmen = NeighbourhoodFactory(name="Drunen"), NeighbourhoodFactory(name="Vlijmen")
    green = ThemeFactory(name="Groen")
    bench = shared_story(photo_role="after", neighbourhood=drunen, theme=green)
    garden = shared_story(neighbourhood=vlijmen, theme=green)

    page.goto(f"{site}{reverse('stories:gallery')}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dromen die zijn uitgekomen")
    expect(page.get_by_role("link", name=bench.title)).to_be_visible()
    expect(page.get_by_role("link", name=garden.title)).to_be_visible()
    expect(page.get_by_alt_text("Het nieuwe bankje bij de vijver")).to_be_visible()
    check_accessibility(page, "stories-1-gallery")

    page.get_by_label("Dorp of wijk").select_option(label="Vlijmen")
    page.get_by_role("button", name="Toon verhalen").click()
    expect(page).to_have_url(re.compile(rf"wijk={vlijmen.pk}"))
    expect(page.get_by_role("link", name=garden.title)).to_be_visible()
    expect(page.get_by_role("link", name=bench.title)).to_have_count(0)
    check_accessibility(page, "stories-2-gallery-filtered")

    page.goto(f"{site}{reverse('stories:gallery')}?wijk={drunen.pk}")
    page.get_by_role("link", name=bench.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(bench.title)
    expect(page.get_by_role("heading", name="Wat ze zelf deden")).to_be_visible()
    expect(page.locator("ol.portal-steps li")).to_have_count(3)
    image = page.get_by_alt_text("Het nieuwe bankje bij de vijver")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.naturalWidth") > 0  # the photo view served it
    og_image = page.locator('meta[property="og:image"]').get_attribute("content")
    assert og_image.startswith(site)
    check_accessibility(page, "stories-3-story")


def test_a_resident_shares_their_story_then_stops(site, pages):
    from tests.browser.conftest import check_accessibility

    resident = UserFactory(email="noor@example.nl", full_name="Noor Nieuw")
    now = timezone.now()
    dream = DreamFactory(
        resident=resident,
        title="Moestuin aan de Kerkstraat",
        status=Status.REALISED,
        submitted_at=now - timedelta(days=40),
        picked_up_at=now - timedelta(days=38),
        closed_at=now - timedelta(days=2),
    )
    add_photo(dream, size=(320, 240))
    detail = reverse("residents:dream_detail", args=[dream.pk])
    page = pages.open()
    page.goto(services.sign_in_link_build(user=resident, next_url=detail))
    expect(page).to_have_url(f"{site}{detail}")

    section = page.locator("#verhaal")
    expect(section.get_by_role("heading", name="Deel je verhaal")).to_be_visible()
    expect(section).to_contain_text("Niemand ziet je naam")
    # A missing title is said beside its field; what was typed stays.
    section.get_by_label("Waar droomde je van?").fill("Een moestuin voor de hele straat.")
    section.get_by_label("Wat hebben jullie zelf gedaan?").fill("Wij zaaien en oogsten samen.")
    section.get_by_role("button", name="Ja, deel mijn droom").click()
    section = page.locator("#verhaal")
    # In the title's own error element, not only the form's summary at the top.
    expect(section.locator("#id_title_error")).to_have_text("Geef je verhaal een titel.")
    expect(section.get_by_label("Waar droomde je van?")).to_have_value(
        "Een moestuin voor de hele straat."
    )
    check_accessibility(page, "stories-4-consent-error")
    section.get_by_label("Titel van je verhaal").fill("Samen moestuinieren")
    section.get_by_role("button", name="Ja, deel mijn droom").click()
    expect(page.locator("#page-messages")).to_contain_text("Je droom wordt gedeeld")

    # The photo, with what it shows.
    section = page.locator("#verhaal")
    section.get_by_label("Foto 1: in het verhaal?").select_option(label="Na: hoe het nu is")
    section.get_by_label("Foto 1: wat staat erop?").fill("Bakken vol sla en bonen")
    section.get_by_role("button", name="Foto's opslaan").click()
    expect(page.locator("#page-messages")).to_contain_text("zijn opgeslagen")
    expect(page.locator("#tijdlijn")).to_contain_text("Openbaar gedeeld")
    check_accessibility(page, "stories-5-shared")

    page.get_by_role("link", name="Bekijk je verhaal op de website").click()
    story_url = f"{site}{reverse('stories:story', args=[dream.pk])}"
    expect(page).to_have_url(story_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Samen moestuinieren")
    expect(page.get_by_alt_text("Bakken vol sla en bonen")).to_be_visible()
    check_accessibility(page, "stories-6-own-story")

    # Stop sharing: a page that says what happens, then the story's page is gone.
    page.goto(f"{site}{detail}")
    page.get_by_role("link", name="Niet meer delen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("niet meer delen?")
    expect(page.get_by_role("main")).to_contain_text("verdwijnt van de website")
    check_accessibility(page, "stories-7-stop-sharing")
    page.get_by_role("button", name="Ja, niet meer delen").click()
    expect(page.locator("#page-messages")).to_contain_text("niet meer gedeeld")
    expect(page.locator("#tijdlijn")).to_contain_text("Niet meer openbaar gedeeld")
    check_accessibility(page, "stories-8-stopped")
    response = page.goto(story_url)
    assert response.status == 404
    gallery = pages.open()
    gallery.goto(f"{site}{reverse('stories:gallery')}")
    expect(gallery.get_by_role("link", name="Samen moestuinieren")).to_have_count(0)


def test_staff_choose_the_photos_with_the_residents_consent(site, pages):
    from accounts.roles import Role
    from tests.browser.conftest import DESKTOP, check_accessibility
    from tests.browser.test_staff_flows import staff_sign_in
    from tests.factories import StaffFactory

    contact = StaffFactory(email="mo@heusden.example", full_name="Mo Maker", roles=[Role.ENABLER])
    now = timezone.now()
    dream = DreamFactory(
        title="Speeltuin aan de Dijk",
        status=Status.REALISED,
        contact=contact,
        submitted_at=now - timedelta(days=40),
        picked_up_at=now - timedelta(days=38),
        closed_at=now - timedelta(days=2),
    )
    add_photo(dream, size=(320, 240))
    services.publication_consent(
        dream=dream,
        by=dream.resident,
        title="Een speeltuin voor iedereen",
        dreamt="Een plek om te spelen.",
        own_part="Wij bouwden mee.",
        staff_may_choose_photos=True,
    )
    workspace = reverse("staff:dream_workspace", args=[dream.pk])
    page = pages.open(DESKTOP)
    staff_sign_in(page, site, contact, workspace)
    panel = page.locator("section#verhaal")
    expect(panel).to_contain_text("deelt deze droom openbaar sinds")
    panel.get_by_label("Foto 1: in het verhaal?").select_option(label="Na: hoe het nu is")
    panel.get_by_role("button", name="Foto's van het verhaal opslaan").click()
    expect(page.locator("section#verhaal")).to_contain_text("Beschrijf wat er op de foto staat")
    check_accessibility(page, "stories-9-staff-photo-refused")
    panel = page.locator("section#verhaal")
    panel.get_by_label("Foto 1: wat staat erop?").fill("Kinderen op de nieuwe schommel")
    panel.get_by_role("button", name="Foto's van het verhaal opslaan").click()
    expect(page.locator("#workspace")).to_contain_text("De foto's van het verhaal zijn opgeslagen")
    check_accessibility(page, "stories-10-staff-photo-saved")
    story = pages.open()
    story.goto(f"{site}{reverse('stories:story', args=[dream.pk])}")
    expect(story.get_by_alt_text("Kinderen op de nieuwe schommel")).to_be_visible()
