"""The workspace's story panel (issue 19): staff choose the photos of a shared story, only
when the resident allowed it (services.publication_photos_set says who may)."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from initiatives import selectors, services
from initiatives.models import Dream
from residents.story_forms import PhotoChoiceForm
from staff.permissions import staff_area
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
