"""A neighbourhood platform's say on applications to its funds (issue 16, item 4): the chair
sees what waits for the platform, records its advice, or its decision within the frame.

Only the platform's chair now: a member, a chair who left and anyone else get 404, as if the
page did not exist; an anonymous visitor the sign-in page. The rules are in the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from initiatives import selectors, services
from initiatives.exceptions import NotAllowed
from initiatives.models import Application, Fund
from neighbourhoods.advice_forms import AdviceForm, DecisionForm

FORM_PROBLEM = "Something is not right yet. Please check the fields marked below."


def _chaired(request, slug: str):
    platform = selectors.platform_chaired_by(request.user, slug)
    if platform is None:
        raise Http404
    return platform


def _application(platform, pk: int, decider: str) -> Application:
    application = selectors.application_for_platform(platform, pk)
    if application is None or application.fund.decider != decider:
        raise Http404
    return application


@login_required
@require_GET
def platform_applications(request, slug: str) -> HttpResponse:
    platform = _chaired(request, slug)
    lists = selectors.applications_for_platform(platform)
    return render(
        request,
        "neighbourhoods/platform_applications.html",
        {"platform": platform, **lists},
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_advice(request, slug: str, pk: int) -> HttpResponse:
    platform = _chaired(request, slug)
    application = _application(platform, pk, Fund.Decider.STAFF_AFTER_ADVICE)
    form = AdviceForm(request.POST or None)
    status = 400 if request.method == "POST" else 200  # unless it succeeds
    if status == 400 and application.state == Application.State.SUBMITTED and form.is_valid():
        data = form.cleaned_data
        try:
            services.application_advise(
                application=application,
                by=request.user,
                verdict=data["verdict"],
                reasons=data["reasons"],
                participants=data["participants"],
                conditions=data["conditions"],
            )
        except NotAllowed as exc:
            form.add_error(None, str(exc))
        except ValueError:  # the form checks all the service does: only a race
            form.add_error(None, _(FORM_PROBLEM))
        else:
            messages.success(
                request, _("The platform's advice is recorded. The applicant can read it.")
            )
            return redirect("neighbourhoods:platform_applications", slug=platform.slug)
    return render(
        request,
        "neighbourhoods/application_advice.html",
        {"platform": platform, "application": application, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_platform_decision(request, slug: str, pk: int) -> HttpResponse:
    platform = _chaired(request, slug)
    application = _application(platform, pk, Fund.Decider.PLATFORM)
    form = DecisionForm(request.POST or None, application=application)
    status = 400 if request.method == "POST" else 200  # unless it succeeds
    if status == 400 and application.state == Application.State.SUBMITTED and form.is_valid():
        data = form.cleaned_data
        try:
            services.application_decide(
                application=application,
                by=request.user,
                line_amounts=data["line_amounts"],
                reasons=data["reasons"],
                not_funded=data["not_funded"],
            )
        except NotAllowed as exc:
            form.add_error(None, str(exc))
        except ValueError:  # the form checks all the service does: only a race
            form.add_error(None, _(FORM_PROBLEM))
        else:
            messages.success(
                request,
                _(
                    "The platform's decision is recorded. The municipality checks that it "
                    "fits the fund's frame."
                ),
            )
            return redirect("neighbourhoods:platform_applications", slug=platform.slug)
    return render(
        request,
        "neighbourhoods/application_decision.html",
        {"platform": platform, "application": application, "form": form},
        status=status,
    )
