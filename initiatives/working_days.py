"""Working days: weekdays that are not Dutch public holidays."""

from datetime import date, timedelta
from functools import cache

import holidays


@cache
def _dutch_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("NL", years=year)


def is_working_day(day: date) -> bool:
    """Return whether DAY is a working day in the Netherlands."""
    return day.weekday() < 5 and day not in _dutch_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """Return the date DAYS working days after START."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Return the number of working days after START up to and including END."""
    if end <= start:
        return 0
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(n)))


def latest_day_now_overdue(today: date, days: int) -> date:
    """Return the latest start day whose DAYS-working-day deadline lies before TODAY.

    Anything that started on or before that day has broken the promise; used to turn
    a working-day promise into one date filter in the database.
    """
    candidate = today - timedelta(days=1)
    while add_working_days(candidate, days) >= today:
        candidate -= timedelta(days=1)
    return candidate
