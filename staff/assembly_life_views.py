"""A citizens' assembly's own life (issue 18): the staff pages of its meetings and outcomes,
an outcome turned into a dream, the pool with its personal data, and the assembly's end.

Every look at the pool is in the audit log (staff/audit.py, PERSONAL_DATA_VIEWS). The rules
are in initiatives.services.assembly_life and assembly_outcomes.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from initiatives import selectors, services
from initiatives.assembly_models import Assembly, AssemblyMeeting, AssemblyOutcome
from initiatives.exceptions import NotAllowed
from staff.assembly_life_forms import MeetingForm, OutcomeDreamForm, OutcomeForm
from staff.permissions import staff_area


def _assembly_or_404(pk: int) -> Assembly:
    try:
        return selectors.assembly_with_neighbourhoods(pk)
    except Assembly.DoesNotExist:
        raise Http404 from None


def _refuse(form, exc: Exception) -> None:
    """Show the services' refusal EXC beside the field it is about (else above the form)."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    elif isinstance(exc, ValidationError):
        form.add_error(None, exc.messages)
    else:
        form.add_error(None, str(exc))


def _page(request, template: str, context: dict, *, posted: bool) -> HttpResponse:
    return render(request, template, context, status=400 if posted else 200)


# --- meetings -------------------------------------------------------------------------------


@staff_area("assemblies")
@require_http_methods(["GET", "POST"])
def assembly_meetings(request, pk: int) -> HttpResponse:
    """The assembly's meetings, and a form to add one."""
    assembly = _assembly_or_404(pk)
    posted = request.method == "POST"
    form = MeetingForm(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            services.assembly_meeting_save(
                by=request.user,
                assembly=assembly,
                starts_at=form.cleaned_data["starts_at"],
                place=form.cleaned_data["place"],
                topic=form.cleaned_data["topic"],
                summary=form.cleaned_data["summary"],
            )
        except (ValidationError, NotAllowed) as exc:
            _refuse(form, exc)
        else:
            messages.success(request, _("The meeting has been saved."))
            return redirect("staff:assembly_meetings", pk=assembly.pk)
    context = {
        "assembly": assembly,
        "meetings": list(selectors.assembly_meetings(assembly)),
        "form": form,
        "section": "meetings",
    }
    return _page(request, "staff/assembly_meetings.html", context, posted=posted)


@staff_area("assemblies")
@require_http_methods(["GET", "POST"])
def assembly_meeting_edit(request, pk: int, meeting_pk: int) -> HttpResponse:
    assembly = _assembly_or_404(pk)
    try:
        meeting = selectors.assembly_meeting_of(assembly, meeting_pk)
    except AssemblyMeeting.DoesNotExist:
        raise Http404 from None
    posted = request.method == "POST"
    form = MeetingForm(
        request.POST if posted else None,
        initial=None if posted else MeetingForm.initial_of(meeting),
    )
    if posted and form.is_valid():
        try:
            services.assembly_meeting_save(
                by=request.user,
                assembly=assembly,
                meeting=meeting,
                starts_at=form.cleaned_data["starts_at"],
                place=form.cleaned_data["place"],
                topic=form.cleaned_data["topic"],
                summary=form.cleaned_data["summary"],
            )
        except (ValidationError, NotAllowed) as exc:
            _refuse(form, exc)
        else:
            messages.success(request, _("The meeting has been saved."))
            return redirect("staff:assembly_meetings", pk=assembly.pk)
    context = {"assembly": assembly, "meeting": meeting, "form": form, "section": "meetings"}
    return _page(request, "staff/assembly_meeting_form.html", context, posted=posted)


# --- outcomes -------------------------------------------------------------------------------


@staff_area("assemblies")
@require_http_methods(["GET", "POST"])
def assembly_outcomes(request, pk: int) -> HttpResponse:
    """The assembly's outcomes, who takes each up, which became a dream; a form to add one."""
    assembly = _assembly_or_404(pk)
    panel = list(selectors.assembly_panel(assembly))
    posted = request.method == "POST"
    form = OutcomeForm(request.POST if posted else None, panel=panel)
    if posted and form.is_valid():
        try:
            services.assembly_outcome_save(by=request.user, assembly=assembly, **form.cleaned_data)
        except (ValidationError, NotAllowed) as exc:
            _refuse(form, exc)
        else:
            messages.success(request, _("The outcome has been saved."))
            return redirect("staff:assembly_outcomes", pk=assembly.pk)
    context = {
        "assembly": assembly,
        "outcomes": list(selectors.assembly_outcomes(assembly)),
        "form": form,
        "section": "outcomes",
    }
    return _page(request, "staff/assembly_outcomes.html", context, posted=posted)


def _outcome_or_404(assembly: Assembly, outcome_pk: int) -> AssemblyOutcome:
    try:
        return selectors.assembly_outcome_of(assembly, outcome_pk)
    except AssemblyOutcome.DoesNotExist:
        raise Http404 from None


@staff_area("assemblies")
@require_http_methods(["GET", "POST"])
def assembly_outcome_edit(request, pk: int, outcome_pk: int) -> HttpResponse:
    assembly = _assembly_or_404(pk)
    outcome = _outcome_or_404(assembly, outcome_pk)
    panel = list(selectors.assembly_panel(assembly))
    posted = request.method == "POST"
    form = OutcomeForm(
        request.POST if posted else None,
        initial=None if posted else OutcomeForm.initial_of(outcome),
        panel=panel,
    )
    if posted and form.is_valid():
        try:
            services.assembly_outcome_save(
                by=request.user, assembly=assembly, outcome=outcome, **form.cleaned_data
            )
        except (ValidationError, NotAllowed) as exc:
            _refuse(form, exc)
        else:
            messages.success(request, _("The outcome has been saved."))
            return redirect("staff:assembly_outcomes", pk=assembly.pk)
    context = {"assembly": assembly, "outcome": outcome, "form": form, "section": "outcomes"}
    return _page(request, "staff/assembly_outcome_form.html", context, posted=posted)


@staff_area("assemblies")
@require_http_methods(["GET", "POST"])
def assembly_outcome_dream(request, pk: int, outcome_pk: int) -> HttpResponse:
    """Turn an outcome into a dream owned by one of the panel members who take it up."""
    assembly = _assembly_or_404(pk)
    outcome = _outcome_or_404(assembly, outcome_pk)
    panel = list(selectors.assembly_panel(assembly))
    posted = request.method == "POST"
    initial = None
    if not posted:
        chosen = [p.pk for p in outcome.taken_up_by.all()]
        neighbourhoods = list(assembly.neighbourhoods.all())
        initial = {
            "participants": chosen,
            "lead": chosen[0] if chosen else None,
            "neighbourhood": neighbourhoods[0].pk if neighbourhoods else None,
        }
    form = OutcomeDreamForm(request.POST if posted else None, initial=initial, panel=panel)
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            dream = services.assembly_outcome_to_dream(
                by=request.user,
                outcome=outcome,
                participants=data["participants"],
                lead=data["lead"],
                theme=data["theme"],
                neighbourhood=data["neighbourhood"],
                own_contribution=data["own_contribution"],
                needs_from_municipality=data["needs_from_municipality"],
            )
        except (ValidationError, NotAllowed) as exc:
            _refuse(form, exc)
        else:
            messages.success(
                request,
                _("“%(title)s” is a dream now: it waits in the triage queue to be picked up.")
                % {"title": dream.title},
            )
            return redirect("staff:assembly_outcomes", pk=assembly.pk)
    context = {
        "assembly": assembly,
        "outcome": outcome,
        "form": form,
        "section": "outcomes",
        "pool_cleared": assembly.personal_data_removed_at is not None,
    }
    return _page(request, "staff/assembly_outcome_dream.html", context, posted=posted)


# --- the pool and the end -------------------------------------------------------------------


@staff_area("assemblies")
@require_GET
def assembly_pool(request, pk: int) -> HttpResponse:
    """Everyone who registered, with their personal data: every look is audit-logged."""
    assembly = _assembly_or_404(pk)
    context = {"assembly": assembly, "pool": selectors.assembly_pool(assembly), "section": "pool"}
    return render(request, "staff/assembly_pool.html", context)


@staff_area("assemblies")
@require_http_methods(["GET", "POST"])
def assembly_end(request, pk: int) -> HttpResponse:
    """End the assembly (a confirmation first): its pool's personal data go later."""
    assembly = _assembly_or_404(pk)
    if request.method == "POST":
        try:
            assembly = services.assembly_end(by=request.user, assembly=assembly)
        except NotAllowed as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The assembly has ended."))
        return redirect("staff:assembly_end", pk=pk)
    context = {
        "assembly": assembly,
        "section": "end",
        "removal_due": selectors.assembly_pool_removal_due(assembly),
        "retention_days": settings.ASSEMBLY_RETENTION_DAYS,
    }
    return render(request, "staff/assembly_end.html", context)
