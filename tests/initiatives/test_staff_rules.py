"""Rules found while testing the workspace: who signs, money on closed dreams, status order."""

from decimal import Decimal

import pytest

from accounts.roles import Role
from initiatives import services
from initiatives.exceptions import NotAllowed
from initiatives.models import Decision, Grant
from initiatives.statuses import Status
from tests.factories import DreamFactory, FundFactory, ReviewFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def picked_up(resident, mogelijkmaker):
    return DreamFactory(resident=resident, status=Status.IN_CONVERSATION, contact=mogelijkmaker)


def test_an_administrator_without_the_communications_role_cannot_sign(picked_up, mogelijkmaker):
    ReviewFactory(dream=picked_up, by=mogelijkmaker)
    decision = services.decision_propose(dream=picked_up, by=mogelijkmaker, reasons="Geen plek.")
    admin = StaffFactory(is_superuser=True, full_name="Ad Min", roles=[Role.ADMINISTRATOR])
    with pytest.raises(NotAllowed):
        services.decision_sign(decision=decision, by=admin, letter="Beste bewoner, ...")
    decision.refresh_from_db()
    picked_up.refresh_from_db()
    assert decision.state == Decision.State.PROPOSED
    assert picked_up.status == Status.IN_CONVERSATION


@pytest.mark.parametrize("close", ["withdraw", "not_possible"])
def test_closing_a_dream_frees_money_still_waiting_for_approval(
    close, picked_up, resident, mogelijkmaker, communications_advisor
):
    fund = FundFactory(amount=Decimal("10000"))
    grant = services.grant_create(
        dream=picked_up, by=mogelijkmaker, fund=fund, amount=Decimal("4000"), purpose="Hovenier"
    )
    assert grant.state == Grant.State.AWAITING_APPROVAL
    if close == "withdraw":
        services.dream_withdraw(dream=picked_up, by=resident, reason="We verhuizen.")
    else:
        ReviewFactory(dream=picked_up, by=mogelijkmaker)
        decision = services.decision_propose(dream=picked_up, by=mogelijkmaker, reasons="Nee.")
        services.decision_sign(decision=decision, by=communications_advisor, letter="Helaas.")
    grant.refresh_from_db()
    fund.refresh_from_db()
    assert grant.state == Grant.State.REJECTED
    assert fund.committed == 0


def test_every_staff_move_is_an_allowed_transition():
    """The workspace's direct moves may only offer what the status table allows."""
    from initiatives.statuses import ALLOWED, STAFF_MOVES

    for status, targets in STAFF_MOVES.items():
        assert set(targets) <= ALLOWED[status], status
