"""Load the municipality's addresses from its BAG 2.0 extract (issue 18).

    manage.py bag_import BAGGEM0797L-15092026.zip --neighbourhood-of-place

The extract may be given as the Kadaster's ZIP, a folder with its files, or the WPL, OPR,
NUM and VBO XML files themselves. Running it again with a newer extract updates the
register in place. The rules are in initiatives/services/addresses.py, the format in
initiatives/bag.py.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from initiatives import services
from initiatives.bag import BagExtract, BagExtractError


class Command(BaseCommand):
    help = "Load the municipality's addresses from its BAG 2.0 extract (ZIP, folder or XML)."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="+", help="The extract: its ZIP, a folder, or its XML files."
        )
        parser.add_argument(
            "--neighbourhood-of-place",
            action="store_true",
            help=(
                "Give each address the neighbourhood named like its place (the villages); "
                "without this an address keeps the neighbourhood it had."
            ),
        )

    def handle(self, *args, **options):
        extract = BagExtract(options["paths"])
        try:
            result = services.address_register_import(
                records=extract.addresses(),
                neighbourhood_of_place=options["neighbourhood_of_place"],
            )
        except BagExtractError as exc:
            raise CommandError(f"{exc} {_('Nothing was changed.')}") from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        skipped = extract.skipped + result.skipped
        self.stdout.write(
            self.style.SUCCESS(
                f"Addresses: {result.created} new, {result.updated} updated, "
                f"{result.removed} removed; {result.households} households."
            )
        )
        if result.kept_for_assemblies:
            self.stdout.write(
                f"Left the register but kept for an assembly's invitation: "
                f"{result.kept_for_assemblies}."
            )
        if options["neighbourhood_of_place"]:
            self.stdout.write(f"With a neighbourhood (by place): {result.with_neighbourhood}.")
        if skipped:
            reasons = ", ".join(f"{reason}: {count}" for reason, count in sorted(skipped.items()))
            self.stdout.write(f"Left out: {reasons}.")
