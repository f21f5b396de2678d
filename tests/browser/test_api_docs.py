"""The open data API's interactive documentation (issue 19): Swagger UI served from the
portal's own static files, asking nothing of any other site, blocked by nothing in the CSP."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_the_api_docs_work_from_local_files_only(live_server, page, page_errors):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{live_server.url}/api/v1/docs")

    expect(page.get_by_text("Shared dreams").first).to_be_visible()
    expect(page.get_by_text("Stories of realised dreams").first).to_be_visible()
    assert requested and all(url.startswith(live_server.url) for url in requested), requested
    assert page_errors == []


@pytest.mark.django_db(transaction=True)
def test_the_api_docs_pass_axe_closed_open_and_tried(live_server, page):
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.get_by_text("Shared dreams").first).to_be_visible()
    check_accessibility(page, "api-docs")

    page.get_by_role("button", name="Shared dreams").first.click()
    expect(page.get_by_text("Only this neighbourhood (its id).")).to_be_visible()
    check_accessibility(page, "api-docs-operation-open")

    page.get_by_role("button", name="Try it out").first.click()
    page.get_by_role("button", name="Execute").first.click()
    expect(page.get_by_text('"count"').first).to_be_visible()
    check_accessibility(page, "api-docs-operation-tried")
