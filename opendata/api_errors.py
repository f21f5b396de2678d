"""The API's answers when something is wrong: always JSON, always a message in Dutch and
English, never a traceback or the Django HTML pages (issue 19)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_noop
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError
from pydantic import Field

from opendata.bilingual import bilingual


class Problem(Schema):
    detail: str = Field(description="What went wrong, in Dutch and English.")


class ParameterProblem(Schema):
    parameter: str = Field(description="The query or path parameter that was refused.")
    message: str = Field(description="Why it was refused (English).")


class BadRequest(Schema):
    detail: str = Field(description="What went wrong, in Dutch and English.")
    errors: list[ParameterProblem] = Field(description="Each refused parameter.")


# Every operation documents these next to its 200 answer, so that a client (and the contract
# tests) know every answer it can get.
PROBLEMS = {400: BadRequest, 404: Problem, 429: Problem}

NOT_FOUND = gettext_noop("There is no such item in the open data.")
BAD_PARAMETERS = gettext_noop("Some parameters were not understood; see errors.")


def _parameter(error: dict) -> str:
    location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
    return ".".join(location) or "request"


def _validation_error(request: HttpRequest, exc: ValidationError, api: NinjaAPI) -> HttpResponse:
    # The refused value is not echoed: it may be long, binary or someone's text.
    errors = [
        {"parameter": _parameter(error), "message": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    return api.create_response(
        request, {"detail": bilingual(BAD_PARAMETERS), "errors": errors}, status=400
    )


def _not_found(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    return api.create_response(request, {"detail": bilingual(NOT_FOUND)}, status=404)


def install(api: NinjaAPI) -> None:
    """Answer refused parameters with 400 and a missing item with 404, both as JSON."""
    api.add_exception_handler(ValidationError, lambda r, e: _validation_error(r, e, api))
    api.add_exception_handler(Http404, lambda r, e: _not_found(r, e, api))
