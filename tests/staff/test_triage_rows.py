"""The triage queue's rows written in Python are the HTML the template loop wrote (kept here)."""

import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone, translation

from initiatives import selectors
from initiatives.models import EventKind, TimelineEvent
from staff.triage_rows import triage_rows_html
from tests.factories import DreamFactory

pytestmark = pytest.mark.django_db

# The loop of staff/templates/staff/triage.html before the rows were written in Python.
TEMPLATE_LOOP = (Path(__file__).parent / "triage_rows_template_loop.html").read_text()
HOSTILE = '<script>alert("x")</script> & "bankje"'


def _same_markup(html: str) -> str:
    """Each run of whitespace as one space (where the template has any, the rows have some)."""
    return re.sub(r"\s+", " ", html.strip())


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("can_pick_up", [True, False])
def test_the_rows_are_the_html_of_the_template(db, language, can_pick_up):
    now = timezone.now()
    hostile = DreamFactory(title=HOSTILE, submitted_at=now - timedelta(days=40))
    hostile.neighbourhood.name = "<b>Drunen</b>"
    hostile.neighbourhood.save()
    DreamFactory(title="Gisteren", submitted_at=now - timedelta(days=1))
    DreamFactory(title="Vandaag", submitted_at=now)
    TimelineEvent.objects.create(
        dream=hostile, kind=EventKind.MESSAGE_FROM_RESIDENT, public=True, body="Hallo?"
    )
    waiting = selectors.waiting_to_pick_up(shown=50)
    rows = waiting.rows
    assert len(rows) == 3 and rows[0].late and not rows[-1].late
    assert rows[0].dream.resident_wrote and not rows[1].dream.resident_wrote
    assert {row.age for row in rows} >= {0}  # "0 werkdagen" as well as a late one
    request = RequestFactory().get("/medewerkers/nieuwe-dromen/")
    token = "tok<en>"  # escaped like any value
    # The template read model objects; the rows are plain values now.
    models = {dream.pk: dream for dream in selectors.triage_queue()}
    as_models = replace(waiting, rows=[replace(r, dream=models[r.dream.pk]) for r in rows])
    with translation.override(language):
        theirs = (
            engines["django"]
            .from_string(TEMPLATE_LOOP)
            .render(
                {
                    "waiting": as_models,
                    "staff_can": {"dream_work": can_pick_up},
                    "csrf_token": token,
                },
                request,
            )
        )
        ours = triage_rows_html(rows, can_pick_up=can_pick_up, csrf_token=token)
    assert _same_markup(ours) == _same_markup(theirs)
    assert "<script>" not in ours and "&lt;script&gt;" in ours
    assert "<b>Drunen</b>" not in ours
    assert ("csrfmiddlewaretoken" in ours) is can_pick_up
