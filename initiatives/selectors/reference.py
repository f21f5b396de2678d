"""The lists forms choose from: neighbourhoods, themes, MogelijkMakers; and the service promises."""

from functools import cache

from django.db import connection
from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

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


def list_filter_options() -> dict[str, list[tuple[int, str]]]:
    """Return the options of the dream list's selects, {"neighbourhood": [(id, name)], "theme":
    [...], "contact": [...]}, in the orders above, read in one query instead of three.

    The query never changes, so Django composes its SQL once per process: composing it (a
    union of three) cost more Python than running it (issue 15).
    """
    sql, params = _filter_options_sql(connection.vendor)
    options = {"neighbourhood": [], "theme": [], "contact": []}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, pk, name, *_order in cursor.fetchall():
            options[kind].append((pk, name))
    return options


@cache
def _filter_options_sql(vendor: str) -> tuple[str, tuple]:
    label = Coalesce(NullIf(F("full_name"), Value("")), F("email"), output_field=CharField())
    parts = [
        neighbourhood_list().annotate(
            kind=Value("neighbourhood"), label=F("name"), first=F("name"), then=Value("")
        ),
        theme_list().annotate(
            kind=Value("theme"), label=F("name"), first=F("name"), then=Value("")
        ),
        enablers().annotate(
            kind=Value("contact"), label=label, first=F("full_name"), then=F("email")
        ),
    ]
    rows = [part.order_by().values_list("kind", "pk", "label", "first", "then") for part in parts]
    union = rows[0].union(*rows[1:], all=True).order_by("kind", "first", "then", "pk")
    return union.query.sql_with_params()


def service_promises() -> ServicePromises:
    """Return the service promises (the environment's defaults while none are saved).

    Reads only: while the row is missing this is an unsaved instance; the row itself is
    made by services.service_promises_ensure (after every `migrate`).
    """
    return promises.current()
