"""bench_seed: generated benchmark data, consistent, and never mixed with real data."""

import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, F

from accounts.models import User
from accounts.roles import Role
from bench import EMAIL_SUFFIX, HEAVY_EVENTS, HEAVY_MARK, HEAVY_PER_SEED, HEAVY_TITLE, texts
from bench.pages import heavy_spread, word_shares
from initiatives.models import Dream, EventKind, Fund, TimelineEvent
from initiatives.statuses import Status

REQUIRED = os.environ.get("DROMEN_REQUIRE_SERVICES") == "1"


@pytest.fixture
def postgresql(db):
    if connection.vendor != "postgresql":
        if REQUIRED:
            pytest.fail("bench_seed needs PostgreSQL, and CI demands it (DROMEN_REQUIRE_SERVICES)")
        pytest.skip("bench_seed writes with PostgreSQL's COPY")


def _seed(**options):
    call_command("bench_seed", dreams=50, staff=10, per_day=1, seed=5, **options)


def test_seeds_the_sizes_asked_for(postgresql):
    _seed()
    dreams = Dream.objects.filter(resident__email__endswith=EMAIL_SUFFIX)
    assert dreams.count() == 50
    assert not User.objects.exclude(email__endswith=EMAIL_SUFFIX).exists()
    staff = User.objects.filter(is_staff=True)
    assert staff.count() == 10
    assert staff.filter(groups__name=Role.ENABLER).count() >= 5
    assert staff.filter(groups__name=Role.COMMUNICATIONS).exists()
    assert staff.filter(groups__name=Role.MANAGER).exists()
    events = TimelineEvent.objects.count()
    assert 5 * 50 <= events <= 15 * 50 + HEAVY_EVENTS  # about 10 a dream, and the long one
    assert TimelineEvent.objects.filter(dream__title=HEAVY_TITLE).count() == HEAVY_EVENTS
    assert set(dreams.values_list("status", flat=True)) >= {
        Status.SUBMITTED,
        Status.IN_PROGRESS,
        Status.REALISED,
    }
    assert not Fund.objects.filter(committed__gt=F("amount")).exists()


def test_timelines_agree_with_the_statuses(postgresql):
    _seed()
    for dream in Dream.objects.annotate(n=Count("events")):
        history = dream.events.filter(
            kind__in=[EventKind.SUBMITTED, EventKind.STATUS_CHANGED]
        ).order_by("created_at", "id")
        if dream.status == Status.UNCONFIRMED:
            assert dream.n == 0
            continue
        assert history.first().kind == EventKind.SUBMITTED
        assert history.last().to_status == dream.status, dream.title
        assert dream.submitted_at is not None
        if dream.status in (Status.REALISED, Status.NOT_POSSIBLE, Status.WITHDRAWN):
            assert dream.closed_at is not None
        if dream.status in (Status.IN_PROGRESS, Status.NOT_POSSIBLE):
            assert dream.reviews.filter(is_current=True).exists()


def test_adds_to_what_is_there(postgresql):
    _seed()
    call_command("bench_seed", dreams=80, staff=10, per_day=1, seed=5)
    assert Dream.objects.count() == 80
    assert User.objects.filter(is_staff=True).count() == 10  # the same staff


def test_refuses_a_database_with_real_dreams(postgresql, dream):
    with pytest.raises(CommandError, match="did not generate"):
        _seed()
    assert Dream.objects.count() == 1


def test_reset_removes_only_generated_data(postgresql, enabler):
    _seed()
    call_command("bench_seed", reset=True)
    assert not Dream.objects.exists()
    assert not TimelineEvent.objects.exists()
    assert list(User.objects.all()) == [enabler]


def test_grows_from_a_small_seed_to_a_large_one(postgresql):
    """Issue 15: seeding 1,000 and then 10,000 failed ("cannot ALTER TABLE ... because it has
    pending trigger events") once a batch was large enough to drop and rebuild the indexes and
    foreign keys (20,000 rows: here the second step's timeline events)."""
    call_command("bench_seed", dreams=300, staff=10, seed=5)
    call_command("bench_seed", dreams=2_600, staff=10, seed=5)
    dreams = Dream.objects.filter(resident__email__endswith=EMAIL_SUFFIX)
    assert dreams.count() == 2_600
    assert TimelineEvent.objects.filter(dream__in=dreams).count() >= 20_000
    with connection.cursor() as cursor:  # the foreign keys are back, and hold
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f'"
            " AND conrelid = 'initiatives_timelineevent'::regclass"
        )
        assert cursor.fetchone()[0] >= 2


def _inversions_in_write_order() -> tuple[int, int]:
    """Events that lie after a later one in the table (heap order): (inversions, rows)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE created_at < previous), count(*) FROM ("
            " SELECT created_at, lag(created_at) OVER (ORDER BY ctid) AS previous"
            " FROM initiatives_timelineevent) AS e"
        )
        return cursor.fetchone()


def test_events_are_written_in_time_order_across_dreams(postgresql):
    """Issue 15: a live portal writes events as they happen, all dreams mixed; the old
    generator wrote each dream's events together, so a dream of 200 events sat on 5 pages."""
    call_command("bench_seed", dreams=1_000, staff=10, seed=5)
    inversions, rows = _inversions_in_write_order()
    assert rows > 9_000
    # Only where PostgreSQL reused free space of earlier (rolled back) rows, if anywhere.
    assert inversions <= rows * 0.01
    heavy = Dream.objects.filter(title__endswith=HEAVY_MARK)
    assert heavy.count() == HEAVY_PER_SEED
    ids = [*heavy.values_list("pk", flat=True), Dream.objects.get(title=HEAVY_TITLE).pk]
    assert all(
        n == HEAVY_EVENTS
        for n in TimelineEvent.objects.filter(dream__in=ids)
        .values("dream")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    pages = sorted(heavy_spread(ids))
    assert pages[len(pages) // 2] >= 30, pages  # spread out, not 200 events on 5 pages


def test_the_search_words_have_a_common_and_rare_share(postgresql):
    call_command("bench_seed", dreams=2_000, staff=10, seed=5)
    listed = Dream.objects.exclude(status=Status.UNCONFIRMED).count()
    shares = word_shares(listed)
    assert 0.18 <= shares[texts.COMMON_WORD] <= 0.28, shares
    for word in texts.RARE_WORDS:
        assert 0.001 <= shares[word] <= 0.02, shares


@pytest.mark.django_db(transaction=True)
def test_tables_are_vacuumed_as_autovacuum_would_when_it_is_off(postgresql):
    from bench import seed  # VACUUM runs outside a transaction: this test commits

    try:
        made = seed.seed(dreams=50, staff=10, per_day=1, random_seed=5)
        with connection.cursor() as cursor:
            cursor.execute("SHOW autovacuum")
            autovacuum = cursor.fetchone()[0]
            cursor.execute(
                "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'initiatives_dream'"
            )
            pages, all_visible = cursor.fetchone()
        if autovacuum == "on":  # it will get to them, as on a live server
            assert made["seconds_vacuum"] is None
        else:  # the visibility map covers the table: no count reads heap pages to tell
            assert made["seconds_vacuum"] is not None
            assert pages > 0 and all_visible == pages
    finally:
        seed.reset()
