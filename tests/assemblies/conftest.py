"""An assembly in Vlijmen whose letters are out, with three features, and a letter's code."""

import pytest

from initiatives.assembly_models import AssemblyFeature, AssemblyFeatureValue
from tests.factories import AssemblyFactory, InvitationFactory, invitation_code

FEATURES = {
    "leeftijd": (
        "Hoe oud ben je?",
        [("16-29", "16 tot 30 jaar"), ("30-64", "30 tot 65 jaar"), ("65+", "65 jaar of ouder")],
    ),
    "geslacht": (
        "Wat is je geslacht?",
        [("vrouw", "Vrouw"), ("man", "Man"), ("anders", "Anders of zeg ik liever niet")],
    ),
    "buurt": ("In welk deel van de wijk woon je?", [("noord", "Noord"), ("zuid", "Zuid")]),
}
ANSWERS = {"leeftijd": "30-64", "geslacht": "vrouw", "buurt": "noord"}


def add_features(assembly, features=FEATURES) -> None:
    for position, (key, (question, values)) in enumerate(features.items()):
        feature = AssemblyFeature.objects.create(
            assembly=assembly, key=key, question=question, position=position
        )
        for value_position, (value_key, label) in enumerate(values):
            AssemblyFeatureValue.objects.create(
                feature=feature, key=value_key, label=label, position=value_position
            )


@pytest.fixture
def assembly(db):
    assembly = AssemblyFactory(
        title="Burgerberaad Vlijmen-Oost", slug="vlijmen-oost", panel_size=20
    )
    add_features(assembly)
    return assembly


@pytest.fixture
def invitation(assembly):
    return InvitationFactory(assembly=assembly)


@pytest.fixture
def code(invitation) -> str:
    return invitation_code(invitation)


def person(**changes) -> dict:
    """What one resident fills in, as participant_register takes it."""
    return {
        "name": "Fatima Bakker",
        "email": "fatima@example.nl",
        "phone": "06 12345678",
        "features": dict(ANSWERS),
        "availability": "Doordeweeks 's avonds",
        "consent": True,
        **changes,
    }
