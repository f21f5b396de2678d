"""
Forms, tables and the workspace on a phone (375 px, the narrowest common screen) and a desktop
(issue 14, items 5, 13 and 14): dropdowns with an arrow, a checkbox on one row with its label,
an error summary in one column, a long paste that is not cut without a word, the focus after a
message sent by keyboard, no page that scrolls sideways, and a workspace with a summary that
stays in view and sections to jump between. Screenshots in test-results/screenshots/.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.roles import Role
from initiatives import services
from tests.browser.conftest import DESKTOP, check_accessibility
from tests.browser.test_report import sign_in
from tests.browser.test_staff_flows import in_conversation_with_review
from tests.factories import (
    DreamFactory,
    FundFactory,
    NeighbourhoodFactory,
    StaffFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

NARROW = {"width": 375, "height": 812}
LONG_TITLE = "Een bankje bij de vijver, " * 192 + "en meer."  # 5,000 characters, pasted


@pytest.fixture
def site(live_server, settings):
    """The live server, its mail in the local mailbox (readable: DEBUG), fast passwords."""
    settings.MAILERS = {"default": {"BACKEND": "config.mailbox.MailboxBackend"}}
    settings.DEBUG = True
    settings.SITE_URL = live_server.url
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    NeighbourhoodFactory(name="Drunen")
    ThemeFactory(name="Groen")
    return live_server.url


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found, locator
    return found


def scroll_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_dream_form_on_a_phone(site, pages):
    page = pages.open(NARROW)
    page.goto(f"{site}{reverse('residents:dream_create')}")

    # A dropdown shows an arrow (a data: URI image, which the CSP allows).
    arrow = page.locator("#id_theme").evaluate("e => getComputedStyle(e).backgroundImage")
    assert arrow.startswith('url("data:image/svg+xml'), arrow

    # The checkbox: at least 24 x 24 px, at the left, its label right beside it on one row.
    checkbox = box(page.locator("#id_show_publicly"))
    label = box(page.locator('label[for="id_show_publicly"]'))
    assert checkbox["width"] >= 24 and checkbox["height"] >= 24, checkbox
    assert checkbox["x"] < 40, checkbox
    assert 0 < label["x"] - (checkbox["x"] + checkbox["width"]) <= 16, (checkbox, label)
    assert abs(label["y"] - checkbox["y"]) < 12, (checkbox, label)
    page.locator('label[for="id_show_publicly"]').click()
    expect(page.locator("#id_show_publicly")).to_be_checked()

    # A 5,000-character paste arrives whole; the server says how much is too much and keeps it.
    title = page.locator("#id_title")
    assert title.get_attribute("maxlength") is None
    title.fill(LONG_TITLE)
    expect(title).to_have_value(LONG_TITLE)
    page.locator("main form button[type=submit]:not([formaction])").click()  # not "Zoek adres"
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(page.locator("#id_title_error")).to_have_text(
        "Gebruik maximaal 120 tekens (je hebt er 5000 gebruikt)."
    )
    expect(page.locator("#id_title")).to_have_value(LONG_TITLE)

    # The error summary is one column: its text and its list under each other.
    lead = box(summary.locator("p").first)
    first_error = box(summary.locator("li").first)
    assert first_error["y"] >= lead["y"] + lead["height"] - 1, (lead, first_error)
    assert abs(first_error["x"] - lead["x"]) < 48, (lead, first_error)
    assert scroll_width(page) <= NARROW["width"]
    check_accessibility(page, "layout-01-dream-form-errors-375")


def test_after_a_message_sent_by_keyboard_the_focus_is_on_the_confirmation(site, pages):
    enabler = StaffFactory(full_name="Sanne de Vries", roles=[Role.ENABLER])
    resident = UserFactory(email="anna@example.nl", full_name="Anna de Bewoner")
    dream = DreamFactory(resident=resident, title="Een bankje bij de vijver")
    services.dream_pick_up(dream=dream, by=enabler)
    page = pages.open(NARROW)
    detail = reverse("residents:dream_detail", args=[dream.pk])
    page.goto(services.sign_in_link_build(user=resident, next_url=detail))
    expect(page.get_by_role("heading", level=1)).to_have_text(dream.title)

    body = page.locator("#id_body")
    body.focus()
    page.keyboard.type("Kunnen we volgende week bellen?")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Bericht versturen")).to_be_focused()
    page.keyboard.press("Enter")

    # htmx swapped the conversation in; the focus is on its confirmation, not on <body>.
    confirmation = page.locator("#conversation .portal-focus-target")
    expect(confirmation).to_be_focused()
    expect(confirmation.locator(".utrecht-alert--ok")).to_be_visible()
    expect(page.locator("#conversation .portal-timeline")).to_contain_text(
        "Kunnen we volgende week bellen?"
    )
    assert page.evaluate("document.activeElement !== document.body")
    check_accessibility(page, "layout-02-message-sent-375")


@pytest.fixture
def busy_dream(site):
    """A dream in conversation with a review, among others, and mail in the mailbox."""
    enabler = StaffFactory(full_name="Sanne de Vries", roles=[Role.ENABLER])
    FundFactory(name="Dromenfonds", amount=10000)
    resident = UserFactory(email="anna.de.bewoner.met.een.lang.adres@example.nl")
    dream = DreamFactory(resident=resident, title="Een bankje bij de vijver")
    dream = in_conversation_with_review(dream, enabler)
    for n in range(3):
        DreamFactory(title=f"Droom nummer {n} met een wat langere titel")
    return dream, enabler


def test_no_page_scrolls_sideways_on_a_phone(site, pages, busy_dream):
    dream, enabler = busy_dream
    page = pages.open(NARROW)
    sign_in(page, site, enabler)
    for name, path in [
        ("staff-list", reverse("staff:dream_list")),
        ("workspace", reverse("staff:dream_workspace", args=[dream.pk])),
        ("triage", reverse("staff:triage")),
        ("mailbox", reverse("mailbox_list")),
    ]:
        page.goto(f"{site}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert scroll_width(page) <= NARROW["width"], (name, scroll_width(page))
        check_accessibility(page, f"layout-03-{name}-375")
    # What the list's hidden columns said is still there, under the title.
    page.goto(f"{site}{reverse('staff:dream_list')}")
    row = page.locator("tr").filter(has_text=dream.title)
    expect(row.locator(".portal-narrow-only")).to_contain_text("Sanne de Vries")


def test_the_workspace_has_a_summary_in_view_and_sections_to_jump_to(site, pages, busy_dream):
    dream, enabler = busy_dream
    page = pages.open(DESKTOP)
    sign_in(page, site, enabler)
    page.goto(f"{site}{reverse('staff:dream_workspace', args=[dream.pk])}")
    summary = page.locator(".portal-workspace__summary")
    expect(summary.get_by_role("heading", name="Deze droom in het kort")).to_be_visible()
    expect(summary).to_contain_text("In gesprek")
    expect(summary).to_contain_text("Sanne de Vries")
    expect(summary).to_contain_text("Eerste contact op")
    expect(summary).to_contain_text("Nog geen budget toegekend")
    check_accessibility(page, "layout-04-workspace-desktop")

    jump = page.get_by_role("navigation", name="Op deze pagina")
    links = jump.get_by_role("link")
    assert links.count() >= 8
    for n in range(links.count()):
        link = links.nth(n)
        target = link.get_attribute("href")
        link.focus()
        page.keyboard.press("Enter")
        # The section's heading has the focus and is in view; the summary stays in view too.
        heading = page.locator(target)
        expect(heading).to_be_focused()
        expect(heading).to_be_in_viewport()
        expect(summary.get_by_role("heading", name="Deze droom in het kort")).to_be_in_viewport()

    # "Naar boven" takes the keyboard back to the jump links.
    page.locator("#timeline-heading ~ .portal-to-top a").click()
    expect(page.locator("#op-deze-pagina")).to_be_focused()

    # An htmx action swaps the workspace, the summary with it: the new budget shows there.
    budget = page.locator("#workspace section").filter(has=page.locator("#budget-heading"))
    fund = budget.locator("#id_grant-fund")
    fund.select_option(fund.locator("option").last.get_attribute("value"))
    budget.locator("#id_grant-amount").fill("250")
    budget.locator("#id_grant-purpose").fill("Een bankje")
    budget.get_by_role("button", name="Budget toekennen").click()
    expect(page.locator(".portal-workspace__summary")).to_contain_text("€ 250,00 toegekend")
    assert not pages.errors, "\n".join(pages.errors)
