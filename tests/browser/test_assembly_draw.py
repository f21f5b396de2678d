"""The invitation lottery in Chromium (issue 18, stage 1): a MogelijkMaker prepares a
citizens' assembly with its features, announces the draw (the commitment to publish),
performs it with the witnesses' value after a step to check, and downloads the letters for
the print shop. Every page gets an axe check."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.roles import Role
from initiatives import assembly_codes
from initiatives.assembly_models import Assembly, Invitation, PublicDraw
from initiatives.sortition_invitations import invitation_draw_rerun
from tests.browser.conftest import DESKTOP, check_accessibility
from tests.browser.test_staff_flows import staff_sign_in
from tests.factories import NeighbourhoodFactory, StaffFactory
from tests.staff.assembly_world import make_households
from tests.staff.test_report import _pdftotext

pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return live_server.url


def test_staff_prepare_and_run_the_invitation_lottery(site, pages):
    enabler = StaffFactory(
        email="sanne@heusden.example", full_name="Sanne de Vries", roles=[Role.ENABLER]
    )
    east = NeighbourhoodFactory(name="Vlijmen-Oost")
    NeighbourhoodFactory(name="Drunen")
    make_households(east, 20)

    # 1. The assembly: a missing question is said beside its field, nothing typed is lost.
    staff = pages.open(DESKTOP)
    staff_sign_in(staff, site, enabler, path="/medewerkers/burgerberaad/")
    expect(staff.get_by_role("heading", level=1)).to_have_text("Burgerberaden")
    check_accessibility(staff, "assembly-1-list")
    staff.get_by_role("link", name="Burgerberaad voorbereiden").click()
    form = staff.locator("main form.portal-form")
    form.get_by_label(re.compile("^Naam van het burgerberaad")).fill("Burgerberaad Vlijmen-Oost")
    form.get_by_label(re.compile("^Webadres")).fill("vlijmen-oost")
    form.get_by_label("Vlijmen-Oost").check()
    form.get_by_label(re.compile("^Aantal brieven")).fill("6")
    form.get_by_label(re.compile("^Grootte van het beraad")).fill("3")
    form.get_by_role("button", name="Opslaan").click()
    expect(staff.locator("#id_question_error")).to_have_text(
        "Vul de vraag van het burgerberaad in."
    )
    expect(form.get_by_label(re.compile("^Naam van het burgerberaad"))).to_have_value(
        "Burgerberaad Vlijmen-Oost"
    )
    check_accessibility(staff, "assembly-2-form-error")
    form.get_by_label(re.compile("^De vraag van het burgerberaad")).fill(
        "Hoe maken we Vlijmen-Oost groener en veiliger?"
    )
    form.get_by_role("button", name="Opslaan").click()
    expect(staff.locator("#page-messages")).to_contain_text("is opgeslagen")
    expect(staff.get_by_role("heading", level=1)).to_have_text("Burgerberaad Vlijmen-Oost")
    expect(staff.locator("main")).to_contain_text("20 huishoudens")
    check_accessibility(staff, "assembly-3-detail")
    assembly = Assembly.objects.get()

    # 2. Two features, their answers one per line.
    for question, answers in (
        ("Hoe oud ben je?", "16-29: 16 tot 30 jaar\n30-59: 30 tot 60 jaar\n60: 60 of ouder"),
        ("Wil je meer groen in je straat?", "Ja\nNee\nWeet ik niet"),
    ):
        staff.get_by_role("link", name="Kenmerk toevoegen").click()
        form = staff.locator("main form.portal-form")
        form.get_by_label(re.compile("^Vraag op het aanmeldformulier")).fill(question)
        form.get_by_label(re.compile("^Antwoorden, één per regel")).fill(answers)
        if question.startswith("Hoe oud"):
            check_accessibility(staff, "assembly-4-feature")
        form.get_by_role("button", name="Kenmerk opslaan").click()
        expect(staff.locator("#page-messages")).to_contain_text("is opgeslagen")
    features = staff.locator("#assembly-features").locator("xpath=..")
    expect(features).to_contain_text("60 of ouder")
    expect(features).to_contain_text("Weet ik niet")
    assert list(assembly.features.values_list("key", flat=True)) == [
        "hoe-oud-ben-je",
        "wil-je-meer-groen-in-je-straat",
    ]

    # 3. The announcement: the commitment and the pool's fingerprint, to publish in advance.
    staff.get_by_role("link", name="Loting aankondigen").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Loting aankondigen")
    check_accessibility(staff, "assembly-5-announce")
    staff.locator("main form").get_by_role("button", name="Loting aankondigen").click()
    expect(staff.locator("#page-messages")).to_contain_text("De loting is aangekondigd.")
    draw = PublicDraw.objects.get()
    announcement = staff.locator("#announcement-text")
    expect(announcement).to_contain_text(draw.commitment)
    expect(announcement).to_contain_text(draw.pool_hash)
    expect(announcement).to_contain_text("6 huishoudens in Vlijmen-Oost")
    expect(staff.locator("main")).not_to_contain_text(draw.secret)
    check_accessibility(staff, "assembly-6-announcement")

    # 4. The draw in front of witnesses: a missing name is said; then a step to check.
    staff.get_by_role("link", name="Loting doen").click()
    form = staff.locator("main form.portal-form")
    form.get_by_label(re.compile("^Waarde van de getuigen")).fill("4 2 6 1 3")
    form.get_by_role("button", name="Volgende: controleren").click()
    expect(staff.locator("#id_witnesses_error")).to_have_text("Vul de namen van de getuigen in.")
    expect(form.get_by_label(re.compile("^Waarde van de getuigen"))).to_have_value("4 2 6 1 3")
    check_accessibility(staff, "assembly-7-perform-error")
    form.get_by_label(re.compile("^Namen van de getuigen")).fill("Jan de Notaris, Fatima Bakkal")
    form.get_by_role("button", name="Volgende: controleren").click()
    expect(staff.get_by_role("heading", level=2)).to_contain_text(["Controleer voor de loting"])
    expect(staff.locator("main")).to_contain_text("Fatima Bakkal")
    check_accessibility(staff, "assembly-8-perform-check")
    assert not Invitation.objects.exists()
    staff.get_by_role("button", name="Nu loten").click()
    expect(staff.locator("#page-messages")).to_contain_text("6 huishoudens krijgen een brief")
    draw.refresh_from_db()
    expect(staff.locator("main")).to_contain_text(draw.secret)
    expect(staff.locator("main")).to_contain_text(draw.seed)
    check_accessibility(staff, "assembly-9-drawn")
    rerun = invitation_draw_rerun(draw.inputs["pool"], 6, draw.seed)
    drawn = Invitation.objects.filter(draw=draw).order_by("position")
    assert [i.address.bag_id for i in drawn.select_related("address")] == rerun

    # 5. The letters for the print shop: one PDF, a page per household, each with its code.
    with staff.expect_download() as download:
        staff.get_by_role("link", name="Download de brieven (pdf)").click()
    pdf = download.value.path().read_bytes()
    text = _pdftotext(pdf)
    assert text.count("\f") == 6
    for position in range(1, 7):
        assert assembly_codes.code_for(draw_id=draw.pk, position=position) in text
    assert text.count("Aan de bewoners van") == 6

    # The assembly's page now says the letters went out, and offers no feature changes.
    staff.goto(f"{site}{reverse('staff:assembly', args=[assembly.pk])}")
    expect(staff.locator("main")).to_contain_text("Brieven verstuurd, aanmelden kan")
    expect(staff.get_by_role("link", name="Kenmerk toevoegen")).to_have_count(0)
    check_accessibility(staff, "assembly-10-inviting")
    assert not pages.errors, pages.errors
