"""The weekly report's "silent for too long" list holds the SILENT_SHOWN longest silent dreams;
a full list says there were at least that many, never that there were exactly that many."""

from datetime import date

import pytest

from initiatives import selectors, services
from initiatives.models import WeeklyReport

pytestmark = pytest.mark.django_db

WEEK = date(2026, 4, 20)


def _page_with_silent(client, manager, count: int) -> str:
    services.weekly_report_build(monday=WEEK)
    report = WeeklyReport.objects.get(week_start=WEEK)
    report.figures["current"]["silence"] = [
        {"id": n + 1, "title": f"Droom {n}", "contact": "Sanne", "days": 40 - n % 10}
        for n in range(count)
    ]
    report.save()
    client.force_login(manager)
    response = client.get(
        "/medewerkers/rapportage/", {"week": WEEK.isoformat()}, HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert response.status_code == 200
    content = response.content.decode()
    return " ".join(content[content.index('id="stil"') :].split())


def test_a_full_list_says_at_least(client, manager):
    section = _page_with_silent(client, manager, selectors.SILENT_SHOWN)
    assert f"ten minste {selectors.SILENT_SHOWN} open dromen" in section


def test_a_shorter_list_gives_the_number(client, manager):
    section = _page_with_silent(client, manager, 3)
    assert "3 open dromen" in section and "ten minste" not in section
