"""The lists forms choose from and the service promises (initiatives/selectors/reference.py)."""

from decimal import Decimal

import pytest

from initiatives import selectors, services
from initiatives.models import ServicePromises

pytestmark = pytest.mark.django_db


def test_the_service_promises_are_read_and_never_written(settings, django_assert_num_queries):
    ServicePromises.objects.all().delete()  # as before the first `migrate` made the row
    settings.PROMISE_PICK_UP_WORKING_DAYS = 4

    with django_assert_num_queries(1):  # one SELECT; no INSERT
        promises = selectors.service_promises()

    assert not ServicePromises.objects.exists()
    assert promises._state.adding  # an unsaved stand-in with the environment's defaults
    assert promises.pick_up_working_days == 4
    assert promises.first_contact_working_days == settings.PROMISE_FIRST_CONTACT_WORKING_DAYS
    assert promises.silence_days == settings.PROMISE_SILENCE_DAYS
    assert promises.grant_approval_limit == Decimal(settings.GRANT_APPROVAL_LIMIT)


def test_the_service_promises_are_the_administrators_once_saved():
    services.service_promises_ensure()
    ServicePromises.objects.filter(pk=1).update(silence_days=9)
    assert selectors.service_promises().silence_days == 9
