"""The demo data has one exception still to discuss and one dilemma discussed (issue 17), on
two demo dreams, each with its internal timeline event; run twice, once."""

import io

import pytest
from django.core.management import call_command

from initiatives import selectors
from initiatives.dilemma_models import Dilemma
from initiatives.models import EventKind, TimelineEvent

pytestmark = pytest.mark.django_db


def test_the_demo_dilemmas(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for _ in range(2):
        call_command(
            "demo_data", "--i-know-this-is-not-production", "--quiet-accounts", stdout=io.StringIO()
        )
    [open_item] = selectors.dilemmas_open()
    assert open_item.kind == Dilemma.Kind.EXCEPTION and open_item.rule
    assert open_item.recorded_by == open_item.dream.contact
    [discussed] = selectors.dilemmas_discussed()
    assert discussed.kind == Dilemma.Kind.DILEMMA
    assert discussed.outcome == Dilemma.Outcome.NO_NEW_RULE and discussed.outcome_note
    assert discussed.dream_id != open_item.dream_id
    events = TimelineEvent.objects.filter(kind__in=[EventKind.DILEMMA, EventKind.DILEMMA_DISCUSSED])
    assert events.count() == 3 and not events.filter(public=True).exists()
