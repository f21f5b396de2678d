"""The workspace's story panel (issue 19): staff choose the photos of a shared story, only
when the resident allowed it (services.publication_photos_set says who may), and a manager or
a communications advisor takes a story offline with a reason (services.publication_take_down)."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from initiatives import selectors, services
from initiatives.models import Dream
from residents.story_forms import PhotoChoiceForm
from staff.permissions import staff_area
from staff.story_forms import StoryTakeDownForm
from staff.views import _workspace_action


@staff_area("dream_view")
@require_POST
@vary_on_headers("HX-Request")
def dream_story_photos(request, pk: int) -> HttpResponse:
    dream = Dream(pk=pk)
    publication = selectors.publication_of(dream)
    form = PhotoChoiceForm(
        request.POST,
        photos=selectors.photos_of_dream(dream_pk=pk),
        chosen=publication.chosen if publication else {},
    )
    return _workspace_action(
        request,
        pk,
        form_name="story_photo_form",
        form=form,
        action=lambda dream, data: services.publication_photos_set(
            dream=dream, by=request.user, choices=form.choices()
        ),
        success=_("The photos of the story have been saved."),
    )


@staff_area("story_take_down")
@require_POST
@vary_on_headers("HX-Request")
def dream_story_take_down(request, pk: int) -> HttpResponse:
    return _workspace_action(
        request,
        pk,
        form_name="story_take_down_form",
        form=StoryTakeDownForm(request.POST),
        action=lambda dream, data: services.publication_take_down(
            dream=dream, by=request.user, reason=data["reason"]
        ),
        success=_("The story has been taken offline. The resident reads why on their timeline."),
    )
