"""Partners in Chromium (issue 17): a MogelijkMaker keeps the partner organisations, invites
a housing corporation to a dream from its workspace; the partner opens the link from the
outbox mail, posts an answer and pledges hours; the MogelijkMaker sees both on the timeline;
the resident sees who helps them; a withdrawn link stops at once. Every page built for
partners gets an axe check."""

import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from config.mailbox import stored_mails
from initiatives import services
from initiatives.partner_models import PartnerInvitation
from initiatives.plan_models import Contribution
from tests.browser.conftest import DESKTOP, check_accessibility
from tests.browser.test_staff_flows import staff_sign_in
from tests.factories import NeighbourhoodFactory, StaffFactory, ThemeFactory, UserFactory
from tests.partners.conftest import make_organisation

pytestmark = pytest.mark.browser

TITLE = "Een moestuin achter de flat"
ANSWER = "Wij denken graag mee over de plek naast flat De Linde."


@pytest.fixture
def site(live_server, settings):
    settings.MAILERS = {"default": {"BACKEND": "config.mailbox.MailboxBackend"}}
    settings.SITE_URL = live_server.url
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return live_server.url


def _partner_link(address: str) -> str:
    """The link in the invitation ADDRESS received (the mailbox: the outbox's stored copy of
    a sent mail hides its link). Delivery follows the commit: wait for it a moment."""
    for _attempt in range(50):
        received = [m for m in stored_mails() if m.to == address and "/partner/" in m.text]
        if received:
            return re.search(r"https?://\S+/partner/[^/\s]+/", received[0].text).group(0)
        time.sleep(0.1)
    raise AssertionError(f"no invitation with a partner link reached {address}")


def test_a_housing_corporation_helps_with_a_dream(site, pages):
    enabler = StaffFactory(
        email="sanne@heusden.example", full_name="Sanne de Vries", roles=[Role.ENABLER]
    )
    resident = UserFactory(email="noor@example.nl", full_name="Noor Nieuw", phone="0612345678")
    dream = services.dream_submit(
        resident=resident,
        title=TITLE,
        story="Buren willen samen groente kweken op het grasveld achter de flat.",
        own_contribution="Wij zaaien, wieden en oogsten samen.",
        needs_from_municipality="Toestemming voor het grasveld.",
        neighbourhood=NeighbourhoodFactory(name="Vlijmen"),
        theme=ThemeFactory(name="Groen"),
        location="Lindelaan 8",
        contact_name="Noor Nieuw",
        contact_phone="06 12345678",
        confirmed=True,
    )
    services.dream_pick_up(dream=dream, by=enabler)
    services.dream_log_contact(
        dream=dream, by=enabler, kind="phone", on=timezone.localdate(), summary="Gebeld."
    )
    make_organisation(enabler, name="Basisschool De Vlinder", kind="school")

    # 1. The MogelijkMaker keeps the partner organisations: a missing name is said.
    staff = pages.open(DESKTOP)
    staff_sign_in(staff, site, enabler, path="/medewerkers/partners/")
    expect(staff.get_by_role("heading", level=1)).to_have_text("Partners")
    check_accessibility(staff, "partners-1-list")
    staff.get_by_role("link", name="Partnerorganisatie toevoegen").click()
    form = staff.locator("main form.portal-form")
    form.get_by_label("Woningcorporatie").check()
    form.get_by_label(re.compile("^Contactpersoon")).fill("Ellen Bosch")
    form.get_by_label(re.compile("^E-mailadres van de contactpersoon")).fill(
        "e.bosch@heusdenthuis.example"
    )
    form.get_by_label(re.compile("^Vast gezicht bij de gemeente")).select_option(
        label="Sanne de Vries"
    )
    form.get_by_role("button", name="Opslaan").click()
    expect(staff.locator("#id_name_error")).to_have_text("Vul de naam van de organisatie in.")
    expect(form.get_by_label(re.compile("^Contactpersoon"))).to_have_value("Ellen Bosch")
    check_accessibility(staff, "partners-2-add-error")
    form.get_by_label(re.compile("^Naam van de organisatie")).fill("Woonstichting Heusden Thuis")
    form.get_by_role("button", name="Opslaan").click()
    expect(staff.locator("#page-messages")).to_contain_text("is opgeslagen")
    staff.get_by_role("link", name="Woonstichting Heusden Thuis").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Woonstichting Heusden Thuis")
    check_accessibility(staff, "partners-3-edit")

    # 2. From the dream's workspace it invites the housing corporation, as helper.
    workspace = reverse("staff:dream_workspace", args=[dream.pk])
    staff.goto(f"{site}{workspace}")
    panel = staff.locator("#partners")
    expect(panel).to_contain_text("Er is nog geen partner uitgenodigd voor deze droom.")
    panel.get_by_role("button", name="Uitnodiging versturen").click()
    panel = staff.locator("#partners")
    expect(panel.locator("#form-errors")).to_contain_text("Kies een organisatie.")
    check_accessibility(staff, "partners-4-workspace-error")
    panel.get_by_label(re.compile("^Organisatie")).select_option(
        label="Woonstichting Heusden Thuis (Woningcorporatie)"
    )
    panel.get_by_label("Bericht bij de uitnodiging (niet verplicht)").fill(
        "Het grasveld is van jullie: denken jullie mee?"
    )
    panel.get_by_role("button", name="Uitnodiging versturen").click()
    expect(staff.locator("#workspace")).to_contain_text(
        "Woonstichting Heusden Thuis is uitgenodigd"
    )
    expect(staff.locator("#partners")).to_contain_text("actief, werkt tot")
    check_accessibility(staff, "partners-5-workspace-invited")

    # 3. The partner opens the link from the mail: the dream, nobody's personal data.
    link = _partner_link("e.bosch@heusdenthuis.example")
    partner = pages.open()
    partner.goto(link)
    expect(partner.get_by_role("heading", level=1)).to_have_text(TITLE)
    main = partner.locator("main")
    # The story is the resident's to share: until they do, the title, place and status only.
    expect(main).to_contain_text("nog) niet gekozen om het verhaal")
    expect(main).not_to_contain_text("Wij zaaien, wieden en oogsten samen.")
    for personal in ("Noor", "noor@example.nl", "Lindelaan", "06 12345678"):
        expect(main).not_to_contain_text(personal)
    check_accessibility(partner, "partners-6-partner-page")

    # 4. It posts an answer, and pledges hours (the hours forgotten first).
    partner.get_by_label(re.compile("^Je bericht")).fill(ANSWER)
    partner.get_by_role("button", name="Plaats het bericht").click()
    expect(partner.locator("#page-messages")).to_contain_text("Je bericht staat op de tijdlijn.")
    expect(partner.locator("#tijdlijn")).to_contain_text(ANSWER)
    contribution = partner.locator("#bijdrage")
    contribution.get_by_label("Uren", exact=True).check()
    contribution.get_by_label(re.compile("^Wat precies")).fill(
        "Twee huismeesters helpen bij het aanleggen"
    )
    contribution.get_by_role("button", name="Bijdrage vastleggen").click()
    expect(partner.locator("#id_contribution-hours_error")).to_have_text(
        "Vul het aantal uren in, meer dan 0."
    )
    expect(partner.locator("#bijdrage").get_by_label(re.compile("^Wat precies"))).to_have_value(
        "Twee huismeesters helpen bij het aanleggen"
    )
    check_accessibility(partner, "partners-7-partner-error")
    partner.locator("#bijdrage").get_by_label("Aantal uren").fill("16")
    partner.locator("#bijdrage").get_by_role("button", name="Bijdrage vastleggen").click()
    expect(partner.locator("#page-messages")).to_contain_text("Je bijdrage is vastgelegd.")
    expect(partner.locator("#tijdlijn")).to_contain_text("draagt 16 uur bij")
    check_accessibility(partner, "partners-8-partner-pledged")
    assert Contribution.objects.get().hours == 16

    # 5. The MogelijkMaker sees both on the timeline, by the organisation's name.
    staff.reload()
    timeline = staff.locator("ol.portal-timeline")
    expect(timeline).to_contain_text(ANSWER)
    expect(timeline).to_contain_text("Woonstichting Heusden Thuis draagt 16 uur bij")
    expect(timeline).to_contain_text("· Woonstichting Heusden Thuis")
    expect(staff.locator("#partners")).to_contain_text("laatst gebruikt")

    # 6. The resident sees who helps them, and what the partner wrote.
    mine = pages.open()
    path = reverse("residents:dream_detail", args=[dream.pk])
    mine.goto(services.sign_in_link_build(user=resident, next_url=path))
    expect(mine).to_have_url(f"{site}{path}")
    expect(mine.locator("main")).to_contain_text("Wie helpt je")
    expect(mine.locator("main")).to_contain_text(
        "Woonstichting Heusden Thuis (Woningcorporatie) · Helper"
    )
    expect(mine.locator("#tijdlijn")).to_contain_text(ANSWER)
    check_accessibility(mine, "partners-9-resident")
    # The resident lets the partners who help read their story; the partner now reads it.
    mine.get_by_role("button", name="Ja, deel mijn verhaal met hen").click()
    expect(mine.locator("#page-messages")).to_contain_text("kunnen nu je verhaal lezen")
    expect(mine.get_by_role("button", name="Stop met het delen van mijn verhaal")).to_be_visible()
    check_accessibility(mine, "partners-9b-resident-shared")
    partner.reload()
    expect(partner.locator("main")).to_contain_text("Wij zaaien, wieden en oogsten samen.")
    for personal in ("Noor", "noor@example.nl", "Lindelaan", "06 12345678"):
        expect(partner.locator("main")).not_to_contain_text(personal)

    # 7. Withdrawn: the link stops at once, and shows nothing of the dream.
    staff.locator("#partners").get_by_role("button", name=re.compile("^Intrekken")).click()
    expect(staff.locator("#workspace")).to_contain_text("De uitnodiging is ingetrokken")
    assert PartnerInvitation.objects.get().withdrawn_at is not None
    partner.reload()
    expect(partner.get_by_role("heading", level=1)).to_have_text("Deze link werkt niet meer")
    expect(partner.locator("main")).not_to_contain_text(TITLE)
    check_accessibility(partner, "partners-10-link-withdrawn")
    assert not pages.errors, pages.errors
