"""The managers' view of the funds (issue 16): per fund and neighbourhood, the budget, what
is granted, what waits, the balance and the time to decide, for this year or an earlier one.

The figures are read now (initiatives.selectors.funds_overview); the weekly report keeps
the same figures as they were at the end of its week.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from initiatives import selectors
from staff.permissions import staff_area


def _year(request, years: list[int]) -> int:
    """The year asked for with ?jaar=, if it has funds; else this year."""
    raw = request.GET.get("jaar", "").strip()
    if raw.isdigit() and int(raw) in years:
        return int(raw)
    return timezone.localdate().year


@staff_area("funds")
@require_GET
def funds(request) -> HttpResponse:
    years = selectors.fund_years()
    year = _year(request, years)
    rows = selectors.funds_overview(year=year)
    context = {
        "year": year,
        "years": years,
        "rows": rows,
        "total": selectors.funds_overview_total(rows) if len(rows) > 1 else None,
        "asked_for_other_year": bool(request.GET.get("jaar")) and str(year) != request.GET["jaar"],
    }
    return render(request, "staff/funds.html", context)
