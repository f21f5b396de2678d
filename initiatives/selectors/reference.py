"""The lists forms choose from: neighbourhoods, themes, MogelijkMakers; and the service promises."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.roles import Role
from initiatives import promises
from initiatives.models import Neighbourhood, ServicePromises, Theme


def neighbourhood_list() -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.order_by("name")


def theme_list() -> QuerySet[Theme]:
    return Theme.objects.order_by("name")


def enablers() -> QuerySet[User]:
    """Return the active MogelijkMakers, by name."""
    return User.objects.filter(is_active=True, is_staff=True, groups__name=Role.ENABLER).order_by(
        "full_name", "email"
    )


def neighbourhood_choices() -> list[tuple[int, str]]:
    """Return (id, name) of each neighbourhood, for a select: two columns, no model objects."""
    return list(neighbourhood_list().values_list("pk", "name"))


def theme_choices() -> list[tuple[int, str]]:
    return list(theme_list().values_list("pk", "name"))


def enabler_choices() -> list[tuple[int, str]]:
    """Return (id, label) of each active MogelijkMaker, labelled as a ModelChoiceField would
    (str(user): the name, else the email address), in the order of enablers()."""
    return [
        (pk, name or email)
        for pk, name, email in enablers().values_list("pk", "full_name", "email")
    ]


def service_promises() -> ServicePromises:
    """Return the service promises (the environment's defaults while none are saved).

    Reads only: while the row is missing this is an unsaved instance; the row itself is
    made by services.service_promises_ensure (after every `migrate`).
    """
    return promises.current()
