"""Hostile input at the quotas and panel pages of a citizens' assembly (issue 18), as
tests/test_hostile_input.py throws it at every other form: never a server error, and a
refused submission stores nothing."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from initiatives.assembly_models import AssemblyFeatureValue, Participant
from tests import test_hostile_input as hostile
from tests.assembly_panel_world import make_assembly, register_many
from tests.test_hostile_input import HOSTILE, bodies, client_of, hostile_text, send

# The other hostile tests' world (a MogelijkMaker with their signed-in client) and limits.
world = hostile.world
_room_to_try = hostile._room_to_try

pytestmark = pytest.mark.django_db

NUMBERS = ["0", "1", "2", "3", "6", "", "-1", "1,5", "9" * 30]


@pytest.fixture
def assembly(world):
    assembly = make_assembly(world["enabler"], panel_size=4)
    register_many(
        assembly,
        [
            (age, gender, "drunen-oost-noord")
            for age in ("jong", "midden", "oud")
            for gender in ("vrouw", "man")
        ],
    )
    return assembly


@HOSTILE
@given(data=st.data())
def test_quotas_form(world, assembly, data):
    client = client_of(world, "enabler")
    values = AssemblyFeatureValue.objects.filter(feature__assembly=assembly)
    fields = {}
    for value in values:
        fields[f"min_{value.pk}"] = NUMBERS
        fields[f"max_{value.pk}"] = NUMBERS
    fields["source"] = ["pool", "register", "elsewhere"]
    body = data.draw(bodies(fields))
    url = f"/medewerkers/burgerberaad/{assembly.pk}/quota/"
    send(client, "staff assembly quotas", url, **body)
    if data.draw(st.booleans()):
        fields["suggest"] = ["1", ""]
        send(client, "staff assembly quotas", url, **data.draw(bodies(fields)))


@HOSTILE
@given(data=st.data())
def test_panel_forms(world, assembly, data):
    client = client_of(world, "enabler")
    base = f"/medewerkers/burgerberaad/{assembly.pk}/panel/"
    perform = {
        "witness_value": ["4 2 6 1", *data.draw(st.lists(hostile_text, max_size=2))],
        "witnesses": ["Joop de Wit", ""],
        "confirmed": ["1", "", "yes", "0"],
        "change": ["", "1"],
    }
    send(client, "staff panel perform", base + "loten/", **data.draw(bodies(perform)))
    send(client, "staff panel announce", base + "aankondigen/", **data.draw(bodies({})))
    send(client, "staff panel perform", base + "loten/", **data.draw(bodies(perform)))
    member = assembly.participants.filter(state=Participant.State.SELECTED).first()
    someone = member or assembly.participants.first()
    send(client, "staff panel decline", f"{base}{someone.pk}/bedankt/", **data.draw(bodies({})))
    send(client, "staff replacement announce", base + "vervangers/aankondigen/", **{})
    send(
        client,
        "staff replacement perform",
        base + "vervangers/loten/",
        **data.draw(bodies(perform)),
    )
    restart = {"draw": ["1", "", "-1", "een", "9" * 40, str(someone.pk)]}
    send(client, "staff panel restart", base + "opnieuw-berekenen/", **data.draw(bodies(restart)))
