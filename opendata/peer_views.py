"""'Elders gelukt': realised dreams of other municipalities' installations, each with its
source named and a link to the story there (issue 19). The stories are fetched by a scheduled
task (initiatives/peer_tasks.py); everything in them came from elsewhere and is rendered
escaped, as plain text."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from initiatives import selectors

STORIES_PER_PAGE = 20


@require_GET
def elsewhere(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.peer_stories_public(), STORIES_PER_PAGE)
    # get_page: a page number typed by hand that is no number or too high shows a real page.
    page = paginator.get_page(request.GET.get("pagina"))
    return render(request, "opendata/elsewhere.html", {"page": page})
