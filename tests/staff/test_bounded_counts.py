"""Issue 15: no list page counts without a limit, and deep pages do not skip rows with OFFSET.

An exact COUNT(*) reads every matching row on every page view: 55-160 ms for a million dreams,
over a second for a common search word. Every count on the dream list (all its filters, a
search, deep pages, jumps, the htmx partial), on the triage page and on each role's start page
must count a subquery with a LIMIT inside. The SQL is captured from real requests.
"""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives import services
from initiatives.models import Dream
from initiatives.statuses import Status
from tests.factories import DreamFactory, ThemeFactory
from tests.staff.conftest import make_staff, review_verdicts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _lists_read_the_database(settings):
    """What is checked here is the SQL a list sends to PostgreSQL: without the staff lists'
    cache (initiatives/list_cache.py), every request sends it."""
    settings.DATA_CACHE_SECONDS = 0


_COUNT = re.compile(r"\bCOUNT\s*\(", re.I)
_BOUNDED_COUNT = re.compile(
    r"^SELECT\s+COUNT\(\*\)\s+FROM\s+\(SELECT\b.*\bLIMIT\s+\d+\s*\)\s*subquery$", re.I | re.S
)


def unbounded_counts(sqls: list[str]) -> list[str]:
    """The queries that count without a LIMIT on the rows they count."""
    return [sql for sql in sqls if _COUNT.search(sql) and not _BOUNDED_COUNT.match(sql.strip())]


def _sql_of(client, url: str, **headers) -> tuple[list[str], str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return [q["sql"] for q in queries.captured_queries], response.content.decode()


def _next(content: str) -> str:
    return unescape(re.search(r'href="(\?[^"]*)" rel="next"', content).group(1))


@pytest.fixture
def dreams(db, neighbourhood, theme, enabler):
    made = [
        DreamFactory(
            title=f"Speeltuin {n}" if n % 2 else f"Bankje {n}",
            neighbourhood=neighbourhood,
            theme=theme,
        )
        for n in range(60)
    ]
    for dream in made[:5]:
        services.dream_pick_up(dream=dream, by=enabler)
    services.review_record(dream=made[0], by=enabler, verdicts=review_verdicts("tension"))
    return made


def test_the_check_itself_catches_an_unbounded_count(dreams):
    with CaptureQueriesContext(connection) as queries:
        Dream.objects.filter(status=Status.SUBMITTED).count()
        Dream.objects.order_by().values("pk")[:11].count()
    plain, capped = (q["sql"] for q in queries.captured_queries)
    assert unbounded_counts([plain, capped]) == [plain]


LIST_URLS = [
    "",
    "?status=submitted&status=picked_up",
    "?neighbourhood={nb}&status=in_conversation",
    "?theme={theme}&contact={enabler}",
    "?mine=on&overdue=on",
    "?silent=on&tension=on",
    "?sort=oldest",
    "?sort=title",
    "?sort=status",
    "?sort=silent",
    "?q=speeltuin",  # ranked: best match first
    "?q=speeltuin&sort=title",  # a search, sorted
    "?q=speeltuin&status=submitted&pagina=2",
    "?vanaf=2020-01-01",
    "?sort=title&vanaf=S",
    "?sort=status&vanaf=picked_up",
    "?pagina=2",  # an old page link
    "?na=kapot",  # not a key: the start, said as such
]


@pytest.mark.parametrize("query", LIST_URLS)
def test_the_dream_list_never_counts_without_a_limit(dreams, client, enabler, neighbourhood, query):
    client.force_login(enabler)
    url = "/medewerkers/dromen/" + query.format(
        nb=neighbourhood.pk, theme=dreams[0].theme_id, enabler=enabler.pk
    )
    for headers in ({}, {"HX-Request": "true"}):
        sqls, _content = _sql_of(client, url, **headers)
        if "q=" not in query or "sort=" in query:  # a ranked search counts by its LIMIT N+1
            assert any(_COUNT.search(sql) for sql in sqls), "the list counts what it found"
        assert unbounded_counts(sqls) == []


@pytest.mark.parametrize("sort", ["newest", "oldest", "title", "status", "silent"])
def test_deep_pages_seek_and_cost_the_same(dreams, client, enabler, sort):
    """Following "next" seeks from the last row's key: no OFFSET, no unbounded count, and the
    same queries on the second page as on the fourth."""
    client.force_login(enabler)
    _sqls, content = _sql_of(client, f"/medewerkers/dromen/?sort={sort}&q=")
    shapes = []
    for _ in range(2):
        sqls, content = _sql_of(client, "/medewerkers/dromen/" + _next(content))
        assert unbounded_counts(sqls) == []
        assert not [sql for sql in sqls if " OFFSET " in sql.upper()]
        shapes.append(len(sqls))
    DreamFactory.create_batch(30, theme=ThemeFactory())
    sqls, _content = _sql_of(client, f"/medewerkers/dromen/?sort={sort}&pagina=3")
    assert unbounded_counts(sqls) == []
    assert shapes[0] == shapes[1]


@pytest.mark.parametrize(
    "role", ["MogelijkMaker", "Manager", "Communicatieadviseur", "Functioneel beheerder"]
)
def test_the_start_page_never_counts_without_a_limit(dreams, client, role):
    person = make_staff(role)
    client.force_login(person)
    sqls, _content = _sql_of(client, "/medewerkers/")
    assert unbounded_counts(sqls) == [], role


def test_the_triage_page_never_counts_without_a_limit(dreams, client, enabler):
    client.force_login(enabler)
    sqls, _content = _sql_of(client, "/medewerkers/nieuwe-dromen/")
    assert any(_COUNT.search(sql) for sql in sqls)
    assert unbounded_counts(sqls) == []


def test_the_start_page_says_a_capped_count(dreams, client, enabler, monkeypatch):
    from initiatives.selectors import staff_start

    monkeypatch.setattr(staff_start, "COUNT_CAP", 20)
    client.force_login(enabler)
    content = client.get("/medewerkers/").content.decode()
    assert "Dromen om op te pakken (meer dan 20)" in content
    assert "nog meer dan 10: bekijk de hele lijst" in content
