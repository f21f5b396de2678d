"""The neighbourhood platforms' pages (/wijken/): the list, a platform's public page with its
agenda, the members' area, the chair's agenda and invitations, and the invitation link.

Thin: who may see what and every change are in initiatives.selectors and .services. A page
for members or the chair first decides who may enter (anonymous: sign in first; not a member:
403), then the method, so that a refusal never depends on how the page was asked for.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from accounts.addresses import email_normalise
from initiatives import selectors, services
from initiatives.exceptions import NotAllowed
from initiatives.platform_models import AgendaItem, Platform, PlatformInvitation
from neighbourhoods.platform_forms import AgendaItemForm, InviteForm

MEMBER, CHAIR = "member", "chair"
INVITES_PER_HOUR = "30/h"


def _platform(slug: str) -> Platform:
    return get_object_or_404(Platform.objects.select_related("neighbourhood"), slug=slug)


def platform_page(need: str) -> Callable:
    """Let only the platform's members (NEED "member") or its chair (NEED "chair") through.

    The view gets the platform and the membership. Anonymous visitors are sent to sign in
    and come back; anyone else gets a page that says who this page is for (403).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug: str, *args, **kwargs):
            platform = _platform(slug)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("residents:sign_in"))
            membership = selectors.platform_membership(platform, request.user)
            allowed = membership is not None and (need == MEMBER or membership.role == CHAIR)
            if not allowed:
                return render(
                    request,
                    "neighbourhoods/platform_refused.html",
                    {"platform": platform, "need": need},
                    status=403,
                )
            return view(request, platform, membership, *args, **kwargs)

        return wrapper

    return decorator


def _item(platform: Platform, pk: int) -> AgendaItem:
    try:
        return selectors.agenda_item_of(platform, pk)
    except AgendaItem.DoesNotExist:
        raise Http404 from None


def _add_errors(form, exc: ValidationError | NotAllowed) -> None:
    form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))


# --- for everyone ---------------------------------------------------------------------------


@require_GET
def platform_list(request) -> HttpResponse:
    return render(
        request, "neighbourhoods/platform_list.html", {"platforms": selectors.platform_list()}
    )


@require_GET
def platform_detail(request, slug: str) -> HttpResponse:
    """A platform's public page: who it is, its agenda and the dreams that serve each item."""
    platform = _platform(slug)
    membership = selectors.platform_membership(platform, request.user)
    return render(
        request,
        "neighbourhoods/platform_detail.html",
        {
            "platform": platform,
            "agenda": selectors.platform_public_agenda(platform),
            "membership": membership,
        },
    )


# --- members --------------------------------------------------------------------------------


@platform_page(MEMBER)
@require_GET
def platform_members(request, platform: Platform, membership) -> HttpResponse:
    """The members' area: the dreams shared with the platform, and who the members are."""
    return render(
        request,
        "neighbourhoods/platform_members.html",
        {
            "platform": platform,
            "membership": membership,
            "dreams": selectors.platform_shared_dreams(platform),
            "members": selectors.platform_members(platform),
        },
    )


@platform_page(MEMBER)
@require_POST
def platform_leave(request, platform: Platform, membership) -> HttpResponse:
    services.platform_leave(platform=platform, by=request.user)
    messages.success(
        request,
        _("You have left %(platform)s. You can join again with a new invitation.")
        % {"platform": platform.name},
    )
    return redirect("neighbourhoods:platform_detail", slug=platform.slug)


# --- the chair: the agenda ------------------------------------------------------------------


def _agenda_page(request, platform, membership, form, status=200) -> HttpResponse:
    return render(
        request,
        "neighbourhoods/platform_agenda.html",
        {
            "platform": platform,
            "membership": membership,
            "items": selectors.platform_agenda_for_chair(platform),
            "form": form,
        },
        status=status,
    )


@platform_page(CHAIR)
@require_http_methods(["GET", "POST"])
def agenda_edit(request, platform: Platform, membership) -> HttpResponse:
    """The chair's agenda: every item with its actions, and the form to add one."""
    if request.method == "GET":
        form = AgendaItemForm(initial={"set_on": timezone.localdate()})
        return _agenda_page(request, platform, membership, form)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            services.agenda_item_add(platform=platform, by=request.user, **form.cleaned_data)
        except (ValidationError, NotAllowed) as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The agenda item has been added."))
            return redirect("neighbourhoods:agenda_edit", slug=platform.slug)
    return _agenda_page(request, platform, membership, form, status=400)


def _item_page(request, platform, membership, item, form, *, link_error="", status=200):
    linked = selectors.agenda_item_dream_ids(item)
    choices = selectors.platform_dream_choices(platform)
    return render(
        request,
        "neighbourhoods/platform_agenda_item.html",
        {
            "platform": platform,
            "membership": membership,
            "item": item,
            "form": form,
            "linked": [(pk, title) for pk, title in choices if pk in linked],
            "to_link": [(pk, title) for pk, title in choices if pk not in linked],
            "link_error": link_error,
            "chosen_dream": request.POST.get("dream", "") if request.method == "POST" else "",
        },
        status=status,
    )


@platform_page(CHAIR)
@require_http_methods(["GET", "POST"])
def agenda_item_edit(request, platform: Platform, membership, pk: int) -> HttpResponse:
    """One agenda item: change its words or date, link or unlink the dreams that serve it."""
    item = _item(platform, pk)
    if request.method == "GET":
        form = AgendaItemForm(
            initial={"title": item.title, "description": item.description, "set_on": item.set_on}
        )
        return _item_page(request, platform, membership, item, form)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            services.agenda_item_edit(item=item, by=request.user, **form.cleaned_data)
        except (ValidationError, NotAllowed) as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The agenda item has been saved."))
            return redirect("neighbourhoods:agenda_edit", slug=platform.slug)
    return _item_page(request, platform, membership, item, form, status=400)


@platform_page(CHAIR)
@require_POST
def agenda_item_move(request, platform: Platform, membership, pk: int) -> HttpResponse:
    item = _item(platform, pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        messages.error(request, _("Choose whether the item moves up or down."))
    else:
        services.agenda_item_move(item=item, by=request.user, up=direction == "up")
        messages.success(request, _("The order of the agenda has been saved."))
    return redirect(reverse("neighbourhoods:agenda_edit", args=[platform.slug]) + f"#item-{pk}")


@platform_page(CHAIR)
@require_POST
def agenda_item_done(request, platform: Platform, membership, pk: int) -> HttpResponse:
    item = _item(platform, pk)
    done = request.POST.get("done") != "0"
    services.agenda_item_mark_done(item=item, by=request.user, done=done)
    if done:
        messages.success(request, _("The agenda item has been marked as done."))
    else:
        messages.success(request, _("The agenda item is open again."))
    return redirect(reverse("neighbourhoods:agenda_edit", args=[platform.slug]) + f"#item-{pk}")


@platform_page(CHAIR)
@require_POST
def agenda_item_dreams(request, platform: Platform, membership, pk: int) -> HttpResponse:
    """Link a shared dream to the item, or unlink one (the button says which)."""
    item = _item(platform, pk)
    dream = request.POST.get("dream", "")
    unlink = request.POST.get("action") == "unlink"
    error = ""
    if not dream.isdigit() or len(dream) > 12:
        error = _("Choose a dream.")
    else:
        try:
            if unlink:
                services.agenda_item_unlink_dream(item=item, by=request.user, dream_id=int(dream))
            else:
                services.agenda_item_link_dream(item=item, by=request.user, dream_id=int(dream))
        except NotAllowed as exc:
            error = str(exc)
    if error:
        form = AgendaItemForm(
            initial={"title": item.title, "description": item.description, "set_on": item.set_on}
        )
        return _item_page(request, platform, membership, item, form, link_error=error, status=400)
    if unlink:
        messages.success(request, _("The dream no longer serves this agenda item."))
    else:
        messages.success(request, _("The dream now serves this agenda item."))
    return redirect("neighbourhoods:agenda_item_edit", slug=platform.slug, pk=item.pk)


# --- the chair: invitations -----------------------------------------------------------------


def _invite_page(request, platform, membership, form, status=200) -> HttpResponse:
    return render(
        request,
        "neighbourhoods/platform_invite.html",
        {
            "platform": platform,
            "membership": membership,
            "form": form,
            "invitations": selectors.platform_open_invitations(platform),
            "days": services.INVITATION_DAYS,
        },
        status=status,
    )


@platform_page(CHAIR)
# Each invitation mails an address the chair typed: a limit, so the page sends no bulk mail.
@ratelimit(key="user", rate=INVITES_PER_HOUR, method="POST", block=True)
@require_http_methods(["GET", "POST"])
def platform_invite(request, platform: Platform, membership) -> HttpResponse:
    if request.method == "GET":
        return _invite_page(request, platform, membership, InviteForm())
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.platform_invite(
                platform=platform, email=form.cleaned_data["email"], by=request.user
            )
        except (ValidationError, NotAllowed) as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("The invitation has been sent to %(email)s.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("neighbourhoods:platform_invite", slug=platform.slug)
    return _invite_page(request, platform, membership, form, status=400)


@platform_page(CHAIR)
@require_POST
def platform_invitation_withdraw(request, platform: Platform, membership, pk: int):
    invitation = get_object_or_404(PlatformInvitation, platform=platform, pk=pk)
    try:
        services.platform_invitation_withdraw(invitation=invitation, by=request.user)
    except NotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The invitation has been withdrawn."))
    return redirect("neighbourhoods:platform_invite", slug=platform.slug)


# --- the invitation link --------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def platform_invitation(request, token: str) -> HttpResponse:
    """The link in the invitation mail. GET shows the invitation and changes nothing (a mail
    scanner may open it first); POST joins, for the signed-in resident who was invited."""
    invitation = selectors.invitation_by_token(token)
    problem = selectors.invitation_problem(invitation)
    context = {"invitation": invitation, "token": token, "problem": problem, "error": ""}
    if problem is not None:
        context["refusal"] = _(services.INVITATION_REFUSALS[problem])
        status = 404 if problem == selectors.InvitationProblem.UNKNOWN else 410
        return render(request, "neighbourhoods/platform_invitation.html", context, status=status)
    user = request.user
    context["other_address"] = user.is_authenticated and (
        email_normalise(user.email) != email_normalise(invitation.email)
    )
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("residents:sign_in"))
        try:
            services.platform_join(token=token, by=user)
        except NotAllowed as exc:
            context["error"] = str(exc)
            return render(request, "neighbourhoods/platform_invitation.html", context, status=400)
        messages.success(
            request,
            _("Welcome to %(platform)s. Here you read the dreams residents share with you.")
            % {"platform": invitation.platform.name},
        )
        return redirect("neighbourhoods:platform_members", slug=invitation.platform.slug)
    return render(request, "neighbourhoods/platform_invitation.html", context)
