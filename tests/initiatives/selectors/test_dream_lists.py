"""The dream lists staff work from: the filtered list, overdue and silent dreams, tension, search
and the triage queue (initiatives/selectors/dream_lists.py)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from initiatives import selectors, services
from initiatives.models import ServicePromises, Verdict
from initiatives.statuses import Status
from tests.factories import (
    DreamFactory,
    NeighbourhoodFactory,
    ReviewFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


def titles(dreams) -> list[str]:
    return [d.title for d in dreams]


def listed(user, **filters) -> set[str]:
    return set(titles(selectors.staff_dream_list(user=user, **filters)))


# --- the list and its filters -----------------------------------------------------------------


@pytest.fixture
def world(mogelijkmaker, other_mogelijkmaker):
    """Six dreams whose every property is known, so each filter's answer is known too."""
    north = NeighbourhoodFactory(name="Noord")
    south = NeighbourhoodFactory(name="Zuid")
    green = ThemeFactory(name="Groen")
    play = ThemeFactory(name="Spelen")
    now = timezone.now()
    rows = [
        # title, status, neighbourhood, theme, contact, submitted (days ago), update (hours ago)
        ("Bankje bij de vijver", Status.SUBMITTED, north, green, None, 0.1, 1),
        ("Moestuin", Status.PICKED_UP, north, green, mogelijkmaker, 2, 3),
        ("Speeltuin", Status.IN_CONVERSATION, south, play, other_mogelijkmaker, 3, 2),
        ("Jeu de boules", Status.IN_PROGRESS, south, green, mogelijkmaker, 4, 5),
        ("Straatfeest", Status.REALISED, north, play, mogelijkmaker, 5, 4),
        ("Geheim plan", Status.UNCONFIRMED, north, green, None, 6, 6),
    ]
    stories = {
        "Bankje bij de vijver": "Een bankje bij de vijver, zodat ouderen kunnen uitrusten.",
        "Moestuin": "Samen groente kweken naast de school.",
        "Speeltuin": "Een nieuwe speeltuin voor de kinderen uit de straat.",
        "Jeu de boules": "Een baan om samen te spelen op zaterdag.",
        "Straatfeest": "Een feest met de hele buurt.",
        "Geheim plan": "Een bankje bij de vijver, maar nog niet bevestigd.",
    }
    for title, status, hood, theme, contact, days, hours in rows:
        DreamFactory(
            title=title,
            story=stories[title],
            status=status,
            neighbourhood=hood,
            theme=theme,
            contact=contact,
            submitted_at=None if status == Status.UNCONFIRMED else now - timedelta(days=days),
            last_public_update_at=now - timedelta(hours=hours),
        )
    return {
        "users": {"mo": mogelijkmaker, "petra": other_mogelijkmaker},
        "Noord": north.pk,
        "Zuid": south.pk,
        "Groen": green.pk,
        "Spelen": play.pk,
    }


@pytest.mark.parametrize(
    ("who", "filters", "expected"),
    [
        (
            "mo",
            {},
            {"Bankje bij de vijver", "Moestuin", "Speeltuin", "Jeu de boules", "Straatfeest"},
        ),
        ("mo", {"statuses": [Status.PICKED_UP, Status.IN_PROGRESS]}, {"Moestuin", "Jeu de boules"}),
        ("mo", {"statuses": [Status.REALISED]}, {"Straatfeest"}),
        ("mo", {"statuses": [Status.UNCONFIRMED]}, set()),
        ("mo", {"neighbourhood": "Zuid"}, {"Speeltuin", "Jeu de boules"}),
        ("mo", {"theme": "Spelen"}, {"Speeltuin", "Straatfeest"}),
        ("mo", {"contact": "petra"}, {"Speeltuin"}),
        ("mo", {"mine": True}, {"Moestuin", "Jeu de boules", "Straatfeest"}),
        ("petra", {"mine": True}, {"Speeltuin"}),
        (
            "mo",
            {"statuses": [Status.SUBMITTED], "neighbourhood": "Noord"},
            {"Bankje bij de vijver"},
        ),
        ("mo", {"mine": True, "neighbourhood": "Noord"}, {"Moestuin", "Straatfeest"}),
        (
            "mo",
            {"mine": True, "theme": "Groen", "statuses": [Status.IN_PROGRESS]},
            {"Jeu de boules"},
        ),
        ("mo", {"neighbourhood": "Zuid", "theme": "Spelen"}, {"Speeltuin"}),
        (
            "mo",
            {"contact": "mo", "statuses": [Status.REALISED, Status.PICKED_UP]},
            {"Moestuin", "Straatfeest"},
        ),
        (
            "mo",
            {"neighbourhood": "Noord", "theme": "Spelen", "statuses": [Status.SUBMITTED]},
            set(),
        ),
        ("petra", {"mine": True, "contact": "mo"}, set()),
        ("mo", {"query": "vijver"}, {"Bankje bij de vijver"}),
        ("mo", {"query": "vijver", "neighbourhood": "Noord"}, {"Bankje bij de vijver"}),
        ("mo", {"query": "vijver", "neighbourhood": "Zuid"}, set()),
        ("mo", {"query": "Moestuin"}, {"Moestuin"}),  # the title counts too
        (
            "mo",
            {"query": "   "},
            {"Bankje bij de vijver", "Moestuin", "Speeltuin", "Jeu de boules", "Straatfeest"},
        ),
    ],
)
def test_each_filter_alone_and_combined(world, who, filters, expected):
    resolved = dict(filters)
    for key in ("neighbourhood", "theme"):
        if key in resolved:
            resolved[key] = world[resolved[key]]
    if "contact" in resolved:
        resolved["contact"] = world["users"][resolved["contact"]].pk
    assert listed(world["users"][who], **resolved) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (
            "newest",
            ["Bankje bij de vijver", "Moestuin", "Speeltuin", "Jeu de boules", "Straatfeest"],
        ),
        (
            "oldest",
            ["Straatfeest", "Jeu de boules", "Speeltuin", "Moestuin", "Bankje bij de vijver"],
        ),
        (
            "title",
            ["Bankje bij de vijver", "Jeu de boules", "Moestuin", "Speeltuin", "Straatfeest"],
        ),
        (
            "silent",
            ["Jeu de boules", "Straatfeest", "Moestuin", "Speeltuin", "Bankje bij de vijver"],
        ),
        (
            "no-such-sort",
            ["Bankje bij de vijver", "Moestuin", "Speeltuin", "Jeu de boules", "Straatfeest"],
        ),
    ],
)
def test_sort(world, sort, expected):
    dreams = selectors.staff_dream_list(user=world["users"]["mo"], sort=sort)
    assert titles(dreams) == expected


def test_sort_by_status_groups_the_statuses_oldest_first_within_each(world, mogelijkmaker):
    now = timezone.now()
    DreamFactory(
        title="Ook opgepakt, ouder", status=Status.PICKED_UP, submitted_at=now - timedelta(days=9)
    )
    DreamFactory(
        title="Ook opgepakt, nieuwer", status=Status.PICKED_UP, submitted_at=now - timedelta(days=1)
    )

    dreams = list(selectors.staff_dream_list(user=mogelijkmaker, sort="status"))

    statuses = [d.status for d in dreams]
    runs = [s for n, s in enumerate(statuses) if n == 0 or statuses[n - 1] != s]
    assert len(runs) == len(set(statuses))  # each status in one block
    picked_up = [d.title for d in dreams if d.status == Status.PICKED_UP]
    assert picked_up == ["Ook opgepakt, ouder", "Moestuin", "Ook opgepakt, nieuwer"]


# --- overdue: the promises count working days --------------------------------------------------


def _submitted(title, when, **extra):
    return DreamFactory(title=title, status=Status.SUBMITTED, submitted_at=when, **extra)


def _picked_up(title, when, contact, *, first_contact=None, status=Status.PICKED_UP):
    return DreamFactory(
        title=title,
        status=status,
        contact=contact,
        submitted_at=when - timedelta(hours=2),
        picked_up_at=when,
        first_contact_at=first_contact,
    )


class TestOverdue:
    """Monday 17 March 2025, an ordinary week; the promises are 2 and 5 working days."""

    MONDAY = local(2025, 3, 17, 10)

    @pytest.fixture
    def week(self, mogelijkmaker):
        _submitted("Woensdag laat", local(2025, 3, 12, 23, 30))  # due Friday: overdue
        _submitted("Donderdag vroeg", local(2025, 3, 13, 0, 30))  # due today: not yet
        _submitted("Vrijdag", local(2025, 3, 14, 9))
        _picked_up("Opgepakt woensdag", local(2025, 3, 12, 9), mogelijkmaker)  # due 19th
        _picked_up("Geen contact sinds vrijdag", local(2025, 3, 7, 16), mogelijkmaker)  # due 14th
        _picked_up("Opgepakt maandag", local(2025, 3, 10, 9), mogelijkmaker)  # due today
        _picked_up(
            "Al gesproken",
            local(2025, 3, 3, 9),
            mogelijkmaker,
            first_contact=local(2025, 3, 4, 9),
            status=Status.IN_CONVERSATION,
        )
        _picked_up(  # the first contact stops the clock, whatever the status says
            "Opgepakt en gebeld",
            local(2025, 3, 3, 9),
            mogelijkmaker,
            first_contact=local(2025, 3, 4),
        )
        DreamFactory(
            title="Lang geleden gerealiseerd",
            status=Status.REALISED,
            contact=mogelijkmaker,
            submitted_at=local(2025, 1, 6),
            picked_up_at=local(2025, 1, 6),
        )

    def test_broken_promises_counted_in_working_days(self, week, mogelijkmaker):
        with time_machine.travel(self.MONDAY, tick=False):
            assert listed(mogelijkmaker, overdue=True) == {
                "Woensdag laat",
                "Geen contact sinds vrijdag",
            }

    def test_just_after_midnight_it_is_already_the_next_day_here(self, week, mogelijkmaker):
        # 00:30 on Tuesday in Heusden is still Monday in UTC: Thursday's promise (Monday) is
        # broken by now.
        with time_machine.travel(local(2025, 3, 18, 0, 30), tick=False):
            assert "Donderdag vroeg" in listed(mogelijkmaker, overdue=True)

    def test_overdue_combines_with_the_other_filters(self, week, mogelijkmaker):
        with time_machine.travel(self.MONDAY, tick=False):
            assert listed(mogelijkmaker, overdue=True, mine=True) == {"Geen contact sinds vrijdag"}
            assert listed(mogelijkmaker, overdue=True, statuses=[Status.SUBMITTED]) == {
                "Woensdag laat"
            }

    def test_the_administrators_promise_counts_not_the_default(self, week, mogelijkmaker):
        services.service_promises_ensure()  # the row the administrator edits
        ServicePromises.objects.filter(pk=1).update(
            pick_up_working_days=3, first_contact_working_days=4
        )
        with time_machine.travel(self.MONDAY, tick=False):
            # Wednesday's dream is now due today; Monday's first contact was due Friday.
            assert listed(mogelijkmaker, overdue=True) == {
                "Geen contact sinds vrijdag",
                "Opgepakt maandag",
            }


class TestOverdueAroundChristmas:
    """Thursday 25 and Friday 26 December 2025 are Dutch public holidays."""

    @pytest.fixture
    def christmas(self):
        _submitted("Maandag 22", local(2025, 12, 22, 9))  # due Wednesday 24
        _submitted("Dinsdag 23", local(2025, 12, 23, 9))  # due Monday 29, not Thursday 25
        _submitted("Woensdag 24", local(2025, 12, 24, 9))  # due Tuesday 30, not Friday 26

    @pytest.mark.parametrize(
        ("today", "expected"),
        [
            (local(2025, 12, 29, 10), {"Maandag 22"}),
            (local(2025, 12, 30, 10), {"Maandag 22", "Dinsdag 23"}),
            (local(2025, 12, 31, 10), {"Maandag 22", "Dinsdag 23", "Woensdag 24"}),
        ],
        ids=["monday-29", "tuesday-30", "wednesday-31"],
    )
    def test_holidays_are_not_working_days(self, christmas, mogelijkmaker, today, expected):
        with time_machine.travel(today, tick=False):
            assert listed(mogelijkmaker, overdue=True) == expected


# --- silent: no news for the resident for too long ----------------------------------------------


class TestSilent:
    NOW = local(2025, 6, 4, 12)

    @pytest.fixture
    def quiet(self, mogelijkmaker, other_mogelijkmaker):
        def dream(title, status, silent_for, contact=mogelijkmaker):
            DreamFactory(
                title=title,
                status=status,
                contact=contact,
                last_public_update_at=self.NOW - silent_for,
            )

        dream("Twee weken en een minuut", Status.IN_CONVERSATION, timedelta(days=14, minutes=1))
        dream("Precies twee weken", Status.IN_PROGRESS, timedelta(days=14))
        dream("Dertien dagen", Status.IN_PROGRESS, timedelta(days=13))
        dream("Lang gepauzeerd", Status.PAUSED, timedelta(days=40), contact=other_mogelijkmaker)
        dream("Nooit opgepakt", Status.SUBMITTED, timedelta(days=20), contact=None)
        dream("Gerealiseerd", Status.REALISED, timedelta(days=90))
        dream("Niet mogelijk", Status.NOT_POSSIBLE, timedelta(days=90))
        dream("Ingetrokken", Status.WITHDRAWN, timedelta(days=90))

    def test_open_dreams_without_news_for_more_than_fourteen_days(self, quiet, mogelijkmaker):
        with time_machine.travel(self.NOW, tick=False):
            assert listed(mogelijkmaker, silent=True) == {
                "Twee weken en een minuut",
                "Lang gepauzeerd",
                "Nooit opgepakt",
            }

    def test_silent_combines_with_the_other_filters(self, quiet, mogelijkmaker):
        with time_machine.travel(self.NOW, tick=False):
            assert listed(mogelijkmaker, silent=True, mine=True) == {"Twee weken en een minuut"}
            assert listed(mogelijkmaker, silent=True, statuses=[Status.PAUSED]) == {
                "Lang gepauzeerd"
            }
            assert listed(mogelijkmaker, silent=True, statuses=[Status.REALISED]) == set()


# --- tension: only the current review counts ----------------------------------------------------


def test_tension_counts_only_the_current_review(mogelijkmaker):
    south = NeighbourhoodFactory(name="Zuid")
    now_tense = DreamFactory(title="Nu spanning", status=Status.IN_CONVERSATION)
    ReviewFactory(dream=now_tense, version=1, is_current=False, by=mogelijkmaker)
    ReviewFactory(dream=now_tense, version=2, dialogue_verdict=Verdict.TENSION, by=mogelijkmaker)
    resolved = DreamFactory(title="Spanning opgelost", status=Status.IN_PROGRESS)
    ReviewFactory(
        dream=resolved,
        version=1,
        is_current=False,
        customer_verdict=Verdict.TENSION,
        by=mogelijkmaker,
    )
    ReviewFactory(dream=resolved, version=2, by=mogelijkmaker)
    tense_south = DreamFactory(
        title="Spanning in Zuid", status=Status.IN_CONVERSATION, neighbourhood=south
    )
    ReviewFactory(dream=tense_south, responsibility_verdict=Verdict.TENSION, by=mogelijkmaker)
    DreamFactory(title="Geen toets", status=Status.PICKED_UP)

    assert listed(mogelijkmaker, tension=True) == {"Nu spanning", "Spanning in Zuid"}
    assert listed(mogelijkmaker, tension=True, neighbourhood=south.pk) == {"Spanning in Zuid"}
    flags = {d.title: d.has_tension for d in selectors.staff_dream_list(user=mogelijkmaker)}
    assert flags == {
        "Nu spanning": True,
        "Spanning opgelost": False,
        "Spanning in Zuid": True,
        "Geen toets": False,
    }


# --- full-text search ---------------------------------------------------------------------------


@pytest.fixture
def stories(mogelijkmaker):
    DreamFactory(
        title="Rustplek", story="Een bankje bij de vijver, zodat ouderen kunnen uitrusten."
    )
    DreamFactory(title="Spelen", story="Een nieuwe speeltuin voor de kinderen uit de straat.")
    DreamFactory(title="Eten", story="Samen groente kweken naast de school.")


def test_search_finds_a_word_in_the_story(stories, mogelijkmaker):
    assert listed(mogelijkmaker, query="vijver") == {"Rustplek"}
    assert listed(mogelijkmaker, query="Speeltuin") == {"Spelen"}
    assert listed(mogelijkmaker, query="zwembad") == set()


def test_search_on_postgresql_is_dutch_full_text(stories, mogelijkmaker):
    if connection.vendor != "postgresql":
        pytest.skip("Dutch full-text search runs on PostgreSQL")
    # Dutch stemming: the plural finds the singular in the story.
    assert listed(mogelijkmaker, query="vijvers") == {"Rustplek"}
    assert listed(mogelijkmaker, query="speeltuinen") == {"Spelen"}
    # Web-search syntax: words must all occur, in any order; "or" widens.
    assert listed(mogelijkmaker, query="vijver ouderen") == {"Rustplek"}
    assert listed(mogelijkmaker, query="vijver kinderen") == set()
    assert listed(mogelijkmaker, query="vijver or groente") == {"Rustplek", "Eten"}


def test_search_on_sqlite_is_a_substring_match(stories, mogelijkmaker):
    if connection.vendor != "sqlite":
        pytest.skip("the substring fallback is for SQLite")
    assert listed(mogelijkmaker, query="ijve") == {"Rustplek"}  # part of a word is enough
    assert listed(mogelijkmaker, query="bij de vijver") == {"Rustplek"}
    assert listed(mogelijkmaker, query="vijvers") == set()  # no stemming here


# --- triage queue -------------------------------------------------------------------------------


def test_triage_queue_is_only_submitted_dreams_oldest_first(mogelijkmaker):
    now = timezone.now()
    _submitted("Drie dagen", now - timedelta(days=3))
    _submitted("Een dag", now - timedelta(days=1))
    _submitted("Twee dagen", now - timedelta(days=2))
    _picked_up("Al opgepakt", now - timedelta(days=5), mogelijkmaker)
    DreamFactory(title="Niet bevestigd", status=Status.UNCONFIRMED, submitted_at=None)
    DreamFactory(title="Ingetrokken", status=Status.WITHDRAWN, submitted_at=now - timedelta(days=9))

    assert titles(selectors.triage_queue()) == ["Drie dagen", "Twee dagen", "Een dag"]


def test_sorting_by_status_follows_the_life_of_a_dream(mogelijkmaker):
    for status in (Status.REALISED, Status.SUBMITTED, Status.IN_PROGRESS, Status.PICKED_UP):
        DreamFactory(status=status)
    order = list(
        selectors.staff_dream_list(user=mogelijkmaker, sort="status").values_list(
            "status", flat=True
        )
    )
    assert order == [Status.SUBMITTED, Status.PICKED_UP, Status.IN_PROGRESS, Status.REALISED]
