"""
The staff side, clicked through in Chromium against the live server, on a desktop screen.

A MogelijkMaker carries one dream from the triage queue to "Gerealiseerd", and proposes
"niet mogelijk" for another, which a communications advisor words and signs; each time the
resident then reads on their own phone what happened, and nothing that is internal. Every
staff page gets an axe check (WCAG 2.1 A/AA) and a screenshot in test-results/screenshots/.

Selectors use the fixed Dutch terms of the UI (from locale/nl/LC_MESSAGES/django.po), ids
and field names. Where the Dutch translation of a text was out of date when this was
written (the resident's budget message), the test matches only the amount and purpose.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from initiatives import services
from initiatives.models import CoreValue, Decision, Dream, Grant, Verdict
from initiatives.statuses import Status
from tests.browser.conftest import DESKTOP, check_accessibility
from tests.factories import (
    DreamFactory,
    FundFactory,
    NeighbourhoodFactory,
    StaffFactory,
    ThemeFactory,
    UserFactory,
    add_notes,
)

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"  # StaffFactory's password

ENABLER_NAME, ENABLER_EMAIL = "Sanne de Vries", "sanne.devries@heusden.example"
COMMS_NAME, COMMS_EMAIL = "Fleur Jansen", "fleur.jansen@heusden.example"
MANAGER_NAME, MANAGER_EMAIL = "Marco Bakker", "marco.bakker@heusden.example"

# Internal texts: staff write them, the resident must never read them.
CONTACT_SUMMARY = "Bij Anna thuis gekeken; de buurvrouw wil het bankje mee onderhouden."
TENSION_REASONING = "Het bankje staat op grond van de woningcorporatie, niet van ons."
DILEMMA = "Helpen we een bewoner als de grond van een ander is?"
REASONS = "De vijver is van het waterschap en daar mag geen bankje staan."
LETTER = (
    "Beste Bert,\n\nWe hebben goed naar je droom gekeken. De vijver is van het waterschap. "
    "Daar mag de gemeente geen bankje neerzetten. Dat vinden we jammer."
)


@pytest.fixture
def site(live_server, settings):
    """Return the live server's address; mail in this test's own mailbox, fast passwords."""
    settings.MAILERS = {"default": {"BACKEND": "config.mailbox.MailboxBackend"}}
    settings.SITE_URL = live_server.url  # sign-in links point here
    # Staff sign in with a password; the default hasher would add ~0.3 s to every sign-in.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return live_server.url


@pytest.fixture
def drunen(site):
    return NeighbourhoodFactory(name="Drunen")


@pytest.fixture
def groen(site):
    return ThemeFactory(name="Groen")


@pytest.fixture
def enabler(site):
    return StaffFactory(email=ENABLER_EMAIL, full_name=ENABLER_NAME, roles=[Role.ENABLER])


@pytest.fixture
def comms(site):
    return StaffFactory(email=COMMS_EMAIL, full_name=COMMS_NAME, roles=[Role.COMMUNICATIONS])


@pytest.fixture
def manager(site):
    return StaffFactory(email=MANAGER_EMAIL, full_name=MANAGER_NAME, roles=[Role.MANAGER])


@pytest.fixture
def fund(site):
    return FundFactory(name="Dromenfonds", amount=10000)


def submit_dream(resident, title: str, neighbourhood, theme) -> Dream:
    """Hand in a dream the way a signed-in resident does."""
    return services.dream_submit(
        resident=resident,
        title=title,
        story="Een bankje bij de vijver, zodat ouderen even kunnen rusten.",
        own_contribution="Ik verf het bankje elk voorjaar met de buren.",
        needs_from_municipality="Toestemming en hulp bij het plaatsen.",
        neighbourhood=neighbourhood,
        theme=theme,
        location="Park aan de Grotestraat",
        confirmed=True,
    )


def in_conversation_with_review(dream: Dream, enabler) -> Dream:
    """Pick DREAM up, log a first contact and record a review, as ENABLER."""
    services.dream_pick_up(dream=dream, by=enabler)
    services.dream_log_contact(
        dream=dream, by=enabler, kind="phone", on=timezone.localdate(), summary="Gebeld."
    )
    services.review_record(
        dream=dream,
        by=enabler,
        verdicts={v.value: (Verdict.SUPPORTS, f"Uitleg bij {v.label}.") for v in CoreValue},
    )
    dream.refresh_from_db()
    return dream


def current_code(user) -> str:
    """Return the code USER's authenticator app shows now (creating their device once)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "app"}
    )
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def staff_sign_in(page: Page, site: str, user, path: str = "/medewerkers/", check: str = ""):
    """Open PATH as an anonymous visitor and sign in as USER on the sign-in page it leads to.

    CHECK, when given, names the accessibility check of the sign-in page.
    """
    page.goto(f"{site}{path}")
    expect(page).to_have_url(re.compile(rf"^{re.escape(site)}/medewerkers/inloggen/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen voor medewerkers")
    if check:
        check_accessibility(page, check)
    form = page.locator(f'main form[action="{reverse("staff:login")}"]')
    form.get_by_label("E-mailadres").fill(user.email)
    form.get_by_label("Wachtwoord").fill(PASSWORD)
    current_code(user)  # the user has set up their authenticator app before
    form.get_by_role("button", name="Inloggen").click()
    # The second factor: the code an authenticator app would show for the user's device.
    expect(page).to_have_url(re.compile(rf"^{re.escape(site)}/medewerkers/inloggen/code/"))
    if check:
        check_accessibility(page, f"{check}-code")
    page.locator("main form").get_by_label(re.compile("code", re.I)).fill(current_code(user))
    page.locator("main form").get_by_role(
        "button", name=re.compile("^(Bevestigen|Confirm)$")
    ).click()
    expect(page).to_have_url(f"{site}{path}")
    expect(page.get_by_role("button", name=f"Uitloggen ({user.get_short_name()})")).to_be_visible()


def resident_page(pages, site: str, resident, dream: Dream) -> Page:
    """Return a phone page on which RESIDENT, signed in by their one-time link, reads DREAM."""
    page = pages.open()
    detail = reverse("residents:dream_detail", args=[dream.pk])
    page.goto(services.sign_in_link_build(user=resident, next_url=detail))
    expect(page).to_have_url(f"{site}{detail}")
    expect(page.get_by_role("heading", level=1)).to_have_text(dream.title)
    return page


def hidden_suffix(text: str, title: str) -> re.Pattern:
    """Match a button's name: TEXT, then ": TITLE" that only screen readers read.

    The hidden part is positioned absolutely, so Chromium puts a space before its colon.
    """
    return re.compile(rf"^{re.escape(text)}\s*: {re.escape(title)}$")


def workspace_status(page: Page):
    return page.locator("#workspace .portal-workspace__head .portal-status")


def success_message(page: Page):
    return page.locator("#workspace .portal-messages .utrecht-alert--ok")


def panel(page: Page, heading: str):
    """Return the workspace section headed HEADING."""
    return page.locator("#workspace section").filter(
        has=page.get_by_role("heading", level=2, name=heading, exact=True)
    )


def change_status(page: Page, label: str, note: str = "") -> None:
    move = panel(page, "Volgende stap voor de droom")
    move.get_by_role("group", name="Nieuwe status").get_by_label(label, exact=True).check()
    if note:
        move.locator("#id_move-note").fill(note)
    move.get_by_role("button", name="Status wijzigen").click()
    expect(success_message(page)).to_have_text("De status is gewijzigd.")
    expect(workspace_status(page)).to_have_text(label)


def test_enabler_carries_a_dream_to_realised(site, staff_page: Page, pages, enabler, fund):
    resident = UserFactory(email="anna@example.nl", full_name="Anna de Bewoner")
    dream = submit_dream(
        resident, "Een bankje bij de vijver", NeighbourhoodFactory(), ThemeFactory()
    )
    DreamFactory(title="Een moestuin achter de school")  # another dream in the queue
    workspace_url = f"{site}{reverse('staff:dream_workspace', args=[dream.pk])}"
    page = staff_page

    # a. Sign in: the start page says what waits, oldest first; the triage queue lists it.
    staff_sign_in(page, site, enabler, check="staff-01-sign-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wat op je wacht")
    to_pick_up = page.locator("main section").filter(
        has=page.get_by_role("heading", name="Dromen om op te pakken (2)")
    )
    expect(to_pick_up.locator("li").first).to_contain_text(dream.title)  # the oldest
    check_accessibility(page, "staff-01a-start-enabler")
    page.get_by_role("banner").get_by_role("link", name="Nieuwe dromen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe dromen")
    row = page.locator(f"#dream-{dream.pk}")
    expect(row).to_contain_text(dream.title)
    check_accessibility(page, "staff-02-triage")

    # b. Pick it up (htmx): the workspace opens, picked up by this MogelijkMaker.
    row.get_by_role("button", name=hidden_suffix("Ik pak hem op", dream.title)).click()
    expect(page).to_have_url(workspace_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(dream.title)
    expect(page.locator("main .portal-messages")).to_contain_text(
        f"Je hebt “{dream.title}” opgepakt."
    )
    expect(workspace_status(page)).to_have_text("Opgepakt")
    expect(page.locator("#workspace .portal-workspace__head")).to_contain_text(
        f"MogelijkMaker: {ENABLER_NAME}"
    )
    check_accessibility(page, "staff-03-workspace-picked-up")

    # c. A contact moment: first nothing filled in, then a visit.
    page.evaluate("() => { window.sameDocument = true; }")  # gone if the page reloads
    contact = panel(page, "Contactmoment vastleggen")
    save_contact = contact.get_by_role("button", name="Contactmoment opslaan")
    save_contact.click()
    errors = contact.locator("#form-errors")
    expect(errors).to_be_visible()
    expect(save_contact).to_be_in_viewport()  # the swap keeps the reader where they were
    expect(errors).to_have_attribute("role", "alert")
    expect(errors).to_contain_text("Kies het soort contact.")
    expect(contact.locator("#id_contact-kind_error")).to_have_text("Kies het soort contact.")
    expect(contact.locator("#id_contact-summary_error")).to_have_text(
        "Schrijf een korte samenvatting van het contact."
    )
    expect(contact.locator("#id_contact-summary")).to_have_attribute("aria-invalid", "true")
    expect(workspace_status(page)).to_have_text("Opgepakt")
    check_accessibility(page, "staff-04-workspace-contact-errors")

    contact.get_by_label("Bezoek op locatie", exact=True).check()
    contact.get_by_label("Datum").fill(timezone.localdate().isoformat())
    contact.get_by_label("Korte samenvatting").fill(CONTACT_SUMMARY)
    contact.get_by_role("button", name="Contactmoment opslaan").click()
    expect(success_message(page)).to_have_text("Het contactmoment is vastgelegd.")
    # The pick-up's message at the top of the page is gone: one message, the newest.
    expect(page.locator("main .utrecht-alert--ok")).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text("opgepakt.")
    expect(workspace_status(page)).to_have_text("In gesprek")
    expect(contact.locator("#form-errors")).to_have_count(0)
    expect(contact.locator(".portal-list")).to_contain_text(CONTACT_SUMMARY)

    # d. The core-value review: a tension needs a dilemma.
    review = panel(page, "Toets aan de kernwaarden")
    values = list(CoreValue)
    for value in values:
        verdict = "Spanning" if value == CoreValue.CUSTOMER else "Draagt bij"
        review.get_by_role("group", name=value.label).get_by_label(verdict, exact=True).check()
        reasoning = TENSION_REASONING if value == CoreValue.CUSTOMER else f"Past bij {value.label}."
        review.locator(f"#id_review-{value.value}_reasoning").fill(reasoning)
    review.get_by_role("button", name="Toets opslaan").click()
    expect(review.locator("#id_review-dilemma_error")).to_have_text(
        "Een spanning levert een dilemma op. Beschrijf het."
    )
    expect(review.locator("#id_review-customer_verdict_1")).to_be_checked()  # kept as typed
    review.get_by_label("Welk dilemma levert dit op?").fill(DILEMMA)
    review.get_by_label("Besproken met").fill("Teamleider Ruimte")
    review.get_by_role("button", name="Toets opslaan").click()
    expect(success_message(page)).to_have_text("De toets aan de kernwaarden is vastgelegd.")
    expect(page.locator("main .utrecht-alert--ok")).to_have_count(1)  # replaced, not stacked
    versions = review.locator("details.portal-details")
    versions.locator("summary").click()
    expect(versions).to_contain_text(TENSION_REASONING)
    expect(versions).to_contain_text(DILEMMA)
    expect(versions.locator(".portal-flag")).to_have_text("Spanning")

    # e. Budget from the Dromenfonds: below the limit, so granted at once.
    budget = panel(page, "Budget")
    year = timezone.localdate().year
    expect(budget.get_by_label("Fonds")).to_have_value(str(fund.pk))
    expect(budget.get_by_label("Bedrag in euro")).to_have_accessible_description(
        "Boven € 2.500 beslist een manager; tot dat bedrag is het budget meteen toegekend."
    )
    budget.get_by_label("Bedrag in euro").fill("750")
    budget.get_by_label("Doel").fill("Een bankje en verf")
    budget.get_by_role("button", name="Budget toekennen").click()
    expect(success_message(page)).to_have_text(
        "€ 750,00 uit Dromenfonds is toegekend. De inwoner heeft bericht gekregen."
    )
    expect(budget).to_contain_text("€ 750,00 — Een bankje en verf (Dromenfonds): Toegekend")
    expect(budget).to_contain_text(f"Dromenfonds {year}: nog € 9.250,00 van € 10.000,00")
    check_accessibility(page, "staff-05-workspace-in-conversation")

    # f. On to "Aan de slag", then "Gerealiseerd".
    change_status(page, "Aan de slag", note="De gemeente plaatst het bankje in mei.")
    change_status(page, "Gerealiseerd")
    expect(panel(page, "Volgende stap voor de droom")).to_have_count(0)  # closed: no more actions
    expect(panel(page, "Budget")).to_contain_text("Een bankje en verf")  # closed, still shown
    assert page.evaluate("() => window.sameDocument === true"), "the page reloaded"
    check_accessibility(page, "staff-06-workspace-realised")

    dream.refresh_from_db()
    assert dream.status == Status.REALISED
    assert dream.contact == enabler
    grant = dream.grants.get()
    assert (grant.amount, grant.state) == (Decimal("750.00"), Grant.State.GRANTED)
    fund.refresh_from_db()
    assert fund.balance == Decimal("9250.00")

    # g. The resident follows it on their phone: each public step, nothing internal.
    resident_view = resident_page(pages, site, resident, dream)
    expect(resident_view.locator("main .portal-status")).to_have_text("Gerealiseerd")
    main = resident_view.locator("main")
    expect(main).to_contain_text(f"Je MogelijkMaker is {ENABLER_NAME}.")
    events = resident_view.locator("#tijdlijn .portal-timeline__event")
    for status in ("Opgepakt", "In gesprek", "Aan de slag", "Gerealiseerd"):
        expect(events.filter(has_text=f"Nieuwe status: {status}")).to_have_count(1)
    picked_up = events.filter(has_text="Nieuwe status: Opgepakt")
    expect(picked_up).to_contain_text(f"{ENABLER_NAME} heeft je droom opgepakt")
    expect(events.filter(has_text="Nieuwe status: In gesprek")).to_contain_text(
        "We hebben met je gesproken over je droom."
    )
    expect(events.filter(has_text="Nieuwe status: Aan de slag")).to_contain_text(
        "De gemeente plaatst het bankje in mei."
    )
    grant_event = resident_view.locator("#tijdlijn .portal-timeline__event--grant")
    expect(grant_event).to_have_count(1)
    expect(grant_event.locator(".portal-timeline__title")).to_have_text("Budget toegekend")
    expect(grant_event).to_contain_text(re.compile(r"€ 750,00 .*Dromenfonds.*Een bankje en verf"))
    for internal in (CONTACT_SUMMARY, TENSION_REASONING, DILEMMA, "Teamleider Ruimte"):
        expect(main).not_to_contain_text(internal)
    expect(resident_view.locator("body")).not_to_contain_text(ENABLER_EMAIL)
    expect(resident_view.locator(".portal-timeline__event--contact_moment")).to_have_count(0)
    expect(resident_view.locator(".portal-timeline__event--review")).to_have_count(0)
    check_accessibility(resident_view, "staff-07-resident-sees-realised")

    assert not pages.errors, "\n".join(pages.errors)


def test_not_possible_is_signed_by_a_communications_advisor(
    site, staff_page: Page, pages, enabler, comms, drunen, groen
):
    resident = UserFactory(email="bert@example.nl", full_name="Bert Buurman")
    dream = submit_dream(resident, "Een bankje in de vijver", drunen, groen)
    in_conversation_with_review(dream, enabler)

    # a. The MogelijkMaker proposes "niet mogelijk", first without reasons.
    page = staff_page
    staff_sign_in(page, site, enabler, path=reverse("staff:dream_workspace", args=[dream.pk]))
    expect(workspace_status(page)).to_have_text("In gesprek")
    move = panel(page, "Volgende stap voor de droom")
    propose = move.get_by_role("button", name="Voorstellen: “niet mogelijk”")
    propose.click()
    expect(move.locator("#id_propose-reasons_error")).to_have_text("Geef de redenen.")
    move.get_by_label("Waarom is deze droom niet mogelijk?").fill(REASONS)
    propose.click()
    expect(success_message(page)).to_have_text(
        "Je voorstel ligt bij de communicatieadviseurs. Zij schrijven de brief."
    )
    expect(move).to_contain_text("Een communicatieadviseur schrijft de brief.")
    expect(move.get_by_role("button", name="Voorstellen: “niet mogelijk”")).to_have_count(0)
    expect(workspace_status(page)).to_have_text("In gesprek")  # not yet "Niet mogelijk"
    check_accessibility(page, "staff-10-workspace-proposed")
    dream.refresh_from_db()
    assert dream.status == Status.IN_CONVERSATION

    # b. Decisions are not the MogelijkMaker's to sign.
    response = page.goto(f"{site}{reverse('staff:decisions')}")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Je hebt geen toegang tot deze pagina"
    )
    check_accessibility(page, "staff-11-forbidden")

    # c. The communications advisor words and signs the letter.
    advisor = pages.open(DESKTOP)
    staff_sign_in(advisor, site, comms, path=reverse("staff:decisions"))
    expect(advisor.get_by_role("heading", level=1)).to_have_text(
        "Besluiten die wachten op een brief"
    )
    row = advisor.locator("main table tbody tr").filter(has_text=dream.title)
    expect(row).to_contain_text(ENABLER_NAME)
    check_accessibility(advisor, "staff-12-decisions")
    row.get_by_role("link", name=dream.title).click()
    decision = Decision.objects.get(dream=dream)
    expect(advisor).to_have_url(f"{site}{reverse('staff:decision_sign', args=[decision.pk])}")
    expect(advisor.get_by_role("heading", level=1)).to_have_text(
        f"Brief: “{dream.title}” is niet mogelijk"
    )
    expect(advisor.locator("main")).to_contain_text(REASONS)
    check_accessibility(advisor, "staff-13-decision")

    sign = advisor.get_by_role("button", name="Onderteken en verstuur de brief")
    sign.click()
    expect(advisor.locator("#id_letter_error")).to_have_text("Schrijf eerst de brief.")
    expect(advisor.locator("#form-errors")).to_be_visible()
    check_accessibility(advisor, "staff-14-decision-errors")
    advisor.get_by_label("Brief aan de inwoner").fill(LETTER)
    sign.click()
    expect(advisor).to_have_url(f"{site}{reverse('staff:decisions')}")
    expect(advisor.locator("main .portal-messages")).to_contain_text(
        "De brief is ondertekend en naar de inwoner gestuurd."
    )
    expect(advisor.locator("main")).to_contain_text("Er wachten geen besluiten.")

    dream.refresh_from_db()
    assert dream.status == Status.NOT_POSSIBLE
    decision.refresh_from_db()
    assert (decision.state, decision.signed_by) == (Decision.State.SIGNED, comms)

    # d. The resident reads the letter, signed by the advisor, not by the MogelijkMaker.
    resident_view = resident_page(pages, site, resident, dream)
    expect(resident_view.locator("main .portal-status")).to_have_text("Niet mogelijk")
    letter = resident_view.locator("#tijdlijn .portal-timeline__event--decision_letter")
    expect(letter).to_have_count(1)
    expect(letter.locator(".portal-timeline__title")).to_have_text("Brief met het besluit")
    expect(letter).to_contain_text("De vijver is van het waterschap.")
    expect(letter.locator(".portal-text")).to_contain_text(
        re.compile(rf"{COMMS_NAME}\s+Communicatieadviseur$"), use_inner_text=True
    )
    expect(letter).not_to_contain_text(ENABLER_NAME)
    expect(resident_view.locator("main")).not_to_contain_text(REASONS)
    expect(resident_view.locator("body")).not_to_contain_text(ENABLER_EMAIL)
    expect(resident_view.locator("body")).not_to_contain_text(COMMS_EMAIL)
    check_accessibility(resident_view, "staff-15-resident-reads-letter")

    assert not pages.errors, "\n".join(pages.errors)


def test_manager_pages_are_accessible(
    site, staff_page: Page, pages, enabler, manager, fund, drunen, groen
):
    vlijmen, samen = NeighbourhoodFactory(name="Vlijmen"), ThemeFactory(name="Samen")
    resident = UserFactory(email="cor@example.nl", full_name="Cor Buur")
    garden = in_conversation_with_review(
        submit_dream(resident, "Moestuin achter de school", drunen, groen), enabler
    )
    services.review_record(
        dream=garden,
        by=enabler,
        verdicts={
            v.value: (Verdict.TENSION if v == CoreValue.DIALOGUE else Verdict.SUPPORTS, "Uitleg.")
            for v in CoreValue
        },
        dilemma="Wie onderhoudt de moestuin in de zomer?",
    )
    large = services.grant_create(
        dream=garden, by=enabler, fund=fund, amount=Decimal("3000"), purpose="Hekwerk en aarde"
    )
    assert large.state == Grant.State.AWAITING_APPROVAL  # above the limit of € 2.500
    services.dream_pick_up(
        dream=submit_dream(resident, "Moestuin bij de kerk", vlijmen, groen), by=enabler
    )
    submit_dream(resident, "Bloemen langs de dijk", drunen, groen)
    submit_dream(resident, "Buurtfeest in Vlijmen", vlijmen, samen)
    page = staff_page
    staff_sign_in(page, site, manager, path=reverse("staff:dream_list"))

    # a. All dreams, filtered: by theme (htmx on change), then a search (the button).
    expect(page.get_by_role("heading", level=1)).to_have_text("Alle dromen")
    results = page.locator("#results")
    expect(results.get_by_role("status")).to_have_text("4 dromen gevonden.")
    page.get_by_label("Thema").select_option(label="Groen")
    expect(results.get_by_role("status")).to_have_text("3 dromen gevonden.")
    page.get_by_label("Zoek in titel en verhaal").fill("moestuin")
    page.get_by_label("Sorteren op").select_option(label="Oudste eerst")
    page.get_by_role("button", name="Toon dromen").click()
    expect(page).to_have_url(re.compile(r"[?&]q=moestuin"))
    rows = results.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Moestuin achter de school")
    expect(rows.first.locator(".portal-flag")).to_have_text("Spanning")
    expect(rows.nth(1)).to_contain_text("Moestuin bij de kerk")
    page.get_by_label("Spanning met een kernwaarde").check()
    expect(rows).to_have_count(1)
    expect(results.get_by_role("status")).to_have_text("1 droom gevonden.")
    expect(page).to_have_url(re.compile(r"[?&]tension=on"))
    check_accessibility(page, "staff-20-dream-list-filtered")

    # b. The workload per MogelijkMaker.
    page.get_by_role("banner").get_by_role("link", name="Werklast").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Werklast per MogelijkMaker")
    person = page.locator("main tbody tr").filter(has_text=ENABLER_NAME)
    expect(person.locator("td")).to_have_text(["1", "1", "0", "0", "2", "0", "0"])
    check_accessibility(page, "staff-21-workload")

    # c. The manager's start page: the grant to approve, no broken promise yet.
    page.get_by_role("banner").get_by_role("link", name="Wat op je wacht").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wat op je wacht")
    expect(
        page.get_by_role("heading", level=2, name="Budgetten om goed te keuren (1)")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=3, name="Niet op tijd opgepakt (0)")).to_be_visible()
    check_accessibility(page, "staff-21a-start-manager")

    # d. A grant above the limit waits for the manager.
    page.get_by_role("banner").get_by_role("link", name="Goedkeuringen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Budgetten die wachten op goedkeuring"
    )
    card = page.locator("main .portal-card").filter(has_text="Moestuin achter de school")
    expect(card).to_contain_text("€ 3.000,00 — Hekwerk en aarde")
    check_accessibility(page, "staff-22-approvals")
    card.get_by_role(
        "button", name=hidden_suffix("Goedkeuren", "Moestuin achter de school")
    ).click()
    expect(page.locator("main .portal-messages")).to_contain_text("Je besluit is vastgelegd.")
    expect(page.locator("main")).to_contain_text("Er wachten geen budgetten op goedkeuring.")
    large.refresh_from_db()
    assert (large.state, large.decided_by) == (Grant.State.GRANTED, manager)

    assert not pages.errors, "\n".join(pages.errors)


def test_a_long_timeline_shows_the_newest_events_and_the_rest_one_click_away(
    site, staff_page: Page, pages, enabler, drunen, groen
):
    resident = UserFactory(email="ans@example.nl", full_name="Ans Achterberg")
    dream = in_conversation_with_review(
        submit_dream(resident, "Een speeltuin met een lange geschiedenis", drunen, groen), enabler
    )
    add_notes(
        dream, 60, by=enabler, first=timezone.now() - timedelta(days=30), step=timedelta(hours=1)
    )
    newer = dream.events.count() - 60  # handed in, picked up and so on: all newer than the notes
    total = 60 + newer

    page = staff_page
    staff_sign_in(page, site, enabler, path=reverse("staff:dream_workspace", args=[dream.pk]))
    timeline = page.locator("#workspace .portal-timeline")
    expect(timeline.locator(".portal-timeline__event")).to_have_count(50)
    link = page.locator("#workspace").get_by_role("link", name=re.compile(rf"\({total} "))
    expect(link).to_have_count(1)
    check_accessibility(page, "staff-23-workspace-long-timeline")

    # The plain link (no script needed) shows every event, from where the list stopped.
    link.click()
    expect(page).to_have_url(re.compile(r"\?geschiedenis=alle#timeline-older$"))
    expect(timeline.locator(".portal-timeline__event")).to_have_count(total)
    older = page.locator("#timeline-older")
    expect(older).to_contain_text(f"notitie {9 + newer}.")  # the 51st event, newest first
    expect(older).to_be_in_viewport()
    expect(
        page.locator("#workspace").get_by_role("link", name=re.compile(rf"\({total} "))
    ).to_have_count(0)
    check_accessibility(page, "staff-24-workspace-whole-timeline")

    assert not pages.errors, "\n".join(pages.errors)


def test_the_advisor_lands_on_the_letters_that_wait(
    site, staff_page: Page, pages, enabler, comms, drunen, groen
):
    """Issue 14, item 7: a communications advisor signs in (password and code) and sees the
    letters waiting for them, not "no access" under the residents' menu."""
    resident = UserFactory(email="dirk@example.nl", full_name="Dirk Dijk")
    older = in_conversation_with_review(
        submit_dream(resident, "Een steiger in de vijver", drunen, groen), enabler
    )
    newer = in_conversation_with_review(
        submit_dream(resident, "Een kiosk op de dijk", drunen, groen), enabler
    )
    services.decision_propose(dream=older, by=enabler, reasons="Van het waterschap.")
    services.decision_propose(dream=newer, by=enabler, reasons="Geen vergunning.")
    page = staff_page

    staff_sign_in(page, site, comms)
    expect(page.get_by_role("heading", level=1)).to_have_text("Wat op je wacht")
    expect(page.locator("main")).not_to_contain_text("Je hebt geen toegang")
    expect(page.get_by_role("banner").get_by_role("link", name="Dien je droom in")).to_have_count(0)
    letters = page.locator("main section").filter(
        has=page.get_by_role("heading", level=2, name="Brieven om te ondertekenen (2)")
    )
    items = letters.locator("li")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text(older.title)  # oldest first
    expect(items.nth(1)).to_contain_text(newer.title)
    check_accessibility(page, "staff-30-start-advisor")

    # The email choice: one a day instead of each time.
    page.get_by_role("link", name="Kies hoe je e-mail krijgt over werk dat op je wacht").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("E-mail over werk dat op je wacht")
    check_accessibility(page, "staff-31-preferences")
    page.get_by_label(re.compile("^Eén e-mail per dag")).check()
    page.get_by_role("button", name="Mijn keuze opslaan").click()
    expect(page).to_have_url(f"{site}/medewerkers/")
    expect(page.locator("main .portal-messages")).to_contain_text("Je keuze is opgeslagen.")
    expect(page.locator("main")).to_contain_text("Je krijgt één e-mail per dag")

    # The oldest letter, one click away.
    letters.get_by_role("link", name=older.title).click()
    decision = Decision.objects.get(dream=older)
    expect(page).to_have_url(f"{site}{reverse('staff:decision_sign', args=[decision.pk])}")
    assert not pages.errors, "\n".join(pages.errors)


def test_the_dream_list_pages_deep_and_jumps(site, staff_page: Page, pages, enabler, drunen, groen):
    """Issue 15: "next" seeks from the last row's key, with the filters kept after htmx changed
    them; staff jump to a day, a first letter or a status; each state passes axe."""
    now = timezone.now()
    for n in range(30):
        DreamFactory(
            title=f"{'ABM'[n % 3]}-droom {n:02}",
            status=Status.SUBMITTED if n % 2 else Status.PICKED_UP,
            submitted_at=now - timedelta(days=n),
            neighbourhood=drunen,
            theme=groen,
        )
    DreamFactory(title="Elders", submitted_at=now)
    page = staff_page
    staff_sign_in(page, site, enabler, path=reverse("staff:dream_list"))
    results = page.locator("#results")
    rows = results.locator("tbody tr")
    expect(results.get_by_role("status")).to_have_text("31 dromen gevonden.")

    # A filter changed by htmx; then the next page keeps it and starts after the last row.
    page.get_by_label("Dorp of wijk").select_option(label=drunen.name)
    expect(results.get_by_role("status")).to_have_text("30 dromen gevonden.")
    expect(rows.first).to_contain_text("droom 00")
    pagination = results.get_by_role("navigation", name="Pagina's")
    pagination.get_by_role("link", name="Volgende pagina").click()
    expect(page).to_have_url(re.compile(rf"neighbourhood={drunen.pk}.*&na="))
    expect(rows).to_have_count(5)
    expect(rows.first).to_contain_text("droom 25")
    check_accessibility(page, "staff-30-dream-list-next-page")
    pagination.get_by_role("link", name="Vorige pagina").click()
    expect(rows).to_have_count(25)
    expect(rows.first).to_contain_text("droom 00")

    # Jump to a day: newest first, from that day on.
    day = timezone.localdate(now - timedelta(days=10))
    page.get_by_label("Ga naar dromen ingediend tot en met deze dag").fill(day.isoformat())
    results.get_by_role("button", name="Ga", exact=True).click()
    expect(rows.first).to_contain_text("droom 10")
    expect(page).to_have_url(re.compile(rf"neighbourhood={drunen.pk}.*vanaf={day.isoformat()}"))
    check_accessibility(page, "staff-31-dream-list-jump-to-a-day")

    # Sorted by title, jump to a letter; sorted by status, jump to one.
    page.get_by_label("Sorteren op").select_option(label="Titel")
    letters = results.get_by_role("navigation", name="Ga naar titels die beginnen met")
    letters.get_by_role("link", name="M", exact=True).click()
    expect(rows.first).to_contain_text("M-droom 02")
    check_accessibility(page, "staff-32-dream-list-jump-to-a-letter")
    page.get_by_label("Sorteren op").select_option(label="Status")
    statuses = results.get_by_role("navigation", name="Ga naar een status")
    statuses.get_by_role("link", name="Opgepakt").click()
    expect(rows.first.locator(".portal-status")).to_have_text("Opgepakt")
    check_accessibility(page, "staff-33-dream-list-jump-to-a-status")
    assert not pages.errors, "\n".join(pages.errors)
