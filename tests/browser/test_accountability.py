"""Accounting for the money afterwards (issue 16, item 5), in Chromium, checked with axe: the
manager marks the grant paid, the resident reports with a photo of a receipt, the
MogelijkMaker asks a question, the resident answers, the MogelijkMaker accepts."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from initiatives import services
from initiatives.models import Accountability, Application, Dream, Fund, Grant
from initiatives.statuses import Status
from tests.browser.conftest import check_accessibility
from tests.browser.test_staff_flows import (  # noqa: F401 - fixtures
    drunen,
    enabler,
    groen,
    in_conversation_with_review,
    manager,
    resident_page,
    site,
    staff_sign_in,
    submit_dream,
)
from tests.conftest import image_bytes
from tests.factories import FundFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def granted(site, enabler, drunen, groen):  # noqa: F811
    """Noor's dream, granted € 400 from the neighbourhood fund, then realised."""
    resident = UserFactory(email="noor@example.nl", full_name="Noor Nieuw")
    dream = in_conversation_with_review(
        submit_dream(resident, "Plantenbakken in de Kerkstraat", drunen, groen), enabler
    )
    fund = FundFactory(
        name="Wijkfonds Drunen",
        neighbourhood=drunen,
        decider=Fund.Decider.STAFF,
        open_for_applications=True,
    )
    application = Application.objects.create(
        dream=dream,
        fund=fund,
        applicant=Application.Applicant.RESIDENT,
        requested=Decimal(400),
        submitted_by=resident,
    )
    line = application.lines.create(description="Plantenbakken", amount=Decimal(400))
    services.application_decide(
        application=application,
        by=enabler,
        line_amounts={line.pk: Decimal(400)},
        reasons="Past bij de opgave Groen in de wijk.",
    )
    Dream.objects.filter(pk=dream.pk).update(status=Status.REALISED, closed_at=timezone.now())
    dream.refresh_from_db()
    return application, resident, dream


def test_the_money_is_paid_reported_questioned_and_accepted(
    site,  # noqa: F811
    pages,
    staff_page: Page,
    granted,
    enabler,  # noqa: F811
    manager,  # noqa: F811
    tmp_path,
    page_errors,
):
    application, resident, dream = granted

    # a. The manager marks the money paid.
    staff_sign_in(staff_page, site, manager, path="/medewerkers/betalingen/")
    check_accessibility(staff_page, "accountability-1-payments")
    staff_page.get_by_role("button", name=re.compile(r"^(Betaald|Paid)")).click()
    expect(staff_page.get_by_role("status")).to_contain_text(re.compile("betaald|paid", re.I))
    assert Grant.objects.get(dream=dream).paid_at is not None

    # b. The resident reports, with a photo of the receipt.
    receipt = tmp_path / "bon.jpg"
    receipt.write_bytes(image_bytes("JPEG"))
    page = resident_page(pages, site, resident, dream)
    page.goto(f"{site}/mijn-dromen/{dream.pk}/aanvragen/{application.pk}/verantwoording/")
    check_accessibility(page, "accountability-2-resident-form")
    page.get_by_label(re.compile("Wat heb je met het geld gedaan|What did you do")).fill(
        "Zes plantenbakken gekocht en met de buren gevuld."
    )
    page.get_by_label(re.compile("Hoeveel geld|How much money")).fill("385,50")
    page.get_by_label(re.compile("bonnetjes|receipts", re.I)).set_input_files(str(receipt))
    page.get_by_role("button", name=re.compile("^(Verslag versturen|Send report)")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(dream.title)
    report = Accountability.objects.get()
    assert (report.spent, report.files.count()) == (Decimal("385.50"), 1)

    # c. The MogelijkMaker asks a question.
    staff_page.get_by_role("button", name=re.compile(r"^(Uitloggen|Sign out)")).click()
    staff_sign_in(staff_page, site, enabler, path=f"/medewerkers/verantwoording/{report.pk}/")
    check_accessibility(staff_page, "accountability-3-staff-report")
    staff_page.get_by_label(re.compile("Je vraag|Your question")).fill(
        "Waar is de bon van de aarde?"
    )
    staff_page.get_by_role("button", name=re.compile("vraag|question", re.I)).click()
    expect(staff_page).to_have_url(f"{site}/medewerkers/verantwoording/")
    check_accessibility(staff_page, "accountability-4-staff-list")

    # d. The resident reads the question and answers it.
    page.goto(f"{site}/mijn-dromen/{dream.pk}/aanvragen/{application.pk}/verantwoording/")
    expect(page.locator("main")).to_contain_text("Waar is de bon van de aarde?")
    check_accessibility(page, "accountability-5-resident-question")
    page.get_by_label(re.compile("Wat heb je met het geld gedaan|What did you do")).fill(
        "Zes plantenbakken; de bon van de aarde zit er nu bij."
    )
    page.get_by_label(re.compile("bonnetjes|receipts", re.I)).set_input_files(str(receipt))
    page.get_by_role("button", name=re.compile("^(Verslag versturen|Send report)")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(dream.title)

    # e. The MogelijkMaker accepts.
    staff_page.goto(f"{site}/medewerkers/verantwoording/{report.pk}/")
    staff_page.get_by_role(
        "button", name=re.compile("^(Verslag goedkeuren|Accept the report)")
    ).click()
    expect(staff_page).to_have_url(f"{site}/medewerkers/verantwoording/")
    report.refresh_from_db()
    assert report.state == Accountability.State.ACCEPTED
    assert not page_errors
