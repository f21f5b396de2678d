"""Funds with a frame (issue 16): which funds take applications, a fund's state and years,
and the managers' overview per fund and neighbourhood (budget, granted, waiting, balance,
time to decide), on the staff page and in the weekly report.

The overview costs one query however many funds, grants and applications there are (one
more on a database without PERCENTILE_CONT): each figure is a correlated subquery on the
fund row, so there are as many sub-plans as figures, each run once per fund of the year.
"""

from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from statistics import median

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DecimalField,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from initiatives.application_models import Accountability, Application
from initiatives.models import Fund, Grant

SECONDS_A_DAY = 86400.0

# An application is decided when it is granted (in full or in part) or refused.
DECIDED = (
    Application.State.GRANTED,
    Application.State.PARTLY_GRANTED,
    Application.State.REFUSED,
)
GRANTED = (Application.State.GRANTED, Application.State.PARTLY_GRANTED)


class FundState(StrEnum):
    """Whether a fund takes applications today, and if not, why not."""

    OPEN = "open"  # this year's, open, with money left
    SPENT = "spent"  # open, but this year's money is granted
    CLOSED = "closed"  # this year's, but not open for applications
    PAST = "past"  # a year that is over
    FUTURE = "future"  # a year that has not begun


def funds_public() -> QuerySet[Fund]:
    """Every fund year, with its neighbourhood: what the public fund pages may show."""
    return Fund.objects.select_related("neighbourhood")


def funds_open_for_applications(*, today: date | None = None) -> QuerySet[Fund]:
    """This year's funds residents and organisations can apply to: the municipality's
    first, then each neighbourhood's by name."""
    year = (today or timezone.localdate()).year
    return (
        funds_public()
        .filter(year=year, open_for_applications=True)
        .order_by(F("neighbourhood__name").asc(nulls_first=True), "name", "pk")
    )


def fund_state(fund: Fund, *, today: date | None = None) -> FundState:
    """Return whether FUND takes applications TODAY, and if not, why not."""
    year = (today or timezone.localdate()).year
    if fund.year < year:
        return FundState.PAST
    if fund.year > year:
        return FundState.FUTURE
    if not fund.open_for_applications:
        return FundState.CLOSED
    if fund.balance <= 0:
        return FundState.SPENT
    return FundState.OPEN


def fund_takes_applications(fund: Fund, *, today: date | None = None) -> bool:
    """Return whether an application to FUND can be handed in TODAY."""
    return fund_state(fund, today=today) == FundState.OPEN


def fund_other_years(fund: Fund) -> list[tuple[int, int]]:
    """(pk, year) of the fund's other budget years, newest first: history stays readable."""
    return list(
        Fund.objects.filter(name=fund.name)
        .exclude(pk=fund.pk)
        .order_by("-year")
        .values_list("pk", "year")
    )


def fund_years() -> list[int]:
    """The years that have funds, newest first."""
    return list(Fund.objects.order_by("-year").values_list("year", flat=True).distinct())


# --- the managers' overview -------------------------------------------------------------------


@dataclass(frozen=True)
class FundFigures:
    """One fund year's money and decisions at a moment (or the totals of several funds)."""

    pk: int | None
    name: str
    year: int
    neighbourhood: str  # "" for the municipality's fund
    decider: str
    amount: Decimal
    granted: Decimal  # grants made (a granted application makes one too)
    paid: Decimal  # of that, paid out (services.grant_mark_paid)
    accounted: Decimal  # granted on applications whose report was accepted
    waiting_applications: int  # handed in, not decided
    waiting_requested: Decimal  # what those ask for
    waiting_grants: int  # grants awaiting a manager's approval
    waiting_held: Decimal  # the money those hold
    balance: Decimal  # the yearly amount less what is granted and held
    decided: int  # applications decided so far this year
    median_days: float | None  # from handed in to decided, over the decided ones

    def as_json(self) -> dict:
        """The figures as the weekly report's snapshot keeps them (amounts as strings)."""
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, Decimal):
                data[key] = str(value.quantize(Decimal("0.01")))
        data["median_days"] = None if self.median_days is None else round(self.median_days, 1)
        return data


class _Median(Aggregate):
    """PostgreSQL's median: the 50th percentile, interpolated."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False


def _days(start: str, end: str) -> Func:
    """The days between the fields START and END, as a fraction (PostgreSQL)."""
    return Func(
        F(end) - F(start),
        template=f"(EXTRACT(EPOCH FROM %(expressions)s) / {SECONDS_A_DAY})::double precision",
        output_field=FloatField(),
    )


def _one(queryset: QuerySet, expression, output_field, empty=0):
    """A correlated subquery: EXPRESSION aggregated over QUERYSET's rows of the outer fund."""
    rows = queryset.filter(fund=OuterRef("pk")).order_by().values("fund")
    return Coalesce(
        Subquery(rows.annotate(value=expression).values("value")[:1]),
        Value(empty, output_field=output_field),
        output_field=output_field,
    )


def _decided_before(moment: datetime) -> QuerySet[Application]:
    return Application.objects.filter(state__in=DECIDED, decided_at__lt=moment)


def funds_overview(*, year: int, at: datetime | None = None) -> list[FundFigures]:
    """Each fund of YEAR with its money and decisions as they were at moment AT (now when
    None): the municipality's first, then each neighbourhood's by name.

    Granted: grants decided before AT (a granted application makes its grant too:
    services.application_decide). Waiting: applications handed in and not decided at AT (a
    platform's decision waiting for the frame check is not decided yet), and grants awaiting
    approval at AT. Now,
    the balance is the fund's own (the yearly amount less what the services committed);
    at a moment in the past it is worked out from the grants as they stood.
    """
    moment = at or timezone.now()
    money = DecimalField(max_digits=14, decimal_places=2)
    whole = IntegerField()
    not_decided_then = Q(decided_at__isnull=True) | Q(decided_at__gte=moment)
    waiting_applications = Application.objects.filter(
        not_decided_then | Q(state=Application.State.FRAME_CHECK), submitted_at__lt=moment
    ).exclude(state=Application.State.WITHDRAWN, decided_at__isnull=True)
    waiting_grants = Grant.objects.filter(not_decided_then, created_at__lt=moment)
    postgres = connection.vendor == "postgresql"
    funds = (
        Fund.objects.filter(year=year)
        .select_related("neighbourhood")
        .annotate(
            granted_by_grants=_one(
                Grant.objects.filter(state=Grant.State.GRANTED, decided_at__lt=moment),
                Sum("amount"),
                money,
            ),
            paid=_one(
                Grant.objects.filter(state=Grant.State.GRANTED, paid_at__lt=moment),
                Sum("amount"),
                money,
            ),
            accounted=_one(
                Application.objects.filter(
                    accountability__state=Accountability.State.ACCEPTED,
                    accountability__accepted_at__lt=moment,
                ),
                Sum("granted"),
                money,
            ),
            n_waiting_applications=_one(waiting_applications, Count("pk"), whole),
            waiting_requested=_one(waiting_applications, Sum("requested"), money),
            n_waiting_grants=_one(waiting_grants, Count("pk"), whole),
            waiting_held=_one(waiting_grants, Sum("amount"), money),
            n_decided=_one(_decided_before(moment), Count("pk"), whole),
        )
        .order_by(F("neighbourhood__name").asc(nulls_first=True), "name", "pk")
    )
    if postgres:
        funds = funds.annotate(
            median=Subquery(
                _decided_before(moment)
                .filter(fund=OuterRef("pk"))
                .order_by()
                .values("fund")
                .annotate(value=_Median(_days("submitted_at", "decided_at")))
                .values("value")[:1],
                output_field=FloatField(),
            )
        )
    funds = list(funds)
    medians = {fund.pk: fund.median for fund in funds} if postgres else _medians(funds, moment)
    rows = []
    for fund in funds:
        granted = fund.granted_by_grants
        balance = fund.balance if at is None else fund.amount - granted - fund.waiting_held
        rows.append(
            FundFigures(
                pk=fund.pk,
                name=fund.name,
                year=fund.year,
                neighbourhood=fund.neighbourhood.name if fund.neighbourhood else "",
                decider=fund.decider,
                amount=fund.amount,
                granted=granted,
                paid=fund.paid,
                accounted=fund.accounted,
                waiting_applications=fund.n_waiting_applications,
                waiting_requested=fund.waiting_requested,
                waiting_grants=fund.n_waiting_grants,
                waiting_held=fund.waiting_held,
                balance=balance,
                decided=fund.n_decided,
                median_days=medians.get(fund.pk),
            )
        )
    return rows


def _medians(funds: list[Fund], moment: datetime) -> dict[int, float | None]:
    """The median days to decide per fund, worked out here (a database without
    PERCENTILE_CONT, such as the embedded SQLite): one query more."""
    days: dict[int, list[float]] = {}
    for fund_id, submitted_at, decided_at in (
        _decided_before(moment)
        .filter(fund__in=[fund.pk for fund in funds])
        .values_list("fund_id", "submitted_at", "decided_at")
    ):
        days.setdefault(fund_id, []).append(
            (decided_at - submitted_at).total_seconds() / SECONDS_A_DAY
        )
    return {fund_id: median(values) for fund_id, values in days.items()}


def funds_overview_total(rows: list[FundFigures]) -> FundFigures | None:
    """The sum of ROWS (no median: medians do not add up); None without rows."""
    if not rows:
        return None
    zero = Decimal(0)
    return FundFigures(
        pk=None,
        name="",
        year=rows[0].year,
        neighbourhood="",
        decider="",
        amount=sum((row.amount for row in rows), zero),
        granted=sum((row.granted for row in rows), zero),
        paid=sum((row.paid for row in rows), zero),
        accounted=sum((row.accounted for row in rows), zero),
        waiting_applications=sum(row.waiting_applications for row in rows),
        waiting_requested=sum((row.waiting_requested for row in rows), zero),
        waiting_grants=sum(row.waiting_grants for row in rows),
        waiting_held=sum((row.waiting_held for row in rows), zero),
        balance=sum((row.balance for row in rows), zero),
        decided=sum(row.decided for row in rows),
        median_days=None,
    )
