"""Contract tests of the figures, generated from the OpenAPI document (schemathesis) and sent
to a live server: no 500, every answer matches its schema, hostile parameters refused
cleanly (an unknown id 404, a value out of range 422)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from opendata.api import api
from tests.factories import NeighbourhoodFactory, ThemeFactory

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))


@pytest.fixture
def places(live_server, settings):
    settings.RATELIMIT_OPEN_DATA_PER_IP = "100000/m"
    NeighbourhoodFactory()
    ThemeFactory()
    return live_server.url


@schema.include(path_regex="^/api/v1/figures/").parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_figures_keep_their_contract(case, places):
    case.call_and_validate(base_url=places)
