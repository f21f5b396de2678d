"""A dream's plan (issue 17, services/plans.py): needs, contributions from many sources, and
every refusal, with nothing half-stored."""

from decimal import Decimal

import pytest
from django.utils import timezone

from initiatives import services
from initiatives.exceptions import InvalidPlan, NotAllowed
from initiatives.models import Dream, EventKind, Grant, TimelineEvent
from initiatives.partner_models import Organisation, PartnerInvitation
from initiatives.plan_models import Contribution, PlanNeed
from initiatives.statuses import Status
from tests.factories import FundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def corporation(mogelijkmaker):
    return Organisation.objects.create(
        kind=Organisation.Kind.HOUSING,
        name="Woonstichting Heusden Thuis",
        contact_name="Ria Verhuur",
        contact_email="ria@heusdenthuis.example",
        one_face=mogelijkmaker,
    )


@pytest.fixture
def grant(in_conversation, mogelijkmaker, fund):
    return services.grant_create(
        dream=in_conversation, by=mogelijkmaker, fund=fund, amount=Decimal("400"), purpose="Verf"
    )


def _need(dream, by, **kwargs):
    values = {"description": "Plantenbakken", "kind": "money", "amount": Decimal("600")}
    return services.plan_need_add(dream=dream, by=by, **{**values, **kwargs})


def _stored(dream) -> tuple:
    """What the plan holds: needs, contributions and plan events (nothing half-stored)."""
    needs = list(PlanNeed.objects.filter(dream=dream).values_list("description", "kind", "amount"))
    contributions = list(
        Contribution.objects.filter(dream=dream).values_list("source", "withdrawn_at", "need")
    )
    events = TimelineEvent.objects.filter(
        dream=dream, kind__in=[EventKind.PLAN, EventKind.CONTRIBUTION]
    ).count()
    return needs, contributions, events


class TestNeeds:
    def test_add_change_remove_each_an_internal_event(self, in_conversation, mogelijkmaker):
        need = _need(in_conversation, mogelijkmaker, description="  Plantenbakken ")
        assert (need.description, need.amount, need.hours) == (
            "Plantenbakken",
            Decimal("600"),
            None,
        )
        changed = services.plan_need_change(
            dream=in_conversation,
            by=mogelijkmaker,
            need_id=need.pk,
            description="Uren om te planten",
            kind="hours",
            amount=Decimal("99"),  # an hours need keeps no amount
            hours=Decimal("12.5"),
        )
        assert (changed.kind, changed.amount, changed.hours) == ("hours", None, Decimal("12.5"))
        services.plan_need_remove(dream=in_conversation, by=mogelijkmaker, need_id=need.pk)
        assert not PlanNeed.objects.filter(dream=in_conversation).exists()
        events = list(
            TimelineEvent.objects.filter(dream=in_conversation, kind=EventKind.PLAN).order_by("id")
        )
        assert [e.public for e in events] == [False, False, False]
        assert "Plantenbakken (€ 600,00)" in events[0].body
        assert "Uren om te planten (12,5" in events[1].body
        assert "Uren om te planten" in events[2].body

    def test_materials_with_or_without_a_value(self, in_conversation, mogelijkmaker):
        assert _need(in_conversation, mogelijkmaker, kind="materials", amount=None).amount is None
        need = _need(in_conversation, mogelijkmaker, kind="materials", hours=Decimal(3))
        assert (need.amount, need.hours) == (Decimal(600), None)

    @pytest.mark.parametrize(
        ("values", "field"),
        [
            ({"description": "   "}, "description"),
            ({"description": "x" * 201}, "description"),
            ({"kind": "love"}, "kind"),
            ({"amount": None}, "amount"),
            ({"amount": Decimal(0)}, "amount"),
            ({"amount": Decimal("-5")}, "amount"),
            ({"amount": Decimal("1.234")}, "amount"),
            ({"amount": Decimal("10000000000")}, "amount"),
            ({"kind": "hours", "hours": None}, "hours"),
            ({"kind": "hours", "hours": Decimal(0)}, "hours"),
            ({"kind": "hours", "hours": Decimal("1.25")}, "hours"),
            ({"kind": "hours", "hours": Decimal("1000000")}, "hours"),
            ({"kind": "materials", "amount": Decimal(0)}, "amount"),
        ],
    )
    def test_bad_input_is_refused_with_its_field(
        self, in_conversation, mogelijkmaker, values, field
    ):
        with pytest.raises(InvalidPlan) as refused:
            _need(in_conversation, mogelijkmaker, **values)
        assert refused.value.field == field
        assert str(refused.value)
        assert _stored(in_conversation) == ([], [], 0)

    def test_only_the_contact_person(self, in_conversation, other_mogelijkmaker, mogelijkmaker):
        with pytest.raises(NotAllowed, match="contactpersoon"):
            _need(in_conversation, other_mogelijkmaker)
        need = _need(in_conversation, mogelijkmaker)
        with pytest.raises(NotAllowed):
            services.plan_need_remove(
                dream=in_conversation, by=other_mogelijkmaker, need_id=need.pk
            )
        with pytest.raises(NotAllowed):
            services.plan_need_change(
                dream=in_conversation,
                by=other_mogelijkmaker,
                need_id=need.pk,
                description="Anders",
                kind="money",
                amount=Decimal(1),
            )
        assert _stored(in_conversation)[0] == [("Plantenbakken", "money", Decimal(600))]

    def test_not_before_pick_up_nor_after_closing(self, dream, picked_up, mogelijkmaker):
        fresh = Dream.objects.create(
            resident=dream.resident,
            neighbourhood=dream.neighbourhood,
            theme=dream.theme,
            title="Nog niet opgepakt",
            status=Status.SUBMITTED,
        )
        with pytest.raises(NotAllowed):
            _need(fresh, mogelijkmaker)
        Dream.objects.filter(pk=picked_up.pk).update(status=Status.REALISED)
        with pytest.raises(NotAllowed):
            _need(picked_up, mogelijkmaker)
        assert not PlanNeed.objects.exists()

    def test_a_covered_need_cannot_change_until_withdrawn(self, in_conversation, mogelijkmaker):
        need = _need(in_conversation, mogelijkmaker)
        contribution = services.contribution_record(
            dream=in_conversation,
            by=mogelijkmaker,
            source="other",
            other_source="Rabobank clubkas",
            kind="money",
            amount=Decimal(100),
            need_id=need.pk,
        )
        before = _stored(in_conversation)
        with pytest.raises(InvalidPlan, match="trek die eerst in"):
            services.plan_need_remove(dream=in_conversation, by=mogelijkmaker, need_id=need.pk)
        with pytest.raises(InvalidPlan, match="trek die eerst in"):
            services.plan_need_change(
                dream=in_conversation,
                by=mogelijkmaker,
                need_id=need.pk,
                description="Anders",
                kind="money",
                amount=Decimal(1),
            )
        assert _stored(in_conversation) == before
        services.contribution_withdraw(
            dream=in_conversation, by=mogelijkmaker, contribution_id=contribution.pk
        )
        services.plan_need_remove(dream=in_conversation, by=mogelijkmaker, need_id=need.pk)
        contribution.refresh_from_db()
        # The withdrawn contribution is kept, for the dream as a whole now.
        assert contribution.need is None and contribution.withdrawn_at is not None

    def test_another_dreams_need_does_not_exist(self, in_conversation, mogelijkmaker):
        need = _need(in_conversation, mogelijkmaker)
        with pytest.raises(PlanNeed.DoesNotExist):
            services.plan_need_remove(dream=in_conversation, by=mogelijkmaker, need_id=need.pk + 99)


class TestContributions:
    def test_a_grant_covers_with_its_amount_once(self, in_conversation, mogelijkmaker, grant):
        need = _need(in_conversation, mogelijkmaker)
        contribution = services.contribution_record(
            dream=in_conversation,
            by=mogelijkmaker,
            source="fund",
            kind="hours",  # a grant is money, whatever was chosen
            amount=Decimal(1),
            grant_id=grant.pk,
            need_id=need.pk,
        )
        assert (contribution.kind, contribution.amount, contribution.description) == (
            "money",
            Decimal("400.00"),
            "Verf",
        )
        assert contribution.grant == grant and contribution.recorded_by == mogelijkmaker
        event = TimelineEvent.objects.get(dream=in_conversation, kind=EventKind.CONTRIBUTION)
        assert not event.public and "Dromenfonds" in event.body and "Plantenbakken" in event.body
        before = _stored(in_conversation)
        with pytest.raises(InvalidPlan, match="al in het plan") as refused:
            services.contribution_record(
                dream=in_conversation, by=mogelijkmaker, source="fund", grant_id=grant.pk
            )
        assert refused.value.field == "grant"
        assert _stored(in_conversation) == before
        # Withdrawn, the grant may cover the plan again.
        services.contribution_withdraw(
            dream=in_conversation, by=mogelijkmaker, contribution_id=contribution.pk
        )
        services.contribution_record(
            dream=in_conversation, by=mogelijkmaker, source="fund", grant_id=grant.pk
        )

    def test_grants_from_several_funds(self, in_conversation, mogelijkmaker, grant):
        other_fund = FundFactory(name="Leefbaarheidsfonds", amount=5000)
        second = services.grant_create(
            dream=in_conversation,
            by=mogelijkmaker,
            fund=other_fund,
            amount=Decimal(250),
            purpose="Zaad",
        )
        for each in (grant, second):
            services.contribution_record(
                dream=in_conversation, by=mogelijkmaker, source="fund", grant_id=each.pk
            )
        assert sorted(
            Contribution.objects.filter(dream=in_conversation).values_list("amount", flat=True)
        ) == [Decimal(250), Decimal(400)]

    def test_only_a_granted_grant_of_this_dream(
        self, in_conversation, mogelijkmaker, fund, resident, neighbourhood, theme
    ):
        waiting = services.grant_create(
            dream=in_conversation,
            by=mogelijkmaker,
            fund=fund,
            amount=Decimal(3000),
            purpose="Groot",
        )
        assert waiting.state == Grant.State.AWAITING_APPROVAL
        elsewhere = Dream.objects.create(
            resident=resident,
            neighbourhood=neighbourhood,
            theme=theme,
            title="Een andere droom",
            status=Status.IN_CONVERSATION,
            contact=mogelijkmaker,
            picked_up_at=timezone.now(),
        )
        other = services.grant_create(
            dream=elsewhere, by=mogelijkmaker, fund=fund, amount=Decimal(10), purpose="Ander"
        )
        for grant_id in (None, waiting.pk, other.pk, 999_999):
            with pytest.raises(InvalidPlan) as refused:
                services.contribution_record(
                    dream=in_conversation, by=mogelijkmaker, source="fund", grant_id=grant_id
                )
            assert refused.value.field == "grant"
        assert not Contribution.objects.exists()

    def test_a_partner_money_hours_materials(self, in_conversation, mogelijkmaker, corporation):
        for kind, values in (
            ("money", {"amount": Decimal(500)}),
            ("hours", {"hours": Decimal("6.5")}),
            ("materials", {"description": "Tuinaarde", "amount": None}),
        ):
            services.contribution_record(
                dream=in_conversation,
                by=mogelijkmaker,
                source="partner",
                organisation_id=corporation.pk,
                kind=kind,
                **values,
            )
        assert list(
            Contribution.objects.filter(dream=in_conversation).values_list(
                "kind", "amount", "hours", "organisation"
            )
        ) == [
            ("money", Decimal(500), None, corporation.pk),
            ("hours", None, Decimal("6.5"), corporation.pk),
            ("materials", None, None, corporation.pk),
        ]

    def test_an_inactive_or_withdrawn_partner_is_refused(
        self, in_conversation, mogelijkmaker, corporation
    ):
        def record():
            return services.contribution_record(
                dream=in_conversation,
                by=mogelijkmaker,
                source="partner",
                organisation_id=corporation.pk,
                kind="money",
                amount=Decimal(5),
            )

        invitation = PartnerInvitation.objects.create(
            dream=in_conversation,
            organisation=corporation,
            email=corporation.contact_email,
            invited_by=mogelijkmaker,
            token_hash="a" * 64,
            expires_at=timezone.now() + timezone.timedelta(days=30),
            withdrawn_at=timezone.now(),
        )
        with pytest.raises(InvalidPlan, match="opnieuw uit") as refused:
            record()
        assert refused.value.field == "organisation"
        invitation.withdrawn_at = None
        invitation.save()
        record()  # invited again: fine
        Organisation.objects.filter(pk=corporation.pk).update(active=False)
        with pytest.raises(InvalidPlan, match="actief"):
            record()
        for organisation_id in (None, 999_999):
            with pytest.raises(InvalidPlan):
                services.contribution_record(
                    dream=in_conversation,
                    by=mogelijkmaker,
                    source="partner",
                    organisation_id=organisation_id,
                    kind="money",
                    amount=Decimal(5),
                )
        assert Contribution.objects.count() == 1

    def test_the_residents_own_hours_and_someone_else(self, in_conversation, mogelijkmaker):
        need = _need(in_conversation, mogelijkmaker, kind="hours", amount=None, hours=Decimal(20))
        mine = services.contribution_record(
            dream=in_conversation,
            by=mogelijkmaker,
            source="residents",
            kind="hours",
            hours=Decimal(16),
            need_id=need.pk,
            organisation_id=123,  # ignored: not a partner
            other_source="ignored",
        )
        assert (mine.organisation, mine.other_source, mine.need) == (None, "", need)
        other = services.contribution_record(
            dream=in_conversation,
            by=mogelijkmaker,
            source="other",
            other_source="  Kerk aan de Markt ",
            kind="money",
            amount=Decimal(75),
        )
        assert (other.other_source, other.need) == ("Kerk aan de Markt", None)

    @pytest.mark.parametrize(
        ("values", "field"),
        [
            ({"source": "bank"}, "source"),
            ({"kind": "love"}, "kind"),
            ({"kind": "money", "amount": None}, "amount"),
            ({"kind": "money", "amount": Decimal(0)}, "amount"),
            ({"kind": "hours", "hours": None}, "hours"),
            ({"kind": "hours", "hours": Decimal("-1")}, "hours"),
            ({"kind": "materials", "description": " "}, "description"),
            ({"source": "other", "other_source": "  "}, "other_source"),
            ({"source": "other", "other_source": "x" * 151}, "other_source"),
            ({"description": "x" * 301}, "description"),
            ({"need_id": 999_999}, "need"),
            # measured alike: hours cover hours, euros cover euros
            ({"kind": "hours", "hours": Decimal(2), "need": "money"}, "need"),
            ({"kind": "money", "amount": Decimal(2), "need": "hours"}, "need"),
            (
                {"kind": "materials", "description": "Hout", "amount": None, "need": "money"},
                "amount",
            ),
        ],
    )
    def test_bad_input_is_refused_with_its_field(
        self, in_conversation, mogelijkmaker, values, field
    ):
        needs = {
            "money": _need(in_conversation, mogelijkmaker),
            "hours": _need(
                in_conversation, mogelijkmaker, kind="hours", amount=None, hours=Decimal(4)
            ),
        }
        given = {"source": "residents", "kind": "money", "amount": Decimal(10), **values}
        if "need" in given:
            given["need_id"] = needs[given.pop("need")].pk
        before = _stored(in_conversation)
        with pytest.raises(InvalidPlan) as refused:
            services.contribution_record(dream=in_conversation, by=mogelijkmaker, **given)
        assert refused.value.field == field
        assert _stored(in_conversation) == before

    def test_only_the_contact_person_records_and_withdraws(
        self, in_conversation, mogelijkmaker, other_mogelijkmaker
    ):
        with pytest.raises(NotAllowed):
            services.contribution_record(
                dream=in_conversation,
                by=other_mogelijkmaker,
                source="residents",
                kind="hours",
                hours=Decimal(1),
            )
        mine = services.contribution_record(
            dream=in_conversation, by=mogelijkmaker, source="residents", kind="hours", hours=1
        )
        with pytest.raises(NotAllowed):
            services.contribution_withdraw(
                dream=in_conversation, by=other_mogelijkmaker, contribution_id=mine.pk
            )
        mine.refresh_from_db()
        assert mine.withdrawn_at is None

    def test_withdrawing_keeps_it_and_twice_is_refused(
        self, in_conversation, mogelijkmaker, corporation
    ):
        # One the partner recorded through their link: the contact person may withdraw it too.
        invitation = PartnerInvitation.objects.create(
            dream=in_conversation,
            organisation=corporation,
            email=corporation.contact_email,
            invited_by=mogelijkmaker,
            token_hash="b" * 64,
            expires_at=timezone.now() + timezone.timedelta(days=30),
        )
        pledged = Contribution.objects.create(
            dream=in_conversation,
            source="partner",
            organisation=corporation,
            invitation=invitation,
            kind="hours",
            hours=Decimal(8),
        )
        withdrawn = services.contribution_withdraw(
            dream=in_conversation, by=mogelijkmaker, contribution_id=pledged.pk
        )
        assert withdrawn.withdrawn_at is not None
        event = TimelineEvent.objects.get(dream=in_conversation, kind=EventKind.CONTRIBUTION)
        assert not event.public and "Woonstichting Heusden Thuis" in event.body
        with pytest.raises(InvalidPlan, match="al ingetrokken"):
            services.contribution_withdraw(
                dream=in_conversation, by=mogelijkmaker, contribution_id=pledged.pk
            )
        assert Contribution.objects.filter(pk=pledged.pk).exists()
        assert TimelineEvent.objects.filter(kind=EventKind.CONTRIBUTION).count() == 1

    def test_another_dreams_contribution_does_not_exist(
        self, in_conversation, mogelijkmaker, resident, neighbourhood, theme
    ):
        elsewhere = Dream.objects.create(
            resident=resident,
            neighbourhood=neighbourhood,
            theme=theme,
            title="Een andere droom",
            status=Status.IN_CONVERSATION,
            contact=mogelijkmaker,
            picked_up_at=timezone.now(),
        )
        theirs = services.contribution_record(
            dream=elsewhere, by=mogelijkmaker, source="residents", kind="hours", hours=2
        )
        with pytest.raises(Contribution.DoesNotExist):
            services.contribution_withdraw(
                dream=in_conversation, by=mogelijkmaker, contribution_id=theirs.pk
            )
