"""Grants from a fund (services/grants.py), the limit and a manager's approval."""

from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.db.models import F

from accounts.roles import Role
from initiatives import selectors, services
from initiatives.exceptions import InsufficientFunds, NotAllowed
from initiatives.models import EventKind, Fund, Grant
from initiatives.statuses import Status
from tests.factories import DreamFactory, FundFactory, StaffFactory
from tests.initiatives.outbox.retries import setup_mail_sent
from tests.initiatives.services.helpers import RACES, at_once, kinds

pytestmark = pytest.mark.django_db


def _approved_above_the_limit(dream, by, manager, fund, capture) -> Grant:
    """A grant of € 3.000 (above the limit) that MANAGER approves; only the approval's mails
    are in the test mailbox afterwards."""
    grant = services.grant_create(
        dream=dream, by=by, fund=fund, amount=Decimal("3000"), purpose="Speeltoestel"
    )
    setup_mail_sent()  # the manager's notice that an approval waits
    with capture(execute=True):
        services.grant_decide(grant=grant, by=manager, approve=True)
    return grant


class TestGrant:
    def test_a_grant_within_the_limit_is_granted_at_once(
        self, in_conversation, resident, mogelijkmaker, fund, django_capture_on_commit_callbacks
    ):
        assert selectors.service_promises().grant_approval_limit == Decimal("2500")
        with django_capture_on_commit_callbacks(execute=True):
            grant = services.grant_create(
                dream=in_conversation,
                by=mogelijkmaker,
                fund=fund,
                amount=Decimal("450.00"),
                purpose="Verf en een bankje",
            )

        grant.refresh_from_db()
        assert (grant.state, grant.decided_by, grant.requested_by) == (
            Grant.State.GRANTED,
            mogelijkmaker,
            mogelijkmaker,
        )
        fund.refresh_from_db()
        assert fund.committed == Decimal("450.00")
        assert kinds(in_conversation) == [(EventKind.GRANT, True)]
        assert [m.to for m in mail.outbox] == [[resident.email]]
        assert "Verf en een bankje" in mail.outbox[0].body

    def test_exactly_the_limit_needs_no_approval(self, in_conversation, mogelijkmaker, fund):
        grant = services.grant_create(
            dream=in_conversation,
            by=mogelijkmaker,
            fund=fund,
            amount=Decimal("2500.00"),
            purpose="Precies de grens",
        )
        assert grant.state == Grant.State.GRANTED

    def test_above_the_limit_the_money_is_held_for_a_manager(
        self, in_conversation, mogelijkmaker, fund, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            grant = services.grant_create(
                dream=in_conversation,
                by=mogelijkmaker,
                fund=fund,
                amount=Decimal("2500.01"),
                purpose="Een speeltoestel",
            )

        grant.refresh_from_db()
        assert (grant.state, grant.decided_by, grant.decided_at) == (
            Grant.State.AWAITING_APPROVAL,
            None,
            None,
        )
        fund.refresh_from_db()
        assert fund.committed == Decimal("2500.01")
        assert kinds(in_conversation) == [(EventKind.GRANT_REQUESTED, False)]
        assert mail.outbox == []

    def test_a_manager_approves(
        self,
        in_conversation,
        resident,
        mogelijkmaker,
        manager,
        fund,
        django_capture_on_commit_callbacks,
    ):
        grant = _approved_above_the_limit(
            in_conversation, mogelijkmaker, manager, fund, django_capture_on_commit_callbacks
        )

        grant.refresh_from_db()
        assert (grant.state, grant.decided_by) == (Grant.State.GRANTED, manager)
        assert grant.decided_at is not None
        fund.refresh_from_db()
        assert fund.committed == Decimal("3000")
        public = in_conversation.events.get(public=True)
        assert (public.kind, public.actor) == (EventKind.GRANT, manager)
        assert [m.to for m in mail.outbox] == [[resident.email]]

    def test_a_manager_refuses_and_the_money_is_released(
        self, in_conversation, mogelijkmaker, manager, fund, django_capture_on_commit_callbacks
    ):
        grant = services.grant_create(
            dream=in_conversation,
            by=mogelijkmaker,
            fund=fund,
            amount=Decimal("3000"),
            purpose="Speeltoestel",
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.grant_decide(grant=grant, by=manager, approve=False)

        grant.refresh_from_db()
        assert (grant.state, grant.decided_by) == (Grant.State.REJECTED, manager)
        fund.refresh_from_db()
        assert fund.committed == Decimal("0")
        assert kinds(in_conversation) == [
            (EventKind.GRANT_REQUESTED, False),
            (EventKind.GRANT_REJECTED, False),
        ]
        assert mail.outbox == []
        with pytest.raises(NotAllowed):  # decided once, decided for good
            services.grant_decide(grant=grant, by=manager, approve=True)
        fund.refresh_from_db()
        assert fund.committed == Decimal("0")

    def test_a_mogelijkmaker_cannot_decide(
        self, in_conversation, mogelijkmaker, other_mogelijkmaker, fund
    ):
        grant = services.grant_create(
            dream=in_conversation,
            by=mogelijkmaker,
            fund=fund,
            amount=Decimal("3000"),
            purpose="Speeltoestel",
        )
        for someone in (mogelijkmaker, other_mogelijkmaker):
            with pytest.raises(NotAllowed):
                services.grant_decide(grant=grant, by=someone, approve=True)
        grant.refresh_from_db()
        assert (grant.state, grant.decided_by) == (Grant.State.AWAITING_APPROVAL, None)

    def test_more_than_the_balance_changes_nothing(self, in_conversation, mogelijkmaker):
        fund = FundFactory(name="Klein fonds", amount=Decimal("1000.00"))
        services.grant_create(
            dream=in_conversation,
            by=mogelijkmaker,
            fund=fund,
            amount=Decimal("600.00"),
            purpose="Eerste deel",
        )
        with pytest.raises(InsufficientFunds) as excinfo:
            services.grant_create(
                dream=in_conversation,
                by=mogelijkmaker,
                fund=fund,
                amount=Decimal("400.01"),
                purpose="Net te veel",
            )
        assert "400" in str(excinfo.value)
        fund.refresh_from_db()
        assert fund.committed == Decimal("600.00")
        assert list(Grant.objects.values_list("purpose", flat=True)) == ["Eerste deel"]
        assert in_conversation.events.count() == 1

    @pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5")])
    def test_the_amount_must_be_positive(self, in_conversation, mogelijkmaker, fund, amount):
        with pytest.raises(ValueError):
            services.grant_create(
                dream=in_conversation, by=mogelijkmaker, fund=fund, amount=amount, purpose="x"
            )
        fund.refresh_from_db()
        assert fund.committed == 0
        assert not Grant.objects.exists()

    def test_no_grant_before_the_dream_is_picked_up(self, dream, mogelijkmaker, fund):
        with pytest.raises(NotAllowed):
            services.grant_create(
                dream=dream, by=mogelijkmaker, fund=fund, amount=Decimal("10"), purpose="x"
            )
        assert not Grant.objects.exists()

    def test_the_database_refuses_a_negative_balance(self, fund):
        with pytest.raises(IntegrityError), transaction.atomic():
            Fund.objects.filter(pk=fund.pk).update(committed=F("amount") + 1)
        with pytest.raises(IntegrityError), transaction.atomic():
            Fund.objects.filter(pk=fund.pk).update(committed=-1)
        fund.refresh_from_db()
        assert fund.committed == 0


@pytest.mark.django_db(transaction=True)
def test_two_grants_at_once_cannot_overspend(postgresql_only):
    enabler = StaffFactory(roles=[Role.ENABLER])
    for n in range(RACES):
        fund = FundFactory(name=f"Racefonds {n}", amount=Decimal("1000.00"))
        dreams = [
            DreamFactory(status=Status.IN_CONVERSATION, contact=enabler) for _ in range(2)
        ]  # two dreams, so only the fund's lock stands between the two grants
        results = at_once(
            *(
                lambda dream=dream, fund=fund: services.grant_create(
                    dream=dream, by=enabler, fund=fund, amount=Decimal("700.00"), purpose="Race"
                )
                for dream in dreams
            )
        )

        granted = [r for r in results if isinstance(r, Grant)]
        refused = [r for r in results if isinstance(r, InsufficientFunds)]
        assert (len(granted), len(refused)) == (1, 1), results
        fund.refresh_from_db()
        assert fund.committed == Decimal("700.00")
        assert Grant.objects.filter(fund=fund).count() == 1


class TestWaitingGrantAndClosing:
    """Issue 14, item 8: a dream is not realised while its money waits for a manager, and
    a manager does not approve money for a closed dream."""

    @pytest.fixture
    def in_progress(self, in_conversation):
        from initiatives.models import Dream

        Dream.objects.filter(pk=in_conversation.pk).update(status=Status.IN_PROGRESS)
        in_conversation.refresh_from_db()
        return in_conversation

    def _waiting(self, dream, by, fund) -> Grant:
        return services.grant_create(
            dream=dream, by=by, fund=fund, amount=Decimal("3000"), purpose="Een speeltoestel"
        )

    def test_realised_is_refused_while_a_grant_waits(
        self, in_progress, mogelijkmaker, fund, django_capture_on_commit_callbacks
    ):
        grant = self._waiting(in_progress, mogelijkmaker, fund)
        with pytest.raises(NotAllowed, match="wacht nog op goedkeuring van een manager"):
            services.dream_move(dream=in_progress, by=mogelijkmaker, target=Status.REALISED)
        in_progress.refresh_from_db()
        grant.refresh_from_db()
        assert in_progress.status == Status.IN_PROGRESS
        assert grant.state == Grant.State.AWAITING_APPROVAL
        fund.refresh_from_db()
        assert fund.committed == Decimal("3000")  # still held for the manager

    def test_once_the_manager_decided_the_dream_can_be_realised(
        self, in_progress, mogelijkmaker, manager, fund
    ):
        grant = self._waiting(in_progress, mogelijkmaker, fund)
        services.grant_decide(grant=grant, by=manager, approve=True)
        services.dream_move(dream=in_progress, by=mogelijkmaker, target=Status.REALISED)
        in_progress.refresh_from_db()
        assert in_progress.status == Status.REALISED

    def test_pausing_is_not_closing_and_stays_possible(self, in_progress, mogelijkmaker, fund):
        self._waiting(in_progress, mogelijkmaker, fund)
        services.dream_move(dream=in_progress, by=mogelijkmaker, target=Status.PAUSED)
        in_progress.refresh_from_db()
        assert in_progress.status == Status.PAUSED

    def test_approving_for_a_closed_dream_is_refused_refusing_frees_the_money(
        self, in_progress, mogelijkmaker, manager, fund
    ):
        from initiatives.models import Dream

        grant = self._waiting(in_progress, mogelijkmaker, fund)
        # A dream closed before this rule existed, with its grant still waiting.
        Dream.objects.filter(pk=in_progress.pk).update(status=Status.REALISED)
        with pytest.raises(NotAllowed, match="kan niet meer worden goedgekeurd"):
            services.grant_decide(grant=grant, by=manager, approve=True)
        grant.refresh_from_db()
        assert grant.state == Grant.State.AWAITING_APPROVAL
        services.grant_decide(grant=grant, by=manager, approve=False)
        grant.refresh_from_db()
        fund.refresh_from_db()
        assert grant.state == Grant.State.REJECTED
        assert fund.committed == Decimal("0")

    def test_the_budget_totals_by_state(self, in_progress, mogelijkmaker, manager, fund):
        services.grant_create(
            dream=in_progress, by=mogelijkmaker, fund=fund, amount=Decimal("600"), purpose="Verf"
        )
        refused = self._waiting(in_progress, mogelijkmaker, fund)
        services.grant_decide(grant=refused, by=manager, approve=False)
        self._waiting(in_progress, mogelijkmaker, fund)
        budget = selectors.dream_budget(selectors.dream_for_staff(pk=in_progress.pk))
        assert (budget["granted"], budget["waiting"], budget["refused"]) == (
            Decimal("600"),
            Decimal("3000"),
            Decimal("3000"),
        )
        purposes = [grant.purpose for grant in budget["grants"]]
        assert purposes == ["Verf", "Een speeltoestel", "Een speeltoestel"]  # oldest first


class TestGrantAsTheResidentSeesIt:
    """Issue 14, item 4: one face. A grant comes from the contact person, also when a manager
    approved it above the limit; staff still see who approved."""

    def test_an_approved_grant_comes_from_the_contact_person(
        self,
        client,
        in_conversation,
        resident,
        mogelijkmaker,
        manager,
        fund,
        django_capture_on_commit_callbacks,
    ):
        _approved_above_the_limit(
            in_conversation, mogelijkmaker, manager, fund, django_capture_on_commit_callbacks
        )

        # The resident's mail and page name Mo, their contact person, not the manager.
        [sent] = mail.outbox
        assert "Budget toegekend (Mo El Amrani)" in sent.body
        assert "Maarten Manager" not in sent.body
        shown = selectors.dream_for_resident(resident=resident, pk=in_conversation.pk)
        [event] = [e for e in shown.public_events if e.kind == EventKind.GRANT]
        assert event.shown_actor == mogelijkmaker
        client.force_login(resident)
        page = client.get(f"/mijn-dromen/{in_conversation.pk}/").content.decode()
        assert "Mo El Amrani" in page
        assert "Maarten Manager" not in page
        # Staff still see who approved: the event and the grant keep the manager.
        assert (event.actor, Grant.objects.get().decided_by) == (manager, manager)
