"""A partner's page for one dream, by the link in their invitation mail (issue 17).

The partner has no account: the link is all. A GET shows the dream as the MogelijkMaker
shares it and changes nothing, not the dream and not the invitation (a mail scanner may
open the link before the partner does: "last used" is the last time the partner acted).
A POST acts: a message on the timeline, or a contribution to the plan.

Every use is written to the audit log, without the token (the address is masked), and is
rate limited per address; what is posted is limited per link too. The forms carry
Django's CSRF token: its cookie needs no session, so it works without signing in.

Its own small app, not part of the residents' or the platforms' side: a partner is
neither, and its pages share nothing with theirs but the base template.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited

from initiatives import selectors, services
from initiatives.exceptions import NotAllowed
from initiatives.partner_models import PartnerInvitation
from initiatives.selectors.partners import PartnerLinkProblem
from partners.forms import PartnerContributionForm, PartnerMessageForm
from staff.audit import client_ip

MASK = "[token]"


def _masked_path(request: HttpRequest, token: str) -> str:
    """The request's address with the token replaced by MASK: the log never holds a link."""
    prefix = reverse("partners:page", args=["x"])[: -len("x/")]
    if token and request.path.startswith(prefix + token):
        return prefix + MASK + request.path[len(prefix) + len(token) :]
    return prefix + MASK + "/"


def _audit(request: HttpRequest, token: str, action: str, status: int, invitation=None) -> None:
    services.audit_record(
        user=None,
        action=action,
        target=f"partner-invitation:{invitation.pk}" if invitation is not None else "",
        method=request.method or "",
        path=_masked_path(request, token),
        status=status,
        ip=client_ip(request),
    )


def _link_key(group: str, request: HttpRequest) -> str:
    return selectors.partner_token_hash(request.resolver_match.kwargs.get("token", ""))


# What a partner typed, given back when the link refuses it: nothing typed is lost.
TYPED_FIELDS = ("message-body", "contribution-description")


def _refused(request: HttpRequest, problem: PartnerLinkProblem) -> HttpResponse:
    """Say why the link does not work, and show nothing of the dream."""
    status = 404 if problem == PartnerLinkProblem.UNKNOWN else 410
    typed = [request.POST.get(name, "")[:5000] for name in TYPED_FIELDS]
    return render(
        request,
        "partners/refused.html",
        {
            "problem": problem,
            "text": _(services.PARTNER_LINK_REFUSALS[problem]),
            "typed": "\n\n".join(text for text in typed if text.strip()),
        },
        status=status,
    )


def _partner_use(action: str) -> Callable:
    """Guard a view of the partner's link: rate limits, the link's state, the audit entry.

    The view gets the invitation whose link works; whatever it answers is logged as ACTION.
    """

    def decorator(view):
        def wrapper(request: HttpRequest, token: str) -> HttpResponse:
            limited = is_ratelimited(
                request,
                group="partner-link-ip",
                key="ip",
                rate=lambda group, request: settings.RATELIMIT_PARTNER_PER_IP,
                increment=True,
            )
            if request.method == "POST":
                limited = (
                    is_ratelimited(
                        request,
                        group="partner-link-posts",
                        key=_link_key,
                        rate=lambda group, request: settings.RATELIMIT_PARTNER_PER_LINK,
                        method="POST",
                        increment=True,
                    )
                    or limited
                )
            invitation = selectors.partner_invitation_by_token(token)
            if limited:
                _audit(request, token, action, 429, invitation)
                raise Ratelimited
            problem = selectors.partner_link_problem(invitation)
            if problem is not None:
                response = _refused(request, problem)
            else:
                response = view(request, token, invitation)
            _audit(request, token, action, response.status_code, invitation)
            return response

        wrapper.__name__ = view.__name__
        wrapper.__doc__ = view.__doc__
        return never_cache(wrapper)

    return decorator


def _page(request, token: str, invitation: PartnerInvitation, status: int = 200, **forms):
    return render(
        request,
        "partners/page.html",
        {
            "token": token,
            "invitation": invitation,
            "organisation": invitation.organisation,
            "dream": selectors.partner_dream(invitation),
            "message_form": forms.get("message_form") or PartnerMessageForm(),
            "contribution_form": forms.get("contribution_form") or PartnerContributionForm(),
            "failed_form": next(iter(forms), ""),
        },
        status=status,
    )


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_GET
@_partner_use("partner_link_view")
def page(request, token: str, invitation: PartnerInvitation) -> HttpResponse:
    """The dream as the MogelijkMaker shares it, and the two forms."""
    return _page(request, token, invitation)


@require_POST
@_partner_use("partner_message")
def message(request, token: str, invitation: PartnerInvitation) -> HttpResponse:
    form = PartnerMessageForm(request.POST)
    if form.is_valid():
        try:
            services.partner_message(token=token, body=form.cleaned_data["body"])
        except ValidationError as exc:
            _add_errors(form, exc)
        except services.PartnerLinkRefused as exc:
            return _refused(request, exc.problem)
        except NotAllowed as exc:
            form.add_error(None, str(exc))
        else:
            return _done(request, token, _("Your message has been placed on the timeline."))
    return _page(request, token, invitation, status=400, message_form=form)


@require_POST
@_partner_use("partner_contribution")
def contribution(request, token: str, invitation: PartnerInvitation) -> HttpResponse:
    form = PartnerContributionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.partner_contribution(
                token=token,
                kind=data["kind"],
                amount=data["amount"],
                hours=data["hours"],
                description=data["description"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except services.PartnerLinkRefused as exc:
            return _refused(request, exc.problem)
        except NotAllowed as exc:
            form.add_error(None, str(exc))
        else:
            return _done(request, token, _("Thank you. Your contribution has been recorded."))
    return _page(request, token, invitation, status=400, contribution_form=form)


def _done(request, token: str, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect(reverse("partners:page", args=[token]) + "#tijdlijn")
