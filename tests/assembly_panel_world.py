"""An assembly ready for its panel (issue 18), made directly in the database: features with
answers, an invitation lottery's draw and invitations, and people who registered. The
registration pages are another part's; these tests need only the rows."""

import itertools

from django.utils import timezone

from initiatives.address_models import Address
from initiatives.assembly_models import (
    Assembly,
    AssemblyFeature,
    AssemblyFeatureValue,
    Invitation,
    Participant,
    PublicDraw,
)
from initiatives.draw_seed import commitment, new_secret
from tests.factories import NeighbourhoodFactory

# feature key → (question, [(answer key, label)])
FEATURES = {
    "leeftijd": (
        "Hoe oud ben je?",
        [("jong", "16 tot 35 jaar"), ("midden", "35 tot 65 jaar"), ("oud", "65 jaar of ouder")],
    ),
    "gender": ("Wat is je gender?", [("vrouw", "Vrouw"), ("man", "Man")]),
}
_codes = itertools.count(1)


def make_assembly(by, *, panel_size=6, title="Burgerberaad Drunen-Oost", neighbourhoods=None):
    """An assembly with the features above, and one whose answers are its neighbourhoods."""
    neighbourhoods = neighbourhoods or [
        NeighbourhoodFactory(name="Drunen-Oost Noord"),
        NeighbourhoodFactory(name="Drunen-Oost Zuid"),
    ]
    number = next(_codes)
    assembly = Assembly.objects.create(
        title=title,
        slug=f"burgerberaad-{number}",
        question="Hoe maken we onze wijk groener en veiliger?",
        panel_size=panel_size,
        stage=Assembly.Stage.SELECTING,
        created_by=by,
    )
    assembly.neighbourhoods.set(neighbourhoods)
    features = dict(FEATURES)
    features["wijkdeel"] = (
        "In welk deel van de wijk woon je?",
        [(n.slug, n.name) for n in neighbourhoods],
    )
    for position, (key, (question, answers)) in enumerate(features.items()):
        feature = AssemblyFeature.objects.create(
            assembly=assembly, key=key, question=question, position=position
        )
        for answer_position, (answer_key, label) in enumerate(answers):
            AssemblyFeatureValue.objects.create(
                feature=feature, key=answer_key, label=label, position=answer_position
            )
    secret = new_secret()
    PublicDraw.objects.create(
        assembly=assembly,
        kind=PublicDraw.Kind.INVITATIONS,
        commitment=commitment(secret),
        secret=secret,
        announced_by=by,
        drawn_at=timezone.now(),
        drawn_by=by,
    )
    return assembly


def value_of(assembly, feature_key, answer_key) -> AssemblyFeatureValue:
    return AssemblyFeatureValue.objects.get(
        feature__assembly=assembly, feature__key=feature_key, key=answer_key
    )


def add_households(neighbourhood, count):
    """COUNT households of NEIGHBOURHOOD in the address register."""
    start = Address.objects.count()
    Address.objects.bulk_create(
        Address(
            bag_id=f"{start + i:016d}",
            residence_id=f"{start + i:016d}",
            postcode="5151AB",
            house_number=start + i + 1,
            street="Kerkstraat",
            place="Drunen",
            neighbourhood=neighbourhood,
            household=True,
        )
        for i in range(count)
    )


def register(assembly, answers: dict[str, str], *, name="", state=Participant.State.REGISTERED):
    """A person who registered with ANSWERS ({feature key: answer key}), in a household of
    their own."""
    draw = assembly.draws.get(kind=PublicDraw.Kind.INVITATIONS)
    number = next(_codes)
    neighbourhood = assembly.neighbourhoods.first()
    invitation = Invitation.objects.create(
        assembly=assembly,
        draw=draw,
        position=number,
        neighbourhood=neighbourhood,
        code_hash=f"{number:064x}",
    )
    pseudonym_number = assembly.participants.count() + 1
    return Participant.objects.create(
        assembly=assembly,
        invitation=invitation,
        pseudonym=f"P-{pseudonym_number:04d}",
        name=name or f"Bewoner {pseudonym_number}",
        email=f"bewoner{number}@example.nl",
        features=answers,
        consent_at=timezone.now(),
        state=state,
    )


def register_many(assembly, rows: list[tuple[str, str, str]]):
    """One person per (age, gender, part of the neighbourhood) row."""
    return [
        register(assembly, {"leeftijd": age, "gender": gender, "wijkdeel": part})
        for age, gender, part in rows
    ]
