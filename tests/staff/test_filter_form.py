"""The list's filter querysets are built once per process and never read themselves."""

import pytest

from staff.forms import DreamFilterForm, HandOverForm, _filter_querysets
from tests.factories import NeighbourhoodFactory
from tests.staff.conftest import make_staff

pytestmark = pytest.mark.django_db


def test_each_form_reads_its_own_copy_and_sees_new_rows(enabler):
    place = NeighbourhoodFactory()
    first = DreamFilterForm({"neighbourhood": place.pk, "contact": enabler.pk})
    assert first.is_valid(), first.errors
    str(first["contact"]), str(HandOverForm()["to"])  # read their options
    assert all(qs._result_cache is None for qs in _filter_querysets().values())
    # A MogelijkMaker and a neighbourhood added later are choices of the next form.
    newcomer, later = make_staff("MogelijkMaker"), NeighbourhoodFactory()
    second = DreamFilterForm({"neighbourhood": later.pk, "contact": newcomer.pk})
    assert second.is_valid(), second.errors
    assert HandOverForm({"handover-to": newcomer.pk, "handover-note": "Graag"}).is_valid()
    assert not HandOverForm(
        {"handover-to": newcomer.pk, "handover-note": "Graag"}, exclude=newcomer
    ).is_valid()
