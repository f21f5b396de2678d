"""A communications advisor takes a shared story offline from the workspace's story panel,
with a reason (issue 19): the empty reason is refused beside the field, then the story goes
offline and the resident's timeline says why. Each state passes axe."""

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from initiatives import services
from initiatives.publication_models import Publication
from tests.browser.conftest import check_accessibility
from tests.browser.test_staff_flows import (
    COMMS_EMAIL,
    COMMS_NAME,
    panel,
    staff_sign_in,
    submit_dream,
)
from tests.factories import NeighbourhoodFactory, StaffFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server, settings):
    """The live server's address; mail in this test's own mailbox, fast passwords."""
    settings.MAILERS = {"default": {"BACKEND": "config.mailbox.MailboxBackend"}}
    settings.SITE_URL = live_server.url
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return live_server.url


@pytest.fixture
def comms(site):
    return StaffFactory(email=COMMS_EMAIL, full_name=COMMS_NAME, roles=[Role.COMMUNICATIONS])


def test_a_story_is_taken_offline_with_a_reason(site, staff_page: Page, pages, comms):
    resident = UserFactory(email="cor@example.nl", full_name="Cor Buur")
    drunen, groen = NeighbourhoodFactory(name="Drunen"), ThemeFactory(name="Groen")
    dream = submit_dream(resident, "Bankje bij de vijver", drunen, groen)
    services.publication_consent(
        dream=dream,
        by=resident,
        title="Een bankje bij de vijver",
        dreamt="Samen met buurman Piet Jansen van nummer 12.",
        own_part="Wij verven het bankje.",
    )
    page = staff_page
    staff_sign_in(page, site, comms, path=f"/medewerkers/dromen/{dream.pk}/")

    story = panel(page, "Openbaar gedeeld")
    form = story.locator("form").filter(
        has=page.get_by_role("button", name="Verhaal offline halen")
    )
    check_accessibility(page, "staff-story-take-down")
    form.get_by_role("button", name="Verhaal offline halen").click()
    expect(form.get_by_text("Schrijf waarom het verhaal offline gaat.").first).to_be_visible()
    check_accessibility(page, "staff-story-take-down-refused")
    assert Publication.objects.get(dream=dream).is_shared

    reason = "Er staat de naam van een buurman in."
    form.get_by_label("Waarom gaat het verhaal offline?").fill(reason)
    form.get_by_role("button", name="Verhaal offline halen").click()
    expect(page.locator("#workspace .portal-messages")).to_contain_text(
        "Het verhaal is offline gehaald."
    )
    expect(panel(page, "Openbaar gedeeld")).not_to_contain_text("Verhaal offline halen")
    check_accessibility(page, "staff-story-taken-down")
    assert not Publication.objects.get(dream=dream).is_shared
    assert reason in dream.events.get(kind="unpublished").body
    assert not pages.errors, "\n".join(pages.errors)
