"""The panel of a citizens' assembly, staff side (issue 18): its quotas, and the panel draw
with its replacements.

The quotas page shows per feature how many people registered with each answer beside the
quotas, and fills in a proportional suggestion on request (not saved until staff save).
The rules are in initiatives.services (assembly_quotas, assembly_panel) and the counts in
initiatives.selectors (assembly_quotas).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRefresh

from initiatives import selectors, services
from initiatives.assembly_models import Assembly, Participant, PublicDraw
from initiatives.exceptions import NotAllowed
from initiatives.selectors import FeatureCounts
from staff.assembly_forms import WitnessForm
from staff.assembly_panel_forms import SOURCE_POOL, SOURCE_REGISTER, QuotasForm
from staff.permissions import staff_area


def _quota_tables(form: QuotasForm, feature_errors: dict[int, list[str]]) -> list[dict]:
    """Per feature: its counts, its own errors, and per answer its two bound fields."""
    return [
        {
            "counts": counts,
            "errors": feature_errors.get(counts.feature.pk, []),
            "rows": [
                {
                    "answer": answer,
                    "percent": round(100 * counts.share(answer.people)),
                    "household_percent": (
                        round(100 * answer.households / counts.households)
                        if counts.households
                        else 0
                    ),
                    "min": form[services.quota_field("min", answer.value.pk)],
                    "max": form[services.quota_field("max", answer.value.pk)],
                    "short": answer.people < answer.value.min_seats,
                }
                for answer in counts.answers
            ],
        }
        for counts in form.features
    ]


def _suggestion(
    assembly: Assembly, features: list[FeatureCounts], source: str
) -> dict[str, int | str]:
    """Quota fields filled in proportion to the pool (or, for a feature whose answers are
    the assembly's neighbourhoods, to the register's households when SOURCE says so)."""
    filled: dict[str, int | str] = {}
    for counts in features:
        pool = {answer.value.pk: answer.people for answer in counts.answers}
        weights = pool
        if source == SOURCE_REGISTER and counts.households is not None:
            weights = {answer.value.pk: answer.households for answer in counts.answers}
        quotas = services.quotas_proportional(
            panel_size=assembly.panel_size, counts=weights, available=pool
        )
        for pk, quota in quotas.items():
            filled[services.quota_field("min", pk)] = quota.min_seats
            filled[services.quota_field("max", pk)] = (
                "" if quota.max_seats is None else quota.max_seats
            )
    return filled


def _suggested_form(request, assembly: Assembly, features: list[FeatureCounts]) -> QuotasForm:
    """The form again with every quota filled in proportionally, not saved."""
    source = request.POST.get("source")
    if source not in (SOURCE_POOL, SOURCE_REGISTER):
        source = SOURCE_REGISTER
    if any(counts.people for counts in features):
        messages.info(request, _("The quotas below are a suggestion: check them, then save them."))
        filled = _suggestion(assembly, features, source)
    else:
        messages.error(request, _("Nobody has registered yet: there is nothing to go by."))
        filled = {}
    typed = QuotasForm(request.POST, features=features).typed()
    return QuotasForm(initial={**typed, **filled, "source": source}, features=features)


def _refused(request, assembly: Assembly, exc: ValidationError | NotAllowed) -> HttpResponse:
    """The panel page again, with why the service refused (nothing was stored)."""
    problems = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    return _panel_page(request, assembly, problems=problems, status=400)


@staff_area("assemblies")
@require_http_methods(["GET", "POST"])
def assembly_quotas(request, pk: int) -> HttpResponse:
    """The quotas of an assembly's panel: per feature, its answers, how many registered with
    each, at least and at most."""
    assembly = get_object_or_404(Assembly, pk=pk)
    features = selectors.assembly_answer_counts(assembly)
    locked = services.quotas_locked_reason(assembly)
    feature_errors: dict[int, list[str]] = {}
    status = 200
    if request.method == "POST" and "suggest" in request.POST:
        form = _suggested_form(request, assembly, features)
    elif request.method == "POST":
        form = QuotasForm(request.POST, features=features)
        status = 400
        if locked:
            form.add_error(None, locked)
        elif form.is_valid():
            try:
                services.assembly_quotas_set(
                    by=request.user, assembly=assembly, quotas=form.quotas()
                )
            except ValidationError as exc:
                _add_errors(form, exc, feature_errors, features)
            except NotAllowed as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The quotas have been saved."))
                return redirect("staff:assembly_quotas", pk=assembly.pk)
    else:
        form = QuotasForm(features=features)
    return render(
        request,
        "staff/assembly_quotas.html",
        {
            "assembly": assembly,
            "form": form,
            "tables": _quota_tables(form, feature_errors),
            "locked": locked,
        },
        status=status,
    )


def _add_errors(
    form: QuotasForm,
    exc: ValidationError,
    feature_errors: dict[int, list[str]],
    features: list[FeatureCounts],
) -> None:
    """Each refusal beside its field; a feature's own above its table and in the summary."""
    by_field = {services.feature_field(c.feature.pk): c.feature.pk for c in features}
    for name, errors in exc.message_dict.items():
        if name in by_field:
            feature_errors[by_field[name]] = errors
            form.add_error(None, errors)
        elif name in form.fields and name != "source":
            form.add_error(name, errors)
        else:
            form.add_error(None, errors)


# --- the panel draw --------------------------------------------------------------------------


def _panel_page(
    request,
    assembly: Assembly,
    *,
    perform_form: WitnessForm | None = None,
    confirm: bool = False,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    overview = selectors.assembly_panel_overview(assembly)
    computing = [
        draw
        for draw in (overview.draw, overview.open_replacement)
        if draw is not None and services.draw_computing(draw)
    ]
    return render(
        request,
        "staff/assembly_panel.html",
        {
            "assembly": assembly,
            "overview": overview,
            "perform_form": perform_form or WitnessForm(),
            "confirm": confirm,
            "problems": problems or [],
            "computing": computing[0] if computing else None,
            # A worker lost: no computation known to run, so staff may start it again.
            "may_restart": bool(computing) and not services.draw_compute_running(computing[0]),
            "poll_seconds": POLL_SECONDS,
        },
        status=status,
    )


POLL_SECONDS = 5  # while a draw is being computed, the page asks again this often


@staff_area("assemblies")
@require_GET
@vary_on_headers("HX-Request")
def assembly_panel(request, pk: int) -> HttpResponse:
    """The panel draw: the quotas against the pool, announce, perform with the witnesses,
    then the panel (pseudonyms and answers), declines and replacement draws. While a worker
    computes a draw the page says so and refreshes itself."""
    assembly = get_object_or_404(Assembly, pk=pk)
    if request.htmx and request.GET.get("poll"):
        overview = selectors.assembly_panel_overview(assembly)
        still = any(
            draw is not None and services.draw_computing(draw)
            for draw in (overview.draw, overview.open_replacement)
        )
        if not still:
            return HttpResponseClientRefresh()  # computed: the whole page anew
    return _panel_page(request, assembly)


@staff_area("assemblies")
@require_POST
def assembly_panel_announce(request, pk: int) -> HttpResponse:
    assembly = get_object_or_404(Assembly, pk=pk)
    try:
        draw = services.panel_draw_announce(by=request.user, assembly=assembly)
    except ValidationError as exc:
        return _panel_page(request, assembly, problems=exc.messages, status=400)
    except NotAllowed as exc:
        return _panel_page(request, assembly, problems=[str(exc)], status=400)
    messages.success(
        request,
        _(
            "The panel draw has been announced and registration is closed. Publish its "
            "commitment now: %(commitment)s"
        )
        % {"commitment": draw.commitment},
    )
    return redirect("staff:assembly_panel", pk=assembly.pk)


def _announced_draw(assembly: Assembly) -> PublicDraw | None:
    return (
        PublicDraw.objects.filter(assembly=assembly, kind=PublicDraw.Kind.PANEL, seed="")
        .order_by("-number")
        .first()
    )


def _perform(request, assembly: Assembly, draw: PublicDraw | None, perform) -> HttpResponse:
    """The witness value and names, read back to the witnesses first (the confirmation
    step), then PERFORM (a service) fixes the seed and a worker computes the draw."""
    form = WitnessForm(request.POST)
    if draw is None:
        problems = [_("There is no announced draw to perform.")]
        return _panel_page(request, assembly, problems=problems, status=400)
    if not form.is_valid():
        return _panel_page(request, assembly, perform_form=form, status=400)
    if "change" in request.POST:
        form = WitnessForm(initial={**form.cleaned_data, "confirmed": False})
        return _panel_page(request, assembly, perform_form=form)
    if not form.cleaned_data["confirmed"]:
        return _panel_page(request, assembly, perform_form=form, confirm=True)
    try:
        draw = perform(
            by=request.user,
            draw=draw,
            witness_value=form.cleaned_data["witness_value"],
            witnesses=form.cleaned_data["witnesses"],
        )
    except ValidationError as exc:
        problems = []
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                if name in ("witness_value", "witnesses"):
                    form.add_error(name, errors)
                else:
                    problems.extend(errors)
        else:
            problems = exc.messages
        form = WitnessForm(initial={**form.cleaned_data, "confirmed": False}) if problems else form
        return _panel_page(request, assembly, perform_form=form, problems=problems, status=400)
    except NotAllowed as exc:
        form.add_error(None, str(exc))
        return _panel_page(request, assembly, perform_form=form, status=400)
    draw.refresh_from_db()
    selected = draw.result.get("selected") or []
    if services.draw_void(draw):
        messages.error(request, _("The draw has been performed, but no panel meets the quotas."))
    elif draw.result and draw.kind == PublicDraw.Kind.PANEL:
        messages.success(
            request,
            ngettext(
                "The panel has been drawn: %(count)s member.",
                "The panel has been drawn: %(count)s members.",
                len(selected),
            )
            % {"count": len(selected)},
        )
    elif draw.result:
        messages.success(
            request,
            _("Replacement draw %(number)s: %(pseudonyms)s joined the panel.")
            % {"number": draw.number, "pseudonyms": ", ".join(selected)},
        )
    else:
        messages.success(
            request,
            _("The draw has been performed with seed %(seed)s. The outcome is being computed.")
            % {"seed": draw.seed},
        )
    return redirect("staff:assembly_panel", pk=assembly.pk)


@staff_area("assemblies")
@require_POST
def assembly_panel_perform(request, pk: int) -> HttpResponse:
    """Perform the announced panel draw in front of the witnesses."""
    assembly = get_object_or_404(Assembly, pk=pk)
    return _perform(request, assembly, _announced_draw(assembly), services.panel_draw_perform)


@staff_area("assemblies")
@require_POST
def assembly_panel_restart(request, pk: int) -> HttpResponse:
    """Start computing a performed draw again when its worker was lost (same seed, same
    outcome)."""
    assembly = get_object_or_404(Assembly, pk=pk)
    draw_pk = request.POST.get("draw", "")
    draw = (
        PublicDraw.objects.filter(assembly=assembly, pk=int(draw_pk)).first()
        if draw_pk.isdigit() and len(draw_pk) < 12
        else None
    )
    if draw is None:
        problems = [_("This page was out of date. Look at the panel again, then try again.")]
        return _panel_page(request, assembly, problems=problems, status=400)
    try:
        services.draw_compute_restart(by=request.user, draw=draw)
    except (ValidationError, NotAllowed) as exc:
        return _refused(request, assembly, exc)
    messages.success(request, _("The computation has been started again."))
    return redirect("staff:assembly_panel", pk=assembly.pk)


@staff_area("assemblies")
@require_POST
def assembly_panel_decline(request, pk: int, participant_pk: int) -> HttpResponse:
    """A panel member declines (bedankt): their seat opens for a replacement draw."""
    assembly = get_object_or_404(Assembly, pk=pk)
    participant = Participant.objects.filter(pk=participant_pk, assembly=assembly).first()
    if participant is None:
        raise Http404
    try:
        services.participant_decline(by=request.user, participant=participant)
    except (ValidationError, NotAllowed) as exc:
        return _refused(request, assembly, exc)
    messages.success(
        request,
        _("%(pseudonym)s has declined: the seat is open for a replacement draw.")
        % {"pseudonym": participant.pseudonym},
    )
    return redirect("staff:assembly_panel", pk=assembly.pk)


@staff_area("assemblies")
@require_POST
def assembly_panel_replacement_announce(request, pk: int) -> HttpResponse:
    """Announce a replacement draw for the open seats: its commitment is public at once."""
    assembly = get_object_or_404(Assembly, pk=pk)
    try:
        draw = services.replacement_draw_announce(by=request.user, assembly=assembly)
    except (ValidationError, NotAllowed) as exc:
        return _refused(request, assembly, exc)
    messages.success(
        request,
        _(
            "Replacement draw %(number)s has been announced. Publish its commitment now: "
            "%(commitment)s"
        )
        % {"number": draw.number, "commitment": draw.commitment},
    )
    return redirect("staff:assembly_panel", pk=assembly.pk)


@staff_area("assemblies")
@require_POST
def assembly_panel_replacement_perform(request, pk: int) -> HttpResponse:
    """Perform the announced replacement draw in front of the witnesses."""
    assembly = get_object_or_404(Assembly, pk=pk)
    draw = (
        PublicDraw.objects.filter(assembly=assembly, kind=PublicDraw.Kind.REPLACEMENT, seed="")
        .order_by("-number")
        .first()
    )
    return _perform(request, assembly, draw, services.replacement_draw_perform)
