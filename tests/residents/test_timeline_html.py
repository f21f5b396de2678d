"""The resident's timeline written in Python is the HTML the template loop wrote (kept here)."""

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.utils import translation

from initiatives import selectors
from initiatives.models import Decision, Dream, EventKind, TimelineEvent
from initiatives.statuses import Status
from residents.timeline import resident_timeline_html
from tests.staff.conftest import make_staff

pytestmark = pytest.mark.django_db

# The loop of residents/templates/residents/dream_detail.html before residents/timeline.py.
TEMPLATE_LOOP = (Path(__file__).parent / "timeline_template_loop.html").read_text()
HOSTILE = "<script>alert('x')</script> & \"meer\"\r\nregel\rdrie"


def _same_markup(html: str) -> str:
    """Each run of white space as one space (a browser shows any run as one)."""
    return re.sub(r"\s+", " ", html.strip())


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_events_are_the_html_of_the_template(dream, resident, language):
    contact = make_staff("MogelijkMaker", full_name="<b>Mo</b> & co")
    advisor = make_staff("Communicatieadviseur", full_name="")
    Dream.objects.filter(pk=dream.pk).update(contact=contact, status=Status.NOT_POSSIBLE)
    Decision.objects.create(
        dream=dream,
        reasons="r",
        proposed_by=contact,
        state=Decision.State.SIGNED,
        letter="brief",
        signed_by=advisor,
        signed_at=datetime(2026, 3, 1, tzinfo=ZoneInfo("UTC")),
        other_help=HOSTILE,
    )
    start = datetime(2026, 1, 31, 23, 30, tzinfo=ZoneInfo("UTC"))  # 1 February here
    people = [resident, contact, advisor, None]
    for n, kind in enumerate([*EventKind.values, "something_old"]):
        TimelineEvent.objects.create(
            dream=dream,
            kind=kind,
            public=True,
            actor=people[n % 4],
            created_at=start + timedelta(days=9 * n, minutes=n),
            body="" if n % 3 == 0 else HOSTILE,
            **(
                {"from_status": Status.IN_CONVERSATION, "to_status": Status.IN_PROGRESS}
                if kind == EventKind.STATUS_CHANGED
                else {}
            ),
        )
    TimelineEvent.objects.create(
        dream=dream, kind=EventKind.STATUS_CHANGED, public=True, to_status="<i>oud</i>",
        created_at=start,
    )  # fmt: skip
    TimelineEvent.objects.create(dream=dream, kind=EventKind.NOTE, public=False, body="intern")
    read = selectors.dream_for_resident(resident=resident, pk=dream.pk)
    decision = selectors.decision_signed_for(read)
    with translation.override(language):
        context = {"dream": read, "decision": decision}
        theirs = engines["django"].from_string(TEMPLATE_LOOP).render(context)
        ours = resident_timeline_html(read, decision)
    assert _same_markup(ours) == _same_markup(theirs)
    assert ours.count("<li ") == len(EventKind.values) + 2  # not the internal note
    assert "<script>" not in ours and "<b>" not in ours and "<i>" not in ours
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;meer&quot;<br>" in ours
    assert ours.count('class="portal-panel portal-panel--quiet"') == 1  # below the letter
    assert {"nl": "· jij", "en": "· you"}[language] in ours
    assert "intern" not in ours
