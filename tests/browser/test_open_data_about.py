"""The page about the open data in Chromium: a visitor on a phone reads what is published,
follows a download, switches to English; axe finds no WCAG 2.1 A/AA violation."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_accessibility
from tests.factories import NeighbourhoodFactory, ThemeFactory

pytestmark = pytest.mark.browser


def test_a_visitor_reads_about_the_open_data(live_server, page: Page, page_errors):
    NeighbourhoodFactory(name="Vlijmen")
    ThemeFactory(name="Groen")
    page.goto(f"{live_server.url}/open-data/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data")
    expect(page.get_by_role("heading", name="Kleine aantallen laten we niet zien")).to_be_visible()
    expect(page.get_by_role("heading", name="De velden van „Dromen per week”")).to_be_visible()
    expect(page.get_by_text("handed_in_suppressed", exact=True)).to_be_visible()
    # Nothing wider than the phone: the long field names wrap.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_accessibility(page, "open-data-about")

    # The download is a real CSV with the same columns the table explains.
    with page.expect_download() as download:
        page.get_by_role("link", name="Dromen per week als CSV").click()
    # utf-8-sig: the file starts with a byte-order mark, so that Dutch Excel reads é and ë.
    first_line = download.value.path().read_text(encoding="utf-8-sig").splitlines()[0]
    assert download.value.path().read_bytes().startswith(b"\xef\xbb\xbf")
    assert first_line.startswith("week,week_start,neighbourhood_id,neighbourhood,theme_id,theme")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Small numbers are not shown")).to_be_visible()
    check_accessibility(page, "open-data-about-en")
    assert not page_errors
