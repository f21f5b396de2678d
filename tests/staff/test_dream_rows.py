"""The list's rows written in Python are the HTML the template loop wrote (kept here)."""

import re
from pathlib import Path

import pytest
from django.template import engines
from django.utils import timezone, translation

from initiatives import selectors
from initiatives.statuses import Status
from staff.dream_rows import dream_rows_html
from tests.factories import DreamFactory, ReviewFactory
from tests.staff.conftest import make_staff

pytestmark = pytest.mark.django_db

# The loop of staff/templates/staff/dream_list.html before the rows were written in Python.
TEMPLATE_LOOP = (Path(__file__).parent / "dream_rows_template_loop.html").read_text()


def _same_markup(html: str) -> str:
    """Each run of whitespace as one space: where the template has any (which a browser may
    show as a space), the rows must have some too."""
    return re.sub(r"\s+", " ", html.strip())


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_rows_are_the_html_of_the_template(db, enabler, language):
    person = make_staff("MogelijkMaker", full_name="Sanne <de> Vries")
    made = [
        DreamFactory(title='Een "speeltuin" & <bankje>', status=Status.SUBMITTED),
        DreamFactory(title="Moestuin", status=Status.PICKED_UP, contact=person),
        DreamFactory(
            title="Jeu de boules", status=Status.PAUSED, contact=make_staff(None, full_name="")
        ),
        DreamFactory(
            title="Laat", status=Status.REALISED, submitted_at=timezone.now().replace(hour=23)
        ),
    ]
    ReviewFactory(dream=made[1], customer_verdict="tension")
    dreams = selectors.staff_dream_list(user=enabler)
    with translation.override(language):  # a row names a nameless MogelijkMaker in it
        rows = selectors.dream_list_page(dreams, sort="newest").rows
        assert len(rows) == 4 and any(row.has_tension for row in rows)
        assert [d.pk for d in dreams] == [row.pk for row in rows]
        # The template read model objects; the rows are plain values now.
        theirs = engines["django"].from_string(TEMPLATE_LOOP).render({"rows": list(dreams)})
        ours = dream_rows_html(rows)
    assert _same_markup(ours) == _same_markup(theirs)
