"""Citizens' assemblies by lot (issue 18): what the staff pages read of an assembly, its
features and its invitation lottery, and the letters of a performed draw.

The letters' codes are not stored (only their hashes): they are derived again from the
server's secret and the letter's position (initiatives/assembly_codes.py).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Prefetch, QuerySet
from django.urls import reverse

from initiatives import assembly_codes
from initiatives.address_models import Address
from initiatives.assembly_models import (
    Assembly,
    AssemblyFeature,
    AssemblyFeatureValue,
    Invitation,
    PublicDraw,
)


def assembly_list() -> QuerySet[Assembly]:
    """Every assembly, newest first, with its neighbourhoods and the number of its features
    and letters: two queries, however many there are."""
    return Assembly.objects.annotate(
        feature_count=Count("features", distinct=True),
        invitation_count=Count("invitations", distinct=True),
    ).prefetch_related("neighbourhoods")


def assembly_of(pk: int) -> Assembly:
    """Return assembly PK with its neighbourhoods and its features with their answers;
    Assembly.DoesNotExist when there is none."""
    values = AssemblyFeatureValue.objects.order_by("position", "id")
    features = AssemblyFeature.objects.order_by("position", "id").prefetch_related(
        Prefetch("values", queryset=values)
    )
    return Assembly.objects.prefetch_related(
        "neighbourhoods", Prefetch("features", queryset=features)
    ).get(pk=pk)


def assembly_feature_of(assembly: Assembly, pk: int) -> AssemblyFeature:
    """Return ASSEMBLY's feature PK with its answers; DoesNotExist when it is not its."""
    values = AssemblyFeatureValue.objects.order_by("position", "id")
    return AssemblyFeature.objects.prefetch_related(Prefetch("values", queryset=values)).get(
        assembly=assembly, pk=pk
    )


def invitation_pool(assembly: Assembly) -> list[str]:
    """The households the invitation lottery draws from: the BAG ids of the register's
    household addresses in ASSEMBLY's neighbourhoods, sorted (the published order)."""
    return list(
        Address.objects.filter(household=True, neighbourhood__in=assembly.neighbourhoods.all())
        .order_by("bag_id")
        .values_list("bag_id", flat=True)
    )


def invitation_pool_size(assembly: Assembly) -> int:
    """How many households the invitation lottery would draw from now."""
    return Address.objects.filter(
        household=True, neighbourhood__in=assembly.neighbourhoods.all()
    ).count()


def invitation_draw(assembly: Assembly) -> PublicDraw | None:
    """ASSEMBLY's invitation lottery, announced or performed; None before it is announced."""
    return (
        PublicDraw.objects.filter(assembly=assembly, kind=PublicDraw.Kind.INVITATIONS)
        .select_related("announced_by", "drawn_by")
        .order_by("number")
        .last()
    )


def registration_url(assembly: Assembly) -> str:
    """The absolute address on the letters where a resident registers with their code."""
    return settings.SITE_URL + reverse("assemblies:register", args=[assembly.slug])


def invitation_draw_public_url(draw: PublicDraw) -> str:
    """The absolute address of DRAW's public page, where anyone can check it."""
    kwargs = {"slug": draw.assembly.slug, "kind": draw.kind, "number": draw.number}
    return settings.SITE_URL + reverse("assembly_draws:page", kwargs=kwargs)


@dataclass(frozen=True)
class Letter:
    position: int
    street_line: str  # "Dorpsstraat 12a-2"
    place_line: str  # "5251 AB Vlijmen"
    code: str  # as printed: "K7PQ2-XMR4D"


def invitation_letters(draw: PublicDraw) -> list[Letter]:
    """The letters of a performed invitation draw, in the draw's order: to the residents of
    each drawn address, with its registration code. One query."""
    invitations = (
        Invitation.objects.filter(draw=draw, address__isnull=False)
        .select_related("address")
        .order_by("position")
    )
    return [
        Letter(
            position=invitation.position,
            street_line=f"{invitation.address.street} {invitation.address.number_text}",
            place_line=f"{invitation.address.postcode_text} {invitation.address.place}",
            code=assembly_codes.code_for(draw_id=draw.pk, position=invitation.position),
        )
        for invitation in invitations
    ]
