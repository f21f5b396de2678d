"""Reads for accounting for the money (issue 16, item 5): one application's report for its
applicant or for staff, its files, and the money per fund — granted, paid, accounted for."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import User
from initiatives.models import (
    Accountability,
    AccountabilityFile,
    Application,
    Fund,
    Grant,
)

_MONEY = DecimalField(max_digits=14, decimal_places=2)
_ZERO = Value(Decimal("0.00"), output_field=_MONEY)


def application_for_applicant(*, resident: User, dream_pk: int, pk: int) -> Application:
    """The application PK on the resident's own dream DREAM_PK, with what it needs to be
    accounted for; DoesNotExist for anything else (someone else's, another dream)."""
    return (
        Application.objects.select_related("fund", "dream", "accountability")
        .prefetch_related("lines", "accountability__files")
        .get(pk=pk, dream_id=dream_pk, dream__resident=resident)
    )


def accountability_for_staff(*, pk: int) -> Accountability:
    """One report with its application, dream, fund, lines and files (four queries)."""
    return (
        Accountability.objects.select_related(
            "application__fund", "application__dream__contact", "accepted_by"
        )
        .prefetch_related("files", "application__lines")
        .get(pk=pk)
    )


def accountability_file_for_resident(*, resident: User, pk: int) -> AccountabilityFile:
    return AccountabilityFile.objects.get(
        pk=pk, accountability__application__dream__resident=resident
    )


def accountability_file_for_staff(*, pk: int) -> AccountabilityFile:
    return AccountabilityFile.objects.get(pk=pk)


def accountabilities_waiting() -> QuerySet[Accountability]:
    """Reports waiting for a MogelijkMaker, oldest first."""
    return (
        Accountability.objects.filter(state=Accountability.State.SUBMITTED)
        .select_related("application__fund", "application__dream__contact")
        .order_by("submitted_at", "id")
    )


@dataclass(frozen=True)
class FundMoney:
    fund_id: int
    name: str
    year: int
    neighbourhood: str  # "" for the municipality's fund
    budget: Decimal
    granted: Decimal
    paid: Decimal
    accounted: Decimal  # granted on applications whose report was accepted


def money_per_fund(*, year: int | None = None) -> list[FundMoney]:
    """Per fund (of YEAR, else all years): budget, granted, paid and accounted for, in one
    query whatever the number of funds, grants or applications."""
    grants = Grant.objects.filter(fund=OuterRef("pk"), state=Grant.State.GRANTED)

    def total(queryset, field: str, **filters) -> Coalesce:
        summed = (
            queryset.filter(**filters)
            .order_by()
            .values("fund")
            .annotate(total=Sum(field))
            .values("total")
        )
        return Coalesce(Subquery(summed, output_field=_MONEY), _ZERO)

    accounted = Application.objects.filter(
        fund=OuterRef("pk"), accountability__state=Accountability.State.ACCEPTED
    )
    funds = Fund.objects.select_related("neighbourhood").annotate(
        granted_total=total(grants, "amount"),
        paid_total=total(grants, "amount", paid_at__isnull=False),
        accounted_total=total(accounted, "granted"),
    )
    if year is not None:
        funds = funds.filter(Q(year=year))
    return [
        FundMoney(
            fund_id=fund.pk,
            name=fund.name,
            year=fund.year,
            neighbourhood=fund.neighbourhood.name if fund.neighbourhood_id else "",
            budget=fund.amount,
            granted=fund.granted_total,
            paid=fund.paid_total,
            accounted=fund.accounted_total,
        )
        for fund in funds.order_by("-year", "name")
    ]


def grants_unpaid() -> QuerySet[Grant]:
    """Granted money not yet paid out, oldest decision first."""
    return (
        Grant.objects.filter(state=Grant.State.GRANTED, paid_at__isnull=True)
        .select_related("dream", "fund")
        .order_by("decided_at", "id")
    )
