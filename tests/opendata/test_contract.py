"""Contract tests generated from the API's OpenAPI document (issue 19): for every operation in
it (the figures' too), schemathesis generates requests, valid and hostile, and checks every
answer: never a server error, the status and content type documented, the body matching its
schema. On PostgreSQL, with shared dreams and stories in the database."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def published(world, settings):
    # Hundreds of generated requests come from one address: the limit has its own tests.
    settings.RATELIMIT_OPEN_DATA_PER_IP = "100000/m"
    # The requests go through Django's WSGI handler, whose end of request closes the database
    # connection, and with it the test's transaction; Django's own test client does the same.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield world
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    # The database is made once per operation (world), not once per generated request.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_keeps_its_contract(case, published):
    case.call_and_validate()


@pytest.mark.django_db
def test_every_item_in_the_database_keeps_its_contract(published):
    # Generated ids seldom hit a dream that exists: ask each operation by id for every
    # shared dream and story, and for the hidden ones (their 404 must keep the contract too).
    ids = [d.pk for d in published.shared + published.hidden]
    checked = 0
    for operation in schema.get_all_operations():
        operation = operation.ok()
        names = {p.name for p in operation.path_parameters}
        if operation.method.upper() != "GET" or names != {"id"}:
            continue
        for pk in ids:
            operation.Case(path_parameters={"id": pk}).call_and_validate()
            checked += 1
    assert checked >= 2 * len(ids)  # the dreams' and the stories' items at least
