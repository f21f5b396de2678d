"""The bulk export's selection: a large one goes to PostgreSQL as one array parameter."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives import selectors
from staff.views import _only
from tests.factories import DreamFactory


def test_a_large_selection_finds_the_same_dreams(db, enabler):
    dreams = [DreamFactory() for _ in range(3)]
    ids = [dreams[0].pk, dreams[2].pk, *range(10**9, 10**9 + 1500)]  # most of them unknown
    selected = _only(selectors.staff_dream_list(user=enabler, sort="oldest"), ids)
    with CaptureQueriesContext(connection) as queries:
        found = [d.pk for d in selected]
    assert found == [dreams[0].pk, dreams[2].pk]
    if connection.vendor == "postgresql":
        assert "ANY(" in queries[0]["sql"]
