"""Budget for a dream: grants from a fund, a manager's approval above the limit."""

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role
from initiatives import open_data_version, promises
from initiatives.exceptions import InsufficientFunds, NotAllowed
from initiatives.models import Dream, EventKind, Fund, Grant
from initiatives.services._core import (
    _lock,
    _managers,
    _notify_resident,
    _notify_staff,
    _record,
    _require_contact,
    _require_picked_up,
    _require_role,
    _resident_text,
)
from initiatives.statuses import Status, is_open


@transaction.atomic
def grant_create(*, dream: Dream, by: User, fund: Fund, amount: Decimal, purpose: str) -> Grant:
    """Grant budget from FUND. Above the limit it waits for a manager; the money is held.

    The fund row is locked, so two simultaneous grants cannot both spend the last euro;
    the database's check on the fund refuses a negative balance in any case.
    """
    _require_role(by, Role.ENABLER)
    dream = _lock(dream)
    _require_picked_up(dream)
    _require_contact(dream, by)
    if amount <= 0:
        raise ValueError("The amount must be more than zero.")
    fund = _hold(fund, amount)
    needs_approval = amount > promises.current().grant_approval_limit
    grant = Grant.objects.create(
        dream=dream,
        fund=fund,
        amount=amount,
        purpose=purpose.strip(),
        requested_by=by,
        state=Grant.State.AWAITING_APPROVAL if needs_approval else Grant.State.GRANTED,
        decided_by=None if needs_approval else by,
        decided_at=None if needs_approval else timezone.now(),
    )
    if needs_approval:
        _record(
            dream=dream,
            kind=EventKind.GRANT_REQUESTED,
            public=False,
            actor=by,
            body=_("€ %(amount)s from %(fund)s for: %(purpose)s. Waiting for a manager.")
            % {"amount": amount, "fund": fund, "purpose": grant.purpose},
        )
        for manager in _managers():
            _notify_staff(
                to=manager,
                template="staff_grant_to_approve",
                dream=dream,
                context={"grant": grant, "link": _approvals_link()},
                digest=gettext_noop("A grant to approve: € %(amount)s for “%(title)s”."),
                amount=number_format(amount, 2, force_grouping=True),
                title=dream.title,
            )
    else:
        _announce_grant(dream, grant, by)
    return grant


def _hold(fund: Fund, amount: Decimal) -> Fund:
    """Commit AMOUNT of FUND, its row locked: two deciders at once cannot both spend the last
    euro (the second waits, then reads what the first left). Return the locked fund."""
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    if amount > fund.balance:
        raise InsufficientFunds(
            _("%(fund)s has € %(balance)s left: not enough for € %(amount)s.")
            % {
                "fund": fund.name,
                "balance": number_format(fund.balance, 2, force_grouping=True),
                "amount": number_format(amount, 2, force_grouping=True),
            }
        )
    fund.committed += amount
    fund.save(update_fields=["committed"])
    return fund


def grant_for_application(*, application, by: User, amount: Decimal, purpose: str) -> Grant:
    """The grant a decision on APPLICATION makes (services.application_decide): granted at
    once, as the fund's rule says who decides; the money held in the same way."""
    fund = _hold(application.fund, amount)
    grant = Grant.objects.create(
        dream=application.dream,
        fund=fund,
        amount=amount,
        purpose=purpose,
        requested_by=by,
        state=Grant.State.GRANTED,
        decided_by=by,
        decided_at=timezone.now(),
    )
    _announce_grant(application.dream, grant, by)
    return grant


def _approvals_link() -> str:
    return settings.SITE_URL + reverse("staff:approvals")


def _release_waiting_grants(dream: Dream, by: User) -> None:
    """A closed dream needs no money: refuse grants still waiting and free what they held."""
    for grant in Grant.objects.select_for_update().filter(
        dream=dream, state=Grant.State.AWAITING_APPROVAL
    ):
        _grant_refuse(grant, by)


def _grant_refuse(grant: Grant, by: User) -> None:
    """Refuse GRANT (locked, awaiting approval) and free the money its fund held for it."""
    fund = Fund.objects.select_for_update().get(pk=grant.fund_id)
    fund.committed -= grant.amount
    fund.save(update_fields=["committed"])
    grant.state = Grant.State.REJECTED
    grant.decided_by, grant.decided_at = by, timezone.now()
    grant.save(update_fields=["state", "decided_by", "decided_at"])


def _announce_grant(dream: Dream, grant: Grant, by: User) -> None:
    event = _record(
        dream=dream,
        kind=EventKind.GRANT,
        public=True,
        actor=by,
        body=_resident_text(
            dream,
            gettext_noop("€ %(amount)s from %(fund)s for: %(purpose)s."),
            amount=grant.amount,
            fund=grant.fund.name,
            purpose=grant.purpose,
        ),
    )
    _notify_resident(dream, event)
    open_data_version.bump()  # the money granted is in the open data


@transaction.atomic
def grant_decide(*, grant: Grant, by: User, approve: bool) -> Grant:
    """Approve or refuse a grant above the limit; a refusal frees the held money."""
    _require_role(by, Role.MANAGER)
    grant = Grant.objects.select_for_update().select_related("dream").get(pk=grant.pk)
    if grant.state != Grant.State.AWAITING_APPROVAL:
        raise NotAllowed(_("This grant has already been decided."))
    dream = _lock(grant.dream)
    if approve:
        # A closed dream needs no more money; refusing stays possible and frees it.
        if not is_open(dream):
            raise NotAllowed(
                _(
                    "“%(title)s” is closed (%(status)s): its grant can no longer be approved. "
                    "Refuse it to free the money."
                )
                % {"title": dream.title, "status": Status(dream.status).label}
            )
        grant.state = Grant.State.GRANTED
        grant.decided_by, grant.decided_at = by, timezone.now()
        grant.save(update_fields=["state", "decided_by", "decided_at"])
        _announce_grant(dream, grant, by)
    else:
        _grant_refuse(grant, by)
        _record(
            dream=dream,
            kind=EventKind.GRANT_REJECTED,
            public=False,
            actor=by,
            body=_("€ %(amount)s for: %(purpose)s.")
            % {"amount": grant.amount, "purpose": grant.purpose},
        )
    return grant
