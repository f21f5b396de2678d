"""Staff invite residents to a neighbourhood platform, as member or as its chair (issue 16).

The administrator creates platforms in /beheer/; here MogelijkMakers, managers and the
administrator send invitations and withdraw open ones. The rules are in
initiatives.services.platform_invite.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from initiatives import selectors, services
from initiatives.exceptions import NotAllowed
from initiatives.platform_models import PlatformInvitation
from neighbourhoods.platform_forms import StaffInviteForm
from staff.permissions import staff_area


def _page(request, form, status=200) -> HttpResponse:
    return render(
        request,
        "staff/platforms.html",
        {
            "form": form,
            "platforms": form.platforms,
            "invitations": selectors.platform_open_invitations(),
            "days": services.INVITATION_DAYS,
        },
        status=status,
    )


@staff_area("platforms")
@require_http_methods(["GET", "POST"])
def platforms(request) -> HttpResponse:
    """The platforms, the form to invite a resident, and the invitations still open."""
    platforms = list(selectors.platform_list())
    form = StaffInviteForm(request.POST if request.method == "POST" else None, platforms=platforms)
    form.platforms = platforms
    if request.method == "POST" and form.is_valid():
        platform = next(p for p in platforms if p.pk == form.cleaned_data["platform"])
        try:
            services.platform_invite(
                platform=platform,
                email=form.cleaned_data["email"],
                by=request.user,
                role=form.cleaned_data["role"],
            )
        except (ValidationError, NotAllowed) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(
                request,
                _("The invitation has been sent to %(email)s.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("staff:platforms")
    return _page(request, form, status=400 if request.method == "POST" else 200)


@staff_area("platforms")
@require_POST
def platform_invitation_withdraw(request, pk: int) -> HttpResponse:
    try:
        invitation = PlatformInvitation.objects.get(pk=pk)
    except PlatformInvitation.DoesNotExist:
        raise Http404 from None
    try:
        services.platform_invitation_withdraw(invitation=invitation, by=request.user)
    except NotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The invitation has been withdrawn."))
    return redirect("staff:platforms")
