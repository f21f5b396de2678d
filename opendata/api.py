"""The open data API, version 1 (issue 19): read-only, no session or cookie, documented by the
OpenAPI 3 schema django-ninja builds from the typed code (/api/v1/openapi.json).

django-ninja over Django REST framework with drf-spectacular: the schema comes from the same
type hints that validate the query parameters and shape the answers (pydantic), so the
document cannot drift from the code, and a read-only API needs none of DRF's serializers,
viewsets or browsable pages. One router per subject, each in its own module.
"""

from ninja import NinjaAPI, Swagger

from opendata import api_dreams, api_errors, api_figures, api_stories
from opendata.conditional import open_data_cached
from opendata.rate_limit import open_data_rate_limited

api = NinjaAPI(
    title="Dromen.Doen open data",
    version="1",
    urls_namespace="api_v1",
    description=(
        "Dreams that residents chose to share, their stories once realised, and figures per "
        "neighbourhood, theme and week. Data licence: CC0-1.0. No count below "
        "OPEN_DATA_MIN_COUNT (default 5) is published."
    ),
    # The interactive documentation at /api/v1/docs is Swagger UI from django-ninja's own static
    # files ("ninja" in INSTALLED_APPS), nothing from a CDN; without a validator, which would
    # send the schema to validator.swagger.io and show its badge from there.
    docs=Swagger(settings={"validatorUrl": None}),
)
api_errors.install(api)
# Around every operation, of every router (figures too): first the rate limit, so every
# request counts, then the answer cached by the open-data version, with ETag and
# Last-Modified. The last decorator added is the outermost.
api.add_decorator(open_data_cached, mode="view")
api.add_decorator(open_data_rate_limited, mode="view")
api.add_router("/dreams/", api_dreams.router)
api.add_router("/stories/", api_stories.router)
api.add_router("/figures/", api_figures.router)
