"""Read the Kadaster's "BAG 2.0 Extract" (LV BAG extract) of a municipality, streaming.

The format, as the Kadaster publishes it (XML schemas `lvbag-extract-v20200601`:
extract-deelbestand-lvc, IMBAGLV Objecten, Objecten-ref and Historie; the sample extract
and schemas kept in NLExtract's bagv2/ folder and the reader of Amsterdam's GOB-BagExtract
were used to check the element names and the layout):

- The municipality extract ("gemeente-extract") is a ZIP, BAGGEM<code>L-<ddmmyyyy>.zip,
  holding <code>GEM<ddmmyyyy>.zip, which holds one ZIP per object type
  (<code>WPL<ddmmyyyy>.zip, ...OPR..., ...NUM..., ...VBO..., ...PND..., ...LIG..., ...STA...),
  each holding XML files <code>NUM<ddmmyyyy>-000001.xml and so on. The national extract
  has the same per-type ZIPs directly. Both, a directory of them, or the XML files
  themselves are accepted; a file's object type is read from its name, or else from the
  `sl:objectType` it declares.
- Each XML file is `sl-bag-extract:bagStand / sl:standBestand / sl:stand /
  sl-bag-extract:bagObject / Objecten:<Type>`. Every *voorkomen* (version) of an object is
  its own element, with `Objecten:voorkomen/Historie:Voorkomen` saying when it was valid
  (`beginGeldigheid`, `eindGeldigheid`) and whether it was corrected (`eindRegistratie`)
  or made inactive (`tijdstipInactief`). Only the current voorkomen counts: begun, not
  ended, not corrected, not inactive (a version whose end is registered but lies in the
  future is still today's: a change planned ahead).
- Woonplaats (WPL): `identificatie`, `naam`, `status` ("Woonplaats aangewezen").
  OpenbareRuimte (OPR): `identificatie`, `naam`, `status` ("Naamgeving uitgegeven"),
  `ligtIn/Objecten-ref:WoonplaatsRef`.
  Nummeraanduiding (NUM): `identificatie`, `huisnummer`, `huisletter`,
  `huisnummertoevoeging`, `postcode`, `typeAdresseerbaarObject`, `status`
  ("Naamgeving uitgegeven"), `ligtIn/Objecten-ref:WoonplaatsRef` (only when it differs
  from the street's place), `ligtAan/Objecten-ref:OpenbareRuimteRef`.
  Verblijfsobject (VBO): `heeftAlsHoofdadres/Objecten-ref:NummeraanduidingRef`,
  `heeftAlsNevenadres/...`, `identificatie`, `gebruiksdoel` (one or more, e.g.
  "woonfunctie"), `status` (e.g. "Verblijfsobject in gebruik").

Memory stays flat in the size of the files: one object is in memory at a time (iterparse,
each element cleared once read), plus the small tables the addresses need: the places,
the streets, and per address its residence (a municipality's few ten thousand).

This module only reads. Which address is a household, and how the register is updated, are
the rules of initiatives/services/addresses.py.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

from django.utils import timezone
from django.utils.translation import gettext as _

# The files are the Kadaster's extract, loaded by an administrator with a command; expat
# (2.4 and later) refuses entity expansion attacks and ElementTree never fetches external
# entities. Hence the noqa: S314 below.

OBJECTEN = "www.kadaster.nl/schemas/lvbag/imbag/objecten/v20200601"
OBJECTEN_REF = "www.kadaster.nl/schemas/lvbag/imbag/objecten-ref/v20200601"
HISTORIE = "www.kadaster.nl/schemas/lvbag/imbag/historie/v20200601"
STANDLEVERING = "http://www.kadaster.nl/schemas/standlevering-generiek/1.0"
NS = {"Objecten": OBJECTEN, "Objecten-ref": OBJECTEN_REF, "Historie": HISTORIE}

# The object types the address register reads, in the order they must be read: a street
# names its place, an address names its street, and a residence says which of its
# addresses is the main one before the addresses are read.
KINDS = {
    "WPL": "Woonplaats",
    "OPR": "OpenbareRuimte",
    "VBO": "Verblijfsobject",
    "NUM": "Nummeraanduiding",
}
OTHER_KINDS = {"PND", "LIG", "STA"}
# "<code>NUM15092020-000001.xml", "9999VBO08112021.zip": the type before the date.
KIND_IN_NAME = re.compile(r"(WPL|OPR|NUM|VBO|PND|LIG|STA)\d{8}")
# Files of the extract that hold no current objects of these types.
SKIPPED_NAMES = re.compile(r"Inactief|InOnderzoek|NietBag|GEM-WPL-RELATIE|MUT\d{8}", re.I)

# The register's statuses of a residence that no longer exists, or never did.
RESIDENCE_ENDED = frozenset(
    {
        "Niet gerealiseerd verblijfsobject",
        "Verblijfsobject ingetrokken",
        "Verblijfsobject ten onrechte opgevoerd",
    }
)
NAME_GIVEN = "Naamgeving uitgegeven"
PLACE_DESIGNATED = "Woonplaats aangewezen"
POSTCODE = re.compile(r"[1-9][0-9]{3}[A-Z]{2}")


class BagExtractError(Exception):
    """The extract cannot be read: missing, not a ZIP or XML, or not in the BAG's format."""


@dataclass(frozen=True, slots=True)
class BagAddress:
    """One current address (nummeraanduiding) with its street, place and residence."""

    bag_id: str
    postcode: str
    house_number: int
    house_letter: str
    house_number_addition: str
    street: str
    place: str
    object_type: str  # "Verblijfsobject", "Ligplaats" or "Standplaats"
    # The residence (verblijfsobject) this is the main address of, with its status and
    # uses; empty for a side address and for a berth or pitch.
    residence_id: str = ""
    residence_status: str = ""
    residence_uses: tuple[str, ...] = ()


def postcode_normalised(text: str) -> str | None:
    """Return '5251AB' for '5251 ab', ' 5251AB ' and the like; None when it is no postcode."""
    compact = re.sub(r"\s+", "", text or "").upper()
    return compact if POSTCODE.fullmatch(compact) else None


@dataclass
class _Source:
    name: str
    open: Callable[[], IO[bytes]]


class BagExtract:
    """The addresses of an extract given as ZIPs, directories or XML files.

    Iterate over `addresses()` once; `skipped` then counts the addresses left out and why.
    """

    def __init__(self, paths: Iterable[str | os.PathLike], *, today: date | None = None):
        self.paths = [Path(p) for p in paths]
        self.today = today or timezone.localdate()
        self.skipped: Counter[str] = Counter()

    def addresses(self) -> Iterator[BagAddress]:
        with ExitStack() as stack:
            sources: dict[str, list[_Source]] = {kind: [] for kind in KINDS}
            for path in self.paths:
                for source in self._sources(path, stack):
                    kind = self._kind(source)
                    if kind in sources:
                        sources[kind].append(source)
            missing = [kind for kind, found in sources.items() if not found]
            if missing:
                raise BagExtractError(
                    _("The extract has no %(kinds)s file: is this a BAG 2.0 extract?")
                    % {"kinds": ", ".join(missing)}
                )
            places = dict(self._read(sources["WPL"], "Woonplaats", self._place))
            streets = dict(self._read(sources["OPR"], "OpenbareRuimte", self._street))
            residences: dict[str, tuple[str, str, tuple[str, ...]]] = {}
            for residence_id, status, uses, main in self._read(
                sources["VBO"], "Verblijfsobject", self._residence
            ):
                # A house demolished and built again keeps its address: the new residence
                # is the address's, whichever of the two the file has first.
                known = residences.get(main)
                if known is None or known[1] in RESIDENCE_ENDED:
                    residences[main] = (residence_id, status, uses)
            # Two current versions of one address (a correction): the newer one counts. The
            # Kadaster writes an object's versions one after the other, so one is held back.
            seen: set[str] = set()
            held: tuple[int, BagAddress] | None = None
            for version, address in self._read(
                sources["NUM"],
                "Nummeraanduiding",
                lambda element: self._versioned(
                    element, self._address(element, places, streets, residences)
                ),
            ):
                if held and held[1].bag_id == address.bag_id:
                    self.skipped["older version"] += 1
                    held = max(held, (version, address), key=lambda pair: pair[0])
                    continue
                if address.bag_id in seen:  # far apart in the file: the first one counts
                    self.skipped["duplicate"] += 1
                    continue
                seen.add(address.bag_id)
                if held:
                    yield held[1]
                held = (version, address)
            if held:
                yield held[1]

    # Finding the files -------------------------------------------------------------------

    def _sources(self, path: Path, stack: ExitStack) -> Iterator[_Source]:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in (".zip", ".xml"):
                    yield from self._sources(child, stack)
            return
        if not path.is_file():
            raise BagExtractError(_("%(path)s does not exist.") % {"path": path})
        if path.suffix.lower() == ".xml":
            yield _Source(path.name, lambda: open(path, "rb"))  # noqa: SIM115
            return
        try:
            archive = stack.enter_context(zipfile.ZipFile(path))
        except (zipfile.BadZipFile, OSError) as exc:
            raise BagExtractError(
                _("%(path)s is not a ZIP or XML file of a BAG extract (%(error)s).")
                % {"path": path.name, "error": exc}
            ) from exc
        yield from self._zip_sources(archive, path.name, stack)

    def _zip_sources(
        self, archive: zipfile.ZipFile, label: str, stack: ExitStack
    ) -> Iterator[_Source]:
        for info in archive.infolist():
            name = info.filename
            base = name.rsplit("/", 1)[-1]
            if info.is_dir() or SKIPPED_NAMES.search(base):
                continue
            match = KIND_IN_NAME.search(base)
            if match and match.group(1) in OTHER_KINDS:
                continue  # buildings, berths, pitches: not read, not unpacked
            lower = base.lower()
            if lower.endswith(".xml"):
                yield _Source(f"{label}/{name}", lambda info=info: archive.open(info))
            elif lower.endswith(".zip"):
                # A ZIP inside a ZIP is copied to a temporary file: reading it needs seeking.
                copy = stack.enter_context(tempfile.TemporaryFile())  # noqa: SIM115
                try:
                    with archive.open(info) as inner:
                        shutil.copyfileobj(inner, copy)
                    copy.seek(0)
                    nested = stack.enter_context(zipfile.ZipFile(copy))
                except (zipfile.BadZipFile, OSError, EOFError) as exc:
                    raise BagExtractError(
                        _("%(path)s is not a ZIP or XML file of a BAG extract (%(error)s).")
                        % {"path": f"{label}/{name}", "error": exc}
                    ) from exc
                yield from self._zip_sources(nested, f"{label}/{name}", stack)

    def _kind(self, source: _Source) -> str | None:
        """Return the object type of a file: from its name, or the type it declares."""
        match = KIND_IN_NAME.search(source.name.rsplit("/", 1)[-1])
        if match:
            return match.group(1)
        wanted = {f"{{{OBJECTEN}}}{name}": kind for kind, name in KINDS.items()}
        try:
            with source.open() as stream:
                events = ElementTree.iterparse(stream, events=("start", "end"))  # noqa: S314
                for event, element in events:
                    if event == "end" and element.tag == f"{{{STANDLEVERING}}}objectType":
                        declared = (element.text or "").strip()
                        return declared if declared in KINDS else None
                    if event == "start" and element.tag in wanted:
                        return wanted[element.tag]
        except ElementTree.ParseError as exc:
            raise self._corrupt(source, exc) from exc
        return None

    # Reading the objects -----------------------------------------------------------------

    def _read(self, sources: list[_Source], name: str, read: Callable) -> Iterator:
        tag = f"{{{OBJECTEN}}}{name}"
        for source in sources:
            try:
                with source.open() as stream:
                    parents: list[ElementTree.Element] = []
                    events = ElementTree.iterparse(stream, events=("start", "end"))  # noqa: S314
                    for event, element in events:
                        if event == "start":
                            parents.append(element)
                            continue
                        parents.pop()
                        if element.tag != tag:
                            continue
                        try:
                            result = read(element) if self._current(element) else None
                        except (ValueError, TypeError) as exc:
                            message = _("%(file)s has an object not in the BAG's format: %(error)s")
                            raise BagExtractError(
                                message % {"file": source.name, "error": exc}
                            ) from exc
                        # What is read is let go, with the stand that held it: memory stays
                        # flat. (The root's child holds the stands; the one open is detached.)
                        element.clear()
                        if parents:
                            parents[min(1, len(parents) - 1)].clear()
                        if result is not None:
                            yield result
            except ElementTree.ParseError as exc:
                raise self._corrupt(source, exc) from exc
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise self._corrupt(source, exc) from exc

    def _corrupt(self, source: _Source, exc: Exception) -> BagExtractError:
        return BagExtractError(
            _("%(file)s cannot be read: it is damaged or not XML (%(error)s).")
            % {"file": source.name, "error": exc}
        )

    def _current(self, element: ElementTree.Element) -> bool:
        """Whether this voorkomen is valid today: begun, not ended, not inactive, not corrected.

        A version whose end lies in the future is still today's, even when its end is
        already registered (eindRegistratie: a change planned ahead). A version with an end
        of registration and no end of validity was replaced by a correction.
        """
        voorkomen = element.find("Objecten:voorkomen/Historie:Voorkomen", NS)
        if voorkomen is None:
            raise ValueError("Historie:Voorkomen is missing")
        begin = voorkomen.findtext("Historie:beginGeldigheid", namespaces=NS)
        end = voorkomen.findtext("Historie:eindGeldigheid", namespaces=NS)
        if not begin:
            raise ValueError("Historie:beginGeldigheid is missing")
        if voorkomen.findtext("Historie:tijdstipInactief", namespaces=NS):
            return False
        if not end and voorkomen.findtext("Historie:eindRegistratie", namespaces=NS):
            return False
        if date.fromisoformat(begin.strip()[:10]) > self.today:
            return False
        return not (end and date.fromisoformat(end.strip()[:10]) <= self.today)

    @staticmethod
    def _versioned(element, result):
        if result is None:
            return None
        number = element.findtext(
            "Objecten:voorkomen/Historie:Voorkomen/Historie:voorkomenidentificatie",
            default="0",
            namespaces=NS,
        )
        return int(number.strip() or 0), result

    @staticmethod
    def _text(element: ElementTree.Element, path: str) -> str:
        return (element.findtext(path, default="", namespaces=NS) or "").strip()

    def _place(self, element):
        if self._text(element, "Objecten:status") != PLACE_DESIGNATED:
            return None
        return self._required(element, "Objecten:identificatie"), self._required(
            element, "Objecten:naam"
        )

    def _street(self, element):
        if self._text(element, "Objecten:status") != NAME_GIVEN:
            return None
        place = self._text(element, "Objecten:ligtIn/Objecten-ref:WoonplaatsRef")
        return self._required(element, "Objecten:identificatie"), (
            self._required(element, "Objecten:naam"),
            place,
        )

    def _residence(self, element):
        uses = tuple(
            (use.text or "").strip()
            for use in element.findall("Objecten:gebruiksdoel", NS)
            if (use.text or "").strip()
        )
        return (
            self._required(element, "Objecten:identificatie"),
            self._text(element, "Objecten:status"),
            uses,
            self._required(element, "Objecten:heeftAlsHoofdadres/Objecten-ref:NummeraanduidingRef"),
        )

    def _address(self, element, places, streets, residences) -> BagAddress | None:
        bag_id = self._required(element, "Objecten:identificatie")
        if self._text(element, "Objecten:status") != NAME_GIVEN:
            self.skipped["withdrawn"] += 1
            return None
        postcode = postcode_normalised(self._text(element, "Objecten:postcode"))
        if postcode is None:
            self.skipped["no postcode"] += 1
            return None
        street_id = self._required(element, "Objecten:ligtAan/Objecten-ref:OpenbareRuimteRef")
        if street_id not in streets:
            self.skipped["unknown street"] += 1
            return None
        street, street_place = streets[street_id]
        place_id = self._text(element, "Objecten:ligtIn/Objecten-ref:WoonplaatsRef") or street_place
        if place_id not in places:
            self.skipped["unknown place"] += 1
            return None
        letter = self._text(element, "Objecten:huisletter")
        addition = self._text(element, "Objecten:huisnummertoevoeging")
        if len(letter) > 1 or len(addition) > 4:
            raise ValueError(f"{bag_id}: huisletter or huisnummertoevoeging too long")
        residence_id, status, uses = residences.get(bag_id, ("", "", ()))
        return BagAddress(
            bag_id=bag_id,
            postcode=postcode,
            house_number=int(self._required(element, "Objecten:huisnummer")),
            house_letter=letter,
            house_number_addition=addition,
            street=street,
            place=places[place_id],
            object_type=self._text(element, "Objecten:typeAdresseerbaarObject"),
            residence_id=residence_id,
            residence_status=status,
            residence_uses=uses,
        )

    def _required(self, element, path: str) -> str:
        value = self._text(element, path)
        if not value:
            raise ValueError(f"{path} is missing")
        return value
