"""initiatives/spliced_query.py: a page's rows read through the SQL composed once give what the
ORM's own values_list gives, for every sort of the staff list (issue 15)."""

import pytest
from django.db import connection, connections
from django.db.models import Subquery
from django.test.utils import CaptureQueriesContext

from initiatives import selectors
from initiatives.models import Dream
from initiatives.selectors.dream_list_page import _listed, _page_rows_query
from initiatives.selectors.dream_lists import DREAM_SORTS, LIST_SORTS, _with_tension_flag
from initiatives.spliced_query import SplicedQuery, placeholder
from initiatives.statuses import status_order
from tests.factories import DreamFactory, NeighbourhoodFactory, ReviewFactory

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('%s %%s')</script>"


@pytest.fixture
def dreams(db, theme, enabler):
    place = NeighbourhoodFactory(name=HOSTILE)
    made = [
        DreamFactory(title=f"{HOSTILE} {n}", neighbourhood=place, theme=theme) for n in range(8)
    ]
    Dream.objects.filter(pk=made[1].pk).update(contact=enabler, status="picked_up")
    ReviewFactory(dream=made[2], customer_verdict="tension")
    return made


def _orm_rows(ids, sort):
    by_status = "status_order" in LIST_SORTS[sort].keys
    rows = _with_tension_flag(Dream.objects.filter(pk__in=Subquery(ids)))
    if by_status:
        rows = rows.annotate(status_order=status_order())
    columns, _make = _listed(("status_order",) if by_status else ())
    return list(rows.order_by(*DREAM_SORTS[sort]).values_list(*columns))


@pytest.mark.parametrize("sort", sorted(LIST_SORTS))
def test_the_page_rows_are_the_orms(dreams, enabler, sort):
    listed = selectors.staff_dream_list(user=enabler, sort=sort)
    by_status = "status_order" in LIST_SORTS[sort].keys
    spliced = _page_rows_query(connections["default"], by_status, DREAM_SORTS[sort])
    for ids in (
        listed.values("pk")[:5],
        listed.values("pk")[3:9],
        selectors.staff_dream_list(user=enabler, tension=True, query="script").values("pk"),
    ):
        expected = _orm_rows(ids, sort)
        assert spliced.rows(ids) == expected  # the same values, types and order
    assert any(row[5] for row in spliced.rows(listed.values("pk")))  # the tension flag
    assert spliced.rows(listed.filter(pk__in=[]).values("pk")) == []


def test_the_page_is_still_one_query_with_the_ids_inside(dreams, enabler):
    listed = selectors.staff_dream_list(user=enabler)
    spliced = _page_rows_query(connections["default"], False, DREAM_SORTS["newest"])
    with CaptureQueriesContext(connection) as queries:
        rows = spliced.rows(listed.values("pk")[:3])
    assert len(queries) == 1 and len(rows) == 3
    assert "LIMIT 3" in queries[0]["sql"] and "spliced_subquery_marker" not in queries[0]["sql"]


def test_a_template_needs_its_placeholder_exactly_once(db):
    with pytest.raises(ValueError):
        SplicedQuery.of(Dream.objects.values_list("pk"))
    twice = Dream.objects.filter(pk__in=placeholder()).exclude(pk__in=placeholder())
    with pytest.raises(ValueError):
        SplicedQuery.of(twice.values_list("pk"))
