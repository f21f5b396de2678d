"""The dreams list reads a page as ids first, then those rows: the same pages as before."""

from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives import selectors
from initiatives.pagination import CappedCountPaginator, DeferredJoinPaginator
from initiatives.statuses import Status
from tests.factories import DreamFactory, ReviewFactory


@pytest.fixture
def many_dreams(db, neighbourhood, theme):
    now = timezone.now()
    statuses = [Status.SUBMITTED, Status.PICKED_UP, Status.IN_PROGRESS, Status.REALISED]
    dreams = [
        DreamFactory(
            title=f"Droom {n % 7} {n}",
            status=statuses[n % len(statuses)],
            submitted_at=now - timedelta(hours=n % 11),  # ties: the id decides
            neighbourhood=neighbourhood,
            theme=theme,
        )
        for n in range(30)
    ]
    DreamFactory(status=Status.UNCONFIRMED, submitted_at=None)
    ReviewFactory(dream=dreams[3], customer_verdict="tension")
    return dreams


@pytest.mark.parametrize("sort", ["newest", "oldest", "title", "status", "silent"])
def test_pages_are_those_of_the_plain_paginator(many_dreams, enabler, sort):
    dreams = selectors.staff_dream_list(user=enabler, sort=sort)
    plain = Paginator(dreams, 5)
    deferred = DeferredJoinPaginator(dreams, 5)
    assert deferred.count == plain.count == 30
    for number in plain.page_range:
        expected = [(d.pk, d.has_tension) for d in plain.page(number)]
        assert [(d.pk, d.has_tension) for d in deferred.page(number)] == expected


def test_a_page_costs_the_same_queries_wherever_it_is(many_dreams, enabler):
    dreams = selectors.staff_dream_list(user=enabler)
    paginator = DeferredJoinPaginator(dreams, 5)
    paginator.count  # noqa: B018 - counted once, before the pages
    counts = []
    for number in (1, 3, 5):
        with CaptureQueriesContext(connection) as queries:
            rows = list(paginator.page(number))
            [(d.neighbourhood.name, d.theme.name, d.contact) for d in rows]
        counts.append(len(queries))
    assert counts == [2, 2, 2]


def test_the_list_page_shows_the_right_dreams(many_dreams, enabler, client):
    client.force_login(enabler)
    response = client.get("/medewerkers/dromen/?sort=title&pagina=2")
    assert response.status_code == 200
    titles = [d.title for d in response.context["page"].object_list]
    by_title = sorted(many_dreams, key=lambda d: (d.title, d.pk))
    assert titles == [d.title for d in by_title][25:]


def test_the_list_never_counts_without_a_limit(many_dreams, enabler, client):
    """Issue 15: an exact COUNT(*) reads every match; the list stops counting at its cap."""
    client.force_login(enabler)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/medewerkers/dromen/?q=Droom")
    assert response.status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts, "the list counts what it found"
    for sql in counts:
        assert "LIMIT" in sql.upper(), sql


def test_more_than_the_cap_is_said_as_such(many_dreams, enabler, client, settings):
    settings.DREAM_LIST_COUNT_CAP = 20
    client.force_login(enabler)
    response = client.get("/medewerkers/dromen/")
    page = response.content.decode()
    assert "Meer dan 20 dromen gevonden." in page
    assert "30 dromen gevonden" not in page
    assert len(response.context["page"].object_list) == 20  # the pages end at the cap
    assert "Download alle gevonden dromen als CSV" in page
    settings.DREAM_LIST_COUNT_CAP = 30
    page = client.get("/medewerkers/dromen/").content.decode()
    assert "30 dromen gevonden." in page and "Meer dan" not in page


def test_a_capped_paginator_counts_at_most_its_cap(many_dreams, enabler):
    dreams = selectors.staff_dream_list(user=enabler)
    capped = CappedCountPaginator(dreams, 5, cap=12)
    assert (capped.count, capped.capped, capped.num_pages) == (12, True, 3)
    exact = CappedCountPaginator(dreams, 5, cap=30)
    assert (exact.count, exact.capped) == (30, False)
