"""'Elders gelukt' in Chromium: stories of two other municipalities, one with markup in its
title that must show as text and never run; the source named and its link there; the pages;
axe finds nothing on a phone and on a desktop screen, with stories and without."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from initiatives.peer_models import PeerInstallation, PeerStory
from tests.browser.conftest import DESKTOP, PHONE, check_accessibility

pytestmark = pytest.mark.browser


def _peer(name: str) -> PeerInstallation:
    return PeerInstallation.objects.create(
        name=name,
        feed_url=f"https://{name.split()[-1].lower()}.example/api/v1/stories/",
        last_success_at=timezone.now(),
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_stories_from_elsewhere(live_server, pages, viewport):
    name = "phone" if viewport == PHONE else "desktop"
    vught, capelle = _peer("Gemeente Vught"), _peer("Gemeente Capelle")
    for number in range(22):
        PeerStory.objects.create(
            peer=vught if number % 2 else capelle,
            remote_id=str(number),
            title=f"Moestuin {number}",
            village="Cromvoirt",
            theme="Groen",
            dreamt="Een moestuin voor de hele straat.\nMet een bankje.",
            own_part="Wij wieden elke zaterdag.",
            realised_on=date(2026, 1, 1) + timedelta(days=number),
            granted_total=Decimal("750.00"),
            url=f"https://vught.example/verhalen/{number}/",
        )
    PeerStory.objects.create(
        peer=vught,
        remote_id="x",
        title="<script>window.gehackt = true</script>Speeltuin",
        realised_on=date(2026, 6, 1),
        granted_total=Decimal("0"),
        url="https://vught.example/verhalen/x/",
    )
    page = pages.open(viewport)
    page.goto(f"{live_server.url}/elders-gelukt/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Elders gelukt")
    first = page.get_by_role("article").first
    expect(first.get_by_role("heading", level=2)).to_have_text(
        "<script>window.gehackt = true</script>Speeltuin"
    )
    assert page.evaluate("() => window.gehackt === undefined")
    link = page.get_by_role("link", name="Lees het hele verhaal bij Gemeente Vught").first
    expect(link).to_have_attribute("href", "https://vught.example/verhalen/x/")
    expect(page.get_by_role("article").nth(2)).to_contain_text("Gemeente Capelle")  # Moestuin 20
    check_accessibility(page, f"elsewhere-{name}-1")

    page.get_by_role("link", name="Volgende pagina").click()
    expect(page.get_by_text("Pagina 2 van 2")).to_be_visible()
    expect(page.get_by_role("article")).to_have_count(3)
    check_accessibility(page, f"elsewhere-{name}-2")
    assert not pages.errors


def test_no_stories_yet(live_server, page):
    page.goto(f"{live_server.url}/elders-gelukt/")
    expect(page.get_by_text("Er zijn nog geen verhalen uit andere gemeenten.")).to_be_visible()
    check_accessibility(page, "elsewhere-empty")
