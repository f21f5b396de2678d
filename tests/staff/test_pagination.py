"""The dream list pages by seeking (issue 15): every sort walks the whole list, forwards and
back, with the same rows as a plain OFFSET would give; staff can jump; old page numbers work."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives import selectors
from initiatives.pagination import (
    CappedCount,
    KeysetPaginator,
    decode_key,
    encode_key,
)
from initiatives.statuses import Status
from tests.factories import DreamFactory, NeighbourhoodFactory, ReviewFactory

SORTS = ["newest", "oldest", "title", "status", "silent"]


@pytest.fixture
def many_dreams(db, neighbourhood, theme):
    now = timezone.now()
    statuses = [Status.SUBMITTED, Status.PICKED_UP, Status.IN_PROGRESS, Status.REALISED]
    dreams = [
        DreamFactory(
            title=f"Droom {n % 7} {n}" if n % 5 else "Droom 0",  # equal titles: the id decides
            status=statuses[n % len(statuses)],
            submitted_at=now - timedelta(hours=n % 11),  # equal times: the id decides
            last_public_update_at=now - timedelta(days=n % 3),
            neighbourhood=neighbourhood,
            theme=theme,
        )
        for n in range(30)
    ]
    DreamFactory(status=Status.UNCONFIRMED, submitted_at=None)
    ReviewFactory(dream=dreams[3], customer_verdict="tension")
    return dreams


def _keyset(enabler, sort, per_page=4, **filters):
    spec = selectors.LIST_SORTS[sort]
    dreams = selectors.staff_dream_list(user=enabler, sort=sort, **filters)
    return dreams, KeysetPaginator(
        dreams, keys=spec.keys, descending=spec.descending, per_page=per_page
    )


@pytest.mark.parametrize("sort", SORTS)
def test_seeking_walks_the_whole_list_forwards_and_back(many_dreams, enabler, sort):
    dreams, paginator = _keyset(enabler, sort)
    expected = [(d.pk, d.has_tension) for d in dreams]
    assert len(expected) == 30

    pages = [paginator.first_page()]
    while pages[-1].has_next:
        pages.append(paginator.page_after(paginator.decode(pages[-1].next_key)))
    assert [(d.pk, d.has_tension) for page in pages for d in page] == expected
    assert len(pages) == 8 and not pages[0].has_previous and all(p.has_previous for p in pages[1:])

    # And back from the last page, page by page, to the first.
    back = [pages[-1]]
    while back[-1].has_previous:
        back.append(paginator.page_before(paginator.decode(back[-1].previous_key)))
    assert [[d.pk for d in p] for p in reversed(back)] == [[d.pk for d in p] for p in pages]


@pytest.mark.parametrize("sort", SORTS)
def test_a_page_never_skips_rows_with_an_offset(many_dreams, enabler, sort):
    """Deep pages seek: no OFFSET, one query for the rows and one probe, wherever the page is."""
    _dreams, paginator = _keyset(enabler, sort)
    key = paginator.decode(paginator.first_page().next_key)
    counts = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            page = paginator.page_after(key)
            [(d.neighbourhood.name, d.theme.name, d.contact) for d in page]
        key = paginator.decode(page.next_key)
        assert not any("OFFSET" in q["sql"].upper() for q in queries.captured_queries)
        counts.append(len(queries))
    assert counts == [2, 2, 2]


@pytest.mark.parametrize("sort", SORTS)
def test_after_a_jump_the_row_before_is_asked_of_the_sort_s_index(many_dreams, enabler, sort):
    """ "Is there a row before this page?" asks for the nearest row in the sort's order, so
    PostgreSQL reads it from the sort's index. An EXISTS without the ORDER BY was planned as
    a scan of the table from its first page, which holds the oldest dreams: at a million
    dreams a jump to 2020 read 750,000 older ones first (270 ms)."""
    _dreams, paginator = _keyset(enabler, sort)
    middle = paginator.decode(paginator.first_page().next_key)
    with CaptureQueriesContext(connection) as queries:
        page = paginator.page_after(middle)  # as a jump: not from a "next" link
    assert page.has_previous
    _rows, probe = [q["sql"] for q in queries.captured_queries]
    order = "ASC" if selectors.LIST_SORTS[sort].descending else "DESC"  # backwards
    assert re.search(rf'ORDER BY .*"initiatives_dream"\."id" {order} LIMIT 1$', probe), probe
    assert "EXISTS" not in probe.upper()
    # A jump before the list's first row has none before it.
    assert not paginator.page_after(_before_all(sort)).has_previous


def _before_all(sort):
    from datetime import UTC, datetime

    very_early = datetime(1900, 1, 1, tzinfo=UTC)
    very_late = datetime(9999, 1, 1, tzinfo=UTC)
    return {
        "newest": (very_late, 0),
        "oldest": (very_early, 0),
        "title": ("", 0),
        "status": (-1, very_early, 0),
        "silent": (very_early, 0),
    }[sort]


@pytest.mark.parametrize("sort", SORTS)
def test_a_page_at_an_offset_is_the_page_the_links_reach(many_dreams, enabler, sort):
    """An old page-number link reads its rows in the OFFSET's own query (one query), and
    shows the rows, links and keys that following "next" from the start shows."""
    _dreams, paginator = _keyset(enabler, sort)
    walked = [paginator.first_page()]
    while walked[-1].has_next:
        walked.append(paginator.page_after(paginator.decode(walked[-1].next_key)))
    for number, page in enumerate(walked):
        with CaptureQueriesContext(connection) as queries:
            at = paginator.page_at(number * 4)
        assert len(queries) == 1
        assert [d.pk for d in at] == [d.pk for d in page]
        assert (at.has_next, at.has_previous) == (page.has_next, page.has_previous)
        assert (at.next_key, at.previous_key) == (page.next_key, page.previous_key)
    assert not paginator.page_at(len(walked) * 4).object_list


@pytest.mark.parametrize("text", ["", "x", "!!!", encode_key([1]), encode_key(["a", "b"])])
def test_a_key_that_is_not_one_is_refused(text):
    from initiatives.pagination import InvalidKey

    with pytest.raises(InvalidKey):
        decode_key(text, [int, int])


@pytest.mark.parametrize(
    "values",
    [
        ["2025-01-01T00:00:00", 1],  # no time zone: not comparable as the list's times are
        ["2025-01-01T00:00:00+00:00", 2**63],  # beyond a 64-bit id
        ["2025-01-01T00:00:00+00:00", None],
    ],
)
def test_a_key_the_database_cannot_compare_is_refused(values):
    from initiatives.pagination import InvalidKey

    with pytest.raises(InvalidKey):
        decode_key(encode_key(values), [_dt, int])


def test_a_title_key_with_a_nul_is_refused():
    from initiatives.pagination import InvalidKey

    with pytest.raises(InvalidKey):
        decode_key(encode_key(["a\x00b", 1]), [str, int])


def test_keys_survive_their_link(many_dreams):
    when = many_dreams[0].submitted_at
    assert decode_key(encode_key([when, "Één “titel”", 7]), [_dt, str, int]) == (
        when,
        "Één “titel”",
        7,
    )


def _dt(value):
    from django.db.models import DateTimeField

    return DateTimeField().to_python(value)


# --- through the page --------------------------------------------------------------------------


def _links(content: str) -> dict[str, str]:
    """The pagination links of a list page, by their text."""
    nav = re.search(r'<nav class="portal-pagination".*?</nav>', content, re.S)
    if nav is None:
        return {}
    return {
        text: unescape(href)
        for href, text in re.findall(r'href="([^"]*)"[^>]*>([^<]+)</a>', nav.group(0))
    }


def _titles(response) -> list[str]:
    return [d.title for d in response.context["listing"].rows]


def test_the_page_links_walk_the_list_and_keep_the_filters(db, enabler, client, theme):
    vlijmen = NeighbourhoodFactory(name="Vlijmen")
    for n in range(60):
        DreamFactory(title=f"Vlijmense droom {n:02}", neighbourhood=vlijmen, theme=theme)
    DreamFactory(title="Droom elders", theme=theme)
    client.force_login(enabler)
    query = f"neighbourhood={vlijmen.pk}&sort=title"

    response = client.get(f"/medewerkers/dromen/?{query}")
    assert _titles(response) == [f"Vlijmense droom {n:02}" for n in range(25)]
    assert "60 dromen gevonden" in response.content.decode()
    links = _links(response.content.decode())
    assert set(links) == {"Volgende pagina"}
    seen = _titles(response)
    while "Volgende pagina" in links:
        assert links["Volgende pagina"].startswith(f"?{query}&na=")
        response = client.get("/medewerkers/dromen/" + links["Volgende pagina"])
        content = response.content.decode()
        links = _links(content)
        assert "Eerste pagina" in links and links["Eerste pagina"] == f"?{query}"
        seen += _titles(response)
        # The selection form carries the filters only, to come back to the same list.
        assert re.search(r'name="query_string" value="([^"]*)"', content).group(1) == (
            query.replace("&", "&amp;")
        )
    assert seen == [f"Vlijmense droom {n:02}" for n in range(60)]

    previous = client.get("/medewerkers/dromen/" + links["Vorige pagina"])
    assert _titles(previous) == [f"Vlijmense droom {n:02}" for n in range(25, 50)]


def test_the_htmx_results_carry_the_same_links(db, enabler, client, theme, neighbourhood):
    for n in range(30):
        DreamFactory(title=f"Droom {n:02}", neighbourhood=neighbourhood, theme=theme)
    client.force_login(enabler)
    whole = client.get("/medewerkers/dromen/?sort=oldest").content.decode()
    partial = client.get("/medewerkers/dromen/?sort=oldest", headers={"HX-Request": "true"})
    content = partial.content.decode()
    assert content.lstrip().startswith('<div id="results">')
    assert _links(content) == _links(whole) and "Volgende pagina" in _links(content)


def test_an_old_page_number_still_opens_that_page(many_dreams, enabler, client):
    client.force_login(enabler)
    response = client.get("/medewerkers/dromen/?sort=title&pagina=2")
    assert response.status_code == 200
    by_title = sorted(many_dreams, key=lambda d: (d.title, d.pk))
    assert _titles(response) == [d.title for d in by_title][25:]
    # From there the links seek.
    assert "na=" not in _links(response.content.decode()).get("Vorige pagina", "na=")


@pytest.mark.parametrize("number", ["99", "-1", "laatste", "1" * 40])
def test_a_page_number_that_is_not_there_shows_the_start(many_dreams, enabler, client, number):
    client.force_login(enabler)
    response = client.get(f"/medewerkers/dromen/?pagina={number}")
    assert response.status_code == 200
    assert len(response.context["listing"].rows) == 25


def test_jump_to_a_day(db, enabler, client, neighbourhood, theme):
    today = timezone.localdate()
    start = timezone.make_aware(timezone.datetime(today.year, today.month, today.day, 12))
    for n in range(40):
        DreamFactory(title=f"Dag {n}", submitted_at=start - timedelta(days=n))
    client.force_login(enabler)
    day = (today - timedelta(days=10)).isoformat()

    newest = client.get(f"/medewerkers/dromen/?vanaf={day}")
    assert _titles(newest)[0] == "Dag 10"  # newest first: that day, then older
    assert "Vorige pagina" in _links(newest.content.decode())
    oldest = client.get(f"/medewerkers/dromen/?sort=oldest&vanaf={day}")
    assert _titles(oldest) == [f"Dag {n}" for n in range(10, -1, -1)]
    dutch = (today - timedelta(days=10)).strftime("%d-%m-%Y")
    assert _titles(client.get(f"/medewerkers/dromen/?vanaf={dutch}"))[0] == "Dag 10"

    page = newest.content.decode()
    assert 'type="date" id="jump-day" name="vanaf"' in page
    assert "Ga naar dromen ingediend tot en met deze dag" in page


def test_jump_to_a_letter_and_a_status(many_dreams, enabler, client):
    DreamFactory(title="Moestuin", status=Status.PAUSED)
    client.force_login(enabler)
    by_title = client.get("/medewerkers/dromen/?sort=title&vanaf=M")
    assert _titles(by_title) == ["Moestuin"]
    assert 'href="?sort=title&amp;vanaf=M"' in by_title.content.decode()

    by_status = client.get("/medewerkers/dromen/?sort=status&vanaf=paused")
    assert [d.status for d in by_status.context["listing"].rows][:1] == [Status.PAUSED]
    assert [d.status for d in by_status.context["listing"].rows][1:2] == [Status.REALISED]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("?na=bestaat-niet", "Deze link naar een pagina van de lijst klopt niet."),
        ("?voor=" + encode_key(["x", 1]), "Deze link naar een pagina van de lijst klopt niet."),
        ("?vanaf=31-02-2025", "Dit is geen datum. Schrijf een datum zoals 31-12-2025."),
        ("?sort=status&vanaf=bestaat-niet", "Kies een status om naar toe te gaan."),
        ("?sort=title&vanaf=%00", "Kies een letter om naar toe te gaan."),
        ("?na=" + encode_key(["2025-01-01T00:00:00+00:00", 2**70]), "klopt niet"),
    ],
)
def test_a_position_that_is_not_one_is_said_in_dutch(many_dreams, enabler, client, url, message):
    client.force_login(enabler)
    response = client.get("/medewerkers/dromen/" + url)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert len(response.context["listing"].rows) == 25  # and the list's start is shown


# --- counts --------------------------------------------------------------------------------------


def test_more_than_the_cap_is_said_as_such(many_dreams, enabler, client, settings):
    settings.DREAM_LIST_COUNT_CAP = 20
    client.force_login(enabler)
    response = client.get("/medewerkers/dromen/")
    page = response.content.decode()
    assert "Meer dan 20 dromen gevonden." in page
    assert "30 dromen gevonden" not in page
    assert "Download alle gevonden dromen als CSV" in page
    # Seeking, the pages still go on past the count's cap.
    second = client.get("/medewerkers/dromen/" + _links(page)["Volgende pagina"])
    assert len(second.context["listing"].rows) == 5
    settings.DREAM_LIST_COUNT_CAP = 30
    page = client.get("/medewerkers/dromen/").content.decode()
    assert "30 dromen gevonden." in page and "Meer dan" not in page


def test_a_capped_count_counts_at_most_its_cap(many_dreams, enabler):
    dreams = selectors.staff_dream_list(user=enabler)
    assert (CappedCount(dreams, 12).count, CappedCount(dreams, 12).capped) == (12, True)
    assert (CappedCount(dreams, 30).count, CappedCount(dreams, 30).capped) == (30, False)
    # Written around the compiled SQL: the same as the ORM's own count, filtered, searched,
    # annotated (tension, status order) or matching nothing at all.
    for filtered in (
        dreams,
        selectors.staff_dream_list(user=enabler, tension=True, sort="status"),
        selectors.staff_dream_list(user=enabler, query="nergens", statuses=["submitted"]),
        dreams.filter(pk__in=[]),
        dreams.none(),
    ):
        for cap in (0, 5, 100):
            expected = filtered.order_by().values("pk")[: cap + 1].count()
            assert CappedCount(filtered, cap)._counted == expected
    assert (
        CappedCount(dreams.filter(pk__in=[]), 5).count,
        CappedCount(dreams.none(), 5).capped,
    ) == (0, False)


def test_a_search_says_when_more_matched_than_were_ranked(db, enabler, client, settings):
    for n in range(4):
        DreamFactory(title=f"Speeltuin {n}")
    settings.DREAM_SEARCH_CONSIDERED = 3
    client.force_login(enabler)
    content = client.get("/medewerkers/dromen/", {"q": "speeltuin"}).content.decode()
    assert "Meer dan 3 dromen passen bij je zoekopdracht." in content
    assert "Je ziet de 3 nieuwste, de best passende eerst." in content
    assert "Maak je zoekopdracht preciezer om oudere dromen te vinden." in content


@pytest.mark.parametrize("sort", SORTS)
def test_only_the_page_s_rows_are_joined(many_dreams, enabler, client, sort):
    """The page's 26 ids are found on the index first; only those rows are read with their
    neighbourhood, theme, MogelijkMaker and tension flag. Read in one query with the list's
    filters, PostgreSQL planned the tension flag for the whole list: at a million dreams it
    hashed all 87,000 current reviews for each page (41 ms instead of 0.3 ms)."""
    client.force_login(enabler)
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/medewerkers/dromen/?sort={sort}")
    rows = [q["sql"] for q in queries.captured_queries if "has_tension" in q["sql"]]
    assert len(rows) == 1
    assert re.search(r'WHERE "initiatives_dream"\."id" IN \(SELECT .* LIMIT 26\)', rows[0])
