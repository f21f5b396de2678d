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


def performed_invitation_draw(by, *, slug="brug", households=20, letters=5) -> PublicDraw:
    """An assembly whose invitation lottery was drawn as stage 1 draws it: the pool the
    register's ids, the households drawn by draw_random(seed).sample, an invitation each."""
    from initiatives.address_models import Address

    neighbourhood = NeighbourhoodFactory(name="De Brug")
    assembly = Assembly.objects.create(
        title="Burgerberaad De Brug",
        slug=slug,
        question="Wat maakt De Brug beter?",
        created_by=by,
        stage=Assembly.Stage.INVITING,
    )
    addresses = [
        Address.objects.create(
            bag_id=f"07972000001{i:05d}",
            postcode="5251AB",
            house_number=i + 1,
            street="Geheimstraat",
            place="Vlijmen",
            neighbourhood=neighbourhood,
            household=True,
        )
        for i in range(households)
    ]
    pool = [a.bag_id for a in addresses]
    secret = draw_seed.new_secret()
    seed = draw_seed.seed_of(secret, "6 6 6")
    draw = PublicDraw.objects.create(
        assembly=assembly,
        kind=PublicDraw.Kind.INVITATIONS,
        number=1,
        commitment=draw_seed.commitment(secret),
        secret=secret,
        pool_hash=draw_seed.pool_hash(pool),
        pool_size=len(pool),
        announced_by=by,
        witness_value="6 6 6",
        witnesses=WITNESSES,
        seed=seed,
        drawn_at=timezone.now(),
        drawn_by=by,
        algorithm="uniform sample without replacement",
        inputs={"pool": pool, "number": letters, "neighbourhoods": ["De Brug"]},
        result={"positions": letters},
    )
    by_id = {a.bag_id: a for a in addresses}
    for position, bag_id in enumerate(draw_seed.draw_random(seed).sample(pool, letters), start=1):
        Invitation.objects.create(
            assembly=assembly,
            draw=draw,
            position=position,
            address=by_id[bag_id],
            neighbourhood=neighbourhood,
            code_hash=f"{draw.pk:08d}{position:056d}",
        )
    return draw


def perform(by, draw, *, witness_value=WITNESS_VALUE, witnesses=WITNESSES):
    """Perform an announced panel or replacement draw and compute it at once, as the worker
    does once the performing commits; the draw as stored."""
    from initiatives import services

    perform_draw = (
        services.panel_draw_perform
        if draw.kind == PublicDraw.Kind.PANEL
        else services.replacement_draw_perform
    )
    draw = perform_draw(by=by, draw=draw, witness_value=witness_value, witnesses=witnesses)
    return services.draw_compute(draw_id=draw.pk)


def replacement(by, assembly, *, witness_value="6 2 6"):
    """Announce, perform and compute a replacement draw for ASSEMBLY's open seats."""
    from initiatives import services

    draw = services.replacement_draw_announce(by=by, assembly=assembly)
    return perform(by, draw, witness_value=witness_value)
