"""The open data's figures (initiatives.selectors.open_figures): counted per week,
neighbourhood and theme, small counts suppressed with their totals."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from initiatives.models import Dream, Grant
from initiatives.partner_models import Organisation
from initiatives.plan_models import Contribution
from initiatives.selectors import open_figures
from initiatives.selectors.report_days import report_days_read
from initiatives.statuses import Status
from tests.factories import NeighbourhoodFactory, StaffFactory, ThemeFactory
from tests.opendata.figures_world import at, fund, grant, handed_in, move

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 2)  # week 45


@pytest.fixture(autouse=True)
def _threshold(settings):
    settings.OPEN_DATA_MIN_COUNT = 5
    settings.PROMISE_PICK_UP_WORKING_DAYS = 2
    settings.PROMISE_FIRST_CONTACT_WORKING_DAYS = 5


@pytest.fixture
def places():
    return {
        "a": NeighbourhoodFactory(name="Asten"),
        "b": NeighbourhoodFactory(name="Bergen"),
        "c": NeighbourhoodFactory(name="Cuijk"),
        "x": ThemeFactory(name="Groen"),
        "y": ThemeFactory(name="Spelen"),
    }


def _week(figures, monday):
    return next(week for week in figures if week.week == monday)


def test_counts_per_neighbourhood_with_a_small_one_hidden_and_its_neighbour_too(places):
    a, b, c, x = places["a"], places["b"], places["c"], places["x"]
    handed_in(6, on=at(2026, 11, 2), neighbourhood=a, theme=x)
    handed_in(7, on=at(2026, 11, 4), neighbourhood=b, theme=x)
    handed_in(2, on=at(2026, 11, 8, 23), neighbourhood=c, theme=x)  # Sunday night: same week
    handed_in(9, on=at(2026, 11, 9, 0), neighbourhood=a, theme=x)  # Monday: the next week

    counts = open_figures.weekly_counts(weeks=2, until=MONDAY + timedelta(weeks=1))
    week = _week(counts.figures(), MONDAY)
    assert week.handed_in.value == 15
    assert _week(counts.figures(neighbourhood_id=b.pk), MONDAY).handed_in.value == 7
    assert _week(counts.figures(theme_id=x.pk), MONDAY).handed_in.value == 15
    hidden_c = _week(counts.figures(neighbourhood_id=c.pk), MONDAY).handed_in
    assert hidden_c.suppressed and hidden_c.value is None
    # 15 - 7 - a would give c back: a (the smallest other) is hidden too.
    assert _week(counts.figures(neighbourhood_id=a.pk), MONDAY).handed_in.suppressed
    next_week = _week(counts.figures(neighbourhood_id=a.pk), MONDAY + timedelta(weeks=1))
    assert next_week.handed_in.value == 9
    # Zero stays zero.
    assert _week(counts.figures(theme_id=places["y"].pk), MONDAY).handed_in.value == 0
    assert not _week(counts.figures(theme_id=places["y"].pk), MONDAY).handed_in.suppressed


def test_status_moves_counted_in_the_week_they_happened(places):
    a, x = places["a"], places["x"]
    dreams = handed_in(12, on=at(2026, 10, 26), neighbourhood=a, theme=x)
    move(dreams[:5], to=Status.PICKED_UP, on=at(2026, 11, 3))
    move(dreams[:5], to=Status.REALISED, on=at(2026, 11, 5), source=Status.IN_PROGRESS)
    move(dreams[5:10], to=Status.WITHDRAWN, on=at(2026, 11, 6))
    move(dreams[10:], to=Status.NOT_POSSIBLE, on=at(2026, 11, 6), source=Status.PICKED_UP)
    # Never handed in: a withdrawal before confirming does not count.
    unconfirmed = handed_in(3, on=at(2026, 11, 2), neighbourhood=a, theme=x, status="unconfirmed")
    Dream.objects.filter(pk__in=[d.pk for d in unconfirmed]).update(submitted_at=None)
    move(unconfirmed, to=Status.WITHDRAWN, on=at(2026, 11, 3), source=Status.UNCONFIRMED)

    week = _week(open_figures.week_figures(weeks=1, until=MONDAY), MONDAY)
    assert week.handed_in.value == 0
    assert week.picked_up.value == 5
    assert week.realised.value == 5
    assert week.withdrawn.value == 5
    assert week.not_possible.suppressed


def test_the_municipalitys_totals_are_the_weekly_reports_days(places):
    """The same history counted twice: the weekly report's days and the open figures."""
    a, b, x, y = places["a"], places["b"], places["x"], places["y"]
    first = handed_in(8, on=at(2026, 11, 3), neighbourhood=a, theme=x)
    second = handed_in(6, on=at(2026, 11, 10), neighbourhood=b, theme=y)
    move(first[:6], to=Status.PICKED_UP, on=at(2026, 11, 11))
    move(second[:5], to=Status.PICKED_UP, on=at(2026, 11, 12))
    move(first[:5], to=Status.REALISED, on=at(2026, 11, 18), source=Status.IN_PROGRESS)
    move(second[5:], to=Status.WITHDRAWN, on=at(2026, 11, 19))

    mondays = [MONDAY + timedelta(weeks=n) for n in range(3)]
    figures = open_figures.week_figures(weeks=3, until=mondays[-1])
    days = report_days_read(mondays[0], mondays[-1] + timedelta(days=6))
    for monday, week in zip(mondays, figures, strict=True):
        seven = [days[monday + timedelta(n)] for n in range(7)]
        intake = sum(day["intake"] for day in seven)
        moves = {}
        for day in seven:
            for status, count in day["moves"].items():
                moves[status] = moves.get(status, 0) + count
        expected = {
            "handed_in": intake,
            "picked_up": moves.get(Status.PICKED_UP, 0),
            "realised": moves.get(Status.REALISED, 0),
            "withdrawn": moves.get(Status.WITHDRAWN, 0),
        }
        for measure, count in expected.items():
            cell = getattr(week, measure)
            assert cell.value == (None if 0 < count < 5 else count), (monday, measure)
    assert figures[1].handed_in.value == 6 and figures[1].picked_up.value == 11


def test_weeks_are_checked():
    with pytest.raises(ValueError):
        open_figures.week_figures(weeks=105)
    with pytest.raises(ValueError):
        open_figures.week_figures(weeks=0)
    with pytest.raises(ValueError):
        open_figures.week_figures(until=date(2026, 11, 3))


def test_a_fixed_number_of_queries_however_much_history(places, django_assert_num_queries):
    for n in range(20):
        dreams = handed_in(
            3,
            on=at(2026, 6, 1) + timedelta(days=7 * n),
            neighbourhood=places["a"],
            theme=places["x"],
        )
        move(dreams, to=Status.PICKED_UP, on=at(2026, 6, 3) + timedelta(days=7 * n))
        grant(dreams[0], fund=fund(f"Fonds {n}"), amount=100, on=at(2026, 6, 3))
    with django_assert_num_queries(4):
        open_figures.week_figures(weeks=104, until=MONDAY)
    with django_assert_num_queries(3):
        open_figures.promise_figures(weeks=104, until=MONDAY)
    with django_assert_num_queries(1):
        open_figures.money_granted()
    with django_assert_num_queries(1):
        open_figures.partner_contributions()
    with django_assert_num_queries(1):
        assert open_figures.weeks_available(now=at(2026, 11, 4))[-1] == date(2026, 6, 1)


def test_weeks_available_newest_first_at_most_two_years(places):
    assert open_figures.weeks_available(now=at(2026, 12, 9)) == [date(2026, 12, 7)]
    handed_in(1, on=at(2026, 11, 20), neighbourhood=places["a"], theme=places["x"])
    assert open_figures.weeks_available(now=at(2026, 12, 9)) == [
        date(2026, 12, 7),
        date(2026, 11, 30),
        date(2026, 11, 23),
        date(2026, 11, 16),
    ]
    handed_in(1, on=at(2020, 1, 1), neighbourhood=places["a"], theme=places["x"])
    assert len(open_figures.weeks_available(now=at(2026, 12, 9))) == 104


def test_promises_kept_per_week_of_handing_in(places):
    a, x = places["a"], places["x"]
    monday = at(2026, 11, 2)  # pick up by Wednesday 4 November
    in_time = handed_in(5, on=monday, neighbourhood=a, theme=x, status=Status.IN_CONVERSATION)
    Dream.objects.filter(pk__in=[d.pk for d in in_time]).update(
        picked_up_at=at(2026, 11, 4, 16), first_contact_at=at(2026, 11, 11, 16)
    )
    late = handed_in(2, on=monday, neighbourhood=a, theme=x, status=Status.PICKED_UP)
    # Picked up Thursday: late; no contact by Thursday 12 November: that promise broken too.
    Dream.objects.filter(pk__in=[d.pk for d in late]).update(picked_up_at=at(2026, 11, 5))
    handed_in(1, on=monday, neighbourhood=a, theme=x)  # still waiting: broken
    withdrawn_in_time = handed_in(1, on=monday, neighbourhood=a, theme=x, status=Status.WITHDRAWN)
    Dream.objects.filter(pk=withdrawn_in_time[0].pk).update(closed_at=at(2026, 11, 3))

    figures = open_figures.promise_figures(weeks=1, until=MONDAY, now=at(2026, 12, 7))
    (week,) = figures.weeks
    assert week.picked_up_in_time.base.value == 8
    assert week.picked_up_in_time.value == 0.625
    assert week.first_contact_in_time.base.value == 7
    assert week.first_contact_in_time.value == round(5 / 7, 3)
    assert figures.pick_up_working_days == 2 and figures.first_contact_working_days == 5


def test_a_promise_not_yet_due_is_not_measured_and_a_small_base_is_hidden(places):
    a, x = places["a"], places["x"]
    handed_in(6, on=at(2026, 11, 2), neighbourhood=a, theme=x)
    figures = open_figures.promise_figures(weeks=1, until=MONDAY, now=at(2026, 11, 4, 12))
    share = figures.weeks[0].picked_up_in_time
    assert share.base.value == 0 and share.value is None and not share.suppressed
    late = open_figures.promise_figures(weeks=1, until=MONDAY, now=at(2026, 11, 5, 12))
    assert late.weeks[0].picked_up_in_time.value == 0.0
    assert late.weeks[0].picked_up_in_time.base.value == 6
    # One neighbourhood's share rests on three dreams: hidden.
    b = places["b"]
    handed_in(3, on=at(2026, 11, 2), neighbourhood=b, theme=x)
    hidden = open_figures.promise_figures(
        neighbourhood_id=b.pk, weeks=1, until=MONDAY, now=at(2026, 11, 5, 12)
    )
    assert hidden.weeks[0].picked_up_in_time.suppressed
    assert hidden.weeks[0].picked_up_in_time.value is None


def test_longest_silence_among_open_dreams(places):
    a, b, x = places["a"], places["b"], places["x"]
    now = at(2026, 12, 7)
    handed_in(
        4, on=at(2026, 11, 2), neighbourhood=a, theme=x, last_public_update_at=at(2026, 11, 30)
    )
    handed_in(
        1, on=at(2026, 11, 2), neighbourhood=a, theme=x, last_public_update_at=at(2026, 11, 17)
    )
    handed_in(
        3, on=at(2026, 11, 2), neighbourhood=b, theme=x, last_public_update_at=at(2026, 11, 1)
    )
    handed_in(
        1,
        on=at(2026, 10, 2),
        neighbourhood=a,
        theme=x,
        status=Status.REALISED,
        last_public_update_at=at(2026, 1, 1),
    )
    figures = open_figures.promise_figures(neighbourhood_id=a.pk, weeks=1, until=MONDAY, now=now)
    # a: 5 open dreams, but b's 3 are hidden, so a is hidden too (8 in total are published).
    assert figures.longest_silence_suppressed and figures.longest_silence_days is None
    everything = open_figures.promise_figures(weeks=1, until=MONDAY, now=now)
    assert everything.open_dreams.value == 8
    assert everything.longest_silence_days == 36  # 1 November to 7 December


def test_money_per_fund_and_neighbourhood_with_derivable_cells_hidden(places):
    a, b, x = places["a"], places["b"], places["x"]
    dromen = fund("Dromenfonds")
    dreams_a = handed_in(5, on=at(2026, 3, 2), neighbourhood=a, theme=x)
    dreams_b = handed_in(1, on=at(2026, 3, 2), neighbourhood=b, theme=x)
    for dream in dreams_a:
        grant(dream, fund=dromen, amount=100, on=at(2026, 4, 1))
    grant(dreams_b[0], fund=dromen, amount=250, on=at(2026, 4, 1))
    rejected = grant(dreams_a[0], fund=dromen, amount=900, on=at(2026, 4, 1))
    Grant.objects.filter(pk=rejected.pk).update(state=Grant.State.REJECTED)
    other = fund("Wijkfonds")
    for dream in dreams_b * 6:
        grant(dream, fund=other, amount=10, on=at(2025, 12, 31, 23))  # 2025, local time

    rows = {
        (row.year, row.fund_id, row.neighbourhood_id): row for row in open_figures.money_granted()
    }
    total = rows[(2026, dromen.pk, None)]
    assert total.grants.value == 6 and total.amount == Decimal("750.00")
    assert rows[(2026, dromen.pk, b.pk)].suppressed
    assert rows[(2026, dromen.pk, b.pk)].amount is None
    # 750 - a's 500 would give b's 250: a is hidden too.
    assert rows[(2026, dromen.pk, a.pk)].suppressed
    assert rows[(2025, other.pk, b.pk)].amount == Decimal("60.00")
    assert rows[(2025, None, None)].grants.value == 6
    only_b = open_figures.money_granted(neighbourhood_id=b.pk)
    assert {row.neighbourhood_id for row in only_b} == {b.pk}


def test_partner_contributions_per_kind(places):
    a, x = places["a"], places["x"]
    partner = Organisation.objects.create(
        kind=Organisation.Kind.HOUSING,
        name="Woonstichting",
        contact_name="Piet",
        contact_email="piet@woon.example",
        one_face=StaffFactory(),
    )
    dreams = handed_in(6, on=at(2026, 3, 2), neighbourhood=a, theme=x)
    for dream in dreams:
        Contribution.objects.create(
            dream=dream,
            source="partner",
            kind="hours",
            hours=Decimal("2.5"),
            organisation=partner,
            created_at=at(2026, 4, 1),
        )
    for dream in dreams[:5]:
        Contribution.objects.create(
            dream=dream,
            source="partner",
            kind="money",
            amount=50,
            organisation=partner,
            created_at=at(2026, 4, 1),
        )
    Contribution.objects.create(
        dream=dreams[0],
        source="partner",
        kind="materials",
        amount=30,
        organisation=partner,
        created_at=at(2026, 4, 1),
    )
    Contribution.objects.create(
        dream=dreams[1],
        source="partner",
        kind="money",
        amount=70,
        organisation=partner,
        created_at=at(2026, 4, 1),
        withdrawn_at=at(2026, 4, 2),
    )
    Contribution.objects.create(
        dream=dreams[1], source="residents", kind="hours", hours=10, created_at=at(2026, 4, 1)
    )
    rows = {(r.year, r.kind, r.neighbourhood_id): r for r in open_figures.partner_contributions()}
    hours = rows[(2026, "hours", a.pk)]
    assert hours.contributions.value == 6 and hours.hours == Decimal("15.0")
    assert rows[(2026, "materials", a.pk)].suppressed
    assert rows[(2026, "materials", a.pk)].amount is None
    # 12 in all: all minus hours minus money would give the materials back, so the money
    # (the smallest other kind) is hidden too; the withdrawn one and the residents' never count.
    assert rows[(2026, "money", a.pk)].suppressed
    everything = rows[(2026, None, a.pk)]
    assert everything.contributions.value == 12
    assert everything.amount == Decimal("280.00") and everything.hours == Decimal("15.0")


def test_deadlines_around_the_holidays_are_judged_as_working_days_say(places, settings):
    """Every day from 19 December 2025 to 6 January 2026 (Christmas, New Year): one dream
    picked up on its deadline, one a day later. The database's judgement must match
    working_days.add_working_days: exactly half are in time."""
    from initiatives.working_days import add_working_days

    settings.OPEN_DATA_MIN_COUNT = 1  # every count shown: this is about the judgement
    a, x = places["a"], places["x"]
    day = date(2025, 12, 19)
    count = 0
    while day <= date(2026, 1, 6):
        deadline = add_working_days(day, 2)
        for picked_up_on in (deadline, deadline + timedelta(days=1)):
            (dream,) = handed_in(
                1, on=at(day.year, day.month, day.day, 9), neighbourhood=a, theme=x
            )
            Dream.objects.filter(pk=dream.pk).update(
                picked_up_at=at(picked_up_on.year, picked_up_on.month, picked_up_on.day, 17),
                status=Status.PICKED_UP,
            )
        count += 1
        day += timedelta(days=1)
    figures = open_figures.promise_figures(weeks=4, until=date(2026, 1, 5), now=at(2026, 3, 1))
    measured = sum(week.picked_up_in_time.base.value for week in figures.weeks)
    kept = sum(
        round(week.picked_up_in_time.value * week.picked_up_in_time.base.value)
        for week in figures.weeks
    )
    assert measured == 2 * count
    assert kept == count


# --- the year of a week's money -----------------------------------------------------------------

NEW_YEARS_WEEK = date(2025, 12, 29)  # the Monday of week 1 of 2026 (29 December to 4 January)


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (at(2025, 12, 30), 2025),  # this week, still December: the new year has no money yet
        (at(2026, 1, 1, 0), 2026),  # this week, 1 January just begun: the new year's
        (at(2026, 1, 4, 23), 2026),  # this week, Sunday night
        (at(2026, 1, 20), 2026),  # a week gone by: the year of its last day, not its Monday
    ],
)
def test_the_money_year_of_the_week_around_new_year(today, year):
    import time_machine

    with time_machine.travel(today, tick=False):
        assert open_figures.money_year(NEW_YEARS_WEEK) == year
    assert open_figures.money_year(NEW_YEARS_WEEK, now=today) == year


def test_the_money_year_of_an_ordinary_week_is_its_own():
    assert open_figures.money_year(date(2025, 12, 22), now=at(2026, 1, 2)) == 2025
    assert open_figures.money_year(MONDAY, now=at(2026, 11, 4)) == 2026


def test_money_and_partners_of_one_year_only(places):
    a, x = places["a"], places["x"]
    dromen = fund("Dromenfonds")
    dreams = handed_in(6, on=at(2025, 3, 2), neighbourhood=a, theme=x)
    for dream in dreams:
        grant(dream, fund=dromen, amount=100, on=at(2025, 12, 31, 23))  # 2025, local time
        grant(dream, fund=dromen, amount=10, on=at(2026, 1, 1, 0))
    rows = open_figures.money_granted(year=2026)
    assert {row.year for row in rows} == {2026}
    total = next(row for row in rows if row.fund_id is None and row.neighbourhood_id is None)
    assert total.amount == Decimal("60.00")
    assert {row.year for row in open_figures.money_granted()} == {2025, 2026}
    assert open_figures.partner_contributions(year=2026) == []
