"""The plan panel's actions in the workspace (issue 17): add, change and remove a need,
record and withdraw a contribution. Each goes through the workspace's one way of acting
(views._workspace_action): the contact person only, a refusal next to the field it is
about, nothing typed lost, htmx swaps the workspace. A need or contribution that is not
this dream's is 404."""

from django import forms
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from initiatives import selectors, services
from initiatives.models import Dream
from initiatives.plan_models import Contribution, PlanNeed
from staff.permissions import staff_area
from staff.plan_panel import NeedForm, contribution_form, need_change_form, need_form_name
from staff.views import _workspace_action

# The form of a button without fields (remove a need, withdraw a contribution): its refusal
# is shown at the top of the plan panel.
PLAN_ACTION = "plan_action"


def _or_404(action):
    """ACTION, with a need or contribution that is not this dream's answered by 404."""

    def run(dream, data):
        try:
            return action(dream, data)
        except (PlanNeed.DoesNotExist, Contribution.DoesNotExist):
            raise Http404 from None

    return run


@staff_area("dream_work")
@require_POST
@vary_on_headers("HX-Request")
def dream_plan_need(request, pk: int) -> HttpResponse:
    return _workspace_action(
        request,
        pk,
        form_name="need_form",
        form=NeedForm(request.POST),
        action=lambda dream, data: services.plan_need_add(dream=dream, by=request.user, **data),
        success=_("The need has been added to the plan."),
    )


@staff_area("dream_work")
@require_POST
@vary_on_headers("HX-Request")
def dream_plan_need_change(request, pk: int, need_pk: int) -> HttpResponse:
    if not selectors.plan_need_exists(dream_pk=pk, need_pk=need_pk):
        raise Http404  # before the form: what was typed is for a need that is not there
    return _workspace_action(
        request,
        pk,
        form_name=need_form_name(need_pk),
        form=need_change_form(need_pk, request.POST),
        action=_or_404(
            lambda dream, data: services.plan_need_change(
                dream=dream, by=request.user, need_id=need_pk, **data
            )
        ),
        success=_("The need has been changed."),
    )


@staff_area("dream_work")
@require_POST
@vary_on_headers("HX-Request")
def dream_plan_need_remove(request, pk: int, need_pk: int) -> HttpResponse:
    return _workspace_action(
        request,
        pk,
        form_name=PLAN_ACTION,
        form=forms.Form(request.POST),
        action=_or_404(
            lambda dream, data: services.plan_need_remove(
                dream=dream, by=request.user, need_id=need_pk
            )
        ),
        success=_("The need has been removed from the plan."),
    )


@staff_area("dream_work")
@require_POST
@vary_on_headers("HX-Request")
def dream_contribution(request, pk: int) -> HttpResponse:
    form = contribution_form(Dream(pk=pk), request.POST)
    return _workspace_action(
        request,
        pk,
        form_name="contribution_form",
        form=form,
        action=lambda dream, data: services.contribution_record(
            dream=dream, by=request.user, **form.service_values()
        ),
        success=_("The contribution has been recorded."),
    )


@staff_area("dream_work")
@require_POST
@vary_on_headers("HX-Request")
def dream_contribution_withdraw(request, pk: int, contribution_pk: int) -> HttpResponse:
    return _workspace_action(
        request,
        pk,
        form_name=PLAN_ACTION,
        form=forms.Form(request.POST),
        action=_or_404(
            lambda dream, data: services.contribution_withdraw(
                dream=dream, by=request.user, contribution_id=contribution_pk
            )
        ),
        success=_("The contribution has been withdrawn. It is kept, and no longer counted."),
    )
