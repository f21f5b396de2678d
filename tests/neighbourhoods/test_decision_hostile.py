# ruff: noqa: F811 - the fixtures of tests/neighbourhoods/decision_world.py, imported
"""Hostile input at the forms of deciding together (issue 16, item 4), with the strategies of
tests/test_hostile_input.py: never a server error, and a refused post stores nothing."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from initiatives.models import Application, ApplicationAdvice, BudgetLine, Grant
from tests.neighbourhoods.decision_world import (  # noqa: F401 - fixtures
    SLUG,
    applications,
    chair,
    contact,
    funds,
    platform,
    signed_in,
)
from tests.test_hostile_input import HOSTILE, hostile_key, hostile_value

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        list(
            Application.objects.order_by("pk").values_list("pk", "state", "granted", "frame_note")
        ),
        list(BudgetLine.objects.order_by("pk").values_list("pk", "granted")),
        ApplicationAdvice.objects.count(),
        Grant.objects.count(),
    )


def _form(application, names):
    keys = [f"line_{line.pk}" for line in application.lines.all()] + names
    return st.dictionaries(
        st.one_of(st.sampled_from(keys), hostile_key), hostile_value, max_size=len(keys) + 2
    )


def _post_hostile(client, url, data):
    before = _snapshot()
    response = client.post(url, data)
    assert response.status_code < 500
    if response.status_code != 302:
        assert _snapshot() == before, data


ADVICE = ["verdict", "conditions", "reasons", "participants"]
DECISION = ["reasons", "not_funded"]
FRAME = ["frame-fits", "frame-note"]


@HOSTILE
@given(data=st.data())
def test_the_chairs_forms(applications, chair, data):
    client = signed_in(chair)
    advice, decided = applications["advice"], applications["platform"]
    _post_hostile(
        client, f"/wijken/{SLUG}/aanvragen/{advice.pk}/advies/", data.draw(_form(advice, ADVICE))
    )
    _post_hostile(
        client,
        f"/wijken/{SLUG}/aanvragen/{decided.pk}/besluit/",
        data.draw(_form(decided, DECISION)),
    )


@HOSTILE
@given(data=st.data())
def test_the_mogelijkmakers_forms(applications, contact, data):
    client = signed_in(contact)
    staff, frame = applications["staff"], applications["frame"]
    _post_hostile(
        client, f"/medewerkers/aanvragen/{staff.pk}/besluit/", data.draw(_form(staff, DECISION))
    )
    _post_hostile(
        client, f"/medewerkers/aanvragen/{frame.pk}/kader/", data.draw(_form(frame, FRAME))
    )
