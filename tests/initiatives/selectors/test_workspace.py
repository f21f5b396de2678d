"""The workspace's summary: the promised days, whether they were kept, and the budget."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from initiatives import promises, selectors, services
from initiatives.models import Grant, ServicePromises
from tests.factories import DreamFactory, FundFactory, StaffFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=AMSTERDAM)


def test_the_summary_names_the_promised_days_and_the_budget(mogelijkmaker):
    dream = DreamFactory(submitted_at=MONDAY)
    promised = promises.current()
    with time_machine.travel(datetime(2026, 3, 3, 9, 0, tzinfo=AMSTERDAM), tick=False):
        summary = selectors.workspace_summary(selectors.dream_for_staff(pk=dream.pk), promised)
    pick_up_by = promises.pick_up_deadline(MONDAY, promised)
    assert summary["pick_up"] == {"deadline": pick_up_by, "done": None, "late": False}
    assert summary["first_contact"] is None  # no clock runs before the dream is picked up
    assert (summary["granted"], summary["awaiting"]) == (Decimal(0), Decimal(0))

    # Picked up a week after the deadline: the promise is broken; first contact's clock runs.
    late = datetime(2026, 3, 20, 9, 0, tzinfo=AMSTERDAM)
    with time_machine.travel(late, tick=False):
        services.dream_pick_up(dream=dream, by=mogelijkmaker)
        summary = selectors.workspace_summary(selectors.dream_for_staff(pk=dream.pk), promised)
    assert summary["pick_up"] == {"deadline": pick_up_by, "done": date(2026, 3, 20), "late": True}
    contact_by = promises.first_contact_deadline(late, promised)
    assert contact_by > date(2026, 3, 20)
    assert summary["first_contact"] == {"deadline": contact_by, "done": None, "late": False}


def test_the_budget_adds_up_granted_and_waiting_grants(mogelijkmaker):
    dream = DreamFactory()
    services.dream_pick_up(dream=dream, by=mogelijkmaker)
    fund = FundFactory(amount=10000)
    manager = StaffFactory()
    for amount, state in (("100", "granted"), ("50.50", "granted"), ("3000", "awaiting_approval")):
        Grant.objects.create(
            dream=dream,
            fund=fund,
            amount=Decimal(amount),
            purpose="x",
            state=state,
            requested_by=mogelijkmaker,
            decided_by=manager if state == "granted" else None,
        )
    Grant.objects.create(
        dream=dream,
        fund=fund,
        amount=Decimal(9),
        purpose="x",
        state="rejected",
        requested_by=mogelijkmaker,
    )
    summary = selectors.workspace_summary(
        selectors.dream_for_staff(pk=dream.pk), promises.current()
    )
    assert (summary["granted"], summary["awaiting"]) == (Decimal("150.50"), Decimal("3000"))


def test_the_workspace_reads_the_service_promises_with_the_dream():
    def shown(promised):
        return (
            promised.pk,
            promised.pick_up_working_days,
            promised.first_contact_working_days,
            promised.silence_days,
            promised.grant_approval_limit,
        )

    dream = DreamFactory()
    ServicePromises.objects.all().delete()  # none saved yet: the environment's
    read = selectors.dream_for_staff(pk=dream.pk)
    assert shown(selectors.workspace_promises(read)) == shown(promises.current())
    saved = ServicePromises.objects.create(
        pk=1,
        pick_up_working_days=7,
        first_contact_working_days=9,
        silence_days=30,
        grant_approval_limit=Decimal("1234.50"),
    )
    read = selectors.dream_for_staff(pk=dream.pk)
    assert shown(selectors.workspace_promises(read)) == shown(saved)
