"""The workload page's figures per MogelijkMaker (initiatives/selectors/staff_workload.py)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import Role
from initiatives import selectors
from initiatives.statuses import Status
from tests.factories import DreamFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_workload_counts_open_overdue_and_silent_dreams_per_mogelijkmaker(
    mogelijkmaker, other_mogelijkmaker, communications_advisor
):
    mogelijkmaker.groups.add(Group.objects.get_or_create(name=Role.MANAGER)[0])  # two roles
    idle = StaffFactory(full_name="Zeno Zonderwerk", roles=[Role.ENABLER])
    StaffFactory(full_name="Oud Collega", roles=[Role.ENABLER], is_active=False)
    now = timezone.now()
    recent = now - timedelta(hours=1)

    def care(status, contact=mogelijkmaker, **extra):
        DreamFactory(
            status=status,
            contact=contact,
            picked_up_at=extra.pop("picked_up_at", recent),
            last_public_update_at=extra.pop("last_public_update_at", recent),
            **extra,
        )

    care(Status.PICKED_UP, picked_up_at=now - timedelta(days=30))  # no first contact: overdue
    care(Status.PICKED_UP, first_contact_at=recent)
    care(Status.IN_CONVERSATION, last_public_update_at=now - timedelta(days=20))  # silent
    care(Status.IN_PROGRESS)
    care(Status.PAUSED, last_public_update_at=now - timedelta(days=30))  # silent
    care(Status.REALISED, last_public_update_at=now - timedelta(days=90))  # closed: not counted
    care(Status.WITHDRAWN)
    care(Status.IN_CONVERSATION, contact=other_mogelijkmaker)
    DreamFactory(status=Status.SUBMITTED, submitted_at=now - timedelta(days=30))  # nobody's yet

    rows = {
        user.full_name: {
            "open": user.n_open,
            "picked_up": user.n_picked_up,
            "in_conversation": user.n_in_conversation,
            "in_progress": user.n_in_progress,
            "paused": user.n_paused,
            "overdue": user.n_overdue,
            "silent": user.n_silent,
        }
        for user in selectors.workload()
    }

    assert list(rows) == ["Mo El Amrani", "Petra Jansen", "Zeno Zonderwerk"]
    assert rows["Mo El Amrani"] == {
        "open": 5,
        "picked_up": 2,
        "in_conversation": 1,
        "in_progress": 1,
        "paused": 1,
        "overdue": 1,
        "silent": 2,
    }
    assert rows["Petra Jansen"] == {
        "open": 1,
        "picked_up": 0,
        "in_conversation": 1,
        "in_progress": 0,
        "paused": 0,
        "overdue": 0,
        "silent": 0,
    }
    assert set(rows["Zeno Zonderwerk"].values()) == {0}
    assert idle.full_name in rows
