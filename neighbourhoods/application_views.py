"""Applying to a fund (issue 16): the form, and the page that says what happens next.

A signed-in resident applies; the rules are in services.application_submit and
services.application_problems, which this module only calls.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from initiatives import selectors, services
from initiatives.models import Application, Fund
from initiatives.statuses import Status
from neighbourhoods.application_forms import ApplicationForm


def _fund_or_404(pk: int) -> Fund:
    try:
        return selectors.fund_for_application(pk=pk)
    except Fund.DoesNotExist:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request, fund: int) -> HttpResponse:
    fund = _fund_or_404(fund)
    if request.user.is_staff:
        return render(request, "neighbourhoods/application_staff.html", {"fund": fund}, status=403)
    refusal = services.application_fund_refusal(fund)
    if request.method == "GET" and refusal:
        return render(
            request, "neighbourhoods/application_form.html", {"fund": fund, "refusal": refusal}
        )
    form = ApplicationForm(
        request.POST if request.method == "POST" else None, resident=request.user, fund=fund
    )
    status = 200
    if request.method == "POST":
        if "add_lines" in request.POST:
            form.without_errors()  # more rows for the budget plan: nothing is judged yet
        elif form.is_valid():
            try:
                application = services.application_submit(**form.submission())
            except ValidationError as exc:
                form.add_problems(exc)
                status = 400
            else:
                return redirect("neighbourhoods:application_sent", pk=application.pk)
        else:
            status = 400
    return render(
        request,
        "neighbourhoods/application_form.html",
        {"fund": fund, "form": form, "refusal": refusal},
        status=status,
    )


@login_required
@require_GET
def application_sent(request, pk: int) -> HttpResponse:
    try:
        application = selectors.application_for_resident(resident=request.user, pk=pk)
    except Application.DoesNotExist:
        raise Http404 from None
    dream = application.dream
    return render(
        request,
        "neighbourhoods/application_sent.html",
        {
            "application": application,
            "dream": dream,
            "fund": application.fund,
            "not_picked_up": dream.status == Status.SUBMITTED,
            "pick_up_deadline": services.pick_up_deadline(dream)
            if dream.status == Status.SUBMITTED
            else None,
        },
    )
