"""The question behind the question (issue 17): the dream's contact person records the
situation mapped, in the workspace's first working practice."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from initiatives import services
from staff.permissions import staff_area
from staff.situation_forms import SituationForm
from staff.views import _workspace_action


@staff_area("dream_work")
@require_POST
@vary_on_headers("HX-Request")
def dream_situation(request, pk: int) -> HttpResponse:
    return _workspace_action(
        request,
        pk,
        form_name="situation_form",
        form=SituationForm(request.POST),
        action=lambda dream, data: services.situation_record(dream=dream, by=request.user, **data),
        success=_("The situation has been recorded."),
    )
