"""A search's page, best match first: the rank written once in SQL (dream_list_page) is
Django's SearchRank of the same query, and the rows are those the list shows."""

from datetime import timedelta

import pytest
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F
from django.utils import timezone

from initiatives import selectors
from initiatives.models import Dream
from initiatives.search import SEARCH_CONFIG
from initiatives.statuses import Status
from tests.factories import DreamFactory, NeighbourhoodFactory, ThemeFactory, UserFactory

PER_PAGE = 4
CONSIDERED = 10


@pytest.fixture
def searched(db, settings):
    if connection.vendor != "postgresql":
        pytest.skip("ranking is PostgreSQL's full-text search")
    settings.DREAM_SEARCH_CONSIDERED = CONSIDERED
    resident, theme = UserFactory(), ThemeFactory()
    places = [NeighbourhoodFactory(name=name) for name in ("Oudheusden", "Drunen")]
    start = timezone.now() - timedelta(days=30)
    for n in range(16):  # "speeltuin" once to four times; "boom" in every third
        words = " ".join(["speeltuin"] * (1 + n % 4)) + (" boomgaard" if n % 3 == 0 else "")
        DreamFactory(
            title=f"Droom {n} {words if n % 2 else ''}",
            story=f"Wij willen {words} in de straat.",
            resident=resident,
            neighbourhood=places[n % 2],
            theme=theme,
            status=Status.SUBMITTED,
            submitted_at=start + timedelta(hours=n),
        )


def _reference(query: str) -> list[tuple[int, float]]:
    """Rank the newest CONSIDERED matches through the ORM, as the page did before."""
    dreams = selectors.staff_dream_list(user=UserFactory(is_staff=True), query=query)
    newest = list(dreams.order_by("-submitted_at", "-id").values_list("pk", flat=True))
    rank = SearchRank(
        F("search_document"), SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    )
    ranked = (
        Dream.objects.filter(pk__in=newest[:CONSIDERED])
        .annotate(rank=rank)
        .order_by("-rank", "-submitted_at", "-id")
    )
    return list(ranked.values_list("pk", "rank"))


@pytest.mark.parametrize("query", ["speeltuin", "speeltuin boomgaard", "boomgaard or speeltuin"])
def test_the_pages_rank_as_djangos_search_rank(searched, enabler, query):
    expected = _reference(query)
    assert len({rank for _pk, rank in expected}) > 1  # the ranks differ: the order is tested
    shown, number, last = [], 1, 1
    while number <= last:
        dreams = selectors.staff_dream_list(user=enabler, query=query)
        page = selectors.dream_list_page(
            dreams, sort="", query=query, number=str(number), per_page=PER_PAGE
        )
        shown += [(row.pk, row.rank) for row in page.rows]
        number, last = number + 1, page.num_pages
    assert [pk for pk, _rank in shown] == [pk for pk, _rank in expected]
    assert [rank for _pk, rank in shown] == pytest.approx([rank for _pk, rank in expected])


def test_a_ranked_row_shows_what_the_newest_first_list_shows(searched, enabler):
    dreams = selectors.staff_dream_list(user=enabler, query="speeltuin")
    ranked = selectors.dream_list_page(dreams, sort="", query="speeltuin", per_page=PER_PAGE)
    newest = selectors.dream_list_page(dreams, sort="newest", query="speeltuin", per_page=50)
    listed = {row.pk: row for row in newest.rows}
    assert ranked.rows
    for row in ranked.rows:
        assert row.rank > 0
        same = listed[row.pk]
        assert (row.title, row.neighbourhood_name, row.theme_name, row.status) == (
            same.title,
            same.neighbourhood_name,
            same.theme_name,
            same.status,
        )
