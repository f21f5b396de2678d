"""The funds' public pages: everyone may read them, signed in or not.

/fondsen/ lists this year's funds that take applications (the municipality's and each
neighbourhood's); /fondsen/<pk>/ is one fund year, with the way to apply while it is open
and, for a closed or past year, why it takes no applications. The rules (which fund is
open, what is left) are in initiatives.selectors.funds.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from initiatives import selectors
from initiatives.models import Fund

# Who decides, in words a resident reads at once (B1).
DECIDER_EXPLAINED = {
    Fund.Decider.STAFF: _("Staff of the municipality decide."),
    Fund.Decider.STAFF_AFTER_ADVICE: _(
        "The neighbourhood platform gives its advice first. Then staff of the municipality decide."
    ),
    Fund.Decider.PLATFORM: _(
        "The neighbourhood platform decides. The municipality checks that the decision"
        " stays within the rules of the fund."
    ),
}


def _apply_url(fund: Fund) -> str:
    """The address of the application form for FUND."""
    return reverse("neighbourhoods:application_create", kwargs={"fund": fund.pk})


@require_GET
def fund_list(request) -> HttpResponse:
    today = timezone.localdate()
    funds = [
        {
            "fund": fund,
            "state": selectors.fund_state(fund, today=today),
            "decider": DECIDER_EXPLAINED[fund.decider],
        }
        for fund in selectors.funds_open_for_applications(today=today)
    ]
    return render(request, "neighbourhoods/fund_list.html", {"funds": funds, "year": today.year})


@require_GET
def fund_detail(request, pk: int) -> HttpResponse:
    fund = get_object_or_404(selectors.funds_public(), pk=pk)
    state = selectors.fund_state(fund)
    context = {
        "fund": fund,
        "state": state,
        "decider": DECIDER_EXPLAINED[fund.decider],
        "apply_url": _apply_url(fund) if state == selectors.FundState.OPEN else None,
        "other_years": selectors.fund_other_years(fund),
        # Granted, paid out and accounted for: what the fund did with the money, openly.
        "money": next(
            (row for row in selectors.funds_overview(year=fund.year) if row.pk == fund.pk), None
        ),
    }
    return render(request, "neighbourhoods/fund_detail.html", context)
