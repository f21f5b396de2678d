"""The weekly report ("keek op de week"): its stored snapshot and its figures, from counted days."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from statistics import median, quantiles

from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import TruncDate
from django.utils import timezone

from initiatives.dilemma_models import Dilemma
from initiatives.models import (
    Decision,
    Dream,
    EventKind,
    Fund,
    Neighbourhood,
    Review,
    Theme,
    TimelineEvent,
    WeeklyReport,
)
from initiatives.plan_models import Contribution, ContributionKind
from initiatives.promises import silent_since
from initiatives.selectors.reference import enablers, service_promises
from initiatives.selectors.report_days import STATUS_KINDS, WEEK_END, report_days_read
from initiatives.statuses import OPEN, Status


def weekly_report_for(monday: date) -> WeeklyReport | None:
    """Return the snapshot of the week starting on MONDAY, or None while it has none."""
    return WeeklyReport.objects.filter(week_start=monday).first()


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
            kind__in=STATUS_KINDS,
        )
        .order_by("-created_at", "-id")
        .values("to_status")[:1]
    )


def _last_public(end: datetime) -> Subquery:
    """A subquery: the time of the dream's last public event before END."""
    return Subquery(
        TimelineEvent.objects.filter(dream=OuterRef("pk"), public=True, created_at__lt=end)
        .values("dream")
        .annotate(last=Max("created_at"))
        .values("last")[:1]
    )


def _working_day_stats(days: list[int], promised: int) -> dict:
    """Share kept, median and 90th percentile of the working days DAYS (sorted)."""
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


def _spread(week: list[dict], key: str) -> list[int]:
    """The working days of the week's days (counted per number of days), sorted."""
    counts: dict[int, int] = {}
    for day in week:
        for days, count in day[key].items():
            counts[int(days)] = counts.get(int(days), 0) + count
    return [days for days in sorted(counts) for _n in range(counts[days])]


def _ranked(counts: dict[str, int], names: dict[str, tuple[int, str]]) -> list[tuple[str, int]]:
    """(name, count) by count, then by name in the database's order (as ORDER BY name)."""
    rows = [(names[key], count) for key, count in counts.items() if count]
    return [(name, count) for (_rank, name), count in sorted(rows, key=lambda r: (-r[1], r[0][0]))]


def _summed(week: list[dict], key: str) -> dict[str, int]:
    total: dict[str, int] = {}
    for day in week:
        for name, count in day[key].items():
            total[name] = total.get(name, 0) + count
    return total


def weekly_figures(monday: date, *, detail: bool = True) -> dict:
    """Return the figures of the week starting on MONDAY, as it was at the end of that week.

    Building a past week again gives the same figures. With DETAIL off, the lists (silent
    dreams, tensions, reasons) are left out: that is what the previous week and the trend need.
    """
    return weeks_figures([monday], detail_for=monday if detail else None)[monday]


def weeks_figures(mondays: list[date], *, detail_for: date | None = None) -> dict[date, dict]:
    """Return the figures of each week starting on one of MONDAYS, with the lists for the
    week DETAIL_FOR: read from the counted days (report_days), not from the whole history.

    About a dozen queries however many weeks and however large the archive (issue 15); the
    tests compare every figure with the history read in full (weekly_report_reference).
    """
    promises = service_promises()
    first, last = min(mondays), max(mondays) + timedelta(days=6)
    days = report_days_read(
        first, last, week_end_of=detail_for + timedelta(days=6) if detail_for else None
    )
    neighbourhoods, themes = _names(Neighbourhood, Theme)
    funds = list(
        Fund.objects.filter(year__in={monday.year for monday in mondays})
        .order_by("name")
        .values_list("pk", "name", "year", "amount")
    )
    weeks = {}
    for monday in mondays:
        week = [days[monday + timedelta(n)] for n in range(7)]
        weeks[monday] = _week(monday, week, promises, neighbourhoods, themes, funds)
    if detail_for is not None:
        sunday = days[detail_for + timedelta(days=6)]
        weeks[detail_for].update(_details(detail_for, promises, sunday.get(WEEK_END)))
    return weeks


def _names(*models) -> list[dict[str, tuple[int, str]]]:
    """For each of MODELS, each row's id (as a JSON key) with its rank by name in the
    database's order and its name: one query for all of them (a UNION ALL, issue 17 kept the
    report's queries at 20)."""
    parts = [
        model.objects.annotate(table=Value(n)).values_list("table", "pk", "name").order_by()
        for n, model in enumerate(models)
    ]
    names: list[dict[str, tuple[int, str]]] = [{} for _model in models]
    rows = parts[0].union(*parts[1:], all=True).order_by("table", "name")
    for table, pk, name in rows:
        names[table][str(pk)] = (len(names[table]), name)
    return names


def _week(monday, week, promises, neighbourhoods, themes, funds) -> dict:
    """The figures of one week from its seven counted days."""
    sunday = week[-1]  # its running totals are the week's end
    moves = _summed(week, "moves")
    open_then = sunday["open"]
    flow = {
        "picked_up": moves.get(Status.PICKED_UP, 0),
        "first_contact": sum(day["first_contact"] for day in week),
        "in_progress": moves.get(Status.IN_PROGRESS, 0),
        "realised": moves.get(Status.REALISED, 0),
        "not_possible": moves.get(Status.NOT_POSSIBLE, 0),
        "withdrawn": moves.get(Status.WITHDRAWN, 0),
        # In the order a dream goes through, so the stored JSON is the same on every build.
        "open_by_status": {
            status.value: open_then.get(status.value, 0) for status in Status if status in OPEN
        },
    }
    flow["open_total"] = sum(flow["open_by_status"].values())
    cents = Decimal("0.01")
    money = []
    for fund, name, year, amount in funds:
        if year != monday.year:
            continue
        week_total = sum((Decimal(day["granted"].get(str(fund), 0)) for day in week), Decimal(0))
        year_total = Decimal(sunday["granted_total"].get(str(fund), 0))
        money.append(
            {
                "fund": name,
                "granted_week": str(week_total.quantize(cents)),
                "granted_year": str(year_total.quantize(cents)),
                "balance": str((amount - year_total).quantize(cents)),
            }
        )
    return {
        "week": f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}",
        "start": monday.isoformat(),
        "end": (monday + timedelta(days=6)).isoformat(),
        "intake": {
            "total": sum(day["intake"] for day in week),
            "by_neighbourhood": _ranked(_summed(week, "neighbourhoods"), neighbourhoods),
            "by_theme": _ranked(_summed(week, "themes"), themes),
        },
        "flow": flow,
        "promises": {
            "pick_up": _working_day_stats(
                _spread(week, "pick_up_days"), promises.pick_up_working_days
            ),
            "first_contact": _working_day_stats(
                _spread(week, "first_contact_days"), promises.first_contact_working_days
            ),
        },
        "reviews": {
            "count": sum(day["reviews"] for day in week),
            "with_tension": sum(day["tensions"] for day in week),
        },
        "money": money,
    }


# Picked up and not closed: in a MogelijkMaker's care.
IN_CARE = frozenset(OPEN - {Status.SUBMITTED})


def _details(monday: date, promises, week_end: dict | None) -> dict:
    """The week's lists: silent dreams, tensions, dilemmas, reasons, workload.

    Silent and in-care dreams are those open at the end of the week: from WEEK_END, the
    snapshot taken when its Sunday was counted (week_end_lists), or else looked up now.
    """
    start, end = week_bounds(monday)
    cutoff = silent_since(promises, end)
    reviews = Review.objects.filter(created_at__gte=start, created_at__lt=end)
    return {
        "silence": _silent_from(week_end, end, cutoff) if week_end else _silent_then(end, cutoff),
        "tensions": [
            {
                "id": review.dream_id,
                "title": review.dream.title,
                "version": review.version,
                "by": review.by.get_full_name(),
                "values": [
                    label for label, verdict, _r in review.verdicts() if verdict == "tension"
                ],
                "reasonings": [r for _l, verdict, r in review.verdicts() if verdict == "tension"],
                "dilemma": review.dilemma,
                "discussed_with": review.discussed_with,
            }
            for review in reviews.filter(has_tension=True)
            .select_related("dream", "by")
            .order_by("created_at", "id")
        ],
        # Dilemmas (also those written in a review) and exceptions, with their outcomes.
        "dilemma_items": _dilemma_items(start, end),
        "not_possible_reasons": [
            {"id": dream_id, "title": title, "reasons": reasons}
            for dream_id, title, reasons in Decision.objects.filter(
                state=Decision.State.SIGNED, signed_at__gte=start, signed_at__lt=end
            )
            .order_by("signed_at")
            .values_list("dream_id", "dream__title", "reasons")
        ],
        "workload": _workload_from(week_end) if week_end else _workload_then(end),
        **_partners_and_situation(start, end),
    }


# The report lists at most this many dilemmas and exceptions of a week (oldest first).
DILEMMAS_SHOWN = 100


def _dilemma_items(start: datetime, end: datetime) -> list[dict]:
    """The dilemmas and exceptions recorded in the week, and those whose outcome was noted in
    the week, oldest first (at most DILEMMAS_SHOWN), each with its outcome as the report was
    built: one query."""
    rows = (
        Dilemma.objects.filter(
            Q(created_at__gte=start, created_at__lt=end)
            | Q(discussed_at__gte=start, discussed_at__lt=end)
        )
        .select_related("dream", "recorded_by", "discussed_by")
        .order_by("created_at", "id")[:DILEMMAS_SHOWN]
    )
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
            "recorded": timezone.localtime(item.created_at).date().isoformat(),
            "recorded_in_week": start <= item.created_at < end,
            "outcome": item.outcome,
            "note": item.outcome_note,
            "discussed_by": item.discussed_by.get_full_name() if item.discussed_by else "",
        }
        for item in rows
    ]


def _partners_and_situation(start: datetime, end: datetime) -> dict:
    """Partners' contributions recorded in the week (not withdrawn): how many, the money and
    the hours; and of the dreams that first went to "in progress" in the week, how many had
    their situation seen on location on or before that day. One query: the second figure's
    two counts are scalar subqueries beside the contributions' sums."""
    first_in_progress = Subquery(
        TimelineEvent.objects.filter(
            dream=OuterRef("pk"), kind=EventKind.STATUS_CHANGED, to_status=Status.IN_PROGRESS
        )
        .order_by("created_at", "id")
        .values("created_at")[:1]
    )
    moved_in_week = TimelineEvent.objects.filter(
        kind=EventKind.STATUS_CHANGED,
        to_status=Status.IN_PROGRESS,
        created_at__gte=start,
        created_at__lt=end,
    ).values("dream")
    went = (
        Dream.objects.filter(pk__in=moved_in_week)
        .annotate(first=first_in_progress)
        .filter(first__gte=start, first__lt=end)
    )
    seen = Q(
        situation__seen_on_location_on__lte=TruncDate(
            "first", tzinfo=timezone.get_default_timezone()
        )
    )

    def counted(dreams) -> Subquery:
        return Subquery(
            dreams.order_by()
            .annotate(one=Value(1))
            .values("one")
            .annotate(n=Count("pk"))
            .values("n")
        )

    row = (
        Contribution.objects.filter(
            source=Contribution.Source.PARTNER,
            withdrawn_at__isnull=True,
            created_at__gte=start,
            created_at__lt=end,
        )
        .annotate(one=Value(1))
        .values("one")
        .annotate(
            count=Count("pk"),
            money=Sum("amount", filter=Q(kind=ContributionKind.MONEY)),
            hours=Sum("hours", filter=Q(kind=ContributionKind.HOURS)),
            went=counted(went),
            seen=counted(went.filter(seen)),
        )
        .values_list("count", "money", "hours", "went", "seen")
        .order_by()
    )
    count, money, hours, went_count, seen_count = next(iter(row), (0, None, None, 0, 0))
    return {
        "partners": {
            "count": count,
            "money": str((money or Decimal(0)).quantize(Decimal("0.01"))),
            "hours": str((hours or Decimal(0)).quantize(Decimal("0.1"))),
        },
        "situation": {"in_progress": went_count or 0, "seen_before": seen_count or 0},
    }


SILENT_SHOWN = 200
_SILENT_FIELDS = ("pk", "title", "contact__full_name", "contact__email")


def _oldest_open_then(end: datetime, cutoff: datetime, fields=()) -> list[tuple]:
    """The dreams open at END whose last public update before END is older than CUTOFF,
    oldest first (at most SILENT_SHOWN): FIELDS of each, then that update's time.

    A dream that has not been updated since CUTOFF has today's status and today's last public
    update (the services write both with each event); only those updated since END are
    looked up in their timeline, and of those only the ones silent between CUTOFF and END.
    """
    quiet = (
        Dream.objects.filter(status__in=OPEN, last_public_update_at__lt=cutoff)
        .order_by("last_public_update_at", "pk")
        .values_list("pk", *fields, "last_public_update_at")[:SILENT_SHOWN]
    )
    spoke_then = TimelineEvent.objects.filter(
        dream=OuterRef("pk"), public=True, created_at__gte=cutoff, created_at__lt=end
    )
    since = (
        Dream.objects.filter(last_public_update_at__gte=end)
        .exclude(Exists(spoke_then))
        .annotate(status_then=_status_then(end), last_public=_last_public(end))
        .filter(status_then__in=OPEN, last_public__lt=cutoff)
        .order_by()
        .values_list("pk", *fields, "last_public")
    )
    return sorted([*quiet, *since], key=lambda row: (row[-1], row[0]))[:SILENT_SHOWN]


def _silent_rows(rows, end: datetime) -> list[dict]:
    return [
        {
            "id": pk,
            "title": title,
            "contact": full_name or email or "",
            "days": (end - last_public).days,
        }
        for pk, title, full_name, email, last_public in rows
    ]


def _silent_then(end: datetime, cutoff: datetime) -> list[dict]:
    """The silent dreams at END, looked up now."""
    return _silent_rows(_oldest_open_then(end, cutoff, _SILENT_FIELDS[1:]), end)


def _silent_from(week_end: dict, end: datetime, cutoff: datetime) -> list[dict]:
    """The silent dreams at END from the snapshot: its oldest open dreams are the silent
    ones for any promise (those updated before CUTOFF); titles and contacts are today's."""
    oldest = [(pk, datetime.fromisoformat(moment)) for pk, moment in week_end["oldest_open"]]
    silent = [(pk, moment) for pk, moment in oldest if moment < cutoff]
    names = {
        row[0]: row[1:]
        for row in Dream.objects.filter(pk__in=[pk for pk, _m in silent]).values_list(
            *_SILENT_FIELDS
        )
    }
    return _silent_rows([(pk, *names[pk], moment) for pk, moment in silent], end)


def _in_care_then(end: datetime) -> dict[int, int]:
    """Each dream in a MogelijkMaker's care at END with its contact person today."""
    in_care = dict(
        Dream.objects.filter(status__in=IN_CARE, contact__isnull=False).values_list("pk", "contact")
    )
    # A dream that moved since END counts with its status then instead of today's.
    moved = TimelineEvent.objects.filter(kind__in=STATUS_KINDS, created_at__gte=end)
    for pk, status_then, contact in (
        Dream.objects.filter(pk__in=moved.values("dream"), contact__isnull=False)
        .annotate(status_then=_status_then(end))
        .values_list("pk", "status_then", "contact")
    ):
        in_care.pop(pk, None)
        if status_then in IN_CARE:
            in_care[pk] = contact
    return in_care


def _by_contact(in_care: dict[int, int]) -> dict[str, list[int]]:
    """{contact person: [dreams in their care]}, as JSON keeps it compactly."""
    dreams: dict[str, list[int]] = {}
    for pk, contact in sorted(in_care.items()):
        dreams.setdefault(str(contact), []).append(pk)
    return dreams


def _workload_then(end: datetime) -> list[dict]:
    """Per MogelijkMaker (today's contact person), the dreams in their care at END."""
    in_care: dict[int, int] = dict(
        Dream.objects.filter(status__in=IN_CARE, contact__isnull=False)
        .values("contact")
        .annotate(count=Count("id"))
        .values_list("contact", "count")
        .order_by()
    )
    # A dream that moved since END counts with its status then instead of today's.
    moved = TimelineEvent.objects.filter(kind__in=STATUS_KINDS, created_at__gte=end)
    for status, status_then, contact in (
        Dream.objects.filter(pk__in=moved.values("dream"), contact__isnull=False)
        .annotate(status_then=_status_then(end))
        .values_list("status", "status_then", "contact")
    ):
        in_care[contact] = in_care.get(contact, 0) - (status in IN_CARE) + (status_then in IN_CARE)
    return [
        {"name": person.get_full_name(), "open": in_care.get(person.pk, 0)} for person in enablers()
    ]


def _workload_from(week_end: dict) -> list[dict]:
    """The workload at the end of the week from the snapshot; a dream handed over since it
    was taken counts for its contact person today (a hand-over is the one other change of
    contact: a pick-up concerns a dream that was not in anyone's care yet)."""
    in_care = {int(contact): dreams for contact, dreams in week_end["in_care"].items()}
    counts = {contact: len(dreams) for contact, dreams in in_care.items()}
    taken = datetime.fromisoformat(week_end["taken_at"])
    handed_over = dict(
        TimelineEvent.objects.filter(
            kind=EventKind.HANDOVER, created_at__gte=taken - HANDOVER_MARGIN
        ).values_list("dream_id", "dream__contact")
    )
    if handed_over:
        then = {pk: contact for contact, dreams in in_care.items() for pk in dreams}
        for pk, contact in handed_over.items():
            if pk in then:
                counts[then[pk]] -= 1
                counts[contact] = counts.get(contact, 0) + 1
    return [
        {"name": person.get_full_name(), "open": counts.get(person.pk, 0)} for person in enablers()
    ]


# A hand-over committed just after the snapshot was taken may carry an earlier time.
HANDOVER_MARGIN = timedelta(minutes=5)


def week_end_lists(sunday: date) -> dict:
    """The lists of the week ending on SUNDAY, to keep in its counted day: taken when the day
    is counted (just after midnight) they cost little, since little has moved since.

    The oldest open dreams (with the time of their last public update before the end) hold
    the silent ones for any silence promise; the dreams in care, their contact persons.
    """
    taken_at = timezone.now()
    end = timezone.make_aware(datetime.combine(sunday + timedelta(days=1), time.min))
    return {
        "taken_at": taken_at.isoformat(),
        "oldest_open": [
            [pk, moment.isoformat()] for pk, moment in _oldest_open_then(end, cutoff=end)
        ],
        "in_care": _by_contact(_in_care_then(end)),
    }
