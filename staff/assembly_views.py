"""Citizens' assemblies by lot (issue 18): the staff pages that prepare one and run its
invitation lottery.

The list, an assembly (its stage, question, neighbourhoods, features and draw), adding and
changing one and its features, announcing the draw (the commitment to publish in advance),
performing it in front of witnesses (with a step to confirm), and the letters as one PDF
for the print shop. The rules are in initiatives.services.assembly_invitations.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from initiatives import selectors, services
from initiatives.assembly_letters import letters_file_name
from initiatives.assembly_models import Assembly, AssemblyFeature
from initiatives.exceptions import NotAllowed
from staff.assembly_forms import AssemblyForm, FeatureForm, WitnessForm
from staff.permissions import staff_area


def _assembly(pk: int) -> Assembly:
    try:
        return selectors.assembly_of(pk)
    except Assembly.DoesNotExist:
        raise Http404 from None


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@staff_area("assemblies")
@require_GET
def assemblies(request) -> HttpResponse:
    """Every assembly: its stage, neighbourhoods, features and letters."""
    return render(request, "staff/assemblies.html", {"assemblies": list(selectors.assembly_list())})


def _assembly_page(request, assembly: Assembly | None) -> HttpResponse:
    posted = request.method == "POST"
    frozen = services.assembly_frozen_fields(assembly)
    initial = AssemblyForm.initial_of(assembly) if assembly else {"people_per_household": 1}
    form = AssemblyForm(request.POST if posted else None, initial=initial, frozen=frozen)
    if posted and form.is_valid():
        data = form.cleaned_data
        data["neighbourhoods"] = list(data["neighbourhoods"])
        try:
            saved = services.assembly_save(by=request.user, assembly=assembly, **data)
        except ValidationError as exc:
            _add_errors(form, exc)
        except NotAllowed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("“%(title)s” has been saved.") % {"title": saved.title})
            return redirect("staff:assembly", saved.pk)
    return render(
        request,
        "staff/assemblies_form.html",
        {"form": form, "assembly": assembly, "frozen": frozen},
        status=400 if posted else 200,
    )


@staff_area("assemblies")
@require_http_methods(["GET", "POST"])
def assembly_add(request) -> HttpResponse:
    return _assembly_page(request, None)


@staff_area("assemblies")
@require_http_methods(["GET", "POST"])
def assembly_edit(request, pk: int) -> HttpResponse:
    return _assembly_page(request, _assembly(pk))


@staff_area("assemblies")
@require_GET
def assembly(request, pk: int) -> HttpResponse:
    """One assembly: its stage and question, its features, and its invitation lottery."""
    assembly = _assembly(pk)
    draw = selectors.invitation_draw(assembly)
    preparing = assembly.stage == Assembly.Stage.PREPARING
    context = {
        "assembly": assembly,
        "features": list(assembly.features.all()),
        "draw": draw,
        "preparing": preparing,
        "pool_size": selectors.invitation_pool_size(assembly) if draw is None else None,
    }
    return render(request, "staff/assemblies_detail.html", context)


# --- features -------------------------------------------------------------------------------


def _feature_page(request, assembly: Assembly, feature: AssemblyFeature | None) -> HttpResponse:
    if assembly.stage != Assembly.Stage.PREPARING:
        messages.error(request, _("The letters have gone out: the features can no longer change."))
        return redirect("staff:assembly", assembly.pk)
    posted = request.method == "POST"
    initial = FeatureForm.initial_of(feature) if feature else None
    form = FeatureForm(request.POST if posted else None, initial=initial)
    if posted and form.is_valid():
        try:
            saved = services.assembly_feature_save(
                by=request.user, assembly=assembly, feature=feature, **form.cleaned_data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except NotAllowed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The feature “%(question)s” has been saved.") % {"question": saved}
            )
            return redirect("staff:assembly", assembly.pk)
    return render(
        request,
        "staff/assemblies_feature_form.html",
        {"form": form, "assembly": assembly, "feature": feature},
        status=400 if posted else 200,
    )


def _feature(assembly: Assembly, feature_pk: int) -> AssemblyFeature:
    try:
        return selectors.assembly_feature_of(assembly, feature_pk)
    except AssemblyFeature.DoesNotExist:
        raise Http404 from None


@staff_area("assemblies")
@require_http_methods(["GET", "POST"])
def assembly_feature_add(request, pk: int) -> HttpResponse:
    return _feature_page(request, _assembly(pk), None)


@staff_area("assemblies")
@require_http_methods(["GET", "POST"])
def assembly_feature_edit(request, pk: int, feature_pk: int) -> HttpResponse:
    assembly = _assembly(pk)
    return _feature_page(request, assembly, _feature(assembly, feature_pk))


@staff_area("assemblies")
@require_POST
def assembly_feature_remove(request, pk: int, feature_pk: int) -> HttpResponse:
    assembly = _assembly(pk)
    feature = _feature(assembly, feature_pk)
    try:
        services.assembly_feature_remove(by=request.user, feature=feature)
    except NotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The feature “%(question)s” has been removed.") % {"question": feature}
        )
    return redirect("staff:assembly", assembly.pk)


# --- the invitation lottery -----------------------------------------------------------------


@staff_area("assemblies")
@require_http_methods(["GET", "POST"])
def assembly_draw_announce(request, pk: int) -> HttpResponse:
    """What the draw will take from, and the button that fixes it and makes the commitment."""
    assembly = _assembly(pk)
    if selectors.invitation_draw(assembly) is not None:
        return redirect("staff:assembly_draw", assembly.pk)
    refusal = None
    if request.method == "POST":
        try:
            services.invitation_draw_announce(by=request.user, assembly=assembly)
        except NotAllowed as exc:
            refusal = str(exc)
        else:
            messages.success(
                request,
                _("The draw has been announced. Publish the text below before the draw."),
            )
            return redirect("staff:assembly_draw", assembly.pk)
    context = {
        "assembly": assembly,
        "pool_size": selectors.invitation_pool_size(assembly),
        "refusal": refusal,
    }
    return render(
        request,
        "staff/assemblies_draw_announce.html",
        context,
        status=400 if refusal else 200,
    )


def _invitation_draw(assembly: Assembly):
    draw = selectors.invitation_draw(assembly)
    if draw is None:
        raise Http404
    return draw


@staff_area("assemblies")
@require_GET
def assembly_draw(request, pk: int) -> HttpResponse:
    """The announcement to publish before the draw (printable), and after it the result."""
    assembly = _assembly(pk)
    draw = _invitation_draw(assembly)
    context = {
        "assembly": assembly,
        "draw": draw,
        "pool_size": draw.pool_size,
        "number": draw.inputs.get("number"),
        "neighbourhoods": draw.inputs.get("neighbourhoods", []),
        "registration_url": selectors.registration_url(assembly),
        "public_url": selectors.invitation_draw_public_url(draw),
    }
    return render(request, "staff/assemblies_draw.html", context)


@staff_area("assemblies")
@require_http_methods(["GET", "POST"])
def assembly_draw_perform(request, pk: int) -> HttpResponse:
    """The draw in front of witnesses: their value and names, a step to check them, then
    the draw itself."""
    assembly = _assembly(pk)
    draw = selectors.invitation_draw(assembly)
    if draw is None:
        return redirect("staff:assembly_draw_announce", assembly.pk)
    if draw.drawn_at is not None:
        messages.info(request, _("This draw has already been performed."))
        return redirect("staff:assembly_draw", assembly.pk)
    posted = request.method == "POST"
    form = WitnessForm(request.POST if posted else None)
    confirm = False
    if posted and form.is_valid():
        if not form.cleaned_data["confirmed"]:
            confirm = True  # the same values again, to check before the draw
        else:
            try:
                services.invitation_draw_perform(
                    by=request.user,
                    draw=draw,
                    witness_value=form.cleaned_data["witness_value"],
                    witnesses=form.cleaned_data["witnesses"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            except NotAllowed as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("The draw has been performed: %(count)d households receive a letter.")
                    % {"count": draw.inputs["number"]},
                )
                return redirect("staff:assembly_draw", assembly.pk)
    context = {"assembly": assembly, "draw": draw, "form": form, "confirm": confirm}
    status = 400 if posted and not confirm else 200
    return render(request, "staff/assemblies_draw_perform.html", context, status=status)


@staff_area("assemblies")
@require_GET
def assembly_letters(request, pk: int) -> HttpResponse:
    """The letters of the performed draw as one PDF, one A4 page per household, for the
    print shop; made by a worker after the draw, and until it is ready a page that says so.
    Addresses and codes: every download is in the audit log."""
    assembly = _assembly(pk)
    draw = _invitation_draw(assembly)
    if draw.drawn_at is None:
        raise Http404
    if assembly.personal_data_removed_at is not None:
        messages.info(request, _("The letters were deleted with the pool's personal data."))
        return redirect("staff:assembly_draw", assembly.pk)
    name = letters_file_name(draw)
    if not default_storage.exists(name):
        services.invitation_letters_request(draw=draw)
    try:
        file = default_storage.open(name, "rb")
    except FileNotFoundError:
        context = {"assembly": assembly, "count": draw.result.get("positions", 0)}
        return render(request, "staff/assemblies_letters_wait.html", context, status=202)
    filename = _("Letters %(title)s") % {"title": assembly.title}
    return FileResponse(
        file, as_attachment=True, filename=f"{filename}.pdf", content_type="application/pdf"
    )
