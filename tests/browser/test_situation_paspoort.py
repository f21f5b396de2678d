"""The question behind the question and the paspoort in Chromium (issue 17): a MogelijkMaker
records the situation and sees it in the workspace's summary, opens the paspoort from the
workspace, cites a part in a core-value review; the administrator edits that part, and the
review still shows the version it weighed. Every page built for it gets an axe check."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from initiatives import services
from initiatives.models import CoreValue, Review
from initiatives.paspoort_models import PaspoortPart
from tests.browser.conftest import check_accessibility
from tests.browser.test_staff_flows import (
    in_conversation_with_review,
    panel,
    staff_sign_in,
    submit_dream,
    success_message,
)
from tests.factories import NeighbourhoodFactory, StaffFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.browser

QUESTION = "Anna zoekt eigenlijk aanspraak: het bankje is een reden om buren te zien."
OLD_TEXT = "De bewoner houdt het plan in handen; wij helpen, we nemen het niet over."


@pytest.fixture
def site(live_server, settings):
    settings.MAILERS = {"default": {"BACKEND": "config.mailbox.MailboxBackend"}}
    settings.SITE_URL = live_server.url
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return live_server.url


def test_situation_paspoort_and_a_cited_review(site, pages):
    enabler = StaffFactory(
        email="sanne.devries@heusden.example", full_name="Sanne de Vries", roles=[Role.ENABLER]
    )
    admin = StaffFactory(email="beheer@heusden.example", full_name="Bram Beheer", is_superuser=True)
    services.paspoort_part_add(by=admin, title="Eén gezicht", text="Eén vast contact.")
    owner = services.paspoort_part_add(by=admin, title="De bewoner is eigenaar", text=OLD_TEXT)
    resident = UserFactory(email="anna@example.nl", full_name="Anna de Bewoner")
    dream = submit_dream(
        resident, "Een bankje bij de vijver", NeighbourhoodFactory(), ThemeFactory()
    )
    in_conversation_with_review(dream, enabler)
    workspace = reverse("staff:dream_workspace", args=[dream.pk])

    # a. The MogelijkMaker maps the situation: a date in the future is refused, kept as typed.
    page = pages.open(viewport={"width": 1280, "height": 900})
    staff_sign_in(page, site, enabler, path=workspace)
    form = page.locator("form.portal-situation")
    form.get_by_label("De vraag achter de vraag").fill(QUESTION)
    form.get_by_label("Hun straat").check()
    form.get_by_label("Andere geluiden gehoord").fill("De buurman vreest hangjongeren.")
    form.get_by_label("Gehoord door wie").fill("Sanne, bij de buurman thuis")
    form.get_by_label("Ter plekke gezien op").fill("2099-01-01")
    form.get_by_role("button", name="Situatie opslaan").click()
    form = page.locator("form.portal-situation")
    expect(form.locator("#form-errors")).to_contain_text("De datum kan niet in de toekomst liggen.")
    expect(form.get_by_label("De vraag achter de vraag")).to_have_value(QUESTION)
    check_accessibility(page, "situation-01-error")
    form.get_by_label("Ter plekke gezien op").fill(timezone.localdate().isoformat())
    form.get_by_role("button", name="Situatie opslaan").click()
    expect(success_message(page)).to_have_text("De situatie is vastgelegd.")
    summary = page.locator(".portal-facts")
    expect(summary).to_contain_text(QUESTION)
    expect(summary).to_contain_text("Namens: Hun straat")
    expect(summary).to_contain_text(re.compile(r"Ter plekke gezien: ja, op \d+ \w+ \d{4}"))
    check_accessibility(page, "situation-02-summary")

    # b. The paspoort, one click from the workspace.
    page.locator(".portal-facts").get_by_role("link", name="Het paspoort").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Het paspoort")
    expect(page.locator("main")).to_contain_text(OLD_TEXT)
    expect(page.get_by_role("link", name="Paspoort bewerken")).to_have_count(0)
    check_accessibility(page, "paspoort-01-read")
    page.go_back()

    # c. A review cites the part it weighed.
    review = panel(page, "Toets aan de kernwaarden")
    review.get_by_label(
        f"Gewogen tegen een deel van het paspoort ({CoreValue.CUSTOMER.label})"
    ).select_option(label="De bewoner is eigenaar")
    review.get_by_role("button", name="Toets opslaan").click()
    expect(success_message(page)).to_have_text("De toets aan de kernwaarden is vastgelegd.")
    assert Review.objects.get(dream=dream, is_current=True).customer_cites_id == owner.pk

    # d. The administrator edits the part: a new version; the old one is kept.
    admin_page = pages.open(viewport={"width": 1280, "height": 900})
    staff_sign_in(admin_page, site, admin, path=reverse("staff:paspoort_edit"))
    check_accessibility(admin_page, "paspoort-02-edit")
    admin_page.get_by_role("link", name=re.compile("De bewoner is eigenaar")).click()
    admin_page.get_by_label("Tekst").fill("")
    admin_page.get_by_role("button", name="Deel opslaan").click()
    expect(admin_page.locator("#form-errors")).to_contain_text(
        "Schrijf wat dit deel van het paspoort zegt."
    )
    check_accessibility(admin_page, "paspoort-03-part-error")
    admin_page.get_by_label("Titel").fill("De bewoner blijft eigenaar")
    admin_page.get_by_label("Tekst").fill(
        "Het plan blijft van de bewoner, ook als het moeilijk wordt."
    )
    admin_page.get_by_role("button", name="Deel opslaan").click()
    expect(admin_page.locator("main")).to_contain_text("Het deel is opgeslagen.")
    assert PaspoortPart.objects.filter(key=owner.key).count() == 2

    # e. The review still shows the version it weighed, and leads to it on the paspoort.
    page.reload()
    review = panel(page, "Toets aan de kernwaarden")
    review.locator("details.portal-details summary").click()
    cited = review.get_by_role("link", name="De bewoner is eigenaar (versie 1)")
    expect(cited).to_be_visible()
    check_accessibility(page, "situation-03-review-cites")
    cited.click()
    expect(page).to_have_url(re.compile(rf"/medewerkers/paspoort/#{owner.key}-v1$"))
    expect(page.locator(f"[id='{owner.key}-v1']")).to_be_visible()
    expect(page.locator("main")).to_contain_text(OLD_TEXT)
    check_accessibility(page, "paspoort-04-versions")
