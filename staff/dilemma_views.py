"""Dilemmas and exceptions in the open (issue 17): the contact person records one from the
workspace; managers read the open ones across dreams for the weekly meeting and note an
outcome per item. MogelijkMakers may read the page too: dilemmas are there to learn from."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from initiatives import selectors, services
from initiatives.dilemma_models import Dilemma
from staff.dilemmas import DilemmaForm, OutcomeForm
from staff.permissions import can, staff_area
from staff.views import REFUSALS, _workspace_action


@staff_area("dream_work")
@require_POST
@vary_on_headers("HX-Request")
def dream_dilemma(request, pk: int) -> HttpResponse:
    """The contact person records an exception to a rule, or a dilemma, on the dream."""
    return _workspace_action(
        request,
        pk,
        form_name="dilemma_form",
        form=DilemmaForm(request.POST),
        action=lambda dream, data: services.dilemma_record(
            dream=dream,
            by=request.user,
            kind=data["kind"],
            summary=data["summary"],
            rule=data["rule"],
            why=data["why"],
            agreed_with=data["agreed_with"],
        ),
        success=_("Recorded. Managers find it on their page of dilemmas and exceptions."),
    )


def _outcome_form(item: Dilemma) -> OutcomeForm:
    initial = None
    if item.outcome != Dilemma.Outcome.OPEN:
        initial = {"outcome": item.outcome, "note": item.outcome_note}
    return OutcomeForm(prefix=f"item-{item.pk}", initial=initial)


def _page(request, *, failed: OutcomeForm | None = None, failed_pk: int | None = None) -> dict:
    """The page's two lists, each item with its outcome form when the user may discuss:
    two queries whatever the number of items."""
    may_discuss = can(request.user, "dilemma_discuss")
    open_items = selectors.dilemmas_open()
    discussed = selectors.dilemmas_discussed()
    if may_discuss:
        for item in [*open_items, *discussed]:
            item.form = failed if item.pk == failed_pk else _outcome_form(item)
    return {
        "open_items": open_items,
        "open_full": len(open_items) >= selectors.DILEMMAS_OPEN_SHOWN,
        "discussed_items": discussed,
        "may_discuss": may_discuss,
        "failed_pk": failed_pk,
    }


@staff_area("dilemmas")
@require_GET
def dilemmas(request) -> HttpResponse:
    return render(request, "staff/dilemmas.html", _page(request))


@staff_area("dilemma_discuss")
@require_POST
def dilemma_discuss(request, pk: int) -> HttpResponse:
    try:
        item = selectors.dilemma_for_manager(pk=pk)
    except Dilemma.DoesNotExist:
        raise Http404 from None
    form = OutcomeForm(request.POST, prefix=f"item-{pk}")
    if form.is_valid():
        try:
            services.dilemma_discuss(
                dilemma=item,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except REFUSALS as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The outcome of “%(summary)s” has been recorded.") % {"summary": item.summary},
            )
            return redirect(reverse("staff:dilemmas") + "#discussed-heading")
    context = _page(request, failed=form, failed_pk=pk)
    if not any(row.pk == pk for row in [*context["open_items"], *context["discussed_items"]]):
        item.form = form  # no longer in either list: shown on its own, with what was typed
        context["failed_item"] = item
    return render(request, "staff/dilemmas.html", context, status=400)
