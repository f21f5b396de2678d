import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect
from django_ratelimit.decorators import ratelimit

from accounts.addresses import email_ratelimit_key
from accounts.models import NotificationMode
from config.cached_pages import cached_page
from initiatives import selectors, services
from initiatives.exceptions import InvalidTransition, NotAllowed
from initiatives.models import Dream, DreamPhoto
from initiatives.statuses import RESIDENT_EXPLANATION, WITHDRAWABLE, Status
from initiatives.tokens import DreamLinkProblem, dream_link_token_read, unsubscribe_token_read
from residents.forms import (
    DreamForm,
    MessageForm,
    NotificationPreferencesForm,
    SignInForm,
    WithdrawForm,
    address_fill,
    dream_form_after_lookup,
)
from residents.story_forms import PhotoChoiceForm, PublicationForm
from residents.timeline import resident_timeline_html


def _safe_next(request, candidate: str | None, fallback: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


@require_GET
def home(request) -> HttpResponse:
    def write() -> tuple[str, dict]:
        # Realised dreams their residents share as stories (issue 19): one query.
        return "residents/home.html", {"stories": selectors.stories_newest(limit=3)}

    # The same for every visitor who is not signed in (None), and for each resident.
    return cached_page(request, "home", (request.user.pk,), write)


def _rate(setting: str):
    """Read a rate from the settings when the request comes, so tests and deploys can set it."""
    return lambda group, request: getattr(settings, setting)


def rate_limited(request, exception) -> HttpResponse:
    """Answer a visitor who sent a form too often: 429, with a page that says what to do."""
    return render(request, "429.html", status=429)


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=_rate("RATELIMIT_SIGN_IN_PER_IP"), method="POST", block=True)
@ratelimit(
    key=email_ratelimit_key, rate=_rate("RATELIMIT_SIGN_IN_PER_ADDRESS"), method="POST", block=True
)
def sign_in(request) -> HttpResponse:
    next_url = _safe_next(request, request.GET.get("next") or request.POST.get("next"), "")
    form = SignInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.sign_in_link_request(
            email=form.cleaned_data["email"], next_url=next_url, language=get_language()
        )
        request.session["sign_in_email"] = form.cleaned_data["email"]
        return redirect("residents:sign_in_sent")
    return render(request, "residents/sign_in.html", {"form": form, "next": next_url})


@require_GET
def sign_in_sent(request) -> HttpResponse:
    return render(
        request, "residents/sign_in_sent.html", {"email": request.session.get("sign_in_email", "")}
    )


@require_GET
def sign_in_link(request) -> HttpResponse:
    """Sign in with the one-time link from the mail, then go where the link says."""
    user = services.sign_in_link_user(request)
    if user is None:
        return render(
            request, "residents/sign_in_link_invalid.html", {"form": SignInForm()}, status=400
        )
    login(request, user, backend="sesame.backends.ModelBackend")
    return redirect(_safe_next(request, request.GET.get("next"), reverse("residents:my_dreams")))


@require_POST
def sign_out(request) -> HttpResponse:
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("residents:home")


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=_rate("RATELIMIT_DREAM_PER_IP"), method="POST", block=True)
@ratelimit(
    key=email_ratelimit_key, rate=_rate("RATELIMIT_SIGN_IN_PER_ADDRESS"), method="POST", block=True
)
def dream_create(request) -> HttpResponse:
    signed_in = request.user.is_authenticated
    posted = request.method == "POST"
    form = DreamForm(
        request.POST if posted else None, request.FILES if posted else None, signed_in=signed_in
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        dream = services.dream_hand_in(
            signed_in_as=request.user if signed_in else None,
            email=data.get("email", ""),
            language=get_language(),
            title=data["title"],
            story=data["story"],
            own_contribution=data["own_contribution"],
            needs_from_municipality=data["needs_from_municipality"],
            neighbourhood=data["neighbourhood"],
            theme=data["theme"],
            location=data["location"],
            show_publicly=data["show_publicly"],
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            photo_uploads=data["photos"],
        )
        if signed_in:
            return redirect("residents:dream_submitted", pk=dream.pk)
        request.session["sign_in_email"] = data["email"]
        return redirect("residents:dream_check_mail")
    return render(request, "residents/dream_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=_rate("RATELIMIT_ADDRESS_LOOKUP_PER_IP"), block=True)
@vary_on_headers("HX-Request")
def address_lookup(request) -> HttpResponse:
    """Complete a typed postcode and house number on the dream form (issue 18).

    htmx posts the lookup's fields and gets the result for the form's live region, with
    the street or spot and the village swapped in beside it (POST: an address is personal
    data, kept out of URLs and logs; GET answers the same). Without JavaScript the form
    itself is sent here ("Find address"): the same page comes back with everything typed
    kept (photos excepted, as browsers forget those) and the street and village filled in;
    nothing is handed in or checked yet.
    """
    data = request.POST if request.method == "POST" else request.GET
    fill = address_fill(data)
    form = dream_form_after_lookup(data, fill, signed_in=request.user.is_authenticated)
    if request.htmx:
        return render(
            request, "residents/dream_form.html#address-result", {"form": form, "fill": fill}
        )
    context = {"form": form, "fill": fill, "photos_forgotten": request.method == "POST"}
    return render(request, "residents/dream_form.html", context)


@require_GET
def dream_check_mail(request) -> HttpResponse:
    return render(
        request,
        "residents/dream_check_mail.html",
        {"email": request.session.get("sign_in_email", "")},
    )


def _own_dream(request, pk: int) -> Dream:
    try:
        return selectors.dream_for_resident(resident=request.user, pk=pk)
    except Dream.DoesNotExist:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def dream_confirm(request, pk: int) -> HttpResponse:
    dream = _own_dream(request, pk)
    if dream.status != Status.UNCONFIRMED:
        return redirect("residents:dream_detail", pk=dream.pk)
    if request.method == "POST":
        services.dream_confirm(dream=dream, by=request.user)
        return redirect("residents:dream_submitted", pk=dream.pk)
    return render(request, "residents/dream_confirm.html", {"dream": dream})


@login_required
@require_GET
def dream_submitted(request, pk: int) -> HttpResponse:
    dream = _own_dream(request, pk)
    return render(
        request,
        "residents/dream_submitted.html",
        {"dream": dream, "pick_up_deadline": services.pick_up_deadline(dream)},
    )


@login_required
@require_GET
def my_dreams(request) -> HttpResponse:
    def write() -> tuple[str, dict]:
        dreams = selectors.dreams_of_resident(resident=request.user)
        return "residents/my_dreams.html", {"dreams": dreams}

    return cached_page(request, "my-dreams", (request.user.pk,), write)


def _detail_context(dream: Dream, **extra) -> dict:
    decision = selectors.decision_signed_for(dream) if dream.status == Status.NOT_POSSIBLE else None
    # Sharing with the neighbourhood platform is offered on the signed-in page only; no query
    # when the dream's read says its neighbourhood has none (has_platform).
    platform = (
        None
        if extra.get("link_token")
        or dream.status == Status.UNCONFIRMED
        or not selectors.may_have(dream, "has_platform")
        else selectors.platform_for_neighbourhood(dream.neighbourhood_id)
    )
    return {
        "platform": platform,
        "dream": dream,
        # Read when the page shows them (signed in, not from a mail's link): one query each,
        # none when the dream's read says there is nothing (list_flags: has_applications,
        # has_plan, has_partners).
        "applications": functools.cache(lambda: selectors.applications_for_dream(dream)),
        "plan": functools.cache(lambda: selectors.dream_plan(dream)),  # what is covered
        # Who helps: the partner organisations invited to it (issue 17), one query.
        "helpers": functools.cache(lambda: selectors.dream_helpers(dream)),
        "timeline_items": resident_timeline_html(dream, decision),
        "explanation": RESIDENT_EXPLANATION[dream.status],
        "can_withdraw": dream.status in WITHDRAWABLE,
        "can_message": services.resident_may_write(dream),
        "decision": decision,
        "message_form": extra.pop("message_form", MessageForm()),
        "withdraw_form": extra.pop("withdraw_form", WithdrawForm()),
        "dream_link_days": settings.DREAM_LINK_DAYS,
        **_story_context(dream, extra),
        **extra,
    }


def _story_context(dream: Dream, extra: dict) -> dict:
    """The "share your story" section (issue 19): on the signed-in page, after the hand-in,
    while the resident's data is there. The publication is read with the dream; the photos
    chosen for it cost one query, only when it is shared and has photos to choose from."""
    if extra.get("link_token") or not services.may_share(dream):
        return {"story_offered": False}
    publication = getattr(dream, "publication", None)
    shared = publication is not None and publication.is_shared

    def photo_form():
        chosen = selectors.publication_of(dream).chosen if shared else {}
        return PhotoChoiceForm(photos=dream.photos.all(), chosen=chosen)

    return {
        "story_offered": True,
        "publication": publication,
        "story_shared": shared,
        "story_form": extra.pop("story_form", None) or PublicationForm.for_publication(publication),
        "story_photo_form": extra.pop("story_photo_form", None)
        or (functools.cache(photo_form) if shared and dream.photos.all() else None),
    }


@login_required
@require_GET
def dream_detail(request, pk: int) -> HttpResponse:
    def write() -> tuple[str, dict]:
        dream = _own_dream(request, pk)  # someone else's dream: 404, and nothing is kept
        return "residents/dream_detail.html", _detail_context(dream)

    # The same until anything is written; the resident is part of what is asked.
    return cached_page(request, "resident-dream", (pk, request.user.pk), write)


def _message_sent_text(dream: Dream) -> str:
    """Tell the resident truthfully who reads their message, and when."""
    if dream.status == Status.NOT_POSSIBLE:
        return _(
            "Your reply has been sent to your MogelijkMaker and to the communications advisor "
            "who signed the letter."
        )
    if dream.contact_id is None:
        return _(
            "Your message is saved with your dream. As soon as a MogelijkMaker picks up your "
            "dream, they will read it."
        )
    return _("Your message has been sent to your MogelijkMaker.")


def _message_post(request, dream: Dream, *, page_url: str, link_token: str = "") -> HttpResponse:
    """Send the resident's message from the form on DREAM's page (signed in, or by a mail
    link whose token LINK_TOKEN the form carries), then show PAGE_URL again."""
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.dream_message_from_resident(
                dream=dream, by=dream.resident, body=form.cleaned_data["body"]
            )
        except NotAllowed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _message_sent_text(dream))
            if not request.htmx:
                return redirect(page_url + "#tijdlijn")
            form = MessageForm()
    dream = selectors.dream_for_resident(resident=dream.resident, pk=dream.pk)
    context = _detail_context(dream, message_form=form, link_token=link_token)
    if request.htmx:
        return render(request, "residents/dream_detail.html#conversation", context)
    return render(request, "residents/dream_detail.html", context, status=400)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def dream_message(request, pk: int) -> HttpResponse:
    dream = _own_dream(request, pk)
    return _message_post(
        request, dream, page_url=reverse("residents:dream_detail", args=[dream.pk])
    )


@login_required
@require_POST
def dream_links_revoke(request, pk: int) -> HttpResponse:
    """Make the links in the mails about this dream sent so far stop working."""
    dream = _own_dream(request, pk)
    services.dream_links_revoke(dream=dream, by=request.user)
    messages.success(
        request,
        _(
            "The links in earlier emails about this dream no longer work. New emails have "
            "a new link."
        ),
    )
    return redirect("residents:dream_detail", pk=dream.pk)


@login_required
@require_POST
def dream_share(request, pk: int) -> HttpResponse:
    """Share the dream with the neighbourhood platform, or stop sharing it."""
    dream = _own_dream(request, pk)
    share = request.POST.get("share") == "1"
    try:
        services.dream_share_with_platform(dream=dream, by=request.user, share=share)
    except NotAllowed as exc:
        messages.error(request, str(exc))
    else:
        if share:
            messages.success(
                request, _("Your dream is now shared with the neighbourhood platform.")
            )
        else:
            messages.success(
                request, _("Your dream is no longer shared with the neighbourhood platform.")
            )
    return redirect(reverse("residents:dream_detail", args=[dream.pk]) + "#platform-heading")


@login_required
@require_POST
def dream_share_partners(request, pk: int) -> HttpResponse:
    """Let the partners who help read the dream's story, or stop it (issue 17)."""
    dream = _own_dream(request, pk)
    share = request.POST.get("share") == "1"
    services.dream_share_with_partners(dream=dream, by=request.user, share=share)
    if share:
        messages.success(request, _("The partners who help can now read your story."))
    else:
        messages.success(request, _("The partners who help no longer read your story."))
    return redirect(reverse("residents:dream_detail", args=[dream.pk]) + "#helpers-heading")


def _dream_link_refused(request, problem: DreamLinkProblem, *, status: int) -> HttpResponse:
    """Say in plain words why a mail link does not open the dream, and offer to sign in."""
    return render(
        request,
        "residents/dream_link_invalid.html",
        {
            "problem": problem,
            "days": settings.DREAM_LINK_DAYS,
            "form": SignInForm(),
            "unsent_message": request.POST.get("body", "") if request.method == "POST" else "",
        },
        status=status,
    )


@never_cache
@require_GET
def dream_link(request, token: str) -> HttpResponse:
    """Open one dream from the link in a status mail: its timeline and the answer form.

    The link signs no one in and uses nothing up (a mail scanner may open it first); sending
    a message is a POST that carries the token again (dream_link_message).
    """
    dream, problem = dream_link_token_read(token)
    if dream is None:
        status = 400 if problem == DreamLinkProblem.INVALID else 410
        return _dream_link_refused(request, problem, status=status)
    if request.user.is_authenticated and request.user.pk == dream.resident_id:
        return redirect("residents:dream_detail", pk=dream.pk)
    dream = selectors.dream_for_resident(resident=dream.resident, pk=dream.pk)
    return render(request, "residents/dream_detail.html", _detail_context(dream, link_token=token))


@require_POST
@vary_on_headers("HX-Request")
def dream_link_message(request) -> HttpResponse:
    """Send a message from a dream opened by a mail link; the token comes with the form."""
    token = request.POST.get("token", "")
    dream, problem = dream_link_token_read(token)
    if dream is None:
        if request.htmx:  # htmx swaps no error page: show it as a page of its own
            return HttpResponseClientRedirect(reverse("residents:dream_link_refused"))
        return _dream_link_refused(request, problem, status=403)
    return _message_post(
        request,
        dream,
        page_url=reverse("residents:dream_link", args=[token]),
        link_token=token,
    )


@require_GET
def dream_link_refused(request) -> HttpResponse:
    return _dream_link_refused(request, DreamLinkProblem.INVALID, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def dream_withdraw(request, pk: int) -> HttpResponse:
    dream = _own_dream(request, pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dream_withdraw(
                dream=dream, by=request.user, reason=form.cleaned_data["reason"]
            )
        except (InvalidTransition, NotAllowed) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your dream has been withdrawn."))
            if request.htmx:
                return HttpResponseClientRedirect(reverse("residents:dream_detail", args=[pk]))
            return redirect("residents:dream_detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "residents/dream_withdraw.html", {"dream": dream, "form": form}, status=status
    )


@login_required
@require_GET
def dream_photo(request, pk: int, photo_pk: int) -> HttpResponse:
    """Serve a photo of the resident's own dream; never from a public URL."""
    try:
        photo = selectors.photo_for_resident(resident=request.user, dream_pk=pk, photo_pk=photo_pk)
    except DreamPhoto.DoesNotExist:
        raise Http404 from None
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request) -> HttpResponse:
    form = NotificationPreferencesForm(
        request.POST if request.method == "POST" else None,
        initial={"mode": request.user.notification_mode},
    )
    if request.method == "POST" and form.is_valid():
        services.notification_mode_set(user=request.user, mode=form.cleaned_data["mode"])
        messages.success(request, _("Your choice has been saved."))
        return redirect("residents:notification_preferences")
    return render(request, "residents/notification_preferences.html", {"form": form})


@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str) -> HttpResponse:
    """Stop non-essential mail from a link in a mail, without signing in.

    GET only asks; the change is a POST, so a mail scanner that opens links changes nothing.
    """
    user = unsubscribe_token_read(token)
    if user is None:
        return render(request, "residents/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        services.notification_mode_set(user=user, mode=NotificationMode.ESSENTIAL)
        return render(request, "residents/unsubscribe.html", {"done": True})
    return render(request, "residents/unsubscribe.html", {"token": token})
