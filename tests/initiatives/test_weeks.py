"""A week as people name it: "week 48, 23-29 november 2026" (initiatives/weeks.py)."""

from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation

from initiatives.weeks import week_name


@pytest.mark.parametrize(
    ("value", "dutch", "english"),
    [
        (
            date(2026, 11, 23),
            "week 48, 23\N{EN DASH}29 november 2026",
            "week 48, 23\N{EN DASH}29 November 2026",
        ),
        # Any day names its week; so does the ISO form of the stored snapshots.
        (
            date(2026, 11, 29),
            "week 48, 23\N{EN DASH}29 november 2026",
            "week 48, 23\N{EN DASH}29 November 2026",
        ),
        (
            "2026-W48",
            "week 48, 23\N{EN DASH}29 november 2026",
            "week 48, 23\N{EN DASH}29 November 2026",
        ),
        (
            "2026-11-23",
            "week 48, 23\N{EN DASH}29 november 2026",
            "week 48, 23\N{EN DASH}29 November 2026",
        ),
        # Over two months, and over two years (ISO week 1 of 2026 starts in 2025).
        (
            date(2026, 11, 30),
            "week 49, 30 november \N{EN DASH} 6 december 2026",
            "week 49, 30 November \N{EN DASH} 6 December 2026",
        ),
        (
            date(2025, 12, 29),
            "week 1, 29 december 2025 \N{EN DASH} 4 januari 2026",
            "week 1, 29 December 2025 \N{EN DASH} 4 January 2026",
        ),
        ("2026-W53", "week 53, 28 december 2026 \N{EN DASH} 3 januari 2027", None),
    ],
)
def test_a_week_is_named_by_its_number_and_its_days(value, dutch, english):
    with translation.override("nl"):
        assert week_name(value) == dutch
    if english:
        with translation.override("en"):
            assert week_name(value) == english


def test_templates_name_a_week_with_the_filter():
    template = Template("{% load weeks %}{{ monday|week_name }}|{{ nothing|week_name }}")
    with translation.override("nl"):
        assert (
            template.render(Context({"monday": "2026-04-20"}))
            == "week 17, 20\N{EN DASH}26 april 2026|"
        )
