"""The staff lists from the cache (initiatives/list_cache.py): what one member of staff read,
the next reads without PostgreSQL, and a change shows at the next look, whoever made it.

The cache in these tests is the test's own in-memory cache (tests/conftest.py); the data
version is raised by every write, as in production (tests/initiatives/test_data_version.py).
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from initiatives import services
from initiatives.statuses import Status
from initiatives.working_days import is_working_day
from tests.factories import DreamFactory, NeighbourhoodFactory
from tests.page_looks import look, signed_in

pytestmark = pytest.mark.django_db

LIST = "/medewerkers/dromen/"
TRIAGE = "/medewerkers/nieuwe-dromen/"


def _rows(content: str) -> list[str]:
    return re.findall(r'<tbody class="utrecht-table__body">(.*?)</tbody>', content, re.S)


def _reads_dreams(sqls: list[str]) -> bool:
    return any('FROM "initiatives_dream"' in sql for sql in sqls)


@pytest.fixture
def listed(neighbourhood, theme):
    return [
        DreamFactory(title=f"Bankje {n}", neighbourhood=neighbourhood, theme=theme)
        for n in range(5)
    ]


def test_the_second_reader_gets_the_same_rows_without_reading_the_dreams(
    listed, enabler, second_enabler
):
    one, other = signed_in(enabler), signed_in(second_enabler)  # signing in writes
    first, first_sqls = look(one, LIST + "?sort=title")
    second, second_sqls = look(other, LIST + "?sort=title")
    assert _reads_dreams(first_sqls)
    assert not _reads_dreams(second_sqls)
    assert _rows(first) == _rows(second)
    assert "Bankje 0" in _rows(second)[0]
    assert len(second_sqls) < len(first_sqls)


@pytest.mark.parametrize("url", [LIST, LIST + "?q=bankje", TRIAGE])
def test_a_new_dream_shows_at_the_nextlook(listed, enabler, neighbourhood, theme, url):
    client = signed_in(enabler)
    assert "Nieuwe bankje speeltuin" not in look(client, url)[0]
    DreamFactory(title="Nieuwe bankje speeltuin", neighbourhood=neighbourhood, theme=theme)
    assert "Nieuwe bankje speeltuin" in look(client, url)[0]


def test_a_dream_picked_up_leaves_the_queue_for_everyone(listed, enabler, second_enabler):
    colleague = signed_in(second_enabler)
    signed_in(enabler)
    assert "Bankje 3" in look(colleague, TRIAGE)[0]
    services.dream_pick_up(dream=listed[3], by=enabler)
    content = look(colleague, TRIAGE)[0]
    assert "Bankje 3" not in content
    assert "Bankje 2" in content


def test_a_change_of_status_shows_on_the_list(listed, enabler):
    client = signed_in(enabler)
    look(client, LIST + "?status=picked_up")
    services.dream_pick_up(dream=listed[1], by=enabler)
    rows = _rows(look(client, LIST + "?status=picked_up")[0])
    assert rows and "Bankje 1" in rows[0]


def test_only_mine_is_each_persons_own(listed, enabler, second_enabler):
    services.dream_pick_up(dream=listed[0], by=enabler)
    one, other = signed_in(enabler), signed_in(second_enabler)
    mine = look(one, LIST + "?mine=on")[0]
    theirs = look(other, LIST + "?mine=on")[0]
    assert "Bankje 0" in mine
    assert "Bankje 0" not in theirs


def test_a_new_neighbourhood_is_in_the_filter_at_the_nextlook(listed, enabler):
    client = signed_in(enabler)
    assert "Kerkebuurt" not in look(client, LIST)[0]
    NeighbourhoodFactory(name="Kerkebuurt")  # as the administrator adds one in /beheer/
    assert "Kerkebuurt" in look(client, LIST)[0]


def test_a_refused_filter_is_named_beside_its_field_every_time(listed, enabler):
    client = signed_in(enabler)
    pages = [look(client, LIST + "?neighbourhood=999999&q=bankje")[0] for _ in range(2)]
    for content in pages:
        select = re.search(r'<select name="neighbourhood"[^>]*>', content).group(0)
        assert 'aria-invalid="true"' in select
        described = re.search(r'aria-describedby="([^"]*)"', select).group(1).split()
        assert any(f'id="{name}"' in content for name in described), "the error is its field's"
        assert 'value="bankje"' in content, "what was typed stays"
    assert pages[0].count('aria-invalid="true"') == pages[1].count('aria-invalid="true"')


def test_the_queues_waiting_days_count_from_today(listed, enabler):
    # An evening before a working day, so that midnight adds a working day to the wait
    # (from a Friday evening the count rightly stays the same until Monday).
    evening = timezone.localtime().replace(hour=20, minute=0) + timedelta(days=3)
    while not (is_working_day(evening.date()) and is_working_day(evening.date() + timedelta(1))):
        evening += timedelta(days=1)
    with time_machine.travel(evening, tick=False) as traveller:
        client = signed_in(enabler)
        today = look(client, TRIAGE)[0]
        traveller.shift(timedelta(hours=6))  # after midnight: a new day, the same session
        later, sqls = look(client, TRIAGE)
    assert _reads_dreams(sqls), "a new day is read anew"

    def without_tokens(content):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", "".join(_rows(content)))

    assert without_tokens(today) != without_tokens(later), "one day longer waiting"


def test_turned_off_every_look_reads_the_dreams(listed, enabler, settings):
    settings.DATA_CACHE_SECONDS = 0
    client = signed_in(enabler)
    for _ in range(2):
        assert _reads_dreams(look(client, LIST)[1])
        assert _reads_dreams(look(client, TRIAGE)[1])


def test_a_dream_the_list_no_longer_shows_is_gone_at_once(listed, enabler, resident):
    client = signed_in(enabler)
    assert "Bankje 4" in look(client, LIST)[0]
    services.dream_withdraw(dream=listed[4], by=listed[4].resident, reason="Verhuisd")
    rows = _rows(look(client, LIST + "?status=" + Status.WITHDRAWN)[0])
    assert rows and "Bankje 4" in rows[0]
