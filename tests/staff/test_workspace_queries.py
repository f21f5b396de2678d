"""How many queries the dream workspace makes: pinned, so a panel that starts reading on its
own (or a form built for nothing) shows up here. tests/staff/test_views.py checks that the
number does not grow with the rows; this checks the number itself."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives import services
from initiatives.models import Dream
from initiatives.statuses import Status
from tests.staff.conftest import add_photo
from tests.staff.test_views import _workspace

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> list[str]:
    client.get(url)  # warm up: the service promises are made on first use
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def _described(queries: list[str]) -> str:
    return "\n".join(sql[:160] for sql in queries)


def _reads_the_dream_once(queries: list[str]) -> None:
    dream_reads = [sql for sql in queries if "FROM initiatives_dream d" in sql]
    assert len(dream_reads) == 1, _described(queries)
    others = [sql for sql in queries if sql not in dream_reads]
    assert not [sql for sql in others if "initiatives_timelineevent" in sql], _described(others)


def test_the_contact_person_with_every_form(client, enabler, reviewed, fund):
    """Every panel and form shown: the session, the user, their second factor and roles
    (4); the dream with everything on it (1); the service promises (1); this year's funds for
    the budget panel and for the grant form (2); the MogelijkMakers to hand over to (1); the
    audit row (1); the session saved for its idle time (1, in a transaction: 3). Before the
    workspace was read in one query (issue 15) it was 21."""
    services.dream_add_note(dream=reviewed, by=enabler, body="notitie")
    add_photo(reviewed)
    client.force_login(enabler)
    queries = _queries(client, _workspace(reviewed))
    _reads_the_dream_once(queries)
    assert len(queries) == EXPECTED_CONTACT, _described(queries)


def test_a_closed_dream(client, enabler, reviewed, second_enabler):
    """Read only: no forms but the internal note, so no funds and no colleagues (18 before)."""
    Dream.objects.filter(pk=reviewed.pk).update(status=Status.REALISED)
    client.force_login(second_enabler)
    queries = _queries(client, _workspace(reviewed))
    _reads_the_dream_once(queries)
    assert len(queries) == EXPECTED_CLOSED, _described(queries)


EXPECTED_CONTACT = 13
EXPECTED_CLOSED = 10
