from datetime import datetime, timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import User
from initiatives.models import (
    CoreValue,
    Dream,
    EventKind,
    Fund,
    Neighbourhood,
    Review,
    Theme,
    TimelineEvent,
    Verdict,
)
from initiatives.statuses import Status


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"resident{n}@example.nl")
    full_name = factory.Faker("name", locale="nl_NL")
    language = "nl"


class StaffFactory(UserFactory):
    """A staff member; `StaffFactory(roles=[Role.ENABLER])` also gives them roles."""

    class Meta:
        skip_postgeneration_save = True  # roles are a many-to-many: nothing to save again

    email = factory.Sequence(lambda n: f"staff{n}@heusden.example")
    is_staff = True
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            # get_or_create: a transactional test's flush removes the migration's groups.
            self.groups.add(Group.objects.get_or_create(name=role)[0])


class NeighbourhoodFactory(DjangoModelFactory):
    class Meta:
        model = Neighbourhood
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Wijk {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Thema {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class FundFactory(DjangoModelFactory):
    class Meta:
        model = Fund

    name = "Dromenfonds"
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    amount = 10000


class DreamFactory(DjangoModelFactory):
    """A dream as it stands right after it was handed in."""

    class Meta:
        model = Dream

    resident = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Droom {n}")
    story = "Een bankje bij de vijver, zodat ouderen kunnen uitrusten."
    own_contribution = "Ik verf het bankje elk jaar."
    needs_from_municipality = "Toestemming en een bankje."
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    theme = factory.SubFactory(ThemeFactory)
    status = Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class ReviewFactory(DjangoModelFactory):
    """A current core-value review in which every value supports the dream."""

    class Meta:
        model = Review

    dream = factory.SubFactory(DreamFactory)
    version = 1
    is_current = True
    customer_verdict = Verdict.SUPPORTS
    customer_reasoning = "De bewoner staat centraal."
    responsibility_verdict = Verdict.SUPPORTS
    responsibility_reasoning = "De bewoner doet zelf veel."
    dialogue_verdict = Verdict.SUPPORTS
    dialogue_reasoning = "Samen met de buren bedacht."
    has_tension = factory.LazyAttribute(
        lambda o: Verdict.TENSION in {getattr(o, f"{value}_verdict") for value in CoreValue.values}
    )
    by = factory.SubFactory(StaffFactory)


def add_notes(
    dream: Dream, n: int, *, by: User, first: datetime, step: timedelta, start: int = 0
) -> None:
    """Give DREAM N internal notes by BY: "notitie START." and on, STEP apart from FIRST."""
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            dream=dream,
            kind=EventKind.NOTE,
            public=False,
            actor=by,
            body=f"notitie {i}.",
            created_at=first + step * i,
        )
        for i in range(start, start + n)
    )


# --- a citizens' assembly by lot (issue 18) ---------------------------------------------------


class AssemblyFactory(DjangoModelFactory):
    """An assembly whose panel meets, in the neighbourhood NEIGHBOURHOODS (default: a new one)."""

    class Meta:
        model = "initiatives.Assembly"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Burgerberaad {n}")
    slug = factory.Sequence(lambda n: f"burgerberaad-{n}")
    question = "Hoe maken we onze wijk groener en veiliger?"
    stage = "meeting"
    created_by = factory.SubFactory(StaffFactory)

    @factory.post_generation
    def neighbourhoods(self, create, extracted, **kwargs):
        if create:
            self.neighbourhoods.set(extracted or [NeighbourhoodFactory()])


class AddressFactory(DjangoModelFactory):
    class Meta:
        model = "initiatives.Address"

    bag_id = factory.Sequence(lambda n: f"0797010000{n:06d}")
    postcode = "5251AB"
    house_number = factory.Sequence(lambda n: n + 1)
    street = "Dorpsstraat"
    place = "Drunen"
    household = True


class PublicDrawFactory(DjangoModelFactory):
    class Meta:
        model = "initiatives.PublicDraw"

    assembly = factory.SubFactory(AssemblyFactory)
    kind = "invitations"
    number = factory.Sequence(lambda n: n + 1)
    commitment = "0" * 64
    secret = "1" * 64
    announced_by = factory.LazyAttribute(lambda o: o.assembly.created_by)


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = "initiatives.Invitation"

    assembly = factory.SubFactory(AssemblyFactory)
    draw = factory.LazyAttribute(lambda o: PublicDrawFactory(assembly=o.assembly))
    position = factory.Sequence(lambda n: n + 1)
    address = factory.LazyAttribute(
        lambda o: AddressFactory(neighbourhood=o.assembly.neighbourhoods.first())
    )
    neighbourhood = factory.LazyAttribute(lambda o: o.assembly.neighbourhoods.first())
    code_hash = factory.Sequence(lambda n: f"{n:064x}")


class ParticipantFactory(DjangoModelFactory):
    """A participant on the panel (state SELECTED), with a name, an address and a phone."""

    class Meta:
        model = "initiatives.Participant"

    assembly = factory.SubFactory(AssemblyFactory)
    invitation = factory.LazyAttribute(lambda o: InvitationFactory(assembly=o.assembly))
    pseudonym = factory.Sequence(lambda n: f"P-{n + 1:04d}")
    name = factory.Sequence(lambda n: f"Deelnemer{n} Achternaam")
    email = factory.Sequence(lambda n: f"deelnemer{n}@example.nl")
    phone = factory.Sequence(lambda n: f"06-1234{n:04d}")
    availability = "Dinsdagavond en zaterdagochtend"
    features = factory.LazyFunction(dict)
    consent_at = factory.LazyFunction(timezone.now)
    state = "selected"
