"""Hostile input at the application form (tests/test_hostile_input.py's machinery): never a
server error, and a refused application leaves the database exactly as it was."""

from hypothesis import given
from hypothesis import strategies as st

from initiatives.models import Application
from tests.factories import FundFactory
from tests.test_hostile_input import (  # noqa: F401 - world is a fixture
    HOSTILE,
    bodies,
    client_of,
    send,
    text_field,
    world,
)


def _fields(world) -> dict[str, list]:  # noqa: F811 - the fixture's value
    dream = world["dream"]
    return {
        "line_rows": ["5", "8", "20"],
        "dream": [str(dream.pk), "new"],
        "applicant": ["resident", "organisation"],
        "organisation_kind": ["association", "school", ""],
        "organisation_name": text_field(""),
        "kvk_number": ["12345678", "1234 5678", "1234567", ""],
        "contact_person": text_field(""),
        "signatory": text_field(""),
        "signatory_role": ["voorzitter", ""],
        "line_1_description": text_field(),
        "line_1_amount": ["1.234,50", "1234.50", "0", "-5", ""],
        "line_2_description": text_field(""),
        "line_2_amount": ["12,5", ""],
        "own_money": ["50", "", "-1"],
        "own_hours": ["40", ""],
        "other_sources": text_field(""),
        "answer_0": text_field(""),
        "dream-title": text_field(""),
        "dream-story": text_field(""),
        "dream-own_contribution": text_field(""),
        "dream-needs_from_municipality": text_field(""),
        "dream-neighbourhood": [str(world["neighbourhood"].pk), ""],
        "dream-theme": [str(world["theme"].pk), ""],
    }


@HOSTILE
@given(data=st.data())
def test_application_form(world, data):  # noqa: F811 - the fixture
    if "open_fund" not in world:
        world["open_fund"] = FundFactory(
            name="Wijkfonds",
            neighbourhood=world["neighbourhood"],
            open_for_applications=True,
            max_per_application=2500,
            criteria="Wie doen er mee?",
        )
        world["url"] = f"/fondsen/{world['open_fund'].pk}/aanvragen/"
    client = client_of(world, "resident")
    send(client, "application form", world["url"], **data.draw(bodies(_fields(world))))
    # A refusal stored nothing (send compares); whatever was accepted is whole.
    for application in Application.objects.all():
        assert application.lines.exists()
        assert application.answers.count() == 1
