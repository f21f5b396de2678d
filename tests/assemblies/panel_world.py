"""An assembly ready for its panel draw, to test with (issue 18, stage 3).

Built from the records directly, so that the panel's tests do not depend on how the
invitation lottery and the registration are run: an assembly in stage INVITING with an age
band and a gender feature (with quotas), an invitation draw already performed, and
participants registered with their answers, one invitation (household) each unless told.
"""

import random

from django.utils import timezone

from initiatives import draw_seed
from initiatives.assembly_models import (
    Assembly,
    AssemblyFeature,
    AssemblyFeatureValue,
    Invitation,
    Participant,
    PublicDraw,
)
from tests.factories import NeighbourhoodFactory

WITNESS_VALUE = "3 1 4 1 5"
WITNESSES = "Jan de Notaris, Fatima Bakkal"

# {feature: {value: (min, max)}} for a panel of 6.
QUOTAS = {
    "leeftijd": {"16-29": (1, 3), "30-59": (2, 3), "60": (1, 3)},
    "gender": {"vrouw": (3, 3), "man": (3, 3)},
}


def make_assembly(by, *, slug="vlijmen-oost", panel_size=6, quotas=QUOTAS, stage=None) -> Assembly:
    neighbourhood = NeighbourhoodFactory(name="Vlijmen-Oost")
    assembly = Assembly.objects.create(
        title="Burgerberaad Vlijmen-Oost",
        slug=slug,
        question="Hoe maken we Vlijmen-Oost groener?",
        panel_size=panel_size,
        people_per_household=2,
        stage=stage or Assembly.Stage.INVITING,
        created_by=by,
    )
    assembly.neighbourhoods.add(neighbourhood)
    for position, (key, values) in enumerate(quotas.items()):
        feature = AssemblyFeature.objects.create(
            assembly=assembly, key=key, question=f"Vraag {key}", position=position
        )
        for value_position, (value_key, (low, high)) in enumerate(values.items()):
            AssemblyFeatureValue.objects.create(
                feature=feature,
                key=value_key,
                label=value_key.title(),
                position=value_position,
                min_seats=low,
                max_seats=high,
            )
    secret = draw_seed.new_secret()
    PublicDraw.objects.create(
        assembly=assembly,
        kind=PublicDraw.Kind.INVITATIONS,
        number=1,
        commitment=draw_seed.commitment(secret),
        secret=secret,
        announced_by=by,
        witness_value="1",
        witnesses="Notaris",
        seed=draw_seed.seed_of(secret, "1"),
        drawn_at=timezone.now(),
        inputs={"pool": [], "number": 0},
    )
    return assembly


def add_participants(assembly, answers: list[dict], *, households: list[int] | None = None):
    """Register a participant per ANSWERS; HOUSEHOLDS[i] groups them by invitation."""
    draw = assembly.draws.get(kind=PublicDraw.Kind.INVITATIONS)
    start = assembly.participants.count()
    invitations: dict[int, Invitation] = {}
    people = []
    for i, features in enumerate(answers):
        home = households[i] if households else start + i
        if home not in invitations:
            invitations[home] = Invitation.objects.create(
                assembly=assembly,
                draw=draw,
                position=1000 * assembly.pk + home,
                neighbourhood=assembly.neighbourhoods.first(),
                code_hash=f"{assembly.pk:08d}{home:056d}",
            )
        people.append(
            Participant.objects.create(
                assembly=assembly,
                invitation=invitations[home],
                pseudonym=f"P-{start + i + 1:04d}",
                name=f"Naam Achternaam{start + i + 1}",
                email=f"deelnemer{start + i + 1}@example.nl",
                phone="0612345678",
                features=features,
                consent_at=timezone.now(),
            )
        )
    return people


def mixed_answers(count: int, *, seed: int = 18) -> list[dict]:
    """COUNT people with answers spread over every value of QUOTAS."""
    rng = random.Random(seed)
    ages, genders = list(QUOTAS["leeftijd"]), list(QUOTAS["gender"])
    return [
        {"leeftijd": ages[i % 3] if i < 9 else rng.choice(ages), "gender": genders[i % 2]}
        for i in range(count)
    ]


def ready_assembly(by, *, people: int = 24, **kwargs) -> Assembly:
    assembly = make_assembly(by, **kwargs)
    add_participants(assembly, mixed_answers(people))
    return assembly
