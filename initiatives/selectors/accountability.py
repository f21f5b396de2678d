"""Reads for accounting for the money (issue 16, item 5): one application's report for its
applicant or for staff, its files, the reports waiting and the money not yet paid. The money
per fund (granted, paid, accounted for) is in selectors.funds_overview."""

from decimal import Decimal

from django.db.models import DecimalField, QuerySet, Value

from accounts.models import User
from initiatives.models import (
    Accountability,
    AccountabilityFile,
    Application,
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


def grants_unpaid() -> QuerySet[Grant]:
    """Granted money not yet paid out, oldest decision first."""
    return (
        Grant.objects.filter(state=Grant.State.GRANTED, paid_at__isnull=True)
        .select_related("dream", "fund")
        .order_by("decided_at", "id")
    )
