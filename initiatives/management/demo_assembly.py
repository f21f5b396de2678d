"""The demo's citizens' assembly (issue 18), made through the same services as staff use.

"Burgerberaad Drunen": three features, the invitation lottery announced and drawn in front
of two witnesses, twenty letters out, and fourteen residents registered with the codes from
their letters. Staff can try the rest themselves: set the quotas, announce and perform the
panel draw, record meetings and outcomes. Six letters are still unused: their codes are in
the letters' PDF (/medewerkers/burgerberaad/), for trying the registration as a resident.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from initiatives import assembly_codes, services
from initiatives.assembly_models import Assembly
from initiatives.models import Neighbourhood

SLUG = "drunen"
FEATURES = [
    (
        "leeftijd",
        "Hoe oud ben je?",
        [("16-29", "16 tot 30 jaar"), ("30-59", "30 tot 60 jaar"), ("60", "60 jaar of ouder")],
    ),
    (
        "geslacht",
        "Wat is je geslacht?",
        [("vrouw", "Vrouw"), ("man", "Man"), ("anders", "Anders, of zeg ik liever niet")],
    ),
    (
        "groen",
        "Moet Drunen groener worden?",
        [("ja", "Ja"), ("neutraal", "Maakt me niet uit"), ("nee", "Nee")],
    ),
]
# (name, leeftijd, geslacht, groen) of the residents who registered.
REGISTERED = [
    ("Fatima El Idrissi", "30-59", "vrouw", "ja"),
    ("Joost van Dam", "60", "man", "neutraal"),
    ("Ria Peters", "60", "vrouw", "ja"),
    ("Daan de Bruijn", "16-29", "man", "ja"),
    ("Sevda Yilmaz", "30-59", "vrouw", "nee"),
    ("Kees Verhagen", "60", "man", "nee"),
    ("Lotte Janssen", "16-29", "vrouw", "ja"),
    ("Mohamed Bakkali", "30-59", "man", "ja"),
    ("Anouk Smits", "30-59", "vrouw", "neutraal"),
    ("Bram Hendriks", "16-29", "man", "neutraal"),
    ("Noor van der Heijden", "16-29", "anders", "ja"),
    ("Willem Kuijpers", "60", "man", "ja"),
    ("Ingrid Maas", "60", "vrouw", "nee"),
    ("Tim van Loon", "30-59", "man", "ja"),
]


def demo_assembly(*, by: User) -> Assembly | None:
    """Make the demo assembly once (None when it is there already)."""
    if Assembly.objects.filter(slug=SLUG).exists():
        return None
    drunen = Neighbourhood.objects.get(name="Drunen")
    assembly = services.assembly_save(
        by=by,
        title="Burgerberaad Drunen",
        slug=SLUG,
        question=(
            "Hoe maken we Drunen samen duurzamer, groener, veiliger voor wie loopt en fietst, "
            "en fijner om te wonen? En wat willen we daar zelf voor doen?"
        ),
        neighbourhoods=[drunen],
        invitations_wanted=20,
        panel_size=6,
        people_per_household=2,
        registration_closes_on=timezone.localdate() + timedelta(days=21),
    )
    for key, question, answers in FEATURES:
        services.assembly_feature_save(
            by=by, assembly=assembly, question=question, key=key, answers=answers
        )
    draw = services.invitation_draw_announce(by=by, assembly=assembly)
    draw = services.invitation_draw_perform(
        by=by,
        draw=draw,
        witness_value="4 2 6 1 3",
        witnesses="notaris J. de Wit, wijkagent A. Yilmaz",
    )
    assembly.refresh_from_db()  # the draw put it in the next stage: letters out
    for position, (name, age, gender, green) in enumerate(REGISTERED, start=1):
        code = assembly_codes.code_for(draw_id=draw.pk, position=position)
        invitation = services.registration_code_check(assembly=assembly, code=code)
        services.participant_register(
            invitation=invitation,
            name=name,
            email=f"{name.split()[0].lower()}.burgerberaad@heusden.example",
            features={"leeftijd": age, "geslacht": gender, "groen": green},
            availability="Doordeweeks 's avonds",
            consent=True,
        )
    return assembly
