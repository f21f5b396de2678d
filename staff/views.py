import functools
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from config.cached_pages import cached_page
from config.forms import refusal_onto_form
from initiatives import list_cache, selectors, services
from initiatives.exceptions import InvalidTransition, NotAllowed
from initiatives.models import (
    CoreValue,
    Decision,
    Dream,
    DreamExport,
    DreamPhoto,
    Grant,
    WorkingPractice,
)
from initiatives.services.exports import IMMEDIATE_MAX_DREAMS
from initiatives.statuses import STAFF_MOVES, Status, is_open, is_picked_up
from staff import forms
from staff.contact_moments import contact_moments_html
from staff.dilemmas import workspace_dilemmas
from staff.dream_rows import dream_rows_html
from staff.partner_panel import partner_panel_context
from staff.permissions import can, staff_area, start_parts
from staff.plan_panel import workspace_plan
from staff.situation_forms import situation_context
from staff.story_panel import story_panel_context
from staff.timeline import timeline_entries, timeline_html
from staff.triage_rows import triage_rows_html

REFUSALS = (InvalidTransition, NotAllowed, ValueError)


class StaffLoginView(LoginView):
    template_name = "staff/login.html"
    authentication_form = forms.StaffAuthenticationForm
    redirect_authenticated_user = False

    def get_default_redirect_url(self):
        return reverse("staff:start")  # every role's own start page: what waits for them


@require_POST
def staff_logout(request) -> HttpResponse:
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("staff:login")


# --- the start page: what waits for me ---------------------------------------------------------


@staff_area("start")
@require_GET
def start(request) -> HttpResponse:
    """Every role's landing page: what waits for them, counted, oldest first, with deadlines."""
    parts = start_parts(request.user)
    readers = {
        "my_dreams": lambda: selectors.waiting_in_my_care(request.user),
        "to_pick_up": selectors.waiting_to_pick_up,
        "letters": selectors.waiting_letters,
        "approvals": selectors.waiting_approvals,
        "promises_broken": selectors.promises_broken,
        "administration": selectors.administration_overview,
    }
    context = {"parts": parts, **{part: readers[part]() for part in parts}}
    return render(request, "staff/start.html", context)


@staff_area("preferences")
@require_http_methods(["GET", "POST"])
def preferences(request) -> HttpResponse:
    """How this staff member hears of work waiting for them: at once, or once a day."""
    user = request.user
    form = forms.StaffPreferencesForm(
        request.POST if request.method == "POST" else None,
        initial={"mode": user.staff_notification_mode},
    )
    if request.method == "POST" and form.is_valid():
        services.staff_notification_mode_set(user=user, mode=form.cleaned_data["mode"])
        messages.success(request, _("Your choice has been saved."))
        return redirect("staff:start")
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/preferences.html", {"form": form}, status=status)


# --- triage -----------------------------------------------------------------------------------


# The triage page shows the oldest waiting dreams, so that it costs the same however long the
# queue has grown; the rest are one link away in the dream list (status "handed in", oldest
# first). The queue is counted up to TRIAGE_COUNT_CAP.
TRIAGE_SHOWN = 50
TRIAGE_COUNT_CAP = 1000


@staff_area("triage")
@require_GET
def triage(request) -> HttpResponse:
    def read():
        # Read once: the rows' deadlines and the promise the page states come from one row.
        promised = selectors.service_promises()
        return promised, selectors.waiting_to_pick_up(
            shown=TRIAGE_SHOWN, cap=TRIAGE_COUNT_CAP, promised=promised
        )

    promised, waiting = list_cache.cached("triage", (TRIAGE_SHOWN, TRIAGE_COUNT_CAP), read)
    all_waiting = (
        reverse("staff:dream_list")
        + "?"
        + urlencode({"status": Status.SUBMITTED, "sort": "oldest"})
    )
    rows_html = triage_rows_html(
        waiting.rows, can_pick_up=can(request.user, "dream_work"), csrf_token=get_token(request)
    )
    return render(
        request,
        "staff/triage.html",
        {
            "waiting": waiting,
            "rows_html": rows_html,
            "all_waiting_url": all_waiting,
            "promises": promised,
        },
    )


@staff_area("dream_work")
@require_POST
@vary_on_headers("HX-Request")
def pick_up(request, pk: int) -> HttpResponse:
    # The service reads the dream once, locked; the answer needs nothing more of it.
    dream = Dream(pk=pk)
    try:
        dream = services.dream_pick_up(dream=dream, by=request.user)
    except Dream.DoesNotExist:
        raise Http404 from None
    except REFUSALS as exc:
        messages.error(request, str(exc))
        if request.htmx:
            return render(request, "staff/triage.html#pick-up-result", {"dream": dream})
        return redirect("staff:triage")
    messages.success(request, _("You have picked up “%(title)s”.") % {"title": dream.title})
    if request.htmx:
        return HttpResponseClientRedirect(reverse("staff:dream_workspace", args=[pk]))
    return redirect("staff:dream_workspace", pk=pk)


# --- all dreams -------------------------------------------------------------------------------

PAGE_SIZE = 25
# Where a page of the list starts: the links' keys, a jump, an old page number.
POSITION_PARAMS = ("na", "voor", "vanaf", "pagina")


def _list_filters(form: forms.DreamFilterForm) -> dict:
    """Return the list's filters as staff_dream_list's keyword arguments, in plain values
    (ids, flags, words) that an export keeps and a worker applies later."""
    data = form.cleaned_data if form.is_valid() else {}
    return {
        "statuses": list(data.get("status") or []) or None,
        "neighbourhood": data["neighbourhood"].pk if data.get("neighbourhood") else None,
        "theme": data["theme"].pk if data.get("theme") else None,
        "contact": data["contact"].pk if data.get("contact") else None,
        "mine": data.get("mine", False),
        "overdue": data.get("overdue", False),
        "silent": data.get("silent", False),
        "tension": data.get("tension", False),
        "query": data.get("q", ""),
        "sort": data.get("sort") or "newest",
    }


def _filter_options() -> dict:
    """The options of the list's selects (and the hand-over's), from the staff lists' cache."""
    return list_cache.cached("options", (), selectors.list_filter_options)


@staff_area("dream_list")
@require_GET
@vary_on_headers("HX-Request")
def dream_list(request) -> HttpResponse:
    options = functools.cache(_filter_options)  # read once, for both forms
    form = forms.DreamFilterForm(request.GET or None, options=options)
    filters = _list_filters(form)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    position = {name: request.GET.get(name, "")[:1000] for name in POSITION_PARAMS}

    def page() -> selectors.DreamListPage:
        return selectors.dream_list_page(
            selectors.staff_dream_list(user=request.user, **filters),
            sort=data.get("sort", ""),
            query=data.get("q", ""),
            after=position["na"],
            before=position["voor"],
            jump=position["vanaf"],
            number=position["pagina"],
            per_page=PAGE_SIZE,
        )

    # The same page for everyone who asks it, except "my dreams", which is each person's.
    asked = (
        sorted(filters.items(), key=lambda item: item[0]),
        data.get("sort", ""),
        sorted(position.items()),
        PAGE_SIZE,
        request.user.pk if filters["mine"] else None,
    )
    listing = list_cache.cached("dreams", asked, page)
    filters = request.GET.copy()
    for name in POSITION_PARAMS:
        filters.pop(name, None)
    query_string = filters.urlencode()

    def href(params: dict) -> str:
        return "?" + "&".join(part for part in (query_string, urlencode(params)) if part)

    context = {
        "form": form,
        "listing": listing,
        "rows_html": dream_rows_html(listing.rows),
        "query_string": query_string,
        # The jump form sends the filters again, beside the day it jumps to.
        "filter_fields": [(k, v) for k, values in filters.lists() for v in values],
        "jump_value": position["vanaf"] if listing.jump == "date" else "",
        "next_href": href(listing.next_params) if listing.next_params else "",
        "previous_href": href(listing.previous_params) if listing.previous_params else "",
        "first_href": href({}),
        "letter_hrefs": [(letter, href({"vanaf": letter})) for letter in _LETTERS]
        if listing.jump == "letter"
        else [],
        "status_hrefs": [(label, href({"vanaf": value})) for value, label in _JUMP_STATUSES]
        if listing.jump == "status"
        else [],
        # The filters' and the hand-over's fields are the same HTML for everyone who sends the
        # same filters: written once per data version (their options are in it).
        "filter_fields_html": lambda: list_cache.cached(
            "filter-fields",
            (form.is_bound, [(name, request.GET.getlist(name)) for name in form.fields]),
            lambda: render_to_string("staff/_dream_filter_fields.html", {"form": form}),
        ),
        "hand_over_fields_html": lambda: list_cache.cached(
            "hand-over-fields",
            (),
            lambda: render_to_string(
                "staff/_hand_over_fields.html",
                {"hand_over_form": forms.HandOverForm(people=lambda: options()["contact"])},
            ),
        ),
        "can_hand_over": can(request.user, "hand_over"),
        "can_export": can(request.user, "export"),
    }
    if request.htmx:
        return render(request, "staff/dream_list.html#results", context)
    return render(request, "staff/dream_list.html", context)


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_JUMP_STATUSES = selectors.jump_statuses()


def _csv_attachment(body: bytes, filename: str = "dromen.csv") -> HttpResponse:
    """Send BODY, a whole CSV file, with its length: a cut-off download shows as incomplete."""
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Length"] = str(len(body))
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_area("export")
@require_POST
def dream_export(request) -> HttpResponse:
    """Ask for every dream that matches the list's filters as a CSV file, in the list's order.

    Ticking dreams suits a handful; this is for "all 2,400 dreams in Drunen this year", or
    all million: a worker makes the file (services/exports.py) and the export's page offers
    it once it is complete. Filters that do not validate export nothing: the whole archive
    is never sent by mistake.
    """
    query = QueryDict(request.POST.get("query_string", ""), mutable=True)
    query.pop("pagina", None)
    form = forms.DreamFilterForm(query or None)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Correct the filters first; nothing was downloaded."))
        return redirect(reverse("staff:dream_list") + "?" + query.urlencode())
    export = services.export_request(
        by=request.user, query_string=query.urlencode(), filters=_list_filters(form)
    )
    return redirect("staff:export_status", pk=export.pk)


def _export_context(export: DreamExport) -> dict:
    list_url = reverse("staff:dream_list")
    return {
        "export": export,
        "list_url": list_url + ("?" + export.query_string if export.query_string else ""),
        "keep_hours": int(settings.EXPORT_KEEP_HOURS),
    }


@staff_area("export")
@require_GET
@vary_on_headers("HX-Request")
def export_status(request, pk: int) -> HttpResponse:
    """How far the export is; its download once it is ready. htmx asks again every few
    seconds while it is being made; without JavaScript the page has a link to load it again."""
    try:
        export = selectors.export_of(user=request.user, pk=pk)
    except DreamExport.DoesNotExist:
        raise Http404 from None
    context = _export_context(export)
    if request.htmx:
        # The live region is told only when the state changed, not at every count.
        context["announce"] = request.GET.get("was") != export.state
        return render(request, "staff/export.html#progress", context)
    return render(request, "staff/export.html", context)


@staff_area("export")
@require_GET
def export_download(request, pk: int) -> HttpResponse:
    """Send the finished file, with its length; refuse an export that is not complete."""
    try:
        export = selectors.export_of(user=request.user, pk=pk)
    except DreamExport.DoesNotExist:
        raise Http404 from None
    refused = None
    if export.state == DreamExport.State.READY:
        try:
            file = default_storage.open(export.file, "rb")
        except FileNotFoundError:
            refused = 410
        else:
            if file.size == export.size:
                return FileResponse(
                    file,
                    as_attachment=True,
                    filename=f"dromen-{timezone.localtime(export.created_at):%Y%m%d-%H%M}.csv",
                    content_type="text/csv; charset=utf-8",
                )
            file.close()
            refused = 410  # not the file that was made: never send it as if it were
    context = _export_context(export)
    context["refused"] = True
    return render(request, "staff/export.html", context, status=refused or 409)


@staff_area("dream_list")
@require_POST
def dream_bulk(request) -> HttpResponse:
    """Act on the selected dreams: export them as CSV, or hand them over."""
    # Only plain ids: "²".isdigit() is true, and a 30-digit number overflows the database.
    ids = [int(i) for i in request.POST.getlist("dream") if re.fullmatch(r"[0-9]{1,18}", i)]
    action = request.POST.get("action")
    back = reverse("staff:dream_list") + "?" + request.POST.get("query_string", "")
    if not ids:
        messages.error(request, _("Select one or more dreams first."))
        return redirect(back)
    selected = selectors.staff_dream_list(user=request.user, sort="oldest").filter(pk__in=ids)
    if action == "export" and can(request.user, "export"):
        if len(ids) > IMMEDIATE_MAX_DREAMS:
            messages.error(
                request,
                _("Select at most %(count)s dreams, or download all dreams found.")
                % {"count": number_format(IMMEDIATE_MAX_DREAMS, force_grouping=True)},
            )
            return redirect(back)
        # Small enough to make whole, here and now: sent with its length, never cut off.
        body, _rows = services.dreams_csv_bytes(dreams=selected)
        return _csv_attachment(body)
    if action == "hand_over" and can(request.user, "hand_over"):
        form = forms.HandOverForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, errors[0])
            return redirect(back)
        try:
            count = services.dreams_hand_over(
                dreams=list(selected),
                by=request.user,
                to=form.cleaned_data["to"],
                note=form.cleaned_data["note"],
            )
        except REFUSALS as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d dream handed over to %(name)s.",
                    "%(count)d dreams handed over to %(name)s.",
                    count,
                )
                % {"count": count, "name": form.cleaned_data["to"].get_full_name()},
            )
        return redirect(back)
    messages.error(request, _("Choose what to do with the selected dreams."))
    return redirect(back)


# --- the dream workspace ----------------------------------------------------------------------


def _dream_or_404(pk: int, *, whole_timeline: bool = False) -> Dream:
    try:
        return selectors.dream_for_staff(pk=pk, whole_timeline=whole_timeline)
    except Dream.DoesNotExist:
        raise Http404 from None


def _when_shown(make):
    """MAKE's form (or rows of forms), built when the template first uses it, then kept.

    The template calls a callable it finds in the context; a closed dream or a colleague's
    read-only view shows few of the workspace's thirteen forms, and building them all cost
    about 2 ms of Python per page (issue 15).
    """
    return functools.cache(make)


def _practice_rows(dream: Dream, forms_in_use: dict) -> list[dict]:
    practices = {item.practice: item for item in dream.practices.all()}
    rows = []
    for practice in WorkingPractice:
        item = practices.get(practice.value)
        rows.append(
            {
                "practice": practice,
                "item": item,
                "form": forms_in_use.get(f"practice_{practice.value}")
                or forms.PracticeForm(
                    prefix=practice.value,
                    initial={"done": item.done, "note": item.note} if item else None,
                ),
            }
        )
    return rows


def _review_initial(review, parts) -> dict | None:
    if review is None:
        return None
    initial = {"dilemma": review.dilemma, "discussed_with": review.discussed_with}
    current = {part.key: part.pk for part in parts}  # a cited part now: its current version
    for value in CoreValue:
        initial[f"{value.value}_verdict"] = getattr(review, f"{value.value}_verdict")
        initial[f"{value.value}_reasoning"] = getattr(review, f"{value.value}_reasoning")
        cited = getattr(review, f"{value.value}_cites")
        initial[f"{value.value}_cites"] = current.get(cited.key) if cited else None
    return initial


def _workspace_context(request, dream: Dream, **forms_in_use) -> dict:
    current_review = next((r for r in dream.review_versions if r.is_current), None)
    open_decision = next(
        (d for d in dream.decisions.all() if d.state == Decision.State.PROPOSED), None
    )
    moves = STAFF_MOVES.get(dream.status, [])
    promised = selectors.workspace_promises(dream)

    def form(name, make):
        """The form that was posted (with its errors), else MAKE's, built when shown."""
        return forms_in_use.get(name) or _when_shown(make)

    # Issue 17: the partner panel reads the active partners; the plan's form offers them too.
    partner_panel = partner_panel_context(dream, forms_in_use, _when_shown)
    return {
        "dream": dream,
        "promises": promised,
        "summary": selectors.workspace_summary(dream, promised),
        "timeline_items": timeline_html(
            timeline_entries(dream.timeline, older_from=dream.timeline_older_from)
        ),
        "timeline_left_out": dream.timeline_count - len(dream.timeline),
        "user_can_work": can(request.user, "dream_work"),
        "user_can_note": can(request.user, "dream_note"),
        "user_can_hand_over": can(request.user, "hand_over"),
        "user_is_contact": services.is_dream_contact(dream, request.user),
        "is_open": is_open(dream),
        "answers_after_no": dream.status == Status.NOT_POSSIBLE and dream.contact_id is not None,
        "is_picked_up": is_picked_up(dream),
        "practice_rows": _when_shown(lambda: _practice_rows(dream, forms_in_use)),
        "contact_moment_items": _when_shown(
            lambda: contact_moments_html(dream.contact_moments.all())
        ),
        "current_review": current_review,
        **situation_context(dream, forms_in_use),  # the question behind the question (issue 17)
        "open_decision": open_decision,
        "funds": selectors.funds_current(),
        "budget": selectors.dream_budget(dream),
        # Its applications to a fund, with their lines and answers: one query (issue 16), none
        # when it has none (dream.has_applications, read with the dream).
        "applications": _when_shown(lambda: selectors.applications_for_dream(dream)),
        "moves": moves,
        **partner_panel,
        "message_form": form("message_form", forms.MessageForm),
        "note_form": form("note_form", forms.NoteForm),
        "contact_form": form(
            "contact_form", lambda: forms.ContactMomentForm(initial={"on": timezone.localdate()})
        ),
        "review_form": form(
            "review_form",
            lambda: forms.ReviewForm(
                initial=_review_initial(current_review, dream.paspoort_parts),
                parts=dream.paspoort_parts,
            ),
        ),
        "grant_form": form("grant_form", lambda: forms.GrantForm(promised=promised)),
        "move_form": form("move_form", lambda: forms.MoveForm(targets=moves)),
        "propose_form": form("propose_form", forms.ProposeNotPossibleForm),
        # Its options as the list's filter reads them (plain values, one query composed once),
        # not ~60 User objects from the field's queryset.
        "hand_over_form": form(
            "hand_over_form",
            lambda: forms.HandOverForm(
                exclude=dream.contact, people=lambda: _filter_options()["contact"]
            ),
        ),
        **workspace_dilemmas(dream, forms_in_use),  # issue 17: read with the dream
        **story_panel_context(request, dream, forms_in_use, _when_shown),  # issue 19
        # The plan panel (issue 17), its partners from the partner panel's read.
        **workspace_plan(
            request, dream, forms_in_use, partners=lambda: partner_panel["partners"]().names
        ),
    }


@staff_area("dream_view")
@require_GET
def dream_workspace(request, pk: int) -> HttpResponse:
    # The newest events first; the link below the timeline (?geschiedenis=alle) shows all.
    whole_timeline = request.GET.get("geschiedenis") == "alle"

    def write() -> tuple[str, dict]:
        dream = _dream_or_404(pk, whole_timeline=whole_timeline)
        return "staff/dream_workspace.html", _workspace_context(request, dream)

    # The same for this reader until anything is written (their rights, whether they are the
    # dream's contact: the reader is part of what is asked).
    return cached_page(
        request, "workspace", (pk, request.user.pk), write, kept_queries=frozenset({"geschiedenis"})
    )


@staff_area("dream_view")
@require_GET
def dream_photo(request, pk: int, photo_pk: int) -> HttpResponse:
    try:
        photo = selectors.photo_for_staff(dream_pk=pk, photo_pk=photo_pk)
    except DreamPhoto.DoesNotExist:
        raise Http404 from None
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _workspace_action(request, pk: int, *, form_name: str, form, action, success):
    """Run ACTION with the valid FORM; answer with the workspace (or its partial for htmx).

    SUCCESS is the message to show, or a function that words it from what ACTION returned.

    A refusal from the services or an invalid form keeps what was typed and shows why.
    The whole workspace is read once, after the action: the service reads and locks the
    dream itself, so before it only the dream's existence is checked.
    """
    if not selectors.dream_exists_for_staff(pk=pk):
        raise Http404
    refusal = None
    if form.is_valid():
        try:
            result = action(Dream(pk=pk), form.cleaned_data)
        except ValidationError as exc:  # the services' per-field refusal: all of it, beside
            refusal_onto_form(form, exc)  # its fields on the form that is shown again
        except REFUSALS as exc:
            refusal = str(exc)
            field = getattr(exc, "field", None)  # a refusal about one field is shown beside it
            form.add_error(field if field in form.fields else None, refusal)
        else:
            messages.success(request, success(result) if callable(success) else success)
            if not request.htmx:
                return redirect("staff:dream_workspace", pk=pk)
            return render(
                request,
                "staff/dream_workspace.html#workspace-swap",
                _workspace_context(request, _dream_or_404(pk)),
            )
    dream = _dream_or_404(pk)
    context = _workspace_context(request, dream, **{form_name: form})
    context["failed_form"] = form_name
    context["refusal"] = refusal  # shown at the top when the form itself is no longer shown
    if request.htmx:
        return render(request, "staff/dream_workspace.html#workspace-swap", context)
    return render(request, "staff/dream_workspace.html", context, status=400)


@staff_area("dream_work")
@require_POST
@vary_on_headers("HX-Request")
def dream_message(request, pk: int) -> HttpResponse:
    return _workspace_action(
        request,
        pk,
        form_name="message_form",
        form=forms.MessageForm(request.POST),
        action=lambda dream, data: services.dream_send_message(
            dream=dream, by=request.user, body=data["body"]
        ),
        success=_("Your message has been sent to the resident."),
    )


@staff_area("dream_note")
@require_POST
@vary_on_headers("HX-Request")
def dream_note(request, pk: int) -> HttpResponse:
    return _workspace_action(
        request,
        pk,
        form_name="note_form",
        form=forms.NoteForm(request.POST),
        action=lambda dream, data: services.dream_add_note(
            dream=dream, by=request.user, body=data["body"]
        ),
        success=_("Your internal note has been saved."),
    )


@staff_area("dream_work")
@require_POST
@vary_on_headers("HX-Request")
def dream_contact(request, pk: int) -> HttpResponse:
    return _workspace_action(
        request,
        pk,
        form_name="contact_form",
        form=forms.ContactMomentForm(request.POST),
        action=lambda dream, data: services.dream_log_contact(
            dream=dream, by=request.user, kind=data["kind"], on=data["on"], summary=data["summary"]
        ),
        success=_("The contact moment has been recorded."),
    )


@staff_area("dream_work")
@require_POST
@vary_on_headers("HX-Request")
def dream_practice(request, pk: int, practice: str) -> HttpResponse:
    if practice not in WorkingPractice.values:
        raise Http404
    return _workspace_action(
        request,
        pk,
        form_name=f"practice_{practice}",
        form=forms.PracticeForm(request.POST, prefix=practice),
        action=lambda dream, data: services.practice_update(
            dream=dream, by=request.user, practice=practice, done=data["done"], note=data["note"]
        ),
        success=_("“%(practice)s” has been updated.")
        % {"practice": WorkingPractice(practice).label},
    )


@staff_area("dream_work")
@require_POST
@vary_on_headers("HX-Request")
def dream_review(request, pk: int) -> HttpResponse:
    form = forms.ReviewForm(request.POST, parts=selectors.paspoort_current())
    return _workspace_action(
        request,
        pk,
        form_name="review_form",
        form=form,
        action=lambda dream, data: services.review_record(
            dream=dream,
            by=request.user,
            verdicts=form.verdicts(),
            dilemma=data["dilemma"],
            discussed_with=data["discussed_with"],
            cites=form.cites(),
        ),
        success=_("The core-value review has been recorded."),
    )


@staff_area("dream_work")
@require_POST
@vary_on_headers("HX-Request")
def dream_grant(request, pk: int) -> HttpResponse:
    return _workspace_action(
        request,
        pk,
        form_name="grant_form",
        form=forms.GrantForm(request.POST),
        action=lambda dream, data: services.grant_create(
            dream=dream,
            by=request.user,
            fund=data["fund"],
            amount=data["amount"],
            purpose=data["purpose"],
        ),
        success=_grant_message,
    )


def _grant_message(grant: Grant) -> str:
    """Say whether the money is granted now, or held while a manager decides."""
    values = {"amount": forms.euro(grant.amount), "fund": grant.fund.name}
    if grant.state == Grant.State.AWAITING_APPROVAL:
        limit = selectors.service_promises().grant_approval_limit
        values["limit"] = forms.euro(limit, round_without_cents=True)
        return (
            _(
                "%(amount)s is waiting for a manager's approval: above %(limit)s a manager "
                "decides. The money is held in %(fund)s until then; the resident hears of it "
                "once it is approved."
            )
            % values
        )
    return _("%(amount)s from %(fund)s has been granted. The resident has been told.") % values


@staff_area("dream_work")
@require_POST
@vary_on_headers("HX-Request")
def dream_move(request, pk: int) -> HttpResponse:
    dream = _dream_or_404(pk)
    return _workspace_action(
        request,
        pk,
        form_name="move_form",
        form=forms.MoveForm(request.POST, targets=STAFF_MOVES.get(dream.status, [])),
        action=lambda dream, data: services.dream_move(
            dream=dream, by=request.user, target=data["target"], note=data["note"]
        ),
        success=_("The status has been changed."),
    )


@staff_area("dream_work")
@require_POST
@vary_on_headers("HX-Request")
def dream_propose_not_possible(request, pk: int) -> HttpResponse:
    return _workspace_action(
        request,
        pk,
        form_name="propose_form",
        form=forms.ProposeNotPossibleForm(request.POST),
        action=lambda dream, data: services.decision_propose(
            dream=dream, by=request.user, reasons=data["reasons"]
        ),
        success=_("Your proposal is with the communications advisors. They write the letter."),
    )


@staff_area("hand_over")
@require_POST
@vary_on_headers("HX-Request")
def dream_hand_over(request, pk: int) -> HttpResponse:
    return _workspace_action(
        request,
        pk,
        form_name="hand_over_form",
        form=forms.HandOverForm(request.POST, exclude=_dream_or_404(pk).contact),
        action=lambda dream, data: services.dreams_hand_over(
            dreams=[dream], by=request.user, to=data["to"], note=data["note"]
        ),
        success=_("The dream has been handed over."),
    )


# --- decisions, approvals, workload -----------------------------------------------------------


@staff_area("decisions")
@require_GET
def decisions(request) -> HttpResponse:
    return render(
        request, "staff/decisions.html", {"decisions": selectors.decisions_awaiting_letter()}
    )


@staff_area("decisions")
@require_http_methods(["GET", "POST"])
def decision_sign(request, pk: int) -> HttpResponse:
    try:
        decision = selectors.decision_for_signing(pk=pk)
    except Decision.DoesNotExist:
        raise Http404 from None
    form = forms.DecisionLetterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_sign(
                decision=decision,
                by=request.user,
                letter=form.cleaned_data["letter"],
                other_help=form.cleaned_data["other_help"],
            )
        except REFUSALS as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The letter has been signed and sent to the resident."))
            return redirect("staff:decisions")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "staff/decision_sign.html", {"decision": decision, "form": form}, status=status
    )


@staff_area("approvals")
@require_GET
def approvals(request) -> HttpResponse:
    rows = [
        {"grant": grant, "closed": not is_open(grant.dream)}
        for grant in selectors.grants_awaiting_approval()
    ]
    return render(request, "staff/approvals.html", {"rows": rows})


@staff_area("approvals")
@require_POST
def approval_decide(request, pk: int) -> HttpResponse:
    form = forms.GrantDecisionForm(request.POST)
    try:
        grant = selectors.grants_awaiting_approval().get(pk=pk)
    except Grant.DoesNotExist:
        messages.error(request, _("This grant has already been decided."))
        return redirect("staff:approvals")
    if not form.is_valid():
        messages.error(request, _("Choose approve or refuse."))
        return redirect("staff:approvals")
    try:
        services.grant_decide(grant=grant, by=request.user, approve=form.cleaned_data["approve"])
    except REFUSALS as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your decision has been recorded."))
    return redirect("staff:approvals")


@staff_area("workload")
@require_GET
def workload(request) -> HttpResponse:
    return render(request, "staff/workload.html", {"people": selectors.workload()})
