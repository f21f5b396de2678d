"""Applications to a fund on the staff side (issue 16, item 4): what waits for a decision or
a frame check, one application with the platform's advice, the MogelijkMaker's decision line
by line and the check of a platform's decision against the frame. Managers may read.

Refusing a whole application is no decision here: it goes the "not possible" route from the
dream's workspace, with its signed letter."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from initiatives import selectors, services
from initiatives.exceptions import NotAllowed
from initiatives.models import Application, Fund
from neighbourhoods.advice_forms import DecisionForm
from staff.application_forms import FrameCheckForm
from staff.permissions import can, staff_area

_FORM_PROBLEM = "Something is not right yet. Please check the fields marked below."


def _application(pk: int) -> Application:
    application = selectors.application_for_staff(pk)
    if application is None:
        raise Http404
    return application


def _panel(application: Application) -> str | None:
    """Which form the application waits for: "decide", "frame_check" or none."""
    decider, state = application.fund.decider, application.state
    if (decider == Fund.Decider.STAFF and state == Application.State.SUBMITTED) or (
        decider == Fund.Decider.STAFF_AFTER_ADVICE and state == Application.State.ADVISED
    ):
        return "decide"
    if decider == Fund.Decider.PLATFORM and state == Application.State.FRAME_CHECK:
        return "frame_check"
    return None


def _page(request, application, *, decision_form=None, frame_form=None, status=200):
    panel = _panel(application)
    may_decide = (
        can(request.user, "application_decide") and application.dream.contact_id == request.user.pk
    )
    # A refusal of a form the page does not show (the dream is someone else's, the
    # application moved on meanwhile) is said at the top.
    for form, shows in ((decision_form, "decide"), (frame_form, "frame_check")):
        if form is not None and not (panel == shows and may_decide):
            for error in form.non_field_errors() or [_(_FORM_PROBLEM)]:
                messages.error(request, error)
    if panel == "decide" and may_decide and decision_form is None:
        decision_form = DecisionForm(application=application)
    if panel == "frame_check" and may_decide and frame_form is None:
        frame_form = FrameCheckForm()
    return render(
        request,
        "staff/application_detail.html",
        {
            "application": application,
            "dream": application.dream,
            "panel": panel,
            "may_decide": may_decide,
            "form": decision_form,
            "frame_form": frame_form,
        },
        status=status,
    )


@staff_area("applications")
@require_GET
def application_list(request) -> HttpResponse:
    applications = selectors.applications_waiting_for_staff(request.user)
    return render(request, "staff/application_list.html", {"applications": applications})


@staff_area("applications")
@require_GET
def application_detail(request, pk: int) -> HttpResponse:
    return _page(request, _application(pk))


@staff_area("application_decide")
@require_POST
def application_decide(request, pk: int) -> HttpResponse:
    application = _application(pk)
    form = DecisionForm(request.POST, application=application)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.application_decide(
                application=application,
                by=request.user,
                line_amounts=data["line_amounts"],
                reasons=data["reasons"],
                not_funded=data["not_funded"],
            )
        except NotAllowed as exc:  # InsufficientFunds too: the fund is short
            form.add_error(None, str(exc))
        except ValueError:
            form.add_error(None, _(_FORM_PROBLEM))
        else:
            application.refresh_from_db()
            if application.state == Application.State.PARTLY_GRANTED:
                messages.success(request, _("The application is partly granted."))
            else:
                messages.success(request, _("The application is granted."))
            return redirect("staff:application_detail", pk=application.pk)
    return _page(request, _application(pk), decision_form=form, status=400)


@staff_area("application_decide")
@require_POST
def application_frame_check(request, pk: int) -> HttpResponse:
    application = _application(pk)
    form = FrameCheckForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.application_frame_check(
                application=application, by=request.user, fits=data["fits"], note=data["note"]
            )
        except NotAllowed as exc:
            form.add_error(None, str(exc))
        except ValueError:
            form.add_error(None, _(_FORM_PROBLEM))
        else:
            if data["fits"]:
                messages.success(request, _("The decision fits the frame: the money is granted."))
            else:
                messages.success(request, _("The decision went back to the platform."))
            return redirect("staff:application_detail", pk=application.pk)
    return _page(request, _application(pk), frame_form=form, status=400)
