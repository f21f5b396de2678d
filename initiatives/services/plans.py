"""A dream's plan (issue 17): what it needs, and who covers it.

The dream's contact person keeps the plan: they add a need (money, hours or materials),
change or remove it while nothing covers it, record a contribution (a grant from one of
the funds, a partner's money, hours or materials, the residents' own hours, someone else),
optionally covering one need, and withdraw a contribution (it is kept, marked withdrawn).
Partners record their own contributions through their link (services.partners); they are
rows of the same table.

Every change is an internal timeline event (kinds PLAN and CONTRIBUTION): the plan is the
MogelijkMaker's working record, and amounts agreed with partners are not the resident's
news until the contact person tells them. The resident reads what is arranged on their
dream page instead (per need, and who helps: residents/_plan.html).
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.models import User
from initiatives import open_data_version
from initiatives.exceptions import InvalidPlan
from initiatives.models import Dream, EventKind, Grant
from initiatives.partner_models import Organisation, PartnerInvitation
from initiatives.plan_models import Contribution, ContributionKind, PlanNeed
from initiatives.services._core import _lock, _record, _require_contact, _require_picked_up

# As the columns hold them: 12 digits with 2 decimals, 7 digits with 1 decimal.
AMOUNT_LIMIT = Decimal("10000000000")
HOURS_LIMIT = Decimal("1000000")
CENT = Decimal("0.01")
DESCRIPTION_LIMIT = 300  # Contribution.description
TENTH = Decimal("0.1")

Source = Contribution.Source


def _euro(amount: Decimal) -> str:
    return f"€ {number_format(amount, 2, force_grouping=True)}"


def _hours(hours: Decimal) -> str:
    return _("%(hours)s hours") % {"hours": number_format(hours.normalize(), None)}


def _amount(amount: Decimal | None, *, required: bool, field: str = "amount") -> Decimal | None:
    """AMOUNT checked: more than 0, in cents, not larger than the column holds."""
    if amount is None:
        if required:
            raise InvalidPlan(_("Fill in an amount in euro, more than 0."), field=field)
        return None
    amount = Decimal(amount)
    if amount <= 0:
        raise InvalidPlan(_("The amount must be more than € 0."), field=field)
    if amount != amount.quantize(CENT):
        raise InvalidPlan(_("Use at most 2 decimals (cents)."), field=field)
    if amount >= AMOUNT_LIMIT:
        raise InvalidPlan(_("That amount is too large."), field=field)
    return amount


def _hours_checked(hours: Decimal | None) -> Decimal:
    if hours is None:
        raise InvalidPlan(_("Fill in the number of hours, more than 0."), field="hours")
    hours = Decimal(hours)
    if hours <= 0:
        raise InvalidPlan(_("The number of hours must be more than 0."), field="hours")
    if hours != hours.quantize(TENTH):
        raise InvalidPlan(_("Use at most 1 decimal for hours, like 2,5."), field="hours")
    if hours >= HOURS_LIMIT:
        raise InvalidPlan(_("That number of hours is too large."), field="hours")
    return hours


def _measure(kind: str, amount: Decimal | None, hours: Decimal | None, *, materials_need_value):
    """Return (amount, hours) as KIND keeps them: money an amount, hours hours, materials
    an estimated value (required when MATERIALS_NEED_VALUE) or none."""
    if kind not in ContributionKind.values:
        raise InvalidPlan(_("Choose money, hours or materials."), field="kind")
    if kind == ContributionKind.MONEY:
        return _amount(amount, required=True), None
    if kind == ContributionKind.HOURS:
        return None, _hours_checked(hours)
    return _amount(amount, required=materials_need_value), None


def _description(
    text: str, *, limit: int, required: bool, field: str = "description", missing: str = ""
) -> str:
    text = (text or "").strip()
    if required and not text:
        raise InvalidPlan(missing or _("Say what is needed."), field=field)
    if len(text) > limit:
        raise InvalidPlan(
            _("Use at most %(limit)d characters.") % {"limit": limit},
            field=field,
        )
    return text


def contribution_measure(
    *,
    kind: str,
    amount: Decimal | None,
    hours: Decimal | None,
    description: str,
    description_required: bool = False,
) -> tuple[Decimal | None, Decimal | None, str]:
    """The one rule for what a contribution holds, whoever records it (the contact person
    here, a partner through their link in services.partners): return (amount, hours,
    description) as KIND keeps them — money an amount, hours hours, materials a description
    and an estimated value when known. Raises InvalidPlan naming the field that is wrong."""
    amount, hours = _measure(kind, amount, hours, materials_need_value=False)
    description = _description(
        " ".join((description or "").split()),
        limit=DESCRIPTION_LIMIT,
        required=description_required or kind == ContributionKind.MATERIALS,
        missing=_("Say what is contributed."),
    )
    return amount, hours, description


def _need_words(need: PlanNeed) -> str:
    if need.kind == ContributionKind.HOURS:
        return f"{need.description} ({_hours(need.hours)})"
    if need.amount is not None:
        return f"{need.description} ({_euro(need.amount)})"
    return need.description


def _locked_dream(dream: Dream, by: User) -> Dream:
    dream = _lock(dream)
    _require_picked_up(dream)
    _require_contact(dream, by)
    return dream


def _uncovered_need(dream: Dream, by: User, need_id: int) -> tuple[Dream, PlanNeed]:
    """DREAM and its need NEED_ID, locked; refused while a contribution covers it.

    Raises PlanNeed.DoesNotExist when DREAM has no such need (the view answers 404, to
    whoever asks).
    """
    dream = _lock(dream)
    need = PlanNeed.objects.select_for_update().get(pk=need_id, dream=dream)
    _require_picked_up(dream)
    _require_contact(dream, by)
    if need.contributions.filter(withdrawn_at__isnull=True).exists():
        raise InvalidPlan(
            _(
                "“%(need)s” is covered by a contribution: withdraw that first, then change "
                "or remove the need."
            )
            % {"need": need.description}
        )
    return dream, need


@transaction.atomic
def plan_need_add(
    *,
    dream: Dream,
    by: User,
    description: str,
    kind: str,
    amount: Decimal | None = None,
    hours: Decimal | None = None,
) -> PlanNeed:
    """Add one thing DREAM needs: money (an amount), hours, or materials (with an estimated
    value when known). Only the contact person, while the dream is open and picked up."""
    dream = _locked_dream(dream, by)
    description = _description(description, limit=200, required=True)
    amount, hours = _measure(kind, amount, hours, materials_need_value=False)
    need = PlanNeed.objects.create(
        dream=dream, description=description, kind=kind, amount=amount, hours=hours, added_by=by
    )
    _record(
        dream=dream,
        kind=EventKind.PLAN,
        public=False,
        actor=by,
        body=_("Added to the plan: %(need)s.") % {"need": _need_words(need)},
    )
    return need


@transaction.atomic
def plan_need_change(
    *,
    dream: Dream,
    by: User,
    need_id: int,
    description: str,
    kind: str,
    amount: Decimal | None = None,
    hours: Decimal | None = None,
) -> PlanNeed:
    """Change need NEED_ID of DREAM while nothing covers it.

    Raises PlanNeed.DoesNotExist when DREAM has no such need.
    """
    dream, need = _uncovered_need(dream, by, need_id)
    before = _need_words(need)
    need.description = _description(description, limit=200, required=True)
    need.amount, need.hours = _measure(kind, amount, hours, materials_need_value=False)
    need.kind = kind
    need.save(update_fields=["description", "kind", "amount", "hours"])
    _record(
        dream=dream,
        kind=EventKind.PLAN,
        public=False,
        actor=by,
        body=_("Changed in the plan: %(before)s → %(after)s.")
        % {"before": before, "after": _need_words(need)},
    )
    return need


@transaction.atomic
def plan_need_remove(*, dream: Dream, by: User, need_id: int) -> None:
    """Remove need NEED_ID of DREAM while nothing covers it. Contributions that covered it
    once and were withdrawn are kept, as contributions to the dream as a whole.

    Raises PlanNeed.DoesNotExist when DREAM has no such need.
    """
    dream, need = _uncovered_need(dream, by, need_id)
    words = _need_words(need)
    need.contributions.update(need=None)  # only withdrawn ones are left
    need.delete()
    _record(
        dream=dream,
        kind=EventKind.PLAN,
        public=False,
        actor=by,
        body=_("Removed from the plan: %(need)s.") % {"need": words},
    )


def _granted_grant(dream: Dream, grant_id: int | None) -> Grant:
    if grant_id is None:
        raise InvalidPlan(_("Choose the grant that covers this."), field="grant")
    grant = (
        Grant.objects.select_for_update(of=("self",))
        .select_related("fund")
        .filter(pk=grant_id, dream=dream, state=Grant.State.GRANTED)
        .first()
    )
    if grant is None:
        raise InvalidPlan(_("Choose a grant that has been granted to this dream."), field="grant")
    if grant.contributions.filter(withdrawn_at__isnull=True).exists():
        raise InvalidPlan(
            _("This grant is in the plan already: a grant covers the plan once."),
            field="grant",
        )
    return grant


def _partner(dream: Dream, organisation_id: int | None) -> Organisation:
    if organisation_id is None:
        raise InvalidPlan(_("Choose the partner."), field="organisation")
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or not organisation.active:
        raise InvalidPlan(
            _("Choose a partner that is still active."),
            field="organisation",
        )
    invitations = PartnerInvitation.objects.filter(dream=dream, organisation=organisation)
    if invitations.exists() and not invitations.filter(withdrawn_at__isnull=True).exists():
        raise InvalidPlan(
            _(
                "%(name)s was withdrawn from this dream. Invite them again before you record "
                "what they contribute."
            )
            % {"name": organisation.name},
            field="organisation",
        )
    return organisation


def _covered_need(dream: Dream, need_id: int | None, kind: str, amount) -> PlanNeed | None:
    """The need a contribution of KIND covers, checked: it is DREAM's, and measured alike."""
    if need_id is None:
        return None
    need = PlanNeed.objects.filter(pk=need_id, dream=dream).first()
    if need is None:
        raise InvalidPlan(_("Choose a need from this dream's plan."), field="need")
    if need.kind == ContributionKind.HOURS and kind != ContributionKind.HOURS:
        raise InvalidPlan(
            _("“%(need)s” is counted in hours: only hours can cover it.")
            % {"need": need.description},
            field="need",
        )
    if need.kind != ContributionKind.HOURS and kind == ContributionKind.HOURS:
        raise InvalidPlan(
            _("“%(need)s” is counted in euro: hours cannot cover it.") % {"need": need.description},
            field="need",
        )
    if need.amount is not None and amount is None:
        raise InvalidPlan(
            _("“%(need)s” is counted in euro: give the estimated value of the materials.")
            % {"need": need.description},
            field="amount",
        )
    return need


def contribution_words(contribution: Contribution) -> str:
    """What CONTRIBUTION is, in one line: who gives what (for the timeline)."""
    if contribution.source == Source.FUND:
        who = contribution.grant.fund.name
    elif contribution.source == Source.PARTNER:
        who = contribution.organisation.name
    elif contribution.source == Source.RESIDENTS:
        who = _("The residents themselves")
    else:
        who = contribution.other_source
    if contribution.kind == ContributionKind.HOURS:
        what = _hours(contribution.hours)
    elif contribution.kind == ContributionKind.MONEY:
        what = _euro(contribution.amount)
    elif contribution.amount is not None:
        what = _("materials worth %(amount)s") % {"amount": _euro(contribution.amount)}
    else:
        what = _("materials")
    words = f"{who}: {what}"
    if contribution.description:
        words += f" — {contribution.description}"
    if contribution.need_id is not None:
        words += " " + _("(covers “%(need)s”)") % {"need": contribution.need.description}
    return words


@transaction.atomic
def contribution_record(
    *,
    dream: Dream,
    by: User,
    source: str,
    kind: str = "",
    amount: Decimal | None = None,
    hours: Decimal | None = None,
    description: str = "",
    need_id: int | None = None,
    grant_id: int | None = None,
    organisation_id: int | None = None,
    other_source: str = "",
) -> Contribution:
    """Record, on the staff side, one source covering (part of) DREAM's plan.

    SOURCE fund: GRANT_ID, a granted grant of this dream (from any fund), once; it is money,
    its amount the grant's. Partner: ORGANISATION_ID, an active partner not withdrawn from
    this dream. Residents: their own hours (or money, materials). Other: OTHER_SOURCE names
    who. KIND money needs an AMOUNT, hours HOURS, materials a DESCRIPTION (an estimated
    value in AMOUNT when known). NEED_ID: the need it covers, measured alike (hours cover
    hours, euros cover euros); None for the dream as a whole.
    """
    dream = _locked_dream(dream, by)
    if source not in Source.values:
        raise InvalidPlan(_("Choose where the contribution comes from."), field="source")
    grant = organisation = None
    if source == Source.FUND:
        grant = _granted_grant(dream, grant_id)
        kind, amount, hours = ContributionKind.MONEY, grant.amount, None
        description = _description(description, limit=300, required=False) or grant.purpose
    else:
        if source == Source.PARTNER:
            organisation = _partner(dream, organisation_id)
        amount, hours, description = contribution_measure(
            kind=kind, amount=amount, hours=hours, description=description
        )
    other_source = _description(
        other_source if source == Source.OTHER else "",
        limit=150,
        required=source == Source.OTHER,
        field="other_source",
    )
    need = _covered_need(dream, need_id, kind, amount)
    contribution = Contribution.objects.create(
        dream=dream,
        need=need,
        source=source,
        kind=kind,
        grant=grant,
        organisation=organisation,
        other_source=other_source,
        amount=amount,
        hours=hours,
        description=description[:300],
        recorded_by=by,
    )
    _record(
        dream=dream,
        kind=EventKind.CONTRIBUTION,
        public=False,
        actor=by,
        body=_("Contribution recorded. %(contribution)s.")
        % {"contribution": contribution_words(contribution)},
    )
    open_data_version.bump()  # partners' contributions are in the open data
    return contribution


@transaction.atomic
def contribution_withdraw(*, dream: Dream, by: User, contribution_id: int) -> Contribution:
    """Withdraw contribution CONTRIBUTION_ID of DREAM: kept, marked withdrawn, no longer
    counted. Also one a partner recorded through their link.

    Raises Contribution.DoesNotExist when DREAM has no such contribution.
    """
    dream = _lock(dream)
    contribution = (
        Contribution.objects.select_for_update(of=("self",))
        .select_related("grant__fund", "organisation", "need")
        .get(pk=contribution_id, dream=dream)
    )
    _require_picked_up(dream)
    _require_contact(dream, by)
    if contribution.withdrawn_at is not None:
        raise InvalidPlan(_("This contribution has been withdrawn already."))
    contribution.withdrawn_at = timezone.now()
    contribution.save(update_fields=["withdrawn_at"])
    _record(
        dream=dream,
        kind=EventKind.CONTRIBUTION,
        public=False,
        actor=by,
        body=_("Contribution withdrawn. %(contribution)s.")
        % {"contribution": contribution_words(contribution)},
    )
    open_data_version.bump()  # no longer counted in the open data
    return contribution
