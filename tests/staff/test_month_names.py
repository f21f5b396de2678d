"""Staff pages name the month in the reader's language: "1 december 2026", not "1 Dec 2026"."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from initiatives.models import EventKind, TimelineEvent
from tests.factories import DreamFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DECEMBER_FIRST = datetime(2026, 12, 1, 10, 30, tzinfo=AMSTERDAM)
NOVEMBER_LAST = datetime(2026, 11, 30, 9, 5, tzinfo=AMSTERDAM)

EXPECTED = {
    "nl": {"list": "1 december 2026", "timeline": "30 november 2026, 09:05"},
    "en": {"list": "1 December 2026", "timeline": "30 November 2026, 09:05"},
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_list_and_the_timeline_name_the_month_in_the_readers_language(
    client, enabler, language
):
    dream = DreamFactory(submitted_at=DECEMBER_FIRST)
    TimelineEvent.objects.create(
        dream=dream,
        kind=EventKind.NOTE,
        actor=enabler,
        body="Gebeld.",
        public=False,
        created_at=NOVEMBER_LAST,
    )
    client.force_login(enabler)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    listing = client.get("/medewerkers/dromen/").content.decode()
    assert EXPECTED[language]["list"] in listing
    assert "1 Dec 2026" not in listing

    workspace = client.get(f"/medewerkers/dromen/{dream.pk}/").content.decode()
    assert f">{EXPECTED[language]['timeline']}</time>" in workspace
    assert "30 Nov 2026" not in workspace
