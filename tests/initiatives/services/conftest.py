"""Fixtures shared by the service tests: a dream picked up, in conversation, a fund."""

from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from initiatives.models import Dream
from initiatives.statuses import Status
from tests.factories import DreamFactory, FundFactory


@pytest.fixture
def picked_up(resident, neighbourhood, theme, mogelijkmaker):
    """A dream Mo picked up, before the first contact moment."""
    return DreamFactory(
        resident=resident,
        neighbourhood=neighbourhood,
        theme=theme,
        status=Status.PICKED_UP,
        contact=mogelijkmaker,
        picked_up_at=timezone.now(),
    )


@pytest.fixture
def in_conversation(picked_up):
    Dream.objects.filter(pk=picked_up.pk).update(
        status=Status.IN_CONVERSATION, first_contact_at=timezone.now()
    )
    picked_up.refresh_from_db()
    return picked_up


@pytest.fixture
def fund(db):
    return FundFactory(name="Dromenfonds", amount=Decimal("10000.00"))


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; on CI the suite runs there")
