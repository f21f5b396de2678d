"""The fast date filters write what Django's `date` filter writes with the same format, in
each language and across summer and winter time."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.utils import timezone, translation

UTC = ZoneInfo("UTC")
MOMENTS = [
    datetime(2026, 1, 1, 0, 5, tzinfo=UTC),
    datetime(2026, 3, 29, 0, 59, tzinfo=UTC),  # the night summer time starts
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # and ends
    datetime(2026, 12, 31, 23, 30, tzinfo=UTC),  # a new year in Amsterdam already
    datetime(987, 5, 9, 9, 9, tzinfo=UTC),
]
PAIRS = [("day_and_time", "j F Y, H:i"), ("day", "j F Y"), ("iso_time", "c")]


def _render(source: str, value) -> str:
    return engines["django"].from_string("{% load dates %}" + source).render({"v": value})


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "UTC"])
@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("ours, format_", PAIRS)
def test_the_same_as_the_date_filter(language, zone, moment, ours, format_):
    with translation.override(language), timezone.override(zone):
        assert _render(f"{{{{ v|{ours} }}}}", moment) == _render(
            f'{{{{ v|date:"{format_}" }}}}', moment
        )


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_date_without_time(language):
    with translation.override(language):
        assert _render("{{ v|day }}", date(2026, 5, 1)) == _render(
            '{{ v|date:"j F Y" }}', date(2026, 5, 1)
        )
    assert _render("{{ v|day }}", date(2026, 5, 1)) in ("1 mei 2026", "1 May 2026")


@pytest.mark.parametrize("ours", ["day_and_time", "day", "iso_time"])
@pytest.mark.parametrize("empty", [None, ""])
def test_nothing_for_no_date(ours, empty):
    assert _render(f"{{{{ v|{ours} }}}}", empty) == ""
