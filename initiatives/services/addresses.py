"""The address register (issue 18): loading the municipality's addresses from the BAG.

`address_register_import` reads the addresses of an extract (initiatives/bag.py) into
Address in one transaction: an address already there is updated in place (its BAG id is
the key), a new one added, one that left the register removed. A damaged file or an
extract without addresses changes nothing.

The household rule: an address is a household when it is the main address (hoofdadres)
of a residence (verblijfsobject) that is in use and has a residential function
(woonfunctie). Each household then has exactly one address, so the invitation lottery
gives it one chance. A berth or pitch (ligplaats, standplaats) is not counted: the
register records no use for it.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from initiatives.address_models import Address
from initiatives.assembly_models import Invitation
from initiatives.bag import RESIDENCE_ENDED, BagAddress
from initiatives.models import Neighbourhood

RESIDENTIAL = "woonfunctie"
# The statuses of a residence that people live in: built and taken into use, measured or
# not yet, and one being renovated (its residents stay registered there).
IN_USE = frozenset(
    {
        "Verblijfsobject in gebruik",
        "Verblijfsobject in gebruik (niet ingemeten)",
        "Verbouwing verblijfsobject",
    }
)
BATCH = 1000
UPDATED_FIELDS = [
    "residence_id",
    "postcode",
    "house_number",
    "house_letter",
    "house_number_addition",
    "street",
    "place",
    "household",
    "imported_at",
]


@dataclass
class AddressImport:
    """What an import did: the counts the command prints."""

    created: int = 0
    updated: int = 0
    removed: int = 0
    kept_for_assemblies: int = 0  # left the register, kept for an assembly's invitation
    households: int = 0
    with_neighbourhood: int = 0
    skipped: Counter = field(default_factory=Counter)


def address_is_household(record: BagAddress) -> bool:
    """Return whether the address is a household: a lived-in residence's main address."""
    return (
        bool(record.residence_id)
        and record.residence_status in IN_USE
        and RESIDENTIAL in record.residence_uses
    )


@transaction.atomic
def address_register_import(
    *, records: Iterable[BagAddress], neighbourhood_of_place: bool = False
) -> AddressImport:
    """Load the extract's addresses: update in place, add, and remove what left the register.

    With `neighbourhood_of_place`, each address gets the neighbourhood named like its place
    (the villages of a municipality), or none; without it, an address keeps the neighbourhood
    it had (a new one gets none).
    """
    started = timezone.now()
    result = AddressImport()
    before = Address.objects.count()
    neighbourhoods = (
        {n.name.casefold(): n.pk for n in Neighbourhood.objects.only("pk", "name")}
        if neighbourhood_of_place
        else {}
    )
    update_fields = UPDATED_FIELDS + (["neighbourhood"] if neighbourhood_of_place else [])
    seen = 0
    batch: list[Address] = []
    for record in records:
        if record.residence_status in RESIDENCE_ENDED:  # no longer there, or never built
            result.skipped["residence ended"] += 1
            continue
        household = address_is_household(record)
        neighbourhood_id = neighbourhoods.get(record.place.casefold())
        batch.append(
            Address(
                bag_id=record.bag_id,
                residence_id=record.residence_id,
                postcode=record.postcode,
                house_number=record.house_number,
                house_letter=record.house_letter,
                house_number_addition=record.house_number_addition,
                street=record.street[:80],
                place=record.place[:80],
                neighbourhood_id=neighbourhood_id,
                household=household,
                imported_at=started,
            )
        )
        seen += 1
        result.households += household
        result.with_neighbourhood += neighbourhood_id is not None
        if len(batch) >= BATCH:
            _upsert(batch, update_fields)
            batch = []
    if not seen:
        raise ValidationError(
            _("The extract holds no current addresses; the register is left as it was."),
            code="empty",
        )
    _upsert(batch, update_fields)
    result.created = Address.objects.count() - before
    result.updated = seen - result.created
    # Every address in the extract now carries this import's moment: the others left.
    left = Address.objects.exclude(imported_at=started)
    # A household invited to an assembly whose pool still holds personal data keeps its
    # address (the letter, the registration), no longer a household that can be drawn; the
    # assembly's retention clears the link, and a later import removes it.
    invited = Invitation.objects.filter(
        address__in=left, assembly__personal_data_removed_at__isnull=True
    ).values("address_id")
    result.kept_for_assemblies = Address.objects.filter(pk__in=invited).update(household=False)
    _total, removed = left.exclude(pk__in=invited).delete()
    result.removed = removed.get(Address._meta.label, 0)
    return result


def _upsert(batch: list[Address], update_fields: list[str]) -> None:
    if batch:
        Address.objects.bulk_create(
            batch, update_conflicts=True, unique_fields=["bag_id"], update_fields=update_fields
        )
