"""The service promises to residents and the deadlines they set: the one place that computes them.

The promises themselves are one `ServicePromises` row the functional administrator edits;
until it exists (a fresh database) the environment's PROMISE_* settings stand in for it.
Reading them never writes: the row is made after `migrate` (initiatives.apps) by
`services.service_promises_ensure`.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from initiatives.models import ServicePromises
from initiatives.working_days import add_working_days, latest_day_now_overdue, working_days_between


def defaults() -> dict:
    """Return the promises as the environment sets them, for a row not yet made."""
    return {
        "pick_up_working_days": settings.PROMISE_PICK_UP_WORKING_DAYS,
        "first_contact_working_days": settings.PROMISE_FIRST_CONTACT_WORKING_DAYS,
        "silence_days": settings.PROMISE_SILENCE_DAYS,
        "grant_approval_limit": Decimal(settings.GRANT_APPROVAL_LIMIT),
    }


def current() -> ServicePromises:
    """Return the administrator's promises, or the environment's while none are saved."""
    return ServicePromises.objects.filter(pk=1).first() or ServicePromises(pk=1, **defaults())


def pick_up_deadline(submitted_at: datetime | None, promises: ServicePromises) -> date:
    """Return the day by which a dream handed in at SUBMITTED_AT is promised to be picked up."""
    submitted = timezone.localdate(submitted_at or timezone.now())
    return add_working_days(submitted, promises.pick_up_working_days)


def first_contact_deadline(picked_up_at: datetime, promises: ServicePromises) -> date:
    """Return the day by which a dream picked up at PICKED_UP_AT is promised its first contact."""
    return add_working_days(timezone.localdate(picked_up_at), promises.first_contact_working_days)


def silence_deadline(last_public_update_at: datetime, promises: ServicePromises) -> date:
    """Return the last day a resident last told something at LAST_PUBLIC_UPDATE_AT may wait
    for news (the silence rule's automatic update goes the day after)."""
    return timezone.localdate(last_public_update_at) + timedelta(days=promises.silence_days - 1)


def silence_soon_before(promises: ServicePromises, today: date) -> datetime:
    """A dream whose last public update is older than this is (nearly) silent too long: the
    moment the silence rule reminds its MogelijkMaker (silence_job_cutoffs)."""
    return silence_job_cutoffs(promises, today)[0]


def waiting_working_days(submitted_at: datetime, today: date) -> int:
    """Return how many working days a dream handed in at SUBMITTED_AT has waited by TODAY."""
    return working_days_between(timezone.localdate(submitted_at), today)


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def pick_up_overdue_before(promises: ServicePromises, today: date) -> datetime:
    """A dream still waiting that was handed in before this moment broke the pick-up promise."""
    return _end_of(latest_day_now_overdue(today, promises.pick_up_working_days))


def first_contact_overdue_before(promises: ServicePromises, today: date) -> datetime:
    """A dream picked up before this moment, still without contact, broke the first-contact one."""
    return _end_of(latest_day_now_overdue(today, promises.first_contact_working_days))


def silent_since(promises: ServicePromises, now: datetime) -> datetime:
    """A dream whose last public update is older than this moment broke the silence promise."""
    return now - timedelta(days=promises.silence_days)


def silence_job_cutoffs(promises: ServicePromises, today: date) -> tuple[datetime, datetime]:
    """Return (remind before, silent before) for the daily silence job run on TODAY.

    A last public update before the first moment earns the MogelijkMaker a reminder (a few
    days before the limit); one before the second breaks the promise. Days are counted by
    date, not by the hour: the job runs once a day (09:00), so an update sent on 2 March at
    15:30 is 14 days old on 16 March at 09:00, not on 17 March.
    """

    def days_old(days: int) -> datetime:
        return timezone.make_aware(datetime.combine(today - timedelta(days=days - 1), time.min))

    remind_after = max(promises.silence_days - 4, 1)
    return days_old(remind_after), days_old(promises.silence_days)
