"""The resident's rights (AVG/GDPR): see and download their data, erase their account.

Also the privacy statement. The reading is done by selectors.resident_data_export() and the
erasing by services.resident_erase(); these views only ask, show and answer.
"""

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from initiatives import selectors, services
from initiatives.exceptions import NotAllowed
from residents.forms import EraseAccountForm


def _retention(**extra) -> dict:
    return {
        "retention_months": settings.RETENTION_MONTHS,
        "audit_retention_months": settings.AUDIT_RETENTION_MONTHS,
        "unfinished_sign_up_days": settings.UNFINISHED_SIGN_UP_DAYS,
        "assembly_retention_days": settings.ASSEMBLY_RETENTION_DAYS,
        "privacy_contact_email": settings.PRIVACY_CONTACT_EMAIL,
        **extra,
    }


@require_GET
def privacy(request) -> HttpResponse:
    return render(request, "residents/privacy.html", _retention())


@login_required
@never_cache
@require_GET
def my_data(request) -> HttpResponse:
    return render(request, "residents/my_data.html", _retention())


@login_required
@never_cache
@require_GET
def my_data_download(request) -> HttpResponse:
    """Everything the portal holds about the resident, as a JSON file to keep."""
    response = JsonResponse(
        selectors.resident_data_export(resident=request.user),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = 'attachment; filename="mijn-gegevens-dromen-doen.json"'
    return response


@login_required
@never_cache
@require_GET
def my_data_overview(request) -> HttpResponse:
    """The same as the download, as a page to read or print."""
    return render(
        request,
        "residents/my_data_overview.html",
        {"data": selectors.resident_data_export(resident=request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_data_erase(request) -> HttpResponse:
    """GET explains what erasing does and asks to confirm; POST erases, then signs out."""
    can_erase = not request.user.is_staff
    posted = request.method == "POST"
    if posted and not can_erase:
        raise PermissionDenied
    form = EraseAccountForm(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            services.resident_erase(resident=request.user)
        except NotAllowed as exc:
            form.add_error(None, str(exc))
        else:
            logout(request)
            return redirect("residents:my_data_erased")
    context = _retention(
        form=form,
        can_erase=can_erase,
        open_dreams=selectors.dreams_withdrawn_on_erase(resident=request.user),
    )
    return render(request, "residents/my_data_erase.html", context, status=400 if posted else 200)


@require_GET
def my_data_erased(request) -> HttpResponse:
    return render(request, "residents/my_data_erased.html")
