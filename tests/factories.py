import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import User
from initiatives.models import Dream, Fund, Neighbourhood, Theme
from initiatives.statuses import Status


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"resident{n}@example.nl")
    full_name = factory.Faker("name", locale="nl_NL")
    language = "nl"


class StaffFactory(UserFactory):
    email = factory.Sequence(lambda n: f"staff{n}@heusden.example")
    is_staff = True
    password = factory.django.Password("correct-horse-battery")


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
