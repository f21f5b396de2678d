"""The resident shares their dream as a story (issue 19): the texts, the photos, and "stop
sharing" with a confirmation that says what happens. The section is on the dream's page
(residents/_story.html); a refused form shows that page again, with everything typed kept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from config.forms import refusal_onto_form
from initiatives import selectors, services
from initiatives.exceptions import NotAllowed
from initiatives.models import Dream
from residents.story_forms import PhotoChoiceForm, PublicationForm
from residents.views import _detail_context, _own_dream


def _section(dream: Dream) -> str:
    return reverse("residents:dream_detail", args=[dream.pk]) + "#verhaal-heading"


def _shared_message(shared: services.Shared) -> str:
    """What the resident is told after saving the texts, from what the service saved: whether
    the story is on the website is the publication's, not the dream's status."""
    if not shared.consented:
        return _("Your story has been changed.")
    return (
        _("Thank you! Your dream is shared.")
        + " "
        + (
            _("Its story is on the website now.")
            if shared.publication.story_published_at
            else _("Once it has come true, its story appears on the website.")
        )
    )


def _page_again(request, dream: Dream, **forms) -> HttpResponse:
    dream = selectors.dream_for_resident(resident=request.user, pk=dream.pk)
    return render(
        request, "residents/dream_detail.html", _detail_context(dream, **forms), status=400
    )


@login_required
@require_POST
def story_share(request, pk: int) -> HttpResponse:
    """Give consent with the texts, or change the texts while shared."""
    dream = _own_dream(request, pk)
    form = PublicationForm(request.POST)
    if form.is_valid():
        try:
            shared = services.publication_share(dream=dream, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            refusal_onto_form(form, exc)
        except NotAllowed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _shared_message(shared))
            return redirect(_section(dream))
    return _page_again(request, dream, story_form=form)


@login_required
@require_POST
def story_photos(request, pk: int) -> HttpResponse:
    """Choose the photos of the story, each with its description."""
    dream = _own_dream(request, pk)
    publication = selectors.publication_of(dream)
    form = PhotoChoiceForm(
        request.POST,
        photos=dream.photos.all(),
        chosen=publication.chosen if publication else {},
    )
    if form.is_valid():
        try:
            services.publication_photos_set(dream=dream, by=request.user, choices=form.choices())
        except NotAllowed as exc:
            # No longer shared (stopped in another tab): the photo form is not on the page
            # any more, so the refusal is said at the top of the section, as story_withdraw does.
            messages.error(request, str(exc))
            return redirect(_section(dream))
        except ValidationError as exc:
            refusal_onto_form(form, exc)
        else:
            messages.success(request, _("The photos of your story have been saved."))
            return redirect(_section(dream))
    return _page_again(request, dream, story_photo_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def story_withdraw(request, pk: int) -> HttpResponse:
    """Stop sharing: a page that says what happens, then the withdrawal."""
    dream = _own_dream(request, pk)
    publication = getattr(dream, "publication", None)
    shared = publication is not None and publication.is_shared
    if request.method == "POST" and shared:
        try:
            services.publication_withdraw(dream=dream, by=request.user)
        except NotAllowed as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Your dream is no longer shared. Its page is gone from the website.")
            )
        return redirect(_section(dream))
    if not shared:
        return redirect(_section(dream))
    return render(
        request, "residents/story_withdraw.html", {"dream": dream, "publication": publication}
    )
