"""Reads: querysets that views and reports use. Nothing here changes data."""

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from initiatives.models import (
    Dream,
    DreamPhoto,
    Neighbourhood,
    Theme,
    TimelineEvent,
    WeeklyReport,
)
from initiatives.statuses import Status


def neighbourhood_list() -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.order_by("name")


def theme_list() -> QuerySet[Theme]:
    return Theme.objects.order_by("name")


def dreams_of_resident(*, resident: User) -> QuerySet[Dream]:
    """Return the resident's own dreams, newest first, ready to list."""
    return (
        Dream.objects.filter(resident=resident)
        .select_related("resident", "neighbourhood", "theme", "contact")
        .order_by("-created_at", "-id")
    )


def dream_for_resident(*, resident: User, pk: int) -> Dream:
    """Return the resident's dream PK with its photos and the events the resident may see.

    Raises Dream.DoesNotExist for someone else's dream, so it answers 404, not 403.
    """
    public_events = TimelineEvent.objects.filter(public=True).select_related("actor")
    return (
        dreams_of_resident(resident=resident)
        .prefetch_related(
            Prefetch("events", queryset=public_events, to_attr="public_events"),
            Prefetch("photos", queryset=DreamPhoto.objects.order_by("created_at", "id")),
        )
        .get(pk=pk)
    )


def photo_for_resident(*, resident: User, dream_pk: int, photo_pk: int) -> DreamPhoto:
    """Return a photo of the resident's own dream; DoesNotExist for anything else."""
    return DreamPhoto.objects.get(pk=photo_pk, dream_id=dream_pk, dream__resident=resident)


def dreams_realised_public(*, limit: int = 3) -> QuerySet[Dream]:
    """Return realised dreams whose residents agreed to show them, most recent first."""
    return (
        Dream.objects.filter(status=Status.REALISED, show_publicly=True)
        .select_related("neighbourhood", "theme")
        .order_by("-closed_at", "-id")[:limit]
    )


def weekly_report_for(monday) -> WeeklyReport | None:
    """Return the snapshot of the week starting on MONDAY, or None while it has none."""
    return WeeklyReport.objects.filter(week_start=monday).first()


def service_promises():
    """Return the service promises (the environment's defaults while none are saved)."""
    from initiatives import promises

    return promises.current()


# --- staff side --------------------------------------------------------------------------------


def enablers() -> QuerySet[User]:
    """Return the active MogelijkMakers, by name."""
    from accounts.roles import Role

    return User.objects.filter(is_active=True, is_staff=True, groups__name=Role.ENABLER).order_by(
        "full_name", "email"
    )


def triage_queue() -> QuerySet[Dream]:
    """Return the dreams nobody has picked up yet, oldest first."""
    return (
        Dream.objects.filter(status=Status.SUBMITTED)
        .select_related("neighbourhood", "theme")
        .order_by("submitted_at", "id")
    )


def _overdue_q():
    """Dreams whose pick-up or first-contact promise is broken today."""
    from django.db.models import Q
    from django.utils import timezone

    from initiatives import promises

    promised, today = promises.current(), timezone.localdate()
    pick_up_cutoff = promises.pick_up_overdue_before(promised, today)
    contact_cutoff = promises.first_contact_overdue_before(promised, today)
    return Q(status=Status.SUBMITTED, submitted_at__lt=pick_up_cutoff) | Q(
        status=Status.PICKED_UP, first_contact_at__isnull=True, picked_up_at__lt=contact_cutoff
    )


def dreams_pick_up_overdue() -> QuerySet[Dream]:
    """Return submitted dreams whose pick-up promise is broken today."""
    from django.db.models import Q

    return Dream.objects.filter(_overdue_q() & Q(status=Status.SUBMITTED))


def dreams_first_contact_overdue() -> QuerySet[Dream]:
    """Return picked-up dreams whose first-contact promise is broken today."""
    from django.db.models import Q

    return Dream.objects.filter(_overdue_q() & Q(status=Status.PICKED_UP))


def _silent_q():
    from django.db.models import Q
    from django.utils import timezone

    from initiatives import promises
    from initiatives.statuses import OPEN

    cutoff = promises.silent_since(promises.current(), timezone.now())
    return Q(status__in=OPEN, last_public_update_at__lt=cutoff)


def _with_tension_flag(queryset: QuerySet[Dream]) -> QuerySet[Dream]:
    from django.db.models import Exists, OuterRef

    from initiatives.models import Review

    current_tension = Review.objects.filter(dream=OuterRef("pk"), is_current=True, has_tension=True)
    return queryset.annotate(has_tension=Exists(current_tension))


DREAM_SORTS = {
    "oldest": ("submitted_at", "id"),
    "newest": ("-submitted_at", "-id"),
    "title": ("title", "id"),
    "status": ("status_order", "submitted_at", "id"),
    "silent": ("last_public_update_at", "id"),
}


def staff_dream_list(
    *,
    user: User,
    statuses: list[str] | None = None,
    neighbourhood: int | None = None,
    theme: int | None = None,
    contact: int | None = None,
    mine: bool = False,
    overdue: bool = False,
    silent: bool = False,
    tension: bool = False,
    query: str = "",
    sort: str = "newest",
) -> QuerySet[Dream]:
    """Return the dreams staff see in the list, filtered; every filter combines with the rest."""
    from django.db import connection

    dreams = Dream.objects.exclude(status=Status.UNCONFIRMED)
    if statuses:
        dreams = dreams.filter(status__in=statuses)
    if neighbourhood:
        dreams = dreams.filter(neighbourhood_id=neighbourhood)
    if theme:
        dreams = dreams.filter(theme_id=theme)
    if contact:
        dreams = dreams.filter(contact_id=contact)
    if mine:
        dreams = dreams.filter(contact=user)
    if overdue:
        dreams = dreams.filter(_overdue_q())
    if silent:
        dreams = dreams.filter(_silent_q())
    dreams = _with_tension_flag(dreams)
    if tension:
        dreams = dreams.filter(has_tension=True)
    query = query.strip()
    if query:
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery

            from initiatives.search import SEARCH_CONFIG

            # The stored vector (initiatives/search.py), on its GIN index.
            dreams = dreams.filter(
                search_document=SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
            )
        else:  # SQLite, the embedded default: a plain substring match
            from django.db.models import Q

            dreams = dreams.filter(Q(title__icontains=query) | Q(story__icontains=query))
    if sort == "status":  # in the order a dream goes through, not alphabetically
        from django.db.models import Case, IntegerField, Value, When

        dreams = dreams.annotate(
            status_order=Case(
                *(When(status=status, then=Value(n)) for n, status in enumerate(Status)),
                output_field=IntegerField(),
            )
        )
    return dreams.select_related("neighbourhood", "theme", "contact").order_by(
        *DREAM_SORTS.get(sort, DREAM_SORTS["newest"])
    )


# The workspace shows a dream's newest events first; its whole history is one click away.
TIMELINE_LATEST = 50


def dream_for_staff(*, pk: int, whole_timeline: bool = False) -> Dream:
    """Return dream PK with everything the workspace shows, in a fixed number of queries.

    dream.timeline holds its newest TIMELINE_LATEST events, newest first, or every event
    with WHOLE_TIMELINE; dream.timeline_count counts them all (no query of its own), and
    dream.timeline_older_from is the place in the whole timeline where the shorter one
    stopped (None when nothing was left out), for the link to the rest to land on.
    """
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from initiatives.models import (
        ContactMoment,
        Decision,
        Grant,
        OutboxMail,
        PracticeNote,
        Review,
    )

    events = TimelineEvent.objects.select_related("actor").order_by("-created_at", "-id")
    if not whole_timeline:
        events = events[:TIMELINE_LATEST]
    event_count = (
        TimelineEvent.objects.filter(dream=OuterRef("pk"))
        .order_by()
        .values("dream")
        .annotate(count=Count("id"))
        .values("count")
    )
    dream = (
        Dream.objects.exclude(status=Status.UNCONFIRMED)
        .select_related("resident", "neighbourhood", "theme", "contact")
        .annotate(timeline_count=Coalesce(Subquery(event_count, output_field=IntegerField()), 0))
        .prefetch_related(
            Prefetch("events", queryset=events, to_attr="timeline"),
            Prefetch("photos", queryset=DreamPhoto.objects.order_by("created_at", "id")),
            Prefetch(
                "contact_moments",
                queryset=ContactMoment.objects.select_related("by").order_by("-date", "-id"),
            ),
            Prefetch("practices", queryset=PracticeNote.objects.select_related("updated_by")),
            Prefetch(
                "reviews",
                queryset=Review.objects.select_related("by").order_by("-version"),
                to_attr="review_versions",
            ),
            Prefetch(
                "grants",
                queryset=Grant.objects.select_related("fund", "requested_by", "decided_by"),
            ),
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("proposed_by", "signed_by"),
            ),
            Prefetch(
                "mails",
                queryset=OutboxMail.objects.filter(state=OutboxMail.State.FAILED).order_by(
                    "-created_at"
                ),
                to_attr="failed_mails",
            ),
        )
        .get(pk=pk)
    )
    left_out = whole_timeline and len(dream.timeline) > TIMELINE_LATEST
    dream.timeline_older_from = TIMELINE_LATEST if left_out else None
    return dream


def photo_for_staff(*, dream_pk: int, photo_pk: int) -> DreamPhoto:
    return DreamPhoto.objects.get(pk=photo_pk, dream_id=dream_pk)


def funds_current() -> QuerySet:
    """Return this year's funds, which grants can come from."""
    from django.utils import timezone

    from initiatives.models import Fund

    return Fund.objects.filter(year=timezone.localdate().year).order_by("name")


def decisions_awaiting_letter() -> QuerySet:
    from initiatives.models import Decision

    return (
        Decision.objects.filter(state=Decision.State.PROPOSED)
        .select_related("dream", "dream__neighbourhood", "proposed_by")
        .order_by("proposed_at", "id")
    )


def decision_for_signing(*, pk: int):

    return decisions_awaiting_letter().select_related("dream__resident").get(pk=pk)


def grants_awaiting_approval() -> QuerySet:
    from initiatives.models import Grant

    return (
        Grant.objects.filter(state=Grant.State.AWAITING_APPROVAL)
        .select_related("dream", "fund", "requested_by")
        .order_by("created_at", "id")
    )


def workload() -> QuerySet[User]:
    """Return each MogelijkMaker with their open dreams per status, overdue and silent ones."""
    from django.db.models import Count, Q

    from initiatives.statuses import OPEN

    def count(condition: Q) -> Count:
        return Count("dreams_in_care", filter=condition, distinct=True)

    in_care = Q(dreams_in_care__status__in=OPEN)
    annotations = {
        f"n_{status}": count(Q(dreams_in_care__status=status))
        for status in (
            Status.PICKED_UP,
            Status.IN_CONVERSATION,
            Status.IN_PROGRESS,
            Status.PAUSED,
        )
    }
    overdue = Q(dreams_in_care__in=Dream.objects.filter(_overdue_q()).values("pk"))
    silent = Q(dreams_in_care__in=Dream.objects.filter(_silent_q()).values("pk"))
    return enablers().annotate(
        n_open=count(in_care),
        n_overdue=count(overdue),
        n_silent=count(silent),
        **annotations,
    )


# --- outgoing mail ---------------------------------------------------------------------------


def outbox_oldest_pending():
    """Return when the oldest mail still waiting to be sent was written, or None."""
    from initiatives.models import OutboxMail

    row = (
        OutboxMail.objects.filter(state=OutboxMail.State.PENDING)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return row


def outbox_failed_count() -> int:
    from initiatives.models import OutboxMail

    return OutboxMail.objects.filter(state=OutboxMail.State.FAILED).count()


# A mail given up on still counts as failing this long after it was written: with workers
# it is given up about 15 minutes after its first try, in-process at once. Long enough for
# monitoring to see it; not so long that one address the server refuses keeps /health/ red
# for days (staff see each given-up mail on its dream and at /beheer/).
OUTBOX_FAILING_WINDOW_SECONDS = 60 * 60


def outbox_failing_count() -> int:
    """Return how many mails are failing now: waiting for a retry after an error, or given
    up on within OUTBOX_FAILING_WINDOW_SECONDS. Both use the (state, created_at) index."""
    from datetime import timedelta

    from django.db.models import Q
    from django.utils import timezone

    from initiatives.models import OutboxMail

    State = OutboxMail.State
    recent = timezone.now() - timedelta(seconds=OUTBOX_FAILING_WINDOW_SECONDS)
    return OutboxMail.objects.filter(
        (Q(state=State.PENDING) & ~Q(last_error="")) | Q(state=State.FAILED, created_at__gte=recent)
    ).count()


# --- the weekly report ("keek op de week") ---------------------------------------------------


def week_bounds(monday):
    """Return the aware start and end of the ISO week starting on MONDAY (Europe/Amsterdam)."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    start = timezone.make_aware(datetime.combine(monday, time.min))
    end = timezone.make_aware(datetime.combine(monday + timedelta(days=7), time.min))
    return start, end


def _status_then(end):
    """A subquery: the dream's status at moment END, read from its timeline."""
    from django.db.models import OuterRef, Subquery

    from initiatives.models import EventKind

    return Subquery(
        TimelineEvent.objects.filter(
            dream=OuterRef("pk"),
            created_at__lt=end,
            kind__in=[EventKind.SUBMITTED, EventKind.STATUS_CHANGED],
        )
        .order_by("-created_at", "-id")
        .values("to_status")[:1]
    )


def _working_day_stats(pairs, promised: int) -> dict:
    """Share kept, median and 90th percentile of working days for (start, end) date pairs.

    Working days skip Dutch holidays, which the database does not know; the pairs are the
    events of one week, so this stays small whatever the size of the archive.
    """
    from statistics import median, quantiles

    from initiatives.working_days import working_days_between

    days = sorted(working_days_between(start, end) for start, end in pairs)
    if not days:
        return {"within": promised, "count": 0, "in_time_share": None, "median": None, "p90": None}
    p90 = quantiles(days, n=10, method="inclusive")[-1] if len(days) > 1 else days[0]
    return {
        "within": promised,  # the promise as it was then: the snapshot says what it measured
        "count": len(days),
        "in_time_share": round(sum(1 for d in days if d <= promised) / len(days), 3),
        "median": float(median(days)),
        "p90": float(p90),
    }


def weekly_figures(monday, *, detail: bool = True) -> dict:
    """Return the figures of the week starting on MONDAY, computed from the history.

    Everything is read as it was at the end of that week (statuses from the timeline), so
    building a past week again gives the same figures. With DETAIL off, the lists (silent
    dreams, tensions, reasons) are left out: that is what the previous week and the trend need.
    """
    from datetime import timedelta
    from decimal import Decimal

    from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
    from django.utils import timezone

    from initiatives.models import Decision, EventKind, Fund, Grant, Review
    from initiatives.statuses import OPEN

    promises = service_promises()
    start, end = week_bounds(monday)
    in_week = Q(created_at__gte=start, created_at__lt=end)

    submitted = Dream.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    intake = {
        "total": submitted.count(),
        "by_neighbourhood": list(
            submitted.values("neighbourhood__name")
            .annotate(count=Count("id"))
            .order_by("-count", "neighbourhood__name")
            .values_list("neighbourhood__name", "count")
        ),
        "by_theme": list(
            submitted.values("theme__name")
            .annotate(count=Count("id"))
            .order_by("-count", "theme__name")
            .values_list("theme__name", "count")
        ),
    }

    moves = dict(
        TimelineEvent.objects.filter(in_week, kind=EventKind.STATUS_CHANGED)
        .values("to_status")
        .annotate(count=Count("id"))
        .values_list("to_status", "count")
    )
    flow = {
        "picked_up": moves.get(Status.PICKED_UP, 0),
        "first_contact": Dream.objects.filter(
            first_contact_at__gte=start, first_contact_at__lt=end
        ).count(),
        "in_progress": moves.get(Status.IN_PROGRESS, 0),
        "realised": moves.get(Status.REALISED, 0),
        "not_possible": moves.get(Status.NOT_POSSIBLE, 0),
        "withdrawn": moves.get(Status.WITHDRAWN, 0),
    }
    # A closed status is final, so a dream closed before the week began was closed at its end
    # too: only the others need their status looked up in the timeline (most of an archive).
    then = (
        Dream.objects.filter(submitted_at__lt=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
        .annotate(status_then=_status_then(end))
    )
    # One pass over the timeline gives both the open dreams per status and, below, per
    # MogelijkMaker: (status then, contact, count), a few rows whatever the archive's size.
    open_then = list(
        then.filter(status_then__in=OPEN)
        .values("status_then", "contact")
        .annotate(count=Count("id"))
        .values_list("status_then", "contact", "count")
    )
    open_by_status: dict[str, int] = {}
    for status, _contact, count in open_then:
        open_by_status[status] = open_by_status.get(status, 0) + count
    # In the order a dream goes through, so the stored JSON is the same on every build.
    flow["open_by_status"] = {
        status.value: open_by_status.get(status, 0) for status in Status if status in OPEN
    }
    flow["open_total"] = sum(open_by_status.values())

    local = timezone.localdate
    picked = TimelineEvent.objects.filter(
        in_week, kind=EventKind.STATUS_CHANGED, to_status=Status.PICKED_UP
    ).values_list("dream__submitted_at", "created_at")
    contacted = Dream.objects.filter(
        first_contact_at__gte=start, first_contact_at__lt=end, picked_up_at__isnull=False
    ).values_list("picked_up_at", "first_contact_at")
    promise_figures = {
        "pick_up": _working_day_stats(
            [(local(a), local(b)) for a, b in picked if a], promises.pick_up_working_days
        ),
        "first_contact": _working_day_stats(
            [(local(a), local(b)) for a, b in contacted], promises.first_contact_working_days
        ),
    }

    reviews = Review.objects.filter(in_week)
    figures = {
        "week": f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}",
        "start": monday.isoformat(),
        "end": (monday + timedelta(days=6)).isoformat(),
        "intake": intake,
        "flow": flow,
        "promises": promise_figures,
        "reviews": {
            "count": reviews.count(),
            "with_tension": reviews.filter(has_tension=True).count(),
        },
    }

    granted = Grant.objects.filter(state=Grant.State.GRANTED, decided_at__lt=end)
    money = []
    for fund in (
        Fund.objects.filter(year=monday.year)
        .annotate(
            week=Sum("grants__amount", filter=Q(grants__in=granted.filter(decided_at__gte=start))),
            year_total=Sum("grants__amount", filter=Q(grants__in=granted)),
        )
        .order_by("name")
    ):
        cents = Decimal("0.01")
        week_total = (fund.week or Decimal("0")).quantize(cents)
        year_total = (fund.year_total or Decimal("0")).quantize(cents)
        money.append(
            {
                "fund": fund.name,
                "granted_week": str(week_total),
                "granted_year": str(year_total),
                "balance": str((fund.amount - year_total).quantize(cents)),
            }
        )
    figures["money"] = money

    if not detail:
        return figures

    last_public = Subquery(
        TimelineEvent.objects.filter(dream=OuterRef("pk"), public=True, created_at__lt=end)
        .values("dream")
        .annotate(last=Max("created_at"))
        .values("last")[:1]
    )
    from initiatives.promises import silent_since

    silence_cutoff = silent_since(promises, end)
    figures["silence"] = [
        {
            "id": row["pk"],
            "title": row["title"],
            "contact": row["contact__full_name"] or row["contact__email"] or "",
            "days": (end - row["last_public"]).days,
        }
        for row in then.filter(status_then__in=OPEN)
        .annotate(last_public=last_public)
        .filter(last_public__lt=silence_cutoff)
        .order_by("last_public")
        .values("pk", "title", "contact__full_name", "contact__email", "last_public")[:200]
    ]
    figures["tensions"] = [
        {
            "id": review.dream_id,
            "title": review.dream.title,
            "version": review.version,
            "by": review.by.get_full_name(),
            "values": [label for label, verdict, _r in review.verdicts() if verdict == "tension"],
            "reasonings": [r for _l, verdict, r in review.verdicts() if verdict == "tension"],
            "dilemma": review.dilemma,
            "discussed_with": review.discussed_with,
        }
        for review in reviews.filter(has_tension=True)
        .select_related("dream", "by")
        .order_by("created_at", "id")
    ]
    # A dilemma is for talking about too, also when no value is in tension.
    figures["dilemmas"] = [
        {
            "id": review.dream_id,
            "title": review.dream.title,
            "version": review.version,
            "by": review.by.get_full_name(),
            "dilemma": review.dilemma,
            "discussed_with": review.discussed_with,
        }
        for review in reviews.filter(has_tension=False)
        .exclude(dilemma="")
        .select_related("dream", "by")
        .order_by("created_at", "id")
    ]
    figures["not_possible_reasons"] = [
        {"id": dream_id, "title": title, "reasons": reasons}
        for dream_id, title, reasons in Decision.objects.filter(
            state=Decision.State.SIGNED, signed_at__gte=start, signed_at__lt=end
        )
        .order_by("signed_at")
        .values_list("dream_id", "dream__title", "reasons")
    ]
    # In someone's care at the end of the week: picked up and still open then (the timeline's
    # status, not today's), per MogelijkMaker.
    in_care: dict[int, int] = {}
    for status, contact, count in open_then:
        if status != Status.SUBMITTED and contact is not None:
            in_care[contact] = in_care.get(contact, 0) + count
    figures["workload"] = [
        {"name": person.get_full_name(), "open": in_care.get(person.pk, 0)} for person in enablers()
    ]
    return figures


# --- privacy: what the portal holds about a resident -----------------------------------------


def resident_data_export(*, resident: User) -> dict:
    """Return everything the portal holds about RESIDENT that is theirs (AVG/GDPR article 15).

    The account, each dream with its fields, the timeline the resident sees (messages
    included), links to its photos and the mails sent to them. Never internal notes, contact
    moments, reviews, staff contact details or anything about other residents. Photos are
    links to the resident's own private photo addresses, not the images themselves: they
    open once signed in, and the file stays small. Labels are in the active language;
    times are aware datetimes (DjangoJSONEncoder writes them as ISO 8601).
    """
    from django.conf import settings
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from accounts.models import NotificationMode
    from initiatives.models import EventKind, OutboxMail

    visible_events = TimelineEvent.objects.filter(public=True).select_related("actor")
    dreams = dreams_of_resident(resident=resident).prefetch_related(
        Prefetch(
            "events", queryset=visible_events.order_by("created_at", "id"), to_attr="public_events"
        ),
        Prefetch("photos", queryset=DreamPhoto.objects.order_by("created_at", "id")),
    )
    languages = dict(settings.LANGUAGES)
    messages = {EventKind.MESSAGE_FROM_RESIDENT, EventKind.MESSAGE_TO_RESIDENT}

    def author(event: TimelineEvent) -> str:
        if event.actor_id is None:
            return "Dromen.Doen"  # a scheduled update, written by the portal itself
        if event.actor_id == resident.pk:
            return _("you")
        return event.actor.get_full_name()  # staff: their name only, never their address

    def status_label(value: str) -> str:
        return str(Status(value).label) if value else ""

    def dream_data(dream: Dream) -> dict:
        timeline = [
            {
                "time": event.created_at,
                "kind": event.kind,
                "what": event.get_kind_display(),
                "by": author(event),
                "from_status": status_label(event.from_status),
                "to_status": status_label(event.to_status),
                "text": event.body,
            }
            for event in dream.public_events
        ]
        return {
            "number": dream.pk,
            "title": dream.title,
            "story": dream.story,
            "own_contribution": dream.own_contribution,
            "needs_from_municipality": dream.needs_from_municipality,
            "neighbourhood": dream.neighbourhood.name,
            "theme": dream.theme.name,
            "location": dream.location,
            "show_publicly": dream.show_publicly,
            "contact_name": dream.contact_name,
            "contact_phone": dream.contact_phone,
            "status": dream.status,
            "status_label": status_label(dream.status),
            "mogelijkmaker": dream.contact.get_full_name() if dream.contact_id else "",
            "created_at": dream.created_at,
            "submitted_at": dream.submitted_at,
            "closed_at": dream.closed_at,
            "photos": [
                {
                    "number": photo.pk,
                    "url": settings.SITE_URL
                    + reverse("residents:dream_photo", args=[dream.pk, photo.pk]),
                    "content_type": photo.content_type,
                    "width": photo.width,
                    "height": photo.height,
                    "added_at": photo.created_at,
                }
                for photo in dream.photos.all()
            ],
            "timeline": timeline,
            "messages": [
                {"time": item["time"], "by": item["by"], "text": item["text"]}
                for item, event in zip(timeline, dream.public_events, strict=True)
                if event.kind in messages
            ],
        }

    mails = OutboxMail.objects.filter(recipient=resident).order_by("created_at", "id")
    return {
        "exported_at": timezone.now(),
        "account": {
            "email": resident.email,
            "full_name": resident.full_name,
            "phone": resident.phone,
            "language": resident.language,
            "language_label": str(languages.get(resident.language, resident.language)),
            "notification_mode": resident.notification_mode,
            "notification_mode_label": str(NotificationMode(resident.notification_mode).label),
            "date_joined": resident.date_joined,
            "last_login": resident.last_login,
        },
        "dreams": [dream_data(dream) for dream in dreams],
        # Subjects and times only: the texts repeat the timeline and hold sign-in links.
        "emails": [
            {
                "subject": mail.subject,
                "to": mail.to_email,
                "written_at": mail.created_at,
                "sent_at": mail.sent_at,
                "state": mail.get_state_display(),
            }
            for mail in mails
        ],
    }


def dreams_withdrawn_on_erase(*, resident: User) -> QuerySet[Dream]:
    """Return the resident's dreams that erasing the account would withdraw (still open)."""
    from initiatives.statuses import WITHDRAWABLE

    return dreams_of_resident(resident=resident).filter(status__in=WITHDRAWABLE)
