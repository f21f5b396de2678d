"""A working-day deadline as an SQL expression, so that a promise is judged in the database.

The database does not know the Dutch public holidays, but a deadline of N working days after
a day is nearly always the same number of calendar days for the same weekday (2 working days
after a Thursday: 4 days). So the expression is a CASE on the weekday, with the few days near
a holiday listed apart: computed here, for the days FIRST..LAST, from working_days (the one
place that knows the holidays).
"""

from datetime import date, timedelta

from django.db.models import Case, DurationField, Value, When

from initiatives.working_days import add_working_days


def _usual(weekday: int, working_days: int) -> int:
    """Calendar days to the deadline from an ISO WEEKDAY (1 = Monday) in a week without
    holidays: 2 January 2023 was a Monday, and no holiday lies within weeks after it."""
    start = date(2023, 1, 1) + timedelta(days=weekday)
    return (add_working_days(start, working_days) - start).days


def deadline_after(*, day: str, weekday: str, first: date, last: date, working_days: int) -> Case:
    """SQL: the time from the date annotation DAY (whose ISO weekday is the annotation
    WEEKDAY) to its deadline WORKING_DAYS working days later, right for days FIRST..LAST."""
    usual = {weekday_number: _usual(weekday_number, working_days) for weekday_number in range(1, 8)}
    apart: dict[int, list[date]] = {}
    for n in range((last - first).days + 1):
        start = first + timedelta(days=n)
        days = (add_working_days(start, working_days) - start).days
        if days != usual[start.isoweekday()]:
            apart.setdefault(days, []).append(start)
    return Case(
        *(
            When(**{f"{day}__in": starts}, then=Value(timedelta(days=days)))
            for days, starts in sorted(apart.items())
        ),
        *(
            When(**{weekday: number}, then=Value(timedelta(days=days)))
            for number, days in usual.items()
        ),
        output_field=DurationField(),
    )
