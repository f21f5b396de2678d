from datetime import date

from initiatives.working_days import add_working_days, is_working_day, working_days_between


def test_weekends_are_skipped():
    friday = date(2026, 11, 20)
    assert add_working_days(friday, 2) == date(2026, 11, 24)  # Monday, Tuesday


def test_christmas_is_skipped():
    # Thursday 24 Dec; 25 and 26 Dec are holidays, 26-27 the weekend.
    assert add_working_days(date(2026, 12, 24), 2) == date(2026, 12, 29)


def test_kings_day_is_not_a_working_day():
    assert not is_working_day(date(2026, 4, 27))
    assert is_working_day(date(2026, 4, 28))


def test_working_days_between_counts_only_working_days():
    assert working_days_between(date(2026, 11, 20), date(2026, 11, 24)) == 2
    assert working_days_between(date(2026, 11, 24), date(2026, 11, 20)) == 0
