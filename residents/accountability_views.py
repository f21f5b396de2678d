"""The applicant accounts for the money of a granted application (issue 16, item 5)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from initiatives import selectors, services
from initiatives.exceptions import NotAllowed
from initiatives.models import Accountability, AccountabilityFile, Application
from initiatives.services.accountability import GRANTED
from initiatives.statuses import Status
from residents.accountability_forms import AccountabilityForm


def _may_report(application: Application) -> bool:
    """Whether the form is shown: granted, realised, and no report waiting or accepted."""
    report = getattr(application, "accountability", None)
    return (
        application.state in GRANTED
        and application.dream.status == Status.REALISED
        and (report is None or report.state == Accountability.State.QUESTION)
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_accountability(request, pk: int, application_pk: int) -> HttpResponse:
    try:
        application = selectors.application_for_applicant(
            resident=request.user, dream_pk=pk, pk=application_pk
        )
    except Application.DoesNotExist:
        raise Http404 from None
    report = getattr(application, "accountability", None)
    form = AccountabilityForm(
        request.POST or None,
        request.FILES or None,
        initial={"report": report.report, "spent": report.spent} if report else None,
    )
    status = 200
    if request.method == "POST" and _may_report(application):
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.accountability_submit(
                    application=application,
                    by=request.user,
                    report=data["report"],
                    spent=data["spent"],
                    photo_uploads=data["photos"],
                    receipt_uploads=data["receipts"],
                )
            except (NotAllowed, ValidationError) as exc:
                form.add_error(None, exc.messages if hasattr(exc, "messages") else str(exc))
            else:
                messages.success(
                    request, _("Thank you. Your MogelijkMaker reads your report and lets you know.")
                )
                return redirect("residents:dream_detail", pk=pk)
        status = 400
    return render(
        request,
        "residents/accountability.html",
        {
            "application": application,
            "dream": application.dream,
            "report": report,
            "form": form,
            "may_report": _may_report(application),
        },
        status=status,
    )


@login_required
@require_GET
def accountability_file(request, pk: int) -> HttpResponse:
    """Serve a photo or receipt of the resident's own report; never from a public URL."""
    try:
        file = selectors.accountability_file_for_resident(resident=request.user, pk=pk)
    except AccountabilityFile.DoesNotExist:
        raise Http404 from None
    response = FileResponse(file.image.open("rb"), content_type=file.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
