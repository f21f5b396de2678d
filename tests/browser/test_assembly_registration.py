"""Registering for a citizens' assembly in Chromium (issue 18, stage 2): a resident reads the
assembly's page, types the code from the letter (a typing error first, then the code in
small letters with a space), fills in the form (a forgotten answer first), and registers;
the confirmation mail arrives. On a phone and on a desktop screen. Too many wrong codes
give the "too many attempts" page with the code kept. Every page gets an axe check."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from config.mailbox import stored_mails
from initiatives.assembly_models import AssemblyMeeting, Participant
from tests.assemblies.conftest import add_features
from tests.browser.conftest import DESKTOP, PHONE, check_accessibility
from tests.factories import AssemblyFactory, InvitationFactory, invitation_code

pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server, settings):
    settings.MAILERS = {"default": {"BACKEND": "config.mailbox.MailboxBackend"}}
    settings.SITE_URL = live_server.url
    return live_server.url


def _mail_to(address: str):
    """The mail ADDRESS received; delivery follows the commit: wait for it a moment."""
    for _attempt in range(50):
        received = [mail for mail in stored_mails() if mail.to == address]
        if received:
            return received[0]
        time.sleep(0.1)
    raise AssertionError(f"no mail reached {address}")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_resident_registers_with_the_code_from_the_letter(site, pages, settings, viewport):
    name = "phone" if viewport == PHONE else "desktop"
    assembly = AssemblyFactory(
        title="Burgerberaad Vlijmen-Oost",
        slug="vlijmen-oost",
        registration_closes_on=timezone.localdate() + timedelta(days=14),
    )
    add_features(assembly)
    AssemblyMeeting.objects.create(
        assembly=assembly,
        starts_at=timezone.now() + timedelta(days=30),
        place="Wijkcentrum De Kern",
    )
    invitation = InvitationFactory(assembly=assembly)
    code = invitation_code(invitation)

    # 1. The assembly's page: the question, where it stands, how the lottery works.
    page = pages.open(viewport)
    page.goto(f"{site}/burgerberaad/vlijmen-oost/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Burgerberaad Vlijmen-Oost")
    expect(page.locator("#stage")).to_contain_text("Heb je een brief gekregen?")
    check_accessibility(page, f"assembly-{name}-1-page")
    page.get_by_role("link", name="Aanmelden met je code").click()

    # 2. The code: a typing error first, said beside the field, what was typed kept.
    expect(page.get_by_role("heading", level=1)).to_have_text("Typ de code uit je brief")
    check_accessibility(page, f"assembly-{name}-2-code")
    field = page.get_by_label(re.compile("^Code uit je brief"))
    field.fill(code[:-1])
    page.get_by_role("button", name="Verder").click()
    expect(page.locator("#id_code_error")).to_contain_text("Een code heeft 10 letters en cijfers")
    expect(field).to_have_value(code[:-1])
    check_accessibility(page, f"assembly-{name}-3-code-error")
    field.fill(code.lower().replace("-", " "))  # as people type it: "k7pq2 xmr4d"
    page.get_by_role("button", name="Verder").click()

    # 3. The form: a forgotten answer is said beside its question, nothing typed is lost.
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanmelden")
    assert code not in page.url and code.lower() not in page.url
    check_accessibility(page, f"assembly-{name}-4-form")
    page.get_by_label(re.compile("^Je naam")).fill("Fatima Bakker")
    page.get_by_label(re.compile("^Je e-mailadres")).fill("fatima@example.nl")
    page.get_by_role("group", name="Hoe oud ben je?").get_by_label("30 tot 65 jaar").check()
    page.get_by_role("group", name="Wat is je geslacht?").get_by_label("Vrouw").check()
    page.get_by_role("group", name="Op welke data kun je?").get_by_role("checkbox").check()
    page.get_by_label(re.compile("^Ik vind het goed")).check()
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#id_feature_buurt_error")).to_have_text("Kies één antwoord.")
    expect(page.get_by_label(re.compile("^Je naam"))).to_have_value("Fatima Bakker")
    expect(page.get_by_label("30 tot 65 jaar")).to_be_checked()
    check_accessibility(page, f"assembly-{name}-5-form-error")
    page.get_by_role("group", name="In welk deel van de wijk woon je?").get_by_label(
        "Noord"
    ).check()
    page.get_by_label(re.compile("^Ik vind het goed")).check()
    page.get_by_role("button", name="Aanmelden").click()

    # 4. Registered: the confirmation page and the mail, both with the pseudonym.
    expect(page.get_by_role("heading", level=1)).to_have_text("Je bent aangemeld")
    expect(page.locator("main")).to_contain_text("P-0001")
    check_accessibility(page, f"assembly-{name}-6-registered")
    participant = Participant.objects.get()
    assert participant.features == {"leeftijd": "30-64", "geslacht": "vrouw", "buurt": "noord"}
    assert "Wijkcentrum De Kern" in participant.availability
    mail = _mail_to("fatima@example.nl")
    assert "P-0001" in mail.text and "Burgerberaad Vlijmen-Oost" in mail.subject

    # 5. The code is used: the same letter does not register anyone else.
    page.goto(f"{site}/burgerberaad/vlijmen-oost/aanmelden/")
    page.get_by_label(re.compile("^Code uit je brief")).fill(code)
    page.get_by_role("button", name="Verder").click()
    expect(page.locator("#id_code_error")).to_contain_text("al gebruikt")

    # 6. Too many wrong codes from one connection: a plain page, the code kept.
    settings.RATELIMIT_ASSEMBLY_CODE_PER_IP = "2/h"
    wrong = ("X" if code[0] != "X" else "Y") + code[1:]
    for _attempt in range(3):
        page.get_by_label(re.compile("^Code uit je brief")).fill(wrong)
        page.get_by_role("button", name=re.compile("^(Verder|Opnieuw proberen)$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Te veel pogingen")
    expect(page.get_by_label(re.compile("^Code uit je brief"))).to_have_value(wrong)
    check_accessibility(page, f"assembly-{name}-7-too-many")
