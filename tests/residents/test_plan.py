"""What is arranged (issue 17): the resident reads on their dream page per need whether it is
covered and who helps, not what each source gives, and nothing withdrawn."""

from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.roles import Role
from initiatives import services
from initiatives.partner_models import Organisation
from initiatives.statuses import Status
from tests.factories import DreamFactory, FundFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_the_resident_sees_what_is_covered_and_who_helps(client, resident, neighbourhood, theme):
    enabler = StaffFactory(full_name="Sanne de Vries", roles=[Role.ENABLER])
    dream = DreamFactory(
        resident=resident,
        neighbourhood=neighbourhood,
        theme=theme,
        status=Status.IN_PROGRESS,
        contact=enabler,
        picked_up_at=timezone.now(),
    )
    shop = Organisation.objects.create(
        kind="business",
        name="Bouwmarkt Van Dijk",
        contact_name="Kees",
        contact_email="kees@example.nl",
        one_face=enabler,
    )
    grant = services.grant_create(
        dream=dream,
        by=enabler,
        fund=FundFactory(name="Dromenfonds"),
        amount=Decimal(400),
        purpose="Bakken",
    )
    boxes = services.plan_need_add(
        dream=dream, by=enabler, description="Plantenbakken", kind="money", amount=Decimal(1000)
    )
    work = services.plan_need_add(
        dream=dream, by=enabler, description="Aanleggen", kind="hours", hours=Decimal(20)
    )
    services.contribution_record(
        dream=dream, by=enabler, source="fund", grant_id=grant.pk, need_id=boxes.pk
    )
    withdrawn = services.contribution_record(
        dream=dream,
        by=enabler,
        source="partner",
        organisation_id=shop.pk,
        kind="money",
        amount=Decimal(600),
        need_id=boxes.pk,
    )
    services.contribution_withdraw(dream=dream, by=enabler, contribution_id=withdrawn.pk)
    services.contribution_record(
        dream=dream, by=enabler, source="residents", kind="hours", hours=20, need_id=work.pk
    )
    client.force_login(resident)
    content = client.get(f"/mijn-dromen/{dream.pk}/").content.decode()
    assert "Wat er al geregeld is" in content
    assert "€\xa0400,00 van €\xa01.000,00 geregeld\n      (Dromenfonds)" in content
    assert "<strong>Aanleggen</strong>:\n      geregeld" in content and "jij en je buren" in content
    assert "Bouwmarkt Van Dijk" not in content  # withdrawn: not counted, not shown
