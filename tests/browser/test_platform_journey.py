"""A neighbourhood platform in Chromium (issue 16): a resident shares their dream, the chair
writes an agenda item and links the shared dream, the public sees the agenda, members read
the shared dream without its resident's data, the chair invites, the invitee opens the link;
staff invite from their own page. Every page built for platforms gets an axe check."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.roles import Role
from initiatives import services
from initiatives.models import OutboxMail
from initiatives.platform_models import PlatformMember
from tests.browser.conftest import DESKTOP, check_accessibility
from tests.browser.test_staff_flows import staff_sign_in
from tests.factories import NeighbourhoodFactory, StaffFactory, ThemeFactory, UserFactory
from tests.neighbourhoods.helpers import add_member, make_platform

pytestmark = pytest.mark.browser

ITEM_TITLE = "Veilig naar school"
DREAM_TITLE = "Klaar-overs bij de basisschool"


@pytest.fixture
def site(live_server, settings):
    settings.MAILERS = {"default": {"BACKEND": "config.mailbox.MailboxBackend"}}
    settings.SITE_URL = live_server.url
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return live_server.url


@pytest.fixture
def platform(site):
    return make_platform(NeighbourhoodFactory(name="Drunen"))


def signed_in(pages, site: str, user, path: str) -> Page:
    page = pages.open()
    page.goto(services.sign_in_link_build(user=user, next_url=path))
    expect(page).to_have_url(f"{site}{path}")
    return page


def test_a_chair_writes_the_agenda_and_links_a_shared_dream(site, pages, platform):
    slug = platform.slug
    chair = add_member(platform, role=PlatformMember.Role.CHAIR, full_name="Clara Voorzitter").user
    resident = UserFactory(email="noor@example.nl", full_name="Noor Nieuw", phone="0612345678")
    dream = services.dream_submit(
        resident=resident,
        title=DREAM_TITLE,
        story="Ouders willen samen de oversteek bij school veilig maken.",
        own_contribution="Wij maken een rooster van ouders die klaar-over zijn.",
        needs_from_municipality="Hesjes en een bord.",
        neighbourhood=platform.neighbourhood,
        theme=ThemeFactory(name="Verkeer"),
        location="Schoolstraat 4",
        contact_name="Noor Nieuw",
        contact_phone="06 12345678",
        confirmed=True,
    )

    # 1. The resident reads what sharing means, and shares.
    mine = signed_in(pages, site, resident, reverse("residents:dream_detail", args=[dream.pk]))
    section = mine.locator(
        "section", has=mine.get_by_role("heading", name=re.compile("wijkplatform"))
    )
    expect(section).to_contain_text("De leden zien niet:")
    check_accessibility(mine, "platform-1-dream-share")
    section.get_by_role("button", name="Deel deze droom met het wijkplatform").click()
    expect(mine.locator("#page-messages")).to_contain_text("gedeeld met het wijkplatform")
    expect(mine.get_by_role("button", name="Stop met delen")).to_be_visible()
    expect(mine.locator("#tijdlijn")).to_contain_text("Gedeeld met het wijkplatform")

    # 2. The chair writes an agenda item; a missing title is said beside the field.
    agenda = f"/wijken/{slug}/agenda/"
    page = signed_in(pages, site, chair, agenda)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"De agenda van {platform.name}")
    check_accessibility(page, "platform-2-agenda-empty")
    form = page.locator("main form.portal-form")
    form.get_by_label("Wat en waarom").fill("Kinderen moeten veilig naar school kunnen lopen.")
    form.get_by_role("button", name="Op de agenda zetten").click()
    expect(page.locator("#id_title_error")).to_have_text("Geef het agendapunt een korte titel.")
    expect(form.get_by_label("Wat en waarom")).to_have_value(
        "Kinderen moeten veilig naar school kunnen lopen."
    )
    check_accessibility(page, "platform-3-agenda-error")
    form.get_by_label(re.compile("^Titel van het agendapunt")).fill(ITEM_TITLE)
    form.get_by_role("button", name="Op de agenda zetten").click()
    expect(page).to_have_url(f"{site}{agenda}")
    expect(page.locator("#page-messages")).to_contain_text("Het agendapunt is toegevoegd.")
    expect(page.get_by_role("heading", level=3, name=ITEM_TITLE)).to_be_visible()
    check_accessibility(page, "platform-4-agenda")

    # 3. It links the shared dream.
    page.get_by_role("link", name=f"“{ITEM_TITLE}” wijzigen of dromen koppelen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ITEM_TITLE)
    check_accessibility(page, "platform-5-agenda-item")
    page.get_by_label("Gedeelde droom").select_option(label=DREAM_TITLE)
    page.get_by_role("button", name="Deze droom koppelen").click()
    expect(page.locator("#page-messages")).to_contain_text("De droom hoort nu bij dit agendapunt.")
    unlink = re.compile(rf"^Loskoppelen\s*: {re.escape(DREAM_TITLE)}$")
    expect(page.get_by_role("button", name=unlink)).to_be_visible()
    check_accessibility(page, "platform-6-agenda-item-linked")

    # 4. The public page: the agenda, the dream counted (its resident does not show it).
    public = pages.open()
    public.goto(f"{site}/wijken/")
    check_accessibility(public, "platform-7-list")
    public.get_by_role("link", name=platform.name).click()
    expect(public.get_by_role("heading", level=3, name=ITEM_TITLE)).to_be_visible()
    expect(public.locator("main")).to_contain_text("1 droom waarvan de bewoner")
    expect(public.locator("main")).not_to_contain_text(DREAM_TITLE)
    check_accessibility(public, "platform-8-public")

    # 5. Members read the dream, never who handed it in.
    page.goto(f"{site}/wijken/{slug}/leden/")
    main = page.locator("main")
    expect(main).to_contain_text(DREAM_TITLE)
    expect(main).to_contain_text("Wij maken een rooster")
    expect(main).to_contain_text(ITEM_TITLE)
    for personal in ("Noor Nieuw", "noor@example.nl", "Schoolstraat", "06 12345678"):
        expect(main).not_to_contain_text(personal)
    check_accessibility(page, "platform-9-members")

    # 6. The chair invites; the invitee opens the link (and GET changes nothing).
    page.goto(f"{site}/wijken/{slug}/uitnodigen/")
    page.get_by_label("E-mailadres van de bewoner die je uitnodigt").fill("nieuw@example.nl")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.locator("#page-messages")).to_contain_text("nieuw@example.nl")
    check_accessibility(page, "platform-10-invite")
    mail = OutboxMail.objects.get(to_email="nieuw@example.nl")
    link = re.search(r"https?://\S+/wijken/uitnodiging/\S+/", mail.body_text).group(0)
    invited = pages.open()
    invited.goto(link)
    expect(invited.get_by_role("link", name="Inloggen om lid te worden")).to_be_visible()
    check_accessibility(invited, "platform-11-invitation")
    assert not PlatformMember.objects.filter(user__email="nieuw@example.nl").exists()

    # 7. A resident who is no member is told who the members' area is for.
    mine.goto(f"{site}/wijken/{slug}/leden/")
    expect(mine.get_by_role("heading", level=1)).to_have_text("Alleen voor leden")
    check_accessibility(mine, "platform-12-members-only")
    assert not pages.errors, pages.errors


def test_staff_invite_from_their_page(site, pages, platform):
    enabler = StaffFactory(
        email="sanne@heusden.example", full_name="Sanne de Vries", roles=[Role.ENABLER]
    )
    page = pages.open(DESKTOP)
    staff_sign_in(page, site, enabler, path="/medewerkers/wijkplatforms/")
    check_accessibility(page, "platform-13-staff")
    page.get_by_label(re.compile("^Platform")).select_option(label=platform.name)
    page.get_by_label(re.compile("^E-mailadres van de bewoner")).fill("voorzitter@example.nl")
    page.get_by_label("Voorzitter", exact=True).check()
    page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.locator("#page-messages")).to_contain_text("voorzitter@example.nl")
    expect(page.locator("main")).to_contain_text("voorzitter@example.nl · Wijkplatform Drunen")
    check_accessibility(page, "platform-14-staff-invited")
    assert not pages.errors, pages.errors
