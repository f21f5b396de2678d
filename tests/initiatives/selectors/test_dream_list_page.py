"""A search in the staff list: best match first, among the newest matches only (issue 15)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives import selectors
from initiatives.statuses import Status
from tests.factories import DreamFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ranking is PostgreSQL's (tests run on it)"
)


@pytest.fixture
def matches(db):
    now = timezone.now()

    def dream(title, story, days_ago):
        return DreamFactory(
            title=title,
            story=story,
            status=Status.SUBMITTED,
            submitted_at=now - timedelta(days=days_ago),
        )

    return {
        "best_but_oldest": dream("Speeltuin, speeltuin!", "Een speeltuin met speeltuinen.", 9),
        "good": dream("Een speeltuin bij de school", "Voor de kinderen.", 3),
        "weak_newest": dream("Bankjes", "Naast de speeltuin staan geen bankjes.", 1),
        "weak_newer": dream("Bloemen", "Bloemen langs het pad bij de speeltuin.", 2),
        "other": dream("Jeu de boules", "Een baan voor de buurt.", 0),
    }


def _page(user, query, sort="", **kwargs):
    dreams = selectors.staff_dream_list(user=user, query=query, sort=sort)
    return selectors.dream_list_page(dreams, sort=sort, query=query, **kwargs)


@postgresql_only
def test_a_search_shows_the_best_match_first(matches, enabler):
    page = _page(enabler, "speeltuin")
    assert page.ranked and page.sort == "relevance"
    titles = [d.title for d in page.rows]
    assert titles[0] == "Speeltuin, speeltuin!"  # the oldest, but the word four times
    assert [d.rank for d in page.rows] == sorted((d.rank for d in page.rows), reverse=True)
    assert set(titles) == {d.title for k, d in matches.items() if k != "other"}
    assert (page.count, page.capped) == (4, False)


@postgresql_only
def test_only_the_newest_matches_are_ranked_and_the_page_says_so(matches, enabler, settings):
    settings.DREAM_SEARCH_CONSIDERED = 3
    page = _page(enabler, "speeltuin")
    # The oldest match is the best one, but it is not among the 3 newest: not ranked, not shown.
    assert {d.title for d in page.rows} == {"Een speeltuin bij de school", "Bloemen", "Bankjes"}
    assert (page.count, page.capped) == (3, True)


@postgresql_only
def test_the_database_ranks_and_counts_a_limited_set(matches, enabler, settings):
    settings.DREAM_SEARCH_CONSIDERED = 3
    with CaptureQueriesContext(connection) as queries:
        _page(enabler, "speeltuin")
    sqls = [q["sql"] for q in queries.captured_queries]
    # Whether to look among the newest dreams first (search_window) is judged from the
    # statistics only: the histogram of when dreams were handed in, and a plan (not run).
    statistics = [sql for sql in sqls if "pg_stats" in sql or sql.startswith("EXPLAIN")]
    assert all("COUNT(" not in sql and "ts_rank" not in sql for sql in statistics)
    assert len(statistics) <= 2
    # One walk finds the newest N+1 matches (the one more says "more matched")...
    newest, ranked, rows = [sql for sql in sqls if sql not in statistics]
    assert "ts_rank" not in newest and "COUNT(" not in newest
    assert newest.endswith(
        'ORDER BY "initiatives_dream"."submitted_at" DESC, "initiatives_dream"."id" DESC LIMIT 4'
    )
    # ...only the newest N are ranked, the page cut from them by rank...
    ids = re.search(r"id = ANY\('\{([\d,]+)\}'", ranked).group(1)
    assert len(ids.split(",")) == 3
    assert "ts_rank" in ranked and "LIMIT 25" in ranked
    # ...and only the page's rows are read with their place, theme and MogelijkMaker.
    assert "ts_rank" not in rows and "COUNT(" not in rows and "unnest(" in rows


def test_a_chosen_sort_pages_through_every_match(matches, enabler, settings):
    settings.DREAM_SEARCH_CONSIDERED = 3
    page = _page(enabler, "speeltuin", sort="oldest", per_page=2)
    dreams = selectors.staff_dream_list(user=enabler, query="speeltuin", sort="oldest")
    assert not page.ranked and page.sort == "oldest"
    assert [d.title for d in page.rows] == ["Speeltuin, speeltuin!", "Een speeltuin bij de school"]
    rest = selectors.dream_list_page(
        dreams, sort="oldest", query="speeltuin", after=page.next_params["na"], per_page=2
    )
    assert [d.title for d in rest.rows] == ["Bloemen", "Bankjes"]
    assert (page.count, page.capped) == (3, True)  # a search counts up to DREAM_SEARCH_CONSIDERED


def test_ranked_pages_are_numbered(matches, enabler):
    first = _page(enabler, "speeltuin", per_page=3)
    assert (first.number, first.num_pages, first.next_params) == (1, 2, {"pagina": 2})
    second = _page(enabler, "speeltuin", per_page=3, number="2")
    assert (second.number, second.previous_params, len(second.rows)) == (2, {"pagina": 1}, 1)
    assert {d.pk for d in first.rows} | {d.pk for d in second.rows} == {
        d.pk for k, d in matches.items() if k != "other"
    }
    assert _page(enabler, "speeltuin", per_page=3, number="x").number == 1


def test_the_filter_options_are_read_in_one_query_in_each_list_s_order(db):
    from django.contrib.auth.models import Group

    from accounts.roles import Role
    from tests.factories import NeighbourhoodFactory, StaffFactory, ThemeFactory

    for name in ("Vlijmen", "Drunen", "Elshout"):
        NeighbourhoodFactory(name=name)
    ThemeFactory(name="Groen")
    enablers = Group.objects.get(name=Role.ENABLER)
    for full_name, email in [
        ("Sanne", "s@x.example"),
        ("", "a@x.example"),
        ("Bart", "b@x.example"),
    ]:
        StaffFactory(full_name=full_name, email=email).groups.add(enablers)
    StaffFactory(full_name="Geen rol")

    with CaptureQueriesContext(connection) as queries:
        options = selectors.list_filter_options()
    assert len(queries) == 1
    assert options == {
        "neighbourhood": [(n.pk, str(n)) for n in selectors.neighbourhood_list()],
        "theme": [(t.pk, str(t)) for t in selectors.theme_list()],
        "contact": [(u.pk, str(u)) for u in selectors.enablers()],
    }
    assert [label for _pk, label in options["contact"]][:1] == ["a@x.example"]
