"""The public verification page of a draw in Chromium (issue 18): anyone, without an
account, reads how the panel was drawn and finds what they need to check it, on a phone and
at a desk; the announcement before the draw, the replacement and the invitation lottery
too. Every page gets an axe check."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.roles import Role
from initiatives import services
from initiatives.assembly_models import Participant
from initiatives.services import assembly_panel
from tests.assemblies.panel_world import (
    WITNESS_VALUE,
    WITNESSES,
    performed_invitation_draw,
    ready_assembly,
)
from tests.browser.conftest import DESKTOP, check_accessibility
from tests.factories import StaffFactory

pytestmark = pytest.mark.browser


def test_anyone_checks_the_panel_draw(live_server, pages, monkeypatch):
    staff = StaffFactory(email="sanne@heusden.example", roles=[Role.ENABLER])
    assembly = ready_assembly(staff, people=14)
    draw = services.panel_draw_announce(by=staff, assembly=assembly)
    phone = pages.open()

    # Announced: only the fingerprints.
    phone.goto(live_server.url + reverse("assembly_draws:page", args=[assembly.slug, "panel", 1]))
    expect(
        phone.get_by_role("heading", level=2, name="Aangekondigd, nog niet geloot")
    ).to_be_visible()
    expect(phone.get_by_text(draw.commitment)).to_be_visible()
    assert draw.secret not in phone.content()
    check_accessibility(phone, "draw-announced")

    # Performed: the seed is public while the worker computes the panel.
    monkeypatch.setattr(assembly_panel, "draw_compute_request", lambda draw: False)
    draw = services.panel_draw_perform(
        by=staff, draw=draw, witness_value=WITNESS_VALUE, witnesses=WITNESSES
    )
    phone.reload()
    expect(phone.get_by_role("heading", name="De uitkomst wordt berekend")).to_be_visible()
    expect(phone.get_by_text(draw.seed).first).to_be_visible()
    check_accessibility(phone, "draw-computing")
    monkeypatch.undo()
    draw = services.draw_compute(draw_id=draw.pk)
    phone.reload()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Panelloting 1")
    expect(phone.get_by_text(draw.secret).first).to_be_visible()
    expect(phone.get_by_text(draw.seed).first).to_be_visible()
    table = phone.get_by_role("table", name="De groep: schuilnaam, antwoorden, huishouden en kans")
    expect(table.get_by_role("row")).to_have_count(15)  # the header and 14 people
    chosen = draw.result["selected"][0]
    expect(table.get_by_role("row", name=chosen)).to_contain_text("ja")
    text = phone.content()
    assert "Naam" not in text and "@example.nl" not in text
    check_accessibility(phone, "draw-panel-phone")

    desk = pages.open(DESKTOP)
    desk.goto(phone.url)
    expect(desk.get_by_role("heading", name="Controleer het zelf")).to_be_visible()
    expect(desk.get_by_text("python manage.py assembly_draw_verify")).to_be_visible()
    check_accessibility(desk, "draw-panel-desktop")

    # The published file, from the page's link.
    with desk.expect_response(lambda r: r.url.endswith(".json")) as response:
        desk.get_by_role("link", name=live_server.url + "/burgerberaad/").click()
    assert response.value.json()["result"]["selected"] == draw.result["selected"]

    # Someone declines; the replacement draw is announced, then witnessed like the panel's.
    member = assembly.participants.filter(state=Participant.State.SELECTED).first()
    services.participant_decline(by=staff, participant=member)
    replacement = services.replacement_draw_announce(by=staff, assembly=assembly)
    desk.goto(live_server.url + reverse("assembly_draws:list", args=[assembly.slug]))
    check_accessibility(desk, "draw-list")
    desk.get_by_role("link", name="Vervangingsloting 1").click()
    expect(desk.get_by_text(replacement.commitment)).to_be_visible()
    assert replacement.secret not in desk.content()
    check_accessibility(desk, "draw-replacement-announced")
    services.replacement_draw_perform(
        by=staff, draw=replacement, witness_value="2 5", witnesses=WITNESSES
    )
    desk.reload()
    expect(desk.get_by_role("heading", name="Wie in het panel blijft")).to_be_visible()
    expect(desk.get_by_text(replacement.secret).first).to_be_visible()
    check_accessibility(desk, "draw-replacement")
    desk.get_by_role("link", name="De loting van het panel").click()
    expect(desk).to_have_url(phone.url)
    assert not pages.errors


def test_the_invitation_lotterys_page_shows_no_address(live_server, page):
    staff = StaffFactory(email="sanne@heusden.example", roles=[Role.ENABLER])
    draw = performed_invitation_draw(staff)
    page.goto(
        live_server.url + reverse("assembly_draws:page", args=[draw.assembly.slug, draw.kind, 1])
    )
    expect(page.get_by_text(draw.pool_hash)).to_be_visible()
    assert "Geheimstraat" not in page.content()
    assert draw.inputs["pool"][0] not in page.content()
    check_accessibility(page, "draw-invitations")
