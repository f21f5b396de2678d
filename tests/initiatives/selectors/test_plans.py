"""A dream's plan as the workspace reads it (selectors/plans.py): per need what covers it
and what is open, several funds, partners' and residents' hours, the totals per source, in
one query; and the partners' contributions of a period, for the weekly report."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives import selectors, services
from initiatives.partner_models import Organisation, PartnerInvitation
from initiatives.plan_models import Contribution
from initiatives.selectors import plans
from initiatives.statuses import Status
from tests.factories import DreamFactory, FundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_conversation(resident, neighbourhood, theme, mogelijkmaker):
    return DreamFactory(
        resident=resident,
        neighbourhood=neighbourhood,
        theme=theme,
        status=Status.IN_CONVERSATION,
        contact=mogelijkmaker,
        picked_up_at=timezone.now(),
        first_contact_at=timezone.now(),
    )


@pytest.fixture
def fund(db):
    return FundFactory(name="Dromenfonds", amount=Decimal("10000.00"))


@pytest.fixture
def world(in_conversation, mogelijkmaker, fund):
    """A plan with a money need (two grants from two funds and a partner), an hours need
    (the residents' and a partner's hours), materials without a value (a business), a need
    nobody covers yet, and contributions to the dream as a whole (one withdrawn)."""
    dream, by = in_conversation, mogelijkmaker
    corporation = Organisation.objects.create(
        kind="housing",
        name="Woonstichting Heusden Thuis",
        contact_name="Ria",
        contact_email="ria@example.nl",
        one_face=by,
    )
    shop = Organisation.objects.create(
        kind="business",
        name="Bouwmarkt Van Dijk",
        contact_name="Kees",
        contact_email="kees@example.nl",
        one_face=by,
    )
    Organisation.objects.create(
        kind="school",
        name="Oude school",
        contact_name="x",
        contact_email="x@example.nl",
        one_face=by,
        active=False,
    )
    other_fund = FundFactory(name="Leefbaarheidsfonds", amount=5000)
    grants = [
        services.grant_create(dream=dream, by=by, fund=f, amount=Decimal(a), purpose=p)
        for f, a, p in ((fund, "400", "Verf"), (other_fund, "250", "Zaad"))
    ]
    money = services.plan_need_add(
        dream=dream, by=by, description="Bankjes", kind="money", amount=Decimal("1000")
    )
    hours = services.plan_need_add(
        dream=dream, by=by, description="Aanleggen", kind="hours", hours=Decimal(30)
    )
    wood = services.plan_need_add(dream=dream, by=by, description="Hout", kind="materials")
    open_need = services.plan_need_add(
        dream=dream, by=by, description="Feest", kind="money", amount=Decimal("150")
    )

    def record(**kwargs):
        return services.contribution_record(dream=dream, by=by, **kwargs)

    for grant in grants:
        record(source="fund", grant_id=grant.pk, need_id=money.pk)
    record(
        source="partner", organisation_id=corporation.pk, kind="money", amount=500, need_id=money.pk
    )
    record(source="residents", kind="hours", hours=Decimal("24.5"), need_id=hours.pk)
    record(
        source="partner", organisation_id=corporation.pk, kind="hours", hours=8, need_id=hours.pk
    )
    record(
        source="partner",
        organisation_id=shop.pk,
        kind="materials",
        description="Steigerhout",
        need_id=wood.pk,
    )
    record(source="other", other_source="Kerk", kind="money", amount=Decimal("75.50"))
    withdrawn = record(source="residents", kind="money", amount=Decimal(20))
    services.contribution_withdraw(dream=dream, by=by, contribution_id=withdrawn.pk)
    return {
        "dream": dream,
        "needs": (money, hours, wood, open_need),
        "grants": grants,
        "corporation": corporation,
        "shop": shop,
    }


def test_per_need_what_covers_it_and_what_is_open(world):
    plan = selectors.dream_plan(world["dream"])
    money, hours, wood, party = plan.needs
    assert [c.who for c in money.contributions] == [
        "Dromenfonds",
        "Leefbaarheidsfonds",
        "Woonstichting Heusden Thuis",
    ]
    # 400 + 250 + 500 covers the 1000 needed: more than enough is covered, nothing open.
    assert (money.covered, money.open, money.is_covered) == (Decimal(1150), 0, True)
    assert (hours.covered, hours.open, hours.is_covered) == (Decimal("32.5"), 0, True)
    assert [c.who for c in wood.contributions] == ["Bouwmarkt Van Dijk"]
    assert (wood.open, wood.is_covered) == (None, True)
    assert (party.covered, party.open, party.is_covered, party.may_change) == (0, 150, False, True)
    assert not money.may_change
    assert [(c.who, c.amount) for c in plan.loose] == [("Kerk", Decimal("75.50"))]
    assert [(c.source, c.amount) for c in plan.withdrawn] == [("residents", Decimal(20))]
    assert plan.grant_ids == {g.pk for g in world["grants"]}
    assert plan.partners is None


def test_totals_and_per_source(world):
    plan = selectors.dream_plan(world["dream"])
    assert plan.totals == {
        "needed_amount": Decimal(1150),
        "covered_amount": Decimal(1000),  # what the bench got beyond 1000 covers nothing else
        "open_amount": Decimal(150),
        "needed_hours": Decimal(30),
        "covered_hours": Decimal(30),
        "open_hours": Decimal(0),
    }
    sources = {row["source"]: row for row in plan.by_source}
    assert (sources["fund"]["money"], sources["fund"]["hours"]) == (Decimal(650), 0)
    assert (sources["partner"]["money"], sources["partner"]["hours"]) == (Decimal(500), 8)
    assert sources["partner"]["materials"] == 0  # the wood has no value given
    assert (sources["residents"]["money"], sources["residents"]["hours"]) == (0, Decimal("24.5"))
    assert sources["other"]["money"] == Decimal("75.50")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one query is PostgreSQL's")
def test_one_query_with_the_partners_for_the_form(world):
    with CaptureQueriesContext(connection) as queries:
        plan = selectors.dream_plan(world["dream"], with_partners=True)
        assert len(plan.needs) == 4
    assert len(queries.captured_queries) == 1
    # Active partners only, by name.
    assert [name for _pk, name in plan.partners] == [
        "Bouwmarkt Van Dijk",
        "Woonstichting Heusden Thuis",
    ]


def test_portable_reading_gives_the_same_plan(world, monkeypatch):
    """Read the other way (SQLite: no JSON arrays), the plan is the same."""
    on_postgresql = selectors.dream_plan(world["dream"], with_partners=True)

    class Other:
        vendor = "another"

    monkeypatch.setattr(plans, "connection", Other)
    assert selectors.dream_plan(world["dream"], with_partners=True) == on_postgresql


def test_an_empty_plan(in_conversation):
    plan = selectors.dream_plan(in_conversation)
    assert plan.is_empty and plan.needs == [] and plan.totals["needed_amount"] == 0


def test_a_partners_own_contribution_counts_the_same(world, mogelijkmaker):
    """Recorded through the partner's link (services.partners): same table, same counting."""
    dream, corporation = world["dream"], world["corporation"]
    invitation = PartnerInvitation.objects.create(
        dream=dream,
        organisation=corporation,
        email="ria@example.nl",
        invited_by=mogelijkmaker,
        token_hash="c" * 64,
        expires_at=timezone.now() + timedelta(days=30),
    )
    Contribution.objects.create(
        dream=dream,
        need=world["needs"][3],
        source="partner",
        organisation=corporation,
        invitation=invitation,
        kind="money",
        amount=Decimal(150),
    )
    plan = selectors.dream_plan(dream)
    party = plan.needs[3]
    assert party.is_covered and party.contributions[0].through_link
    assert party.contributions[0].recorded_by == ""
    assert plan.totals["open_amount"] == 0
