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


# --- issue 18: a citizens' assembly by lot ---------------------------------------------------


class AssemblyFactory(DjangoModelFactory):
    """An assembly whose letters are out: registration open."""

    class Meta:
        model = "initiatives.Assembly"

    title = factory.Sequence(lambda n: f"Burgerberaad {n}")
    slug = factory.Sequence(lambda n: f"burgerberaad-{n}")
    question = "Hoe maken we onze wijk groener, veiliger en fijner om te wonen?"
    stage = "inviting"
    created_by = factory.SubFactory(StaffFactory)


class PublicDrawFactory(DjangoModelFactory):
    """An invitation lottery, announced (its commitment published)."""

    class Meta:
        model = "initiatives.PublicDraw"

    assembly = factory.SubFactory(AssemblyFactory)
    kind = "invitations"
    number = factory.Sequence(lambda n: n + 1)
    secret = factory.LazyFunction(lambda: "ab" * 32)
    commitment = factory.LazyAttribute(lambda o: _draw_seed().commitment(o.secret))
    announced_by = factory.LazyAttribute(lambda o: o.assembly.created_by)


class InvitationFactory(DjangoModelFactory):
    """A household's letter. Its code: `assembly_codes.code_for(draw_id=.., position=..)`,
    or `invitation_code(invitation)` below."""

    class Meta:
        model = "initiatives.Invitation"

    assembly = factory.SubFactory(AssemblyFactory)
    draw = factory.LazyAttribute(lambda o: PublicDrawFactory(assembly=o.assembly))
    position = factory.Sequence(lambda n: n + 1)
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    code_hash = factory.LazyAttribute(
        lambda o: _assembly_codes().code_hash(
            _assembly_codes().code_for(draw_id=o.draw.pk, position=o.position)
        )
    )
    registrations_left = factory.LazyAttribute(lambda o: o.assembly.people_per_household)


def _draw_seed():
    from initiatives import draw_seed

    return draw_seed


def _assembly_codes():
    from initiatives import assembly_codes

    return assembly_codes


def invitation_code(invitation) -> str:
    """The code printed on INVITATION's letter, as the resident reads it: "K7PQ2-XMR4D"."""
    return _assembly_codes().code_for(draw_id=invitation.draw_id, position=invitation.position)


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = "initiatives.Participant"

    invitation = factory.SubFactory(InvitationFactory)
    assembly = factory.LazyAttribute(lambda o: o.invitation.assembly)
    pseudonym = factory.Sequence(lambda n: f"P-{n + 1:04d}")
    name = factory.Faker("name", locale="nl_NL")
    email = factory.Sequence(lambda n: f"deelnemer{n}@example.nl")
    consent_at = factory.LazyFunction(timezone.now)


# --- issue 18: an assembly's life (meetings, outcomes, the pool's retention) ----------------


class AssemblyLifeFactory(AssemblyFactory):
    """An assembly whose panel meets, in NEIGHBOURHOODS (default: a new one)."""

    class Meta:
        skip_postgeneration_save = True

    stage = "meeting"

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


def _invited_household(assembly):
    neighbourhood = assembly.neighbourhoods.first() or NeighbourhoodFactory()
    return InvitationFactory(
        assembly=assembly,
        neighbourhood=neighbourhood,
        address=AddressFactory(neighbourhood=neighbourhood),
    )


class PanelMemberFactory(ParticipantFactory):
    """A participant on the panel (state SELECTED) with a name, email, phone, availability
    and the address their letter went to."""

    assembly = factory.SubFactory(AssemblyLifeFactory)
    invitation = factory.LazyAttribute(lambda o: _invited_household(o.assembly))
    name = factory.Sequence(lambda n: f"Deelnemer{n} Achternaam")
    phone = factory.Sequence(lambda n: f"06-1234{n:04d}")
    availability = "Dinsdagavond en zaterdagochtend"
    state = "selected"


class PublicationFactory(DjangoModelFactory):
    """A resident's consent to share a realised dream publicly, with texts written for it."""

    class Meta:
        model = "initiatives.Publication"

    dream = factory.SubFactory(
        DreamFactory, status=Status.REALISED, closed_at=factory.LazyFunction(timezone.now)
    )
    title = factory.LazyAttribute(lambda publication: publication.dream.title)
    dreamt = "Een bankje bij de vijver, om uit te rusten."
    own_part = "Wij verven het bankje elk voorjaar."
    helped_by = "De buurtvereniging."
    story_published_at = factory.LazyFunction(timezone.now)
