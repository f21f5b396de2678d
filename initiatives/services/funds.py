"""Funds with a frame (issue 16): the council's frame, set by the administrator, and the
start of a new budget year.

A fund row is one budget year. Its frame is the yearly amount, what it is for, the
criteria, the maximum per application, who decides and whether residents can apply. The
money it holds (`committed`) is written only by the services that grant (grants.py, and
the applications' decisions): a frame change never writes it, so a grant made while the
administrator edits is never undone by the save.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from initiatives.models import Fund, Neighbourhood, Platform
from initiatives.services._core import _require_role

CRITERIA_MAX = 10
CRITERION_MAX_LENGTH = 300

# What the administrator sets; `committed` is not among them.
FRAME_FIELDS = (
    "name",
    "year",
    "amount",
    "neighbourhood",
    "description",
    "criteria",
    "max_per_application",
    "decider",
    "open_for_applications",
)


def _euro(amount: Decimal) -> str:
    return "€ " + number_format(amount, 2, force_grouping=True)


@transaction.atomic
def fund_frame_errors(
    *,
    fund_pk: int | None,
    amount: Decimal | None,
    max_per_application: Decimal | None,
    decider: str,
    neighbourhood: Neighbourhood | None,
    criteria: str,
    name: str | None = None,
    year: int | None = None,
) -> dict[str, list[str]]:
    """Return what is wrong with a fund's frame, per field, in words for the administrator.
    An empty dict: the frame is sound.

    FUND_PK is the fund being changed (None for a new one): the yearly amount may not go
    below what it holds already (granted, or held for grants awaiting approval). Its row is
    locked to read that, for the rest of the caller's transaction: the admin checks and
    saves in one, so no grant can slip in between the check and the save. With NAME and
    YEAR, a second fund of that name in that year is refused too.
    """
    errors: dict[str, list[str]] = {}
    committed = _committed(fund_pk)

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if name and year and Fund.objects.filter(name=name, year=year).exclude(pk=fund_pk).exists():
        add(
            "name",
            _(
                "%(name)s %(year)s exists already. Choose another name, or change the fund"
                " that exists."
            )
            % {"name": name, "year": year},
        )

    lines = [line.strip() for line in (criteria or "").splitlines() if line.strip()]
    if len(lines) > CRITERIA_MAX:
        add(
            "criteria",
            _(
                "Give at most %(max)s criteria, one per line. There are %(count)s now:"
                " combine or remove some."
            )
            % {"max": CRITERIA_MAX, "count": len(lines)},
        )
    for number, line in enumerate(lines, start=1):
        if len(line) > CRITERION_MAX_LENGTH:
            add(
                "criteria",
                _(
                    "Criterion %(number)s has %(length)s characters; at most %(max)s fit."
                    " Say it shorter, or split it over two lines."
                )
                % {"number": number, "length": len(line), "max": CRITERION_MAX_LENGTH},
            )
    if decider != Fund.Decider.STAFF:
        if neighbourhood is None:
            add(
                "decider",
                _(
                    "Only a neighbourhood's fund can have a platform that advises or decides."
                    " Choose the neighbourhood, or let staff decide."
                ),
            )
        elif not Platform.objects.filter(neighbourhood=neighbourhood).exists():
            add(
                "decider",
                _(
                    "%(neighbourhood)s has no neighbourhood platform yet, so no platform can"
                    " advise or decide. Create the platform first, or let staff decide."
                )
                % {"neighbourhood": neighbourhood.name},
            )
    if amount is not None:
        if max_per_application is not None and max_per_application > amount:
            add(
                "max_per_application",
                _(
                    "The maximum per application (%(max)s) cannot be more than the yearly"
                    " amount (%(amount)s)."
                )
                % {"max": _euro(max_per_application), "amount": _euro(amount)},
            )
        if amount < committed:
            add(
                "amount",
                _(
                    "%(committed)s of this fund is granted or held for grants awaiting approval"
                    " already. The yearly amount cannot be lower than that."
                )
                % {"committed": _euro(committed)},
            )
    return errors


def _committed(fund_pk: int | None) -> Decimal:
    if fund_pk is None:
        return Decimal(0)
    return Fund.objects.select_for_update().values_list("committed", flat=True).get(pk=fund_pk)


def _check_frame(fund: Fund) -> None:
    errors = fund_frame_errors(
        fund_pk=fund.pk,
        amount=fund.amount,
        max_per_application=fund.max_per_application,
        decider=fund.decider,
        neighbourhood=fund.neighbourhood,
        criteria=fund.criteria,
        name=fund.name,
        year=fund.year,
    )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def fund_save_frame(*, fund: Fund, by: User) -> Fund:
    """Create FUND, or save the frame fields of an existing one; raise ValidationError.

    An existing fund's row is locked and its money read from the database, so the frame
    is checked against what is held now, and `committed` is left as the grants wrote it.
    """
    _require_role(by, Role.ADMINISTRATOR)
    fund.criteria = "\n".join(
        line.strip() for line in (fund.criteria or "").splitlines() if line.strip()
    )
    _check_frame(fund)  # locks an existing fund's row
    fund.full_clean(exclude=["committed"])  # the fields themselves, and name and year unique
    if fund.pk is None:
        fund.committed = Decimal(0)
        fund.save(force_insert=True)
        return fund
    fund.save(update_fields=FRAME_FIELDS)
    fund.committed = _committed(fund.pk)  # as the grants left it
    return fund


class FundYearExists(ValidationError):
    """The fund already has a row for that year."""


@transaction.atomic
def fund_start_year(*, fund: Fund, year: int, amount: Decimal, by: User) -> Fund:
    """Start budget year YEAR of FUND with AMOUNT: a new row with the same frame and nothing
    committed. The years before stay as they are; a year that exists is refused.
    """
    _require_role(by, Role.ADMINISTRATOR)
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    if year <= fund.year:
        raise ValidationError(
            {
                "year": _("A new budget year comes after %(year)s.") % {"year": fund.year},
            }
        )
    if amount is None or amount < 0:
        raise ValidationError({"amount": _("The yearly amount cannot be below zero.")})
    if Fund.objects.filter(name=fund.name, year=year).exists():
        raise FundYearExists(
            {
                "year": _("%(name)s already has a budget for %(year)s.")
                % {"name": fund.name, "year": year}
            }
        )
    new = Fund(
        name=fund.name,
        year=year,
        amount=amount,
        neighbourhood=fund.neighbourhood,
        description=fund.description,
        criteria=fund.criteria,
        max_per_application=fund.max_per_application,
        decider=fund.decider,
        open_for_applications=fund.open_for_applications,
        committed=Decimal(0),
    )
    errors = fund_frame_errors(
        fund_pk=None,
        amount=amount,
        max_per_application=new.max_per_application,
        decider=new.decider,
        neighbourhood=new.neighbourhood,
        criteria=new.criteria,
    )
    if "max_per_application" in errors:
        raise ValidationError(
            {
                "amount": _(
                    "The maximum per application is %(max)s: the yearly amount cannot be"
                    " lower. Choose a higher amount, or lower the maximum first."
                )
                % {"max": _euro(new.max_per_application)}
            }
        )
    if errors:  # the frame itself no longer fits (a platform was removed): say so
        raise ValidationError(errors)
    try:
        with transaction.atomic():  # two administrators at once: the second is told
            new.save(force_insert=True)
    except IntegrityError:
        raise FundYearExists(
            {
                "year": _("%(name)s already has a budget for %(year)s.")
                % {"name": fund.name, "year": year}
            }
        ) from None
    return new
