"""The address register (issue 18): the municipality's addresses from the BAG.

The Basisregistratie Adressen en Gebouwen is the official Dutch register of addresses. Its
published extract (Kadaster's "BAG 2.0 Extract", XML) is loaded with
`manage.py bag_import` (initiatives/bag.py reads the files). One row per address
(nummeraanduiding). A household is a *residence* (verblijfsobject) with a residential use
(woonfunctie): the invitation lottery draws from the main addresses of those, so that each
household has exactly one chance.

Residents never see this table; the dream form uses it to complete a typed postcode and
house number (services/addresses.py).

Registered with the app by initiatives/models.py.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.models import Neighbourhood


class Address(models.Model):
    # The nummeraanduiding's identificatie: 16 digits, stable across extracts.
    bag_id = models.CharField(_("BAG identification"), max_length=16, unique=True)
    # The verblijfsobject this is the main address of; blank for a side address
    # (nevenadres) or an address of a berth or pitch (ligplaats, standplaats).
    residence_id = models.CharField(_("residence (verblijfsobject)"), max_length=16, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6)  # "5251AB": no space, capitals
    house_number = models.PositiveIntegerField(_("house number"))
    house_letter = models.CharField(_("house letter"), max_length=1, blank=True)
    house_number_addition = models.CharField(_("addition"), max_length=4, blank=True)
    street = models.CharField(_("street"), max_length=80)
    place = models.CharField(_("place"), max_length=80)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="addresses",
        verbose_name=_("neighbourhood"),
    )
    # The main address of a residence in use with a residential function: one household.
    household = models.BooleanField(_("household"), default=False)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)

    class Meta:
        ordering = ["postcode", "house_number", "house_letter", "house_number_addition"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        indexes = [
            models.Index(fields=["postcode", "house_number"], name="address_lookup"),
            models.Index(fields=["neighbourhood", "household"], name="address_households"),
        ]

    def __str__(self) -> str:
        return f"{self.street} {self.number_text}, {self.postcode_text} {self.place}"

    @property
    def number_text(self) -> str:
        """'12', '12a', '12-2', '12a-2': the number as it is written on a letter."""
        text = f"{self.house_number}{self.house_letter}"
        return f"{text}-{self.house_number_addition}" if self.house_number_addition else text

    @property
    def postcode_text(self) -> str:
        """'5251 AB', as Dutch post writes it."""
        return f"{self.postcode[:4]} {self.postcode[4:]}"
