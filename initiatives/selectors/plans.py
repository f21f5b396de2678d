"""A dream's plan (issue 17): per need what covers it and what is still open, the
contributions to the dream as a whole, the totals per source; and the partners'
contributions of a period, for the weekly report.

The workspace reads the plan in one query (PostgreSQL: the needs, the contributions and,
for the contact person's form, the active partners, as JSON arrays beside the dream row);
elsewhere in two or three. Contributions a partner recorded through their link
(services.partners) are rows of the same table and count the same.
"""

import functools
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet, TextField, Value
from django.db.models.functions import Cast, Coalesce, JSONObject
from django.utils.translation import gettext as _

from initiatives.models import Dream
from initiatives.partner_models import Organisation
from initiatives.plan_models import Contribution, ContributionKind, PlanNeed
from initiatives.selectors.list_flags import may_have

ZERO = Decimal(0)
TOTALS = ("needed", "covered", "open")
Source = Contribution.Source


@dataclass
class PlanContribution:
    """One contribution as the plan shows it: who gives what, for which need."""

    id: int
    need_id: int | None
    source: str
    kind: str
    who: str  # the fund, the partner, "the residents themselves", or who else
    amount: Decimal | None
    hours: Decimal | None
    description: str
    through_link: bool  # recorded by the partner through their link
    recorded_by: str  # the member of staff's name; "" when the partner recorded it
    created_at: datetime
    withdrawn_at: datetime | None
    need_description: str = ""  # what it covers; "" for the dream as a whole

    @property
    def source_label(self) -> str:
        return Source(self.source).label

    @property
    def kind_label(self) -> str:
        return ContributionKind(self.kind).label

    @property
    def counts(self) -> bool:
        return self.withdrawn_at is None


@dataclass
class PlanNeedRow:
    """One need with what covers it: COVERED and OPEN in euro, or in hours for an hours
    need. A materials need without a value is covered once anything covers it (OPEN None)."""

    id: int
    description: str
    kind: str
    amount: Decimal | None
    hours: Decimal | None
    contributions: list[PlanContribution] = field(default_factory=list)
    covered: Decimal = ZERO
    open: Decimal | None = None
    is_covered: bool = False

    @property
    def kind_label(self) -> str:
        return ContributionKind(self.kind).label

    @property
    def in_hours(self) -> bool:
        return self.kind == ContributionKind.HOURS

    @property
    def needed(self) -> Decimal | None:
        return self.hours if self.in_hours else self.amount

    @property
    def may_change(self) -> bool:
        """Nothing covers it: it can still be changed or removed."""
        return not self.contributions


@dataclass
class Plan:
    needs: list[PlanNeedRow]
    contributions: list[PlanContribution]  # all that count, oldest first
    loose: list[PlanContribution]  # of those, the ones for the dream as a whole
    withdrawn: list[PlanContribution]
    # needed / covered / open, in euro (money and materials with a value) and in hours
    totals: dict[str, Decimal]
    # per source (fund, partner, residents, other): money, materials' value, hours
    by_source: list[dict]
    partners: list[tuple[int, str]] | None  # active organisations, when asked for the form
    grant_ids: set[int]  # grants already in the plan

    @property
    def is_empty(self) -> bool:
        return not (self.needs or self.loose or self.withdrawn)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def _moment(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


_NEED_JSON = {
    "id": "id",
    "description": "description",
    "kind": "kind",
    "amount": Cast("amount", TextField()),
    "hours": Cast("hours", TextField()),
}
_CONTRIBUTION_JSON = {
    "id": "id",
    "need_id": "need_id",
    "source": "source",
    "kind": "kind",
    "grant_id": "grant_id",
    "fund": "grant__fund__name",
    "organisation": "organisation__name",
    "other_source": "other_source",
    "amount": Cast("amount", TextField()),
    "hours": Cast("hours", TextField()),
    "description": "description",
    "invitation_id": "invitation_id",
    "recorded_by": Coalesce(
        "recorded_by__full_name", "recorded_by__email", output_field=TextField()
    ),
    "created_at": "created_at",
    "withdrawn_at": "withdrawn_at",
}


def _needs_rows(dream_pk) -> QuerySet:
    return (
        PlanNeed.objects.filter(dream_id=dream_pk)
        .order_by("created_at", "id")
        .values(json=JSONObject(**_NEED_JSON))
    )


def _contribution_rows(dream_pk) -> QuerySet:
    return (
        Contribution.objects.filter(dream_id=dream_pk)
        .order_by("created_at", "id")
        .values(json=JSONObject(**_CONTRIBUTION_JSON))
    )


def _partner_rows() -> QuerySet:
    return (
        Organisation.objects.filter(active=True)
        .order_by("name", "id")
        .values(json=JSONObject(id="id", name="name"))
    )


@functools.cache
def _plan_query(with_partners: bool) -> QuerySet:
    """The dream row with its needs, its contributions (and the active partners) as JSON
    arrays: composed once per process, filtered on each call."""
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models import OuterRef

    arrays = {
        "need_rows": ArraySubquery(_needs_rows(OuterRef("pk")).values("json")),
        "contribution_rows": ArraySubquery(_contribution_rows(OuterRef("pk")).values("json")),
    }
    if with_partners:
        arrays["partner_rows"] = ArraySubquery(_partner_rows().values("json"))
    else:
        arrays["partner_rows"] = Value(None, output_field=TextField())
    return Dream.objects.values(**arrays)


def _read(dream_pk: int, with_partners: bool) -> tuple[list, list, list | None]:
    if connection.vendor == "postgresql":
        row = next(iter(_plan_query(with_partners).filter(pk=dream_pk)), {})
        return (
            row.get("need_rows") or [],
            row.get("contribution_rows") or [],
            row.get("partner_rows"),
        )
    needs = [row["json"] for row in _needs_rows(dream_pk)]
    contributions = [row["json"] for row in _contribution_rows(dream_pk)]
    partners = [row["json"] for row in _partner_rows()] if with_partners else None
    return needs, contributions, partners


def _contribution(row: dict) -> PlanContribution:
    source = row["source"]
    if source == Source.FUND:
        who = row["fund"] or ""
    elif source == Source.PARTNER:
        who = row["organisation"] or ""
    elif source == Source.RESIDENTS:
        who = _("The residents themselves")
    else:
        who = row["other_source"]
    return PlanContribution(
        id=row["id"],
        need_id=row["need_id"],
        source=source,
        kind=row["kind"],
        who=who,
        amount=_decimal(row["amount"]),
        hours=_decimal(row["hours"]),
        description=row["description"],
        through_link=row["invitation_id"] is not None,
        recorded_by=row["recorded_by"] or "",
        created_at=_moment(row["created_at"]),
        withdrawn_at=_moment(row["withdrawn_at"]),
    )


def _cover(need: PlanNeedRow) -> None:
    """Fill in what covers NEED (its contributions in place) and what is still open."""
    if need.in_hours:
        need.covered = sum((c.hours or ZERO for c in need.contributions), ZERO)
    else:
        need.covered = sum((c.amount or ZERO for c in need.contributions), ZERO)
    needed = need.needed
    if needed is None:  # materials without a value
        need.open = None
        need.is_covered = bool(need.contributions)
    else:
        need.open = max(needed - need.covered, ZERO)
        need.is_covered = need.open == 0


def dream_plan(
    dream: Dream, *, with_partners: bool = False, partners: list[tuple[int, str]] | None = None
) -> Plan:
    """Return DREAM's plan: its needs (oldest first), each with the contributions covering
    it, what they cover and what is still open; the contributions to the dream as a whole;
    the withdrawn ones (kept, not counted); the totals (needed, covered, open: in euro and in
    hours; what a need gets beyond what it needs is not counted as covering another); and
    what each source contributes in all (money, materials' value, hours).

    WITH_PARTNERS: also the active partner organisations (id, name), for the form that
    records a contribution. One query on PostgreSQL (pinned in tests), three elsewhere.
    PARTNERS: those organisations as read already (the workspace's partner panel reads them),
    not read again. No query for an empty plan when DREAM was read with has_plan false
    (list_flags), unless the partners are to be read.
    """
    read_partners = with_partners and partners is None
    if may_have(dream, "has_plan"):
        need_rows, contribution_rows, partner_rows = _read(dream.pk, read_partners)
    else:
        need_rows, contribution_rows = [], []
        partner_rows = [row["json"] for row in _partner_rows()] if read_partners else None
    needs = [
        PlanNeedRow(
            id=row["id"],
            description=row["description"],
            kind=row["kind"],
            amount=_decimal(row["amount"]),
            hours=_decimal(row["hours"]),
        )
        for row in need_rows
    ]
    by_id = {need.id: need for need in needs}
    counted, loose, withdrawn, grant_ids = [], [], [], set()
    sums = {source: {"money": ZERO, "materials": ZERO, "hours": ZERO} for source in Source.values}
    for row in contribution_rows:
        contribution = _contribution(row)
        if not contribution.counts:
            withdrawn.append(contribution)
            continue
        if row["grant_id"] is not None:
            grant_ids.add(row["grant_id"])
        counted.append(contribution)
        need = by_id.get(contribution.need_id)
        if need is not None:
            contribution.need_description = need.description
            need.contributions.append(contribution)
        else:
            loose.append(contribution)
        per_source = sums[contribution.source]
        if contribution.kind == ContributionKind.HOURS:
            per_source["hours"] += contribution.hours or ZERO
        else:
            per_source[contribution.kind] += contribution.amount or ZERO
    totals = {f"{what}_{unit}": ZERO for what in TOTALS for unit in ("amount", "hours")}
    for need in needs:
        _cover(need)
        if need.needed is None:
            continue
        unit = "hours" if need.in_hours else "amount"
        totals[f"needed_{unit}"] += need.needed
        totals[f"covered_{unit}"] += min(need.covered, need.needed)
        totals[f"open_{unit}"] += need.open
    by_source = [
        {"source": source, "label": label, **sums[source]} for source, label in Source.choices
    ]
    if partners is not None:
        partners = list(partners)
    elif partner_rows is not None:
        partners = [(row["id"], row["name"]) for row in partner_rows]
    return Plan(needs, counted, loose, withdrawn, totals, by_source, partners, grant_ids)


def plan_need_exists(*, dream_pk: int, need_pk: int) -> bool:
    """Whether dream DREAM_PK has need NEED_PK (a change to any other is 404)."""
    return PlanNeed.objects.filter(pk=need_pk, dream_id=dream_pk).exists()
