"""A realised dream's story (issue 19). Being built: the routes exist so that the API can
link to them."""

from django.http import Http404


def story(request, pk: int):
    raise Http404


def photo(request, pk: int, photo_pk: int):
    raise Http404
