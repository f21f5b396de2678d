"""A search's newest matches found in a window of the newest dreams first (search_window):
the same dreams, in the same order, as the plain newest-first query, whether the window
holds enough matches or the search falls back to all dreams."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives import search_window, selectors
from initiatives.models import Dream
from initiatives.statuses import Status
from tests.factories import DreamFactory, NeighbourhoodFactory, ThemeFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics"),
]

DREAMS = 1200


@pytest.fixture
def history(db):
    """DREAMS dreams handed in one an hour: 'klompenpad' in every 25th (4%), spread over
    all of them; 'boomgaard' in 48 of the oldest 300 and 2 of the newest (a word out of use,
    that came up again); 'speeltuin' in every 4th; and a few unconfirmed ones, which the
    list leaves out. Analysed, so the planner has the statistics the window is judged from."""
    resident, place, theme = UserFactory(), NeighbourhoodFactory(), ThemeFactory()
    start = timezone.now() - timedelta(hours=DREAMS)
    dreams = []
    for n in range(DREAMS):
        words = []
        if n % 25 == 7:
            words.append("klompenpad")
        if (n < 300 and n % 6 == 1) or n in (DREAMS - 11, DREAMS - 5):
            words.append("boomgaard")
        if n % 4 == 2:
            words.append("speeltuin")
        dreams.append(
            DreamFactory.build(
                title=f"Droom {n} " + " ".join(words),
                story=f"Een verhaal over de buurt {' '.join(words)}.",
                resident=resident,
                neighbourhood=place,
                theme=theme,
                status=Status.SUBMITTED if n % 50 else Status.UNCONFIRMED,
                submitted_at=None if n % 50 == 0 else start + timedelta(hours=n),
            )
        )
    # Two dreams handed in at the same moment: the id decides their order.
    dreams[-3].submitted_at = dreams[-2].submitted_at
    Dream.objects.bulk_create(dreams)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE initiatives_dream")
    search_window.forget()  # statistics remembered from before the ANALYZE
    yield
    search_window.forget()  # rolled back with the test: remembered by none after it


def _listed(user, word):
    return selectors.staff_dream_list(user=user, query=word)


def _plain(queryset, limit):
    ordered = queryset.order_by("-submitted_at", "-id").values_list("pk", flat=True)
    return list(ordered[:limit])


def _id_queries(queries):
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "initiatives_dream"."id"')
    ]


def test_a_rare_word_is_found_in_a_window_of_the_newest_dreams(history, enabler):
    dreams = _listed(enabler, "klompenpad")
    start = search_window.window_start(dreams, 5)
    assert start is not None  # 46 expected matches: a window of a fifth of the dreams
    with CaptureQueriesContext(connection) as queries:
        ids = search_window.newest_ids(dreams, 5)
    assert ids == _plain(dreams, 5)
    (query,) = _id_queries(queries)  # the window held them: no second search
    assert '"initiatives_dream"."submitted_at" >=' in query and query.endswith("LIMIT 5")


def test_a_window_that_falls_short_searches_all_dreams_with_the_same_result(history, enabler):
    """'boomgaard' is mostly in the oldest dreams: the window of the newest holds 2 of its
    matches, not 5, and the search runs again over all of them."""
    dreams = _listed(enabler, "boomgaard")
    assert search_window.window_start(dreams, 5) is not None
    with CaptureQueriesContext(connection) as queries:
        ids = search_window.newest_ids(dreams, 5)
    assert ids == _plain(dreams, 5) and len(ids) == 5
    windowed, everything = _id_queries(queries)
    assert 'submitted_at" >=' in windowed and 'submitted_at" >=' not in everything


@pytest.mark.parametrize("word", ["klompenpad", "boomgaard", "speeltuin", "nergens"])
@pytest.mark.parametrize("limit", [1, 3, 5, 29, 48, 300, 2000])
def test_the_newest_matches_are_those_of_the_plain_query(history, enabler, word, limit):
    dreams = _listed(enabler, word)
    assert search_window.newest_ids(dreams, limit) == _plain(dreams, limit)


def test_two_dreams_handed_in_at_the_same_moment_keep_their_order(history, enabler):
    dreams = selectors.staff_dream_list(user=enabler)
    assert search_window.window_start(dreams, 2) is not None
    ids = search_window.newest_ids(dreams, 3)
    assert ids == _plain(dreams, 3)
    same = Dream.objects.filter(pk__in=ids[1:3]).values_list("submitted_at", flat=True)
    assert len(set(same)) == 1 and ids[1] > ids[2]


@pytest.mark.parametrize("considered", [3, 10, 40])
@pytest.mark.parametrize("word", ["klompenpad", "boomgaard", "speeltuin"])
def test_the_ranked_page_is_the_same_with_and_without_the_window(
    history, enabler, settings, monkeypatch, considered, word
):
    settings.DREAM_SEARCH_CONSIDERED = considered

    def page(number):
        dreams = selectors.staff_dream_list(user=enabler, query=word)
        found = selectors.dream_list_page(dreams, sort="", query=word, number=number, per_page=4)
        return [(d.pk, d.rank) for d in found.rows], found.count, found.capped, found.num_pages

    windowed = [page(n) for n in ("1", "2", "3")]
    monkeypatch.setattr(search_window, "MAX_SHARE", 0.0)  # never a window: as before
    assert search_window.window_start(_listed(enabler, word), considered + 1) is None
    assert [page(n) for n in ("1", "2", "3")] == windowed


def test_without_statistics_there_is_no_window(enabler):
    search_window.forget()
    DreamFactory.create_batch(3, title="Klompenpad")
    with connection.cursor() as cursor:  # a table never analysed has no histogram
        cursor.execute(
            "SELECT count(*) FROM pg_stats WHERE tablename = 'initiatives_dream' "
            "AND attname = 'submitted_at' AND histogram_bounds IS NOT NULL"
        )
        if cursor.fetchone()[0]:
            pytest.skip("this test database has statistics for the dreams")
    assert search_window.window_start(_listed(enabler, "klompenpad"), 1) is None


def test_a_quantile_lies_between_the_histogram_bounds():
    day = datetime(2026, 1, 1, tzinfo=UTC)
    bounds = [day, day + timedelta(days=10), day + timedelta(days=30)]
    assert search_window.quantile(bounds, 0) == day
    assert search_window.quantile(bounds, 0.25) == day + timedelta(days=5)
    assert search_window.quantile(bounds, 0.75) == day + timedelta(days=20)
    assert search_window.quantile(bounds, 1) == day + timedelta(days=30)
    assert search_window.quantile(bounds, 1.5) == day + timedelta(days=30)


def test_the_statistics_are_asked_once_for_the_same_search(history, enabler):
    """A plan and the histogram, asked for the first search, remembered for the next."""
    dreams = _listed(enabler, "speeltuin")
    with CaptureQueriesContext(connection) as first:
        search_window.newest_ids(dreams, 5)
    with CaptureQueriesContext(connection) as again:
        search_window.newest_ids(_listed(enabler, "speeltuin"), 5)
    asked = [q["sql"] for q in first.captured_queries]
    assert any(sql.startswith("EXPLAIN") for sql in asked)
    assert any("pg_stats" in sql for sql in asked)
    assert [q["sql"] for q in again.captured_queries] == asked[-1:]  # the search alone
    search_window.newest_ids(_listed(enabler, "klompenpad"), 5)  # another word: planned
    assert len([k for k in search_window._remembered if k[1] == "rows"]) == 2
