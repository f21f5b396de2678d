"""The panel of a citizens' assembly in Chromium (issue 18): a MogelijkMaker sets the quotas
(a proportional suggestion, one changed by hand, a refusal beside its field), announces the
panel draw, performs it with the witness value and names read back first, sees the page
say the draw is being computed until the worker is done (htmx, no reload), then the panel by
pseudonym; a member declines, and a replacement draw, announced and witnessed like the
panel draw, fills the seat with the quotas kept. Every page gets an axe check."""

import re

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from initiatives import services, sortition
from initiatives.assembly_models import Participant, PublicDraw
from initiatives.services import assembly_panel
from tests.assembly_panel_world import make_assembly, register_many
from tests.browser.conftest import DESKTOP, check_accessibility
from tests.browser.test_staff_flows import staff_sign_in
from tests.factories import StaffFactory

pytestmark = pytest.mark.browser

AGES, GENDERS = ("jong", "midden", "oud"), ("vrouw", "man")


@pytest.fixture
def site(live_server, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return live_server.url


def test_staff_draw_a_panel_and_a_replacement(site, pages, monkeypatch):
    enabler = StaffFactory(
        email="sanne@heusden.example", full_name="Sanne de Vries", roles=[Role.ENABLER]
    )
    assembly = make_assembly(enabler, panel_size=6)
    noord, zuid = assembly.neighbourhoods.order_by("name")
    register_many(
        assembly,
        [(AGES[i % 3], GENDERS[(i // 3) % 2], (noord if i % 4 else zuid).slug) for i in range(24)],
    )
    quotas_path = f"/medewerkers/burgerberaad/{assembly.pk}/quota/"
    panel_path = f"/medewerkers/burgerberaad/{assembly.pk}/panel/"

    # 1. The quotas: the counts beside them, a proportional suggestion, a refusal, saved.
    staff = pages.open(DESKTOP)
    staff_sign_in(staff, site, enabler, path=quotas_path)
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"Quota: {assembly.title}")
    check_accessibility(staff, "assembly-panel-1-quotas")
    staff.get_by_label("de mensen die zich hebben aangemeld").check()
    staff.get_by_role("button", name="Proportioneel").click()
    expect(staff.get_by_text("De quota hieronder zijn een voorstel")).to_be_visible()
    young_min = staff.get_by_label("Minstens: 16 tot 35 jaar")
    expect(young_min).to_have_value("1")  # 6 seats x 8 of 24: two, one either way
    expect(staff.get_by_label("Hoogstens: 16 tot 35 jaar")).to_have_value("3")
    check_accessibility(staff, "assembly-panel-2-suggested")
    staff.get_by_label("Hoogstens: Vrouw").fill("2")
    staff.get_by_label("Minstens: Vrouw").fill("3")
    staff.get_by_role("button", name="Quota opslaan").click()
    refusal = "Het maximum kan niet lager zijn dan het minimum (3)."
    expect(staff.get_by_text(refusal, exact=True)).to_be_visible()  # beside the field
    expect(staff.get_by_role("link", name=f"Hoogstens: Vrouw: {refusal}")).to_be_visible()
    expect(staff.get_by_label("Minstens: Vrouw")).to_have_value("3")
    check_accessibility(staff, "assembly-panel-3-refused")
    staff.get_by_label("Hoogstens: Vrouw").fill("3")
    staff.get_by_label("Minstens: Man").fill("3")
    staff.get_by_label("Hoogstens: Man").fill("3")
    staff.get_by_label("Hoogstens: Man").press("Enter")  # Enter saves: the first button
    expect(staff.get_by_text("De quota zijn opgeslagen.")).to_be_visible()
    expect(staff.get_by_label("Minstens: Vrouw")).to_have_value("3")

    # 2. The panel page: the quotas against the pool, then the announcement.
    staff.get_by_role("link", name="De loting van het panel").click()
    expect(staff).to_have_url(f"{site}{panel_path}")
    expect(staff.get_by_text("24 mensen zitten in de pool.")).to_be_visible()
    check_accessibility(staff, "assembly-panel-4-before")
    staff.get_by_role("button", name="De loting van het panel aankondigen").click()
    expect(staff.locator("#commitment")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    draw = PublicDraw.objects.get(assembly=assembly, kind=PublicDraw.Kind.PANEL)
    expect(staff.locator("#commitment")).to_have_text(draw.commitment)
    check_accessibility(staff, "assembly-panel-5-announced")

    # 3. The witnesses: a value and their names, read back, then the draw.
    staff.get_by_label("Waarde van de getuigen").fill("3 5 1 6")
    staff.get_by_role("button", name="Volgende: controleren met de getuigen").click()
    expect(staff.get_by_text("Vul de namen van de getuigen in.").first).to_be_visible()
    expect(staff.get_by_label("Waarde van de getuigen")).to_have_value("3 5 1 6")
    staff.get_by_label("Namen van de getuigen").fill("Fatma Demir, Joop de Wit")
    staff.get_by_role("button", name="Volgende: controleren met de getuigen").click()
    expect(staff.locator("#confirm-witness-value")).to_have_text("3 5 1 6")
    check_accessibility(staff, "assembly-panel-6-confirm")
    assert not Participant.objects.filter(state=Participant.State.SELECTED).exists()
    # The worker is slow today: the page says the draw is being computed, and follows it.
    asked = []
    monkeypatch.setattr(assembly_panel, "draw_compute_request", lambda draw: asked.append(draw))
    staff.get_by_role("button", name="Klopt: loot het panel nu").click()
    expect(staff.get_by_role("heading", name="De loting wordt berekend…")).to_be_visible()
    expect(staff.get_by_text("De uitkomst wordt berekend.", exact=False)).to_be_visible()
    draw.refresh_from_db()
    assert draw.seed and [d.pk for d in asked] == [draw.pk]
    check_accessibility(staff, "assembly-panel-6b-computing")
    services.draw_compute(draw_id=draw.pk)  # the worker is done; the page reloads itself
    expect(staff.locator("#quotas-verdict")).to_have_text("Het panel voldoet aan elk quotum.")
    members = list(assembly.participants.filter(state=Participant.State.SELECTED))
    assert len(members) == 6
    for member in members:
        expect(staff.get_by_role("rowheader", name=member.pseudonym)).to_be_visible()
    expect(staff.get_by_text(members[0].name, exact=True)).to_have_count(0)  # pseudonyms only
    check_accessibility(staff, "assembly-panel-7-drawn")

    # 4. A member declines; a replacement draw fills the seat and the quotas still hold.
    leaving = members[0]
    staff.get_by_role("button", name=f"Bedankt / zegt af ({leaving.pseudonym})").click()
    expect(staff.get_by_text(f"{leaving.pseudonym} heeft bedankt")).to_be_visible()
    expect(staff.get_by_text("1 plaats is open.", exact=False)).to_be_visible()
    check_accessibility(staff, "assembly-panel-8-declined")
    monkeypatch.undo()  # the worker is quick again
    staff.get_by_role("button", name="Vervangende loting aankondigen").click()
    replacement = PublicDraw.objects.get(assembly=assembly, kind=PublicDraw.Kind.REPLACEMENT)
    expect(staff.locator("#replacement-commitment")).to_have_text(replacement.commitment)
    check_accessibility(staff, "assembly-panel-9-replacement-announced")
    staff.get_by_label("Waarde van de getuigen").fill("6 6 2")
    staff.get_by_label("Namen van de getuigen").fill("Fatma Demir")
    staff.get_by_role("button", name="Volgende: controleren met de getuigen").click()
    expect(staff.locator("#confirm-witness-value")).to_have_text("6 6 2")
    staff.get_by_role("button", name="Klopt: loot de vervangers nu").click()
    expect(
        staff.get_by_text(re.compile(r"Vervangende loting 1: P-\d{4} is bij het panel"))
    ).to_be_visible()
    expect(staff.get_by_text("Elke plaats is bezet.")).to_be_visible()
    expect(staff.locator("#quotas-verdict")).to_have_text("Het panel voldoet aan elk quotum.")
    check_accessibility(staff, "assembly-panel-10-replaced")
    panel = assembly.participants.filter(state=Participant.State.SELECTED)
    assert panel.count() == 6 and leaving not in panel
    assert sortition.quotas_hold(draw.inputs["quotas"], [p.features for p in panel], panel_size=6)
