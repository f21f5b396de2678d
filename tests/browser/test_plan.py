"""
A dream's plan in the workspace (issue 17), clicked through in Chromium on a desktop screen:
the MogelijkMaker adds what the dream needs, records who covers it (a grant from the
Dromenfonds, a housing corporation's money, the residents' own hours), sees each need
covered and the totals, is told in Dutch next to the field what is missing, and withdraws a
contribution; the resident reads what is arranged. Every state gets an axe check (WCAG 2.1
A/AA) and a screenshot.
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from initiatives import services
from initiatives.partner_models import Organisation
from initiatives.plan_models import Contribution, PlanNeed
from tests.browser.conftest import check_accessibility
from tests.browser.test_staff_flows import (
    drunen,  # noqa: F401 - fixtures used by the test below
    enabler,  # noqa: F401
    fund,  # noqa: F401
    groen,  # noqa: F401
    hidden_suffix,
    in_conversation_with_review,
    panel,
    resident_page,
    site,  # noqa: F401
    staff_sign_in,
    submit_dream,
    success_message,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_the_plan_add_a_need_record_contributions_see_them_cover_it(
    site,  # noqa: F811
    staff_page: Page,
    pages,
    enabler,  # noqa: F811
    fund,  # noqa: F811
    drunen,  # noqa: F811
    groen,  # noqa: F811
):
    resident = UserFactory(email="anna@example.nl", full_name="Anna de Bewoner")
    dream = submit_dream(resident, "Groene speelplek", drunen, groen)
    in_conversation_with_review(dream, enabler)
    services.grant_create(
        dream=dream, by=enabler, fund=fund, amount=Decimal(400), purpose="Speeltoestel"
    )
    Organisation.objects.create(
        kind="housing",
        name="Woonstichting Heusden Thuis",
        contact_name="Ria Verhuur",
        contact_email="ria@heusdenthuis.example",
        one_face=enabler,
    )
    page = staff_page
    staff_sign_in(page, site, enabler, path=reverse("staff:dream_workspace", args=[dream.pk]))
    plan = panel(page, "Plan: wat er nodig is en wie het dekt")
    expect(plan).to_contain_text("Nog niets in het plan.")
    check_accessibility(page, "plan-01-empty")

    # a. A need without an amount: said next to the field, the description kept.
    plan.locator("#id_need-description").fill("Speeltoestel en tegels")
    need_form = plan.locator("form[action$='/plan/behoefte/']")
    need_form.get_by_role("group", name="Soort").get_by_label("Geld", exact=True).check()
    plan.get_by_role("button", name="Aan het plan toevoegen").click()
    plan = panel(page, "Plan: wat er nodig is en wie het dekt")
    expect(plan.locator("#id_need-amount_error")).to_contain_text(
        "Vul een bedrag in euro in, meer dan 0."
    )
    expect(plan.locator("#id_need-description")).to_have_value("Speeltoestel en tegels")
    check_accessibility(page, "plan-02-need-error")
    plan.locator("#id_need-amount").fill("1.000")
    plan.get_by_role("button", name="Aan het plan toevoegen").click()
    expect(success_message(page)).to_have_text("Het is toegevoegd aan het plan.")

    # b. An hours need.
    plan = panel(page, "Plan: wat er nodig is en wie het dekt")
    plan.locator("#id_need-description").fill("Aanleggen")
    need_form = plan.locator("form[action$='/plan/behoefte/']")
    need_form.get_by_role("group", name="Soort").get_by_label("Uren", exact=True).check()
    plan.locator("#id_need-hours").fill("20")
    plan.get_by_role("button", name="Aan het plan toevoegen").click()
    expect(page.locator("#plan-table")).to_contain_text("Aanleggen")
    money, hours = PlanNeed.objects.filter(dream=dream).order_by("id")

    # c. The grant from the Dromenfonds covers part of the money.
    def record(source: str, need: PlanNeed, **fields) -> None:
        form = panel(page, "Plan: wat er nodig is en wie het dekt").locator(
            "form[action$='/plan/bijdrage/']"
        )
        form.get_by_role("group", name="Waar komt het vandaan?").get_by_label(
            source, exact=True
        ).check()
        for label, value in fields.items():
            if label == "kind":
                form.get_by_role("group", name="Soort").get_by_label(value, exact=True).check()
            elif label in ("grant", "organisation"):
                form.locator(f"#id_contribution-{label}").select_option(label=value)
            else:
                form.locator(f"#id_contribution-{label}").fill(value)
        form.locator("#id_contribution-need").select_option(label=need.description)
        form.get_by_role("button", name="Bijdrage vastleggen").click()

    record("Bijdrage uit een fonds", money, grant="€ 400,00 — Speeltoestel (Dromenfonds)")
    expect(success_message(page)).to_have_text("De bijdrage is vastgelegd.")
    expect(page.locator("#plan-table")).to_contain_text("Dromenfonds")

    # d. The corporation without an amount: refused next to the field, then given.
    record("Partner", money, organisation="Woonstichting Heusden Thuis", kind="Geld")
    plan = panel(page, "Plan: wat er nodig is en wie het dekt")
    expect(plan.locator("#id_contribution-amount_error")).to_contain_text(
        "Vul een bedrag in euro in, meer dan 0."
    )
    check_accessibility(page, "plan-03-contribution-error")
    record(
        "Partner",
        money,
        organisation="Woonstichting Heusden Thuis",
        kind="Geld",
        amount="600",
    )
    expect(page.locator("#plan-table")).to_contain_text("Woonstichting Heusden Thuis")

    # e. The residents' own hours, 16 of the 20.
    record("De bewoners zelf", hours, kind="Uren", hours="16", description="Met de buren")
    expect(page.locator("#plan-table")).to_contain_text("De bewoners zelf")

    plan = panel(page, "Plan: wat er nodig is en wie het dekt")
    table = plan.locator("#plan-table")
    money_row = table.get_by_role("row").filter(has_text="Speeltoestel en tegels")
    expect(money_row).to_contain_text("Dromenfonds, Woonstichting Heusden Thuis")
    contributions = plan.get_by_role("list").filter(has_text="Dromenfonds: € 400,00")
    expect(contributions).to_contain_text(
        "Woonstichting Heusden Thuis: € 600,00 (dekt “Speeltoestel en tegels”)"
    )
    expect(money_row.get_by_role("cell").nth(2)).to_have_text("gedekt")
    hours_row = table.get_by_role("row").filter(has_text="Aanleggen")
    expect(hours_row.get_by_role("cell").nth(2)).to_have_text("4 uur")
    expect(plan.locator("#plan-totals")).to_contain_text("€ 1.000,00 van € 1.000,00")
    expect(plan.locator("#plan-totals")).to_contain_text("16 van 20 uur")
    expect(page.locator(".portal-facts")).to_contain_text("€ 1.000,00 van € 1.000,00 gedekt")
    check_accessibility(page, "plan-04-covered")

    # f. The corporation withdraws: kept, no longer counted, the money open again.
    contributions.get_by_role(
        "button", name=hidden_suffix("Intrekken", "Woonstichting Heusden Thuis")
    ).click()
    expect(success_message(page)).to_have_text(
        "De bijdrage is ingetrokken. Ze blijft bewaard en telt niet meer mee."
    )
    plan = panel(page, "Plan: wat er nodig is en wie het dekt")
    expect(plan.locator("#plan-totals")).to_contain_text("€ 400,00 van € 1.000,00")
    expect(plan).to_contain_text("1 ingetrokken bijdrage (bewaard, niet meegeteld)")
    check_accessibility(page, "plan-05-withdrawn")
    withdrawn = Contribution.objects.get(dream=dream, organisation__isnull=False)
    assert withdrawn.withdrawn_at is not None

    # g. The resident reads what is arranged and who helps, not what each gives.
    resident_view = resident_page(pages, site, resident, dream)
    arranged = resident_view.locator("#plan")
    expect(arranged).to_contain_text("Speeltoestel en tegels: € 400,00 van € 1.000,00 geregeld")
    expect(arranged).to_contain_text("Aanleggen: 16 van 20 uur geregeld (jij en je buren)")
    expect(arranged).not_to_contain_text("Woonstichting")  # withdrawn: not shown
    check_accessibility(resident_view, "plan-06-resident-reads-what-is-arranged")
