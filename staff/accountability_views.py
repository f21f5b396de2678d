"""Staff pages for the money afterwards (issue 16, item 5): grants to mark paid, the reports
applicants send, accepted or answered with a question."""

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.forms import NLDesignFormMixin, text_field
from initiatives import selectors, services
from initiatives.models import Accountability, AccountabilityFile, Grant
from staff.permissions import staff_area
from staff.views import REFUSALS


class QuestionForm(NLDesignFormMixin, forms.Form):
    question = text_field(
        gettext_lazy("Your question"),
        max_length=2000,
        help_text=gettext_lazy("The resident reads it on their dream's page and by mail."),
        required_message=gettext_lazy("Write your question first."),
    )


@staff_area("payments")
@require_GET
def payments(request) -> HttpResponse:
    return render(request, "staff/payments.html", {"grants": list(selectors.grants_unpaid())})


@staff_area("payments")
@require_POST
def grant_paid(request, pk: int) -> HttpResponse:
    try:
        grant = selectors.grants_unpaid().get(pk=pk)
    except Grant.DoesNotExist:
        messages.error(request, _("This money has already been paid."))
        return redirect("staff:payments")
    try:
        services.grant_mark_paid(grant=grant, by=request.user)
    except REFUSALS as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Marked as paid. The resident reads it on their dream's page."))
    return redirect("staff:payments")


@staff_area("accountability")
@require_GET
def accountabilities(request) -> HttpResponse:
    return render(
        request,
        "staff/accountabilities.html",
        {"reports": list(selectors.accountabilities_waiting())},
    )


@staff_area("accountability")
@require_http_methods(["GET", "POST"])
def accountability(request, pk: int) -> HttpResponse:
    try:
        report = selectors.accountability_for_staff(pk=pk)
    except Accountability.DoesNotExist:
        raise Http404 from None
    form = QuestionForm()
    status, refusal = 200, ""
    if request.method == "POST":
        action = request.POST.get("action")
        form = QuestionForm(request.POST) if action == "ask" else QuestionForm()
        try:
            if action == "accept":
                services.accountability_accept(accountability=report, by=request.user)
                messages.success(request, _("The report is accepted: the money is accounted for."))
                return redirect("staff:accountabilities")
            if action == "ask" and form.is_valid():
                services.accountability_ask(
                    accountability=report, by=request.user, question=form.cleaned_data["question"]
                )
                messages.success(request, _("Your question has been sent to the resident."))
                return redirect("staff:accountabilities")
        except REFUSALS as exc:
            refusal = str(exc)  # said at the top, whichever button was used
        status = 400
        report = selectors.accountability_for_staff(pk=pk)
    dream = report.application.dream
    return render(
        request,
        "staff/accountability.html",
        {
            "report": report,
            "application": report.application,
            "dream": dream,
            "form": form,
            "refusal": refusal,
            "may_answer": report.state == Accountability.State.SUBMITTED
            and dream.contact_id == request.user.pk,
        },
        status=status,
    )


@staff_area("accountability")
@require_GET
def accountability_file(request, pk: int) -> HttpResponse:
    try:
        file = selectors.accountability_file_for_staff(pk=pk)
    except AccountabilityFile.DoesNotExist:
        raise Http404 from None
    response = FileResponse(file.image.open("rb"), content_type=file.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
