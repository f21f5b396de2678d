"""A MogelijkMaker downloads all dreams found, in Chromium: the export's page follows the
worker by itself (htmx), tells a screen reader when the file is ready, and axe finds no
WCAG 2.1 A/AA violation while it is being made or once it is ready.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from initiatives import services
from initiatives.models import DreamExport
from tests.browser.conftest import check_accessibility
from tests.browser.test_report import sign_in
from tests.factories import DreamFactory, NeighbourhoodFactory
from tests.staff.conftest import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return live_server.url


def test_the_export_page_follows_the_worker_and_offers_the_whole_file(
    site, staff_page: Page, pages
):
    enabler = make_staff("MogelijkMaker", email="sanne@heusden.example", full_name="Sanne")
    vlijmen = NeighbourhoodFactory(name="Vlijmen")
    for n in range(12):
        DreamFactory(neighbourhood=vlijmen, title=f"Speeltuin {n}")
    page = staff_page
    sign_in(page, site, enabler)

    # Asked for, not yet taken by a worker: the page says so and asks again every 3 s.
    export = DreamExport.objects.create(
        requested_by=enabler, query_string=f"neighbourhood={vlijmen.pk}"
    )
    export.filters = {"neighbourhood": vlijmen.pk}
    export.save()
    page.goto(f"{site}/medewerkers/exports/{export.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dromen downloaden als CSV")
    live = page.get_by_role("status")
    expect(live).to_have_text("Even wachten: het bestand wordt zo gemaakt.")
    expect(page.get_by_text("De dromen worden geteld.")).to_be_visible()
    check_accessibility(page, "staff-40-export-waiting")

    # The worker makes it (here, in this process); the page shows it without a reload.
    services.export_build(export_id=export.pk)
    expect(live).to_have_text("Het bestand is klaar.", timeout=10_000)
    link = page.get_by_role("link", name=re.compile(r"^Download het bestand \(12 dromen, "))
    expect(link).to_be_visible()
    check_accessibility(page, "staff-41-export-ready")
    with page.expect_download() as download:
        link.click()
    body = Path(download.value.path()).read_bytes()
    assert body.startswith(b"\xef\xbb\xbf") and body.count(b"\n") == 1 + 12

    # From the list: the button asks for a new export and leads to its page.
    page.goto(f"{site}/medewerkers/dromen/?neighbourhood={vlijmen.pk}")
    page.get_by_role("button", name="Alle 12 gevonden dromen downloaden als CSV").click()
    expect(page).to_have_url(re.compile(r"/medewerkers/exports/\d+/$"))
    expect(page.get_by_role("status")).to_have_text("Het bestand is klaar.")
    assert not pages.errors, pages.errors
