"""A citizens' assembly to test with (issue 18): households in a neighbourhood, an assembly
for it with two features, and its invitation lottery announced or performed."""

from initiatives import services
from initiatives.assembly_models import Assembly
from tests.factories import AddressFactory, NeighbourhoodFactory

QUESTION = "Hoe maken we Vlijmen-Oost groener, veiliger en zuiniger met energie?"
WITNESS_VALUE = "4 2 6 1 3"
WITNESSES = "Jan de Notaris, Fatima Bakkal"


def make_households(neighbourhood, count: int, *, street: str = "Dorpsstraat") -> list:
    return [AddressFactory(neighbourhood=neighbourhood, street=street) for _ in range(count)]


def make_assembly(
    by, *, neighbourhood=None, households: int = 12, letters: int = 5, **fields
) -> Assembly:
    """An assembly for NEIGHBOURHOOD (Vlijmen-Oost) with HOUSEHOLDS addresses in it, asking
    for LETTERS letters, with an age band and a gender feature."""
    neighbourhood = neighbourhood or NeighbourhoodFactory(name="Vlijmen-Oost")
    make_households(neighbourhood, households)
    values = {
        "title": "Burgerberaad Vlijmen-Oost",
        "slug": "vlijmen-oost",
        "question": QUESTION,
        "neighbourhoods": [neighbourhood],
        "invitations_wanted": letters,
        "panel_size": min(3, letters),
        "people_per_household": 2,
        **fields,
    }
    assembly = services.assembly_save(by=by, **values)
    services.assembly_feature_save(
        by=by,
        assembly=assembly,
        question="Hoe oud ben je?",
        key="leeftijd",
        answers=[("16-29", "16 tot 30 jaar"), ("30-59", "30 tot 60 jaar"), ("60", "60 of ouder")],
    )
    services.assembly_feature_save(
        by=by,
        assembly=assembly,
        question="Wat is je gender?",
        key="gender",
        answers=[("vrouw", "Vrouw"), ("man", "Man"), ("anders", "Anders")],
    )
    return assembly


def drawn_assembly(by, **kwargs):
    """An assembly whose invitation lottery has been announced and performed: (assembly, draw)."""
    assembly = make_assembly(by, **kwargs)
    draw = services.invitation_draw_announce(by=by, assembly=assembly)
    draw = services.invitation_draw_perform(
        by=by, draw=draw, witness_value=WITNESS_VALUE, witnesses=WITNESSES
    )
    assembly.refresh_from_db()
    return assembly, draw
