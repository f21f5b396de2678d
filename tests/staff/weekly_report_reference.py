"""THE REFERENCE: the weekly report's figures read from the whole history, as the report
computed them before issue 15 (159 queries; minutes at 1,000,000 dreams). Kept unchanged,
for the tests only: initiatives.selectors.weekly_figures reads counted days instead, and
tests/staff/test_report_days.py checks that it gives the same figures as this, week by week,
on a varied generated history. (Only the silent dreams gained a tie-break on the id: two
dreams updated at the same moment came in either order. Issue 17 replaced the reviews'
dilemmas by the Dilemma records, with the exceptions, and added partners' contributions and
the situations seen on location: each computed here the plain way.)"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from statistics import median, quantiles

from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from initiatives.dilemma_models import Dilemma
from initiatives.models import (
    Decision,
    Dream,
    EventKind,
    Fund,
    Grant,
    Review,
    TimelineEvent,
)
from initiatives.plan_models import Contribution
from initiatives.promises import silent_since
from initiatives.selectors.reference import enablers, service_promises
from initiatives.situation_models import SituationMap
from initiatives.statuses import OPEN, Status
from initiatives.working_days import working_days_between


def week_bounds(monday: date) -> tuple[datetime, datetime]:
    """Return the aware start and end of the ISO week starting on MONDAY (Europe/Amsterdam)."""
    start = timezone.make_aware(datetime.combine(monday, time.min))
    end = timezone.make_aware(datetime.combine(monday + timedelta(days=7), time.min))
    return start, end


def _status_then(end: datetime) -> Subquery:
    """A subquery: the dream's status at moment END, read from its timeline."""
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


def reference_weekly_figures(monday: date, *, detail: bool = True) -> dict:
    """Return the figures of the week starting on MONDAY, computed from the history.

    Everything is read as it was at the end of that week (statuses from the timeline), so
    building a past week again gives the same figures. With DETAIL off, the lists (silent
    dreams, tensions, reasons) are left out: that is what the previous week and the trend need.
    """
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

    # The conditions on the joined grant rows themselves: "grants__in=<a subquery>" made
    # PostgreSQL run that subquery again for each of a fund's grants (54 s at a million dreams).
    granted = Q(grants__state=Grant.State.GRANTED, grants__decided_at__lt=end)
    money = []
    for fund in (
        Fund.objects.filter(year=monday.year)
        .annotate(
            week=Sum("grants__amount", filter=granted & Q(grants__decided_at__gte=start)),
            year_total=Sum("grants__amount", filter=granted),
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
        .order_by("last_public", "pk")
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
    figures["dilemma_items"] = _dilemma_items(start, end)
    figures.update(_partners_and_situation(start, end))
    return figures


def _dilemma_items(start, end) -> list[dict]:
    items = [
        item
        for item in Dilemma.objects.order_by("created_at", "id")
        if start <= item.created_at < end
        or (item.discussed_at is not None and start <= item.discussed_at < end)
    ]
    return [
        {
            "id": item.dream_id,
            "title": item.dream.title,
            "kind": item.kind,
            "summary": item.summary,
            "rule": item.rule,
            "why": item.why,
            "agreed_with": item.agreed_with,
            "by": item.recorded_by.get_full_name(),
            "recorded": timezone.localdate(item.created_at).isoformat(),
            "recorded_in_week": start <= item.created_at < end,
            "outcome": item.outcome,
            "note": item.outcome_note,
            "discussed_by": item.discussed_by.get_full_name() if item.discussed_by else "",
        }
        for item in items[:100]
    ]


def _partners_and_situation(start, end) -> dict:
    count, money, hours = 0, Decimal(0), Decimal(0)
    for contribution in Contribution.objects.filter(source="partner", withdrawn_at=None):
        if start <= contribution.created_at < end:
            count += 1
            if contribution.kind == "money":
                money += contribution.amount
            if contribution.kind == "hours":
                hours += contribution.hours
    went = seen = 0
    for dream in Dream.objects.all():
        moves = TimelineEvent.objects.filter(
            dream=dream, kind=EventKind.STATUS_CHANGED, to_status=Status.IN_PROGRESS
        ).order_by("created_at", "id")
        first = moves.first()
        if first is None or not start <= first.created_at < end:
            continue
        went += 1
        situation = SituationMap.objects.filter(dream=dream).first()
        if situation and situation.seen_on_location_on:
            seen += situation.seen_on_location_on <= timezone.localdate(first.created_at)
    return {
        "partners": {
            "count": count,
            "money": str(money.quantize(Decimal("0.01"))),
            "hours": str(hours.quantize(Decimal("0.1"))),
        },
        "situation": {"in_progress": went, "seen_before": seen},
    }
