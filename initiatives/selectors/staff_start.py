"""What waits for a staff member on their start page: each list oldest first, with its count
and, where the residents were promised something, the day it is promised by.

    waiting_to_pick_up       dreams in the triage queue (MogelijkMakers, managers)
    waiting_in_my_care       a MogelijkMaker's own dreams: first contact due, silence near,
                             residents' messages not answered yet
    waiting_letters          "not possible" letters to word and sign (communications advisors)
    waiting_approvals        grants above the limit (managers)
    promises_broken          dreams whose promise is broken (managers)
    administration_overview  the functional administrator's figures
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import DateTimeField, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext

from accounts.models import User
from initiatives import promises
from initiatives.models import Decision, Dream, EventKind, Grant, ServicePromises, TimelineEvent
from initiatives.selectors.dream_lists import (
    _silent_q,
    dreams_first_contact_overdue,
    dreams_pick_up_overdue,
    triage_queue,
)
from initiatives.selectors.outbox import outbox_failed
from initiatives.selectors.workspace import decisions_awaiting_letter, grants_awaiting_approval
from initiatives.statuses import OPEN, Status, is_open

# A start page shows the oldest few of each list; the full list is one link away.
SHOWN = 10
# Each list is counted up to this many ("more than 1,000"), so that a long queue costs no more
# to count than a short one: an exact count reads every row of it on every visit (issue 15).
COUNT_CAP = 1000


@dataclass
class Row:
    """One thing that waits: the dream, since when, and the day it is promised by (if any)."""

    dream: "Dream | WaitingDream"
    since: date
    deadline: date | None = None
    late: bool = False
    item: object = None  # the letter or grant itself, where the row is one
    age: int | None = None  # working days waited, where the row is a dream to pick up


@dataclass
class Waiting:
    """A list of what waits: COUNT in all, the oldest SHOWN of them as ROWS."""

    count: int = 0
    rows: list[Row] = field(default_factory=list)
    capped: bool = False  # more than COUNT were counted: the count stopped there

    @property
    def more(self) -> int:
        return self.count - len(self.rows)

    @property
    def count_label(self) -> str:
        """The count as a page says it: "12", or "more than 1,000" when counting stopped."""
        if self.capped:
            return gettext("more than %(count)s") % {
                "count": number_format(self.count, force_grouping=True)
            }
        return str(self.count)


def capped_count(queryset: QuerySet, cap: int | None = None) -> tuple[int, bool]:
    """Count QUERYSET up to CAP rows (a LIMIT inside the count); say whether it stopped there."""
    cap = COUNT_CAP if cap is None else cap
    counted = queryset.order_by().values("pk")[: cap + 1].count()
    return min(counted, cap), counted > cap


def _waiting(queryset: QuerySet, make_row, *, shown: int = SHOWN, cap: int | None = None):
    """The oldest SHOWN of QUERYSET as rows, and how many there are, counted up to CAP."""
    count, capped = capped_count(queryset, cap)
    rows = [make_row(obj) for obj in queryset[:shown]] if count else []
    return Waiting(count=count, rows=rows, capped=capped)


def waiting_to_pick_up(
    *, shown: int = SHOWN, cap: int | None = None, promised: ServicePromises | None = None
) -> Waiting:
    """Dreams nobody picked up yet, oldest first, with how long they waited in working days
    and the day they are promised by (the start page and the triage page). PROMISED: the
    service promises, when the page has read them already."""
    promised, today = promised or promises.current(), timezone.localdate()
    by_day = {}  # (deadline, age) per day handed in: 50 rows share a few days

    def row(values: tuple) -> Row:
        dream = WaitingDream(*values)
        day = timezone.localdate(dream.submitted_at)
        if day not in by_day:
            by_day[day] = (
                promises.pick_up_deadline(dream.submitted_at, promised),
                promises.waiting_working_days(dream.submitted_at, today),
            )
        deadline, age = by_day[day]
        return Row(dream, day, deadline, today > deadline, age=age)

    # Plain values, not model objects: building 50 dreams with their neighbourhood and theme
    # cost the triage page more Python than the rest of the query (issue 15).
    queue = triage_queue().values_list(*WAITING_COLUMNS)
    return _waiting(queue, row, shown=shown, cap=cap)


# What a row of the triage queue shows, in WaitingDream's order.
WAITING_COLUMNS = (
    "id",
    "title",
    "submitted_at",
    "neighbourhood__name",
    "theme__name",
    "resident_wrote",
    # Issue 18: the citizens' assembly an outcome came from (a LEFT JOIN, no query more).
    "assembly_outcome__assembly__title",
)


@dataclass(frozen=True, slots=True)
class WaitingDream:
    """A dream waiting to be picked up, as the triage page and the start page show it."""

    id: int
    title: str
    submitted_at: datetime
    neighbourhood_name: str
    theme_name: str
    resident_wrote: bool  # the resident sent a message no one has read yet
    assembly_title: str | None = None  # an outcome of this citizens' assembly (issue 18)

    @property
    def pk(self) -> int:
        return self.id


def _last_event(kinds_q: Q) -> Subquery:
    events = TimelineEvent.objects.filter(kinds_q, dream=OuterRef("pk")).order_by("-created_at")
    return Subquery(events.values("created_at")[:1], output_field=DateTimeField())


def waiting_in_my_care(user: User) -> dict[str, Waiting]:
    """USER's own open dreams that need them, each list oldest first.

    first_contact  picked up, no contact moment yet: the first-contact promise runs
    silence        no news for the resident for (nearly) the silence promise: write soon
    replies        the resident's newest message has no answer yet: no public message,
                   status change or contact moment by staff since
    """
    promised, now = promises.current(), timezone.now()
    today = timezone.localdate(now)
    mine = Dream.objects.filter(contact=user, status__in=OPEN).select_related(
        "neighbourhood", "resident"
    )

    first_contact = mine.filter(status=Status.PICKED_UP, first_contact_at__isnull=True).order_by(
        "picked_up_at", "id"
    )

    def contact_row(dream: Dream) -> Row:
        deadline = promises.first_contact_deadline(dream.picked_up_at, promised)
        return Row(dream, timezone.localdate(dream.picked_up_at), deadline, today > deadline)

    silence = mine.filter(
        last_public_update_at__lt=promises.silence_soon_before(promised, today)
    ).order_by("last_public_update_at", "id")

    def silence_row(dream: Dream) -> Row:
        deadline = promises.silence_deadline(dream.last_public_update_at, promised)
        return Row(
            dream, timezone.localdate(dream.last_public_update_at), deadline, today > deadline
        )

    answered = Q(kind=EventKind.CONTACT_MOMENT) | Q(public=True, actor__is_staff=True)
    replies = (
        mine.annotate(
            asked_at=_last_event(Q(kind=EventKind.MESSAGE_FROM_RESIDENT)),
            answered_at=_last_event(answered),
        )
        .filter(asked_at__isnull=False)
        .filter(Q(answered_at__isnull=True) | Q(answered_at__lt=F("asked_at")))
        .order_by("asked_at", "id")
    )

    return {
        "first_contact": _waiting(first_contact, contact_row),
        "silence": _waiting(silence, silence_row),
        "replies": _waiting(replies, lambda d: Row(d, timezone.localdate(d.asked_at))),
    }


def waiting_letters() -> Waiting:
    """Proposed "not possible" decisions waiting for their letter, oldest first."""

    def row(decision: Decision) -> Row:
        return Row(decision.dream, timezone.localdate(decision.proposed_at), item=decision)

    return _waiting(decisions_awaiting_letter(), row)


def waiting_approvals() -> Waiting:
    """Grants above the limit waiting for a manager, oldest first; LATE marks a closed dream
    (its grant can only be refused)."""

    def row(grant: Grant) -> Row:
        return Row(
            grant.dream,
            timezone.localdate(grant.created_at),
            late=not is_open(grant.dream),
            item=grant,
        )

    return _waiting(grants_awaiting_approval(), row)


def promises_broken() -> dict[str, Waiting]:
    """Dreams whose promise to the resident is broken today, per promise, oldest first."""
    promised = promises.current()

    def pick_up_row(dream: Dream) -> Row:
        deadline = promises.pick_up_deadline(dream.submitted_at, promised)
        return Row(dream, timezone.localdate(dream.submitted_at), deadline, True)

    def contact_row(dream: Dream) -> Row:
        deadline = promises.first_contact_deadline(dream.picked_up_at, promised)
        return Row(dream, timezone.localdate(dream.picked_up_at), deadline, True)

    def silence_row(dream: Dream) -> Row:
        deadline = promises.silence_deadline(dream.last_public_update_at, promised)
        return Row(dream, timezone.localdate(dream.last_public_update_at), deadline, True)

    related = ("neighbourhood", "contact")
    return {
        "pick_up": _waiting(
            dreams_pick_up_overdue().select_related(*related).order_by("submitted_at", "id"),
            pick_up_row,
        ),
        "first_contact": _waiting(
            dreams_first_contact_overdue().select_related(*related).order_by("picked_up_at", "id"),
            contact_row,
        ),
        "silence": _waiting(
            Dream.objects.filter(_silent_q())
            .select_related(*related)
            .order_by("last_public_update_at", "id"),
            silence_row,
        ),
    }


def administration_overview() -> dict:
    """The functional administrator's own part: mail that could not be delivered, counted up
    to COUNT_CAP. (What waits anywhere else they see in the other parts of their start page.)"""
    count, capped = capped_count(outbox_failed())
    return {"failed_mails": count, "failed_mails_capped": capped}
