"""A small history to count open figures from: dreams handed in, moved, granted, helped."""

from datetime import datetime

from django.utils import timezone

from initiatives.models import EventKind, Grant, TimelineEvent
from initiatives.statuses import Status
from tests.factories import DreamFactory, FundFactory, StaffFactory


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    """An aware local moment (Europe/Amsterdam)."""
    return timezone.make_aware(datetime(year, month, day, hour))


def handed_in(count: int, *, on: datetime, neighbourhood, theme, **fields) -> list:
    return [
        DreamFactory(
            submitted_at=on, neighbourhood=neighbourhood, theme=theme, created_at=on, **fields
        )
        for _n in range(count)
    ]


def move(dreams, *, to: str, on: datetime, source: str = Status.SUBMITTED) -> None:
    for dream in dreams:
        TimelineEvent.objects.create(
            dream=dream,
            kind=EventKind.STATUS_CHANGED,
            from_status=source,
            to_status=to,
            created_at=on,
            public=True,
        )


def grant(dream, *, fund, amount: int, on: datetime) -> Grant:
    staff = StaffFactory()
    return Grant.objects.create(
        dream=dream,
        fund=fund,
        amount=amount,
        purpose="Bankje",
        state=Grant.State.GRANTED,
        requested_by=staff,
        decided_by=staff,
        decided_at=on,
    )


def fund(name: str, year: int = 2026):
    return FundFactory(name=name, year=year)
