"""The paspoort (issue 17): every staff member reads it; the functional administrator writes
and edits its parts (a new version for each edit, the old ones kept)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from initiatives import selectors, services
from initiatives.exceptions import NotAllowed
from initiatives.paspoort_models import PaspoortPart
from staff.permissions import can, staff_area
from staff.situation_forms import PaspoortPartForm


@staff_area("paspoort")
@require_GET
def paspoort(request) -> HttpResponse:
    """The paspoort as it reads now, each part with its earlier versions, and the parts taken
    out of it (a review may still cite them)."""
    return render(
        request,
        "staff/paspoort.html",
        {"paspoort": selectors.paspoort_page(), "can_edit": can(request.user, "paspoort_edit")},
    )


def _edit_page(request, form, status=200) -> HttpResponse:
    return render(
        request,
        "staff/paspoort_edit.html",
        {"parts": selectors.paspoort_page()["current"], "form": form},
        status=status,
    )


@staff_area("paspoort_edit")
@require_http_methods(["GET", "POST"])
def paspoort_edit(request) -> HttpResponse:
    """The parts of the paspoort, each with a link to edit it, and a form to add one."""
    form = PaspoortPartForm(request.POST if request.method == "POST" else None, prefix="new")
    if request.method == "POST" and form.is_valid():
        try:
            part = services.paspoort_part_add(by=request.user, **form.cleaned_data)
        except NotAllowed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("“%(title)s” has been added to the paspoort.") % {"title": part.title}
            )
            return redirect("staff:paspoort_edit")
    return _edit_page(request, form, status=400 if request.method == "POST" else 200)


@staff_area("paspoort_edit")
@require_http_methods(["GET", "POST"])
def paspoort_part_edit(request, key: str) -> HttpResponse:
    """Edit one part: a new title or text is a new version; the versions before are kept."""
    try:
        part = selectors.paspoort_part_current(key=key)
    except PaspoortPart.DoesNotExist:
        raise Http404 from None
    form = PaspoortPartForm(
        request.POST if request.method == "POST" else None,
        initial={"title": part.title, "text": part.text, "position": part.position},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.paspoort_part_revise(key=key, by=request.user, **form.cleaned_data)
        except NotAllowed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The part has been saved."))
            return redirect("staff:paspoort_edit")
    return render(
        request,
        "staff/paspoort_part_edit.html",
        {"part": part, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@staff_area("paspoort_edit")
@require_POST
def paspoort_part_remove(request, key: str) -> HttpResponse:
    if not selectors.paspoort_part_current(key=key, exists=True):
        raise Http404
    try:
        part = services.paspoort_part_remove(key=key, by=request.user)
    except NotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("“%(title)s” is no longer in the paspoort. Reviews that cited it still show it.")
            % {"title": part.title},
        )
    return redirect("staff:paspoort_edit")
