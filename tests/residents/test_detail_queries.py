"""How many queries the resident's dream page makes: pinned, so a panel that starts reading
on its own shows up here (test_views checks that the number does not grow with the timeline).

The page shows the dream's applications to a fund (issue 16), its plan and who helps (issue
17) and the neighbourhood's platform to share it with: each is read with one query of its
own, only when there is something (the dream's read says whether, list_flags)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives import services
from initiatives.models import Dream
from initiatives.partner_models import Organisation
from initiatives.platform_models import Platform
from initiatives.statuses import Status
from tests.factories import FundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pages_read_the_database(settings):
    """The queries pinned here are those of a first look after a write: without the page's
    cache (config/cached_pages.py), every request sends them. A look from the cache reads
    the session and the user only (tests/residents/test_page_cache.py)."""
    settings.DATA_CACHE_SECONDS = 0


def _queries(client, dream) -> tuple[list[str], str]:
    url = f"/mijn-dromen/{dream.pk}/"
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries], response.content.decode()


def _described(queries: list[str]) -> str:
    return "\n".join(sql[:160] for sql in queries)


# The session and the user (2); the dream with its flags (1), its public events (1) and its
# photos (1). Before the flags (issue 15) its applications, plan, helpers and the platform
# cost one query each, with nothing to show: 9.
EXPECTED_EMPTY = 5
# With an application, a plan, a partner and a platform: one query more for each.
EXPECTED_FULL = EXPECTED_EMPTY + 4


def test_a_dream_with_nothing_more_reads_nothing_more(client, dream, resident):
    client.force_login(resident)
    queries, _ = _queries(client, dream)
    assert len(queries) == EXPECTED_EMPTY, _described(queries)
    others = [sql for sql in queries if "EXISTS" not in sql]  # not the dream's flags
    assert len(others) == len(queries) - 1
    for table in ("application", "planneed", "contribution", "partnerinvitation", "platform"):
        reads = [sql for sql in others if f'"initiatives_{table}"' in sql]
        assert not reads, table


def test_a_dream_with_everything_shows_it(client, dream, resident, enabler):
    Dream.objects.filter(pk=dream.pk).update(
        status=Status.IN_PROGRESS, contact=enabler, picked_up_at=dream.submitted_at
    )
    dream.refresh_from_db()
    Platform.objects.create(neighbourhood=dream.neighbourhood, name="Wijkplatform Oost")
    fund = FundFactory(name="Buurtfonds", open_for_applications=True)
    services.application_submit(
        resident=resident,
        fund=fund,
        dream=dream,
        applicant="resident",
        organisation={},
        lines=[("Verf voor het bankje", Decimal(40))],
        answers=[],
    )
    services.plan_need_add(
        dream=dream, by=enabler, description="Stoelen", kind="money", amount=Decimal(80)
    )
    school = Organisation.objects.create(
        kind="school",
        name="De Regenboog",
        contact_name="Juf",
        contact_email="juf@example.nl",
        one_face=enabler,
    )
    services.partner_invite(dream=dream, organisation=school, by=enabler)
    client.force_login(resident)
    queries, content = _queries(client, dream)
    assert len(queries) == EXPECTED_FULL, _described(queries)
    shown = ("Wijkplatform Oost", "Buurtfonds", "Verf voor het bankje", "Stoelen", "De Regenboog")
    assert all(text in content for text in shown), [t for t in shown if t not in content]
