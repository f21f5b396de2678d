"""Write a small BAG 2.0 extract in the Kadaster's format: the demo villages' addresses.

`write_demo_extract` makes a municipality extract (BAGGEM0797L-<date>.zip, holding
0797GEM<date>.zip, holding one ZIP per object type with its XML file) for Heusden's
villages: a few hundred addresses on streets that sound like theirs, postcodes 5250-5270,
mostly homes, some shops and offices, flats with additions, a house with a letter, and
some history (an ended voorkomen before the current one). demo_data loads it with
`manage.py bag_import`, the way a municipality loads the real one.

The XML writers (`place_xml`, `street_xml`, `address_xml`, `residence_xml`,
`extract_file`, `write_extract_zip`) write one object version each, as the Kadaster does
(initiatives/bag.py describes the format); tests build their own small extracts with them.
"""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

MUNICIPALITY = "0797"  # Heusden's municipality code
NAMESPACES = (
    'xmlns:Objecten="www.kadaster.nl/schemas/lvbag/imbag/objecten/v20200601" '
    'xmlns:Objecten-ref="www.kadaster.nl/schemas/lvbag/imbag/objecten-ref/v20200601" '
    'xmlns:Historie="www.kadaster.nl/schemas/lvbag/imbag/historie/v20200601" '
    'xmlns:gml="http://www.opengis.net/gml/3.2" '
    'xmlns:selecties-extract="http://www.kadaster.nl/schemas/lvbag/extract-selecties/v20200601" '
    'xmlns:sl-bag-extract="http://www.kadaster.nl/schemas/lvbag/extract-deelbestand-lvc/v20200601" '
    'xmlns:sl="http://www.kadaster.nl/schemas/standlevering-generiek/1.0"'
)

# (village, postcode digits, streets, addresses per street)
VILLAGES = [
    ("Drunen", "5250", ["Grotestraat", "Kerkstraat", "Raadhuisplein", "Torenstraat"], 15),
    ("Vlijmen", "5251", ["Hoogstraat", "Markt", "Julianastraat", "Wolput"], 15),
    ("Heusden", "5256", ["Vismarkt", "Breestraat", "Putterstraat"], 12),
    ("Nieuwkuijk", "5253", ["Onsenoortsestraat", "Eikenlaan"], 12),
    ("Haarsteeg", "5254", ["Wolfshoek", "Kerkstraat"], 12),
    ("Elshout", "5255", ["Kapelstraat", "Hooisestraat"], 12),
    ("Oudheusden", "5257", ["Sint Catharinastraat", "Oudheusdenseweg"], 10),
    ("Hedikhuizen", "5258", ["Maasdijk"], 10),
    ("Doeveren", "5259", ["Doeverense Dijk"], 10),
    ("Herpt", "5260", ["Dorpsstraat", "Herptseweg"], 8),
    ("Heesbeen", "5261", ["Heesbeensedijk"], 10),
]


def _voorkomen(number: int, begin: str, end: str = "") -> str:
    ended = f"<Historie:eindGeldigheid>{end}</Historie:eindGeldigheid>" if end else ""
    registered_end = f"<Historie:eindRegistratie>{end}T09:00:00.000</Historie:eindRegistratie>"
    return (
        "<Objecten:voorkomen><Historie:Voorkomen>"
        f"<Historie:voorkomenidentificatie>{number}</Historie:voorkomenidentificatie>"
        f"<Historie:beginGeldigheid>{begin}</Historie:beginGeldigheid>{ended}"
        f"<Historie:tijdstipRegistratie>{begin}T09:00:00.000</Historie:tijdstipRegistratie>"
        f"{registered_end if end else ''}"
        "<Historie:BeschikbaarLV>"
        f"<Historie:tijdstipRegistratieLV>{begin}T09:30:00.000</Historie:tijdstipRegistratieLV>"
        "</Historie:BeschikbaarLV>"
        "</Historie:Voorkomen></Objecten:voorkomen>"
    )


def _stand(body: str) -> str:
    return f"<sl:stand><sl-bag-extract:bagObject>{body}</sl-bag-extract:bagObject></sl:stand>\n"


def place_xml(
    bag_id: str, name: str, *, status="Woonplaats aangewezen", version=1, begin="2010-01-01", end=""
) -> str:
    return _stand(
        f'<Objecten:Woonplaats><Objecten:identificatie domein="NL.IMBAG.Woonplaats">{bag_id}'
        f"</Objecten:identificatie><Objecten:naam>{escape(name)}</Objecten:naam>"
        "<Objecten:geometrie><Objecten:vlak/></Objecten:geometrie>"
        f"<Objecten:status>{status}</Objecten:status>"
        "<Objecten:geconstateerd>N</Objecten:geconstateerd>"
        f"<Objecten:documentdatum>{begin}</Objecten:documentdatum>"
        "<Objecten:documentnummer>WPL-1</Objecten:documentnummer>"
        f"{_voorkomen(version, begin, end)}</Objecten:Woonplaats>"
    )


def street_xml(
    bag_id: str,
    name: str,
    place_id: str,
    *,
    status="Naamgeving uitgegeven",
    version=1,
    begin="2010-01-01",
    end="",
) -> str:
    return _stand(
        '<Objecten:OpenbareRuimte><Objecten:identificatie domein="NL.IMBAG.Openbareruimte">'
        f"{bag_id}</Objecten:identificatie><Objecten:naam>{escape(name)}</Objecten:naam>"
        f"<Objecten:type>Weg</Objecten:type><Objecten:status>{status}</Objecten:status>"
        "<Objecten:geconstateerd>N</Objecten:geconstateerd>"
        f"<Objecten:documentdatum>{begin}</Objecten:documentdatum>"
        "<Objecten:documentnummer>OPR-1</Objecten:documentnummer>"
        '<Objecten:ligtIn><Objecten-ref:WoonplaatsRef domein="NL.IMBAG.Woonplaats">'
        f"{place_id}</Objecten-ref:WoonplaatsRef></Objecten:ligtIn>"
        f"{_voorkomen(version, begin, end)}</Objecten:OpenbareRuimte>"
    )


def address_xml(
    bag_id: str,
    street_id: str,
    number: int,
    postcode: str,
    *,
    letter="",
    addition="",
    kind="Verblijfsobject",
    status="Naamgeving uitgegeven",
    place_id="",
    version=1,
    begin="2010-01-01",
    end="",
) -> str:
    letter_xml = f"<Objecten:huisletter>{letter}</Objecten:huisletter>" if letter else ""
    addition_xml = (
        f"<Objecten:huisnummertoevoeging>{addition}</Objecten:huisnummertoevoeging>"
        if addition
        else ""
    )
    postcode_xml = f"<Objecten:postcode>{postcode}</Objecten:postcode>" if postcode else ""
    place_xml_ = (
        '<Objecten:ligtIn><Objecten-ref:WoonplaatsRef domein="NL.IMBAG.Woonplaats">'
        f"{place_id}</Objecten-ref:WoonplaatsRef></Objecten:ligtIn>"
        if place_id
        else ""
    )
    return _stand(
        '<Objecten:Nummeraanduiding><Objecten:identificatie domein="NL.IMBAG.Nummeraanduiding">'
        f"{bag_id}</Objecten:identificatie><Objecten:huisnummer>{number}</Objecten:huisnummer>"
        f"{letter_xml}{addition_xml}{postcode_xml}"
        f"<Objecten:typeAdresseerbaarObject>{kind}</Objecten:typeAdresseerbaarObject>"
        f"<Objecten:status>{status}</Objecten:status>"
        "<Objecten:geconstateerd>N</Objecten:geconstateerd>"
        f"<Objecten:documentdatum>{begin}</Objecten:documentdatum>"
        "<Objecten:documentnummer>NUM-1</Objecten:documentnummer>"
        f"{place_xml_}{_voorkomen(version, begin, end)}"
        '<Objecten:ligtAan><Objecten-ref:OpenbareRuimteRef domein="NL.IMBAG.Openbareruimte">'
        f"{street_id}</Objecten-ref:OpenbareRuimteRef></Objecten:ligtAan>"
        "</Objecten:Nummeraanduiding>"
    )


def residence_xml(
    bag_id: str,
    main_address_id: str,
    *,
    uses=("woonfunctie",),
    status="Verblijfsobject in gebruik",
    side_address_ids=(),
    version=1,
    begin="2010-01-01",
    end="",
) -> str:
    uses_xml = "".join(f"<Objecten:gebruiksdoel>{use}</Objecten:gebruiksdoel>" for use in uses)
    side_xml = (
        "<Objecten:heeftAlsNevenadres>"
        + "".join(
            '<Objecten-ref:NummeraanduidingRef domein="NL.IMBAG.Nummeraanduiding">'
            f"{side}</Objecten-ref:NummeraanduidingRef>"
            for side in side_address_ids
        )
        + "</Objecten:heeftAlsNevenadres>"
        if side_address_ids
        else ""
    )
    return _stand(
        "<Objecten:Verblijfsobject><Objecten:heeftAlsHoofdadres>"
        '<Objecten-ref:NummeraanduidingRef domein="NL.IMBAG.Nummeraanduiding">'
        f"{main_address_id}</Objecten-ref:NummeraanduidingRef></Objecten:heeftAlsHoofdadres>"
        f"{_voorkomen(version, begin, end)}{side_xml}"
        f'<Objecten:identificatie domein="NL.IMBAG.Verblijfsobject">{bag_id}'
        "</Objecten:identificatie>"
        '<Objecten:geometrie><Objecten:punt><gml:Point srsName="urn:ogc:def:crs:EPSG::28992">'
        "<gml:pos>145000.0 413000.0 0.0</gml:pos></gml:Point></Objecten:punt></Objecten:geometrie>"
        f"{uses_xml}<Objecten:oppervlakte>95</Objecten:oppervlakte>"
        f"<Objecten:status>{status}</Objecten:status>"
        "<Objecten:geconstateerd>N</Objecten:geconstateerd>"
        f"<Objecten:documentdatum>{begin}</Objecten:documentdatum>"
        "<Objecten:documentnummer>VBO-1</Objecten:documentnummer>"
        '<Objecten:maaktDeelUitVan><Objecten-ref:PandRef domein="NL.IMBAG.Pand">'
        f"{MUNICIPALITY}100000000001</Objecten-ref:PandRef></Objecten:maaktDeelUitVan>"
        "</Objecten:Verblijfsobject>"
    )


def extract_file(kind: str, stands: list[str], *, day: date | None = None) -> bytes:
    """Return one XML file of the extract: the objects of KIND ('WPL', 'NUM', ...)."""
    day = day or date.today()
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<sl-bag-extract:bagStand {NAMESPACES}>\n"
        "<sl-bag-extract:bagInfo><selecties-extract:Gebied-Registratief>"
        "<selecties-extract:Gebied-GEM><selecties-extract:GemeenteCollectie>"
        "<selecties-extract:Gemeente><selecties-extract:GemeenteIdentificatie>"
        f"{MUNICIPALITY}</selecties-extract:GemeenteIdentificatie></selecties-extract:Gemeente>"
        "</selecties-extract:GemeenteCollectie></selecties-extract:Gebied-GEM>"
        "</selecties-extract:Gebied-Registratief><selecties-extract:LVC-Extract>"
        f"<selecties-extract:StandTechnischeDatum>{day.isoformat()}"
        "</selecties-extract:StandTechnischeDatum></selecties-extract:LVC-Extract>"
        "</sl-bag-extract:bagInfo>\n"
        "<sl:standBestand><sl:dataset>LVBAG</sl:dataset><sl:inhoud><sl:gebied>GEMEENTE"
        "</sl:gebied><sl:leveringsId>0000000001</sl:leveringsId><sl:objectTypen>"
        f"<sl:objectType>{kind}</sl:objectType></sl:objectTypen></sl:inhoud>\n"
        + "".join(stands)
        + "</sl:standBestand>\n</sl-bag-extract:bagStand>\n"
    ).encode()


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def write_extract_zip(path: Path, files: dict[str, bytes], *, day: date | None = None) -> Path:
    """Write FILES ({'WPL': xml bytes, ...}) as a municipality extract ZIP in PATH (a folder)."""
    stamp = (day or date.today()).strftime("%d%m%Y")
    per_kind = {
        f"{MUNICIPALITY}{kind}{stamp}.zip": _zip_bytes(
            {f"{MUNICIPALITY}{kind}{stamp}-000001.xml": data}
        )
        for kind, data in files.items()
    }
    outer = {
        "Leveringsdocument-BAG-Extract.xml": b'<?xml version="1.0"?><Leveringsdocument/>',
        f"{MUNICIPALITY}GEM{stamp}.zip": _zip_bytes(per_kind),
    }
    target = Path(path) / f"BAGGEM{MUNICIPALITY}L-{stamp}.zip"
    target.write_bytes(_zip_bytes(outer))
    return target


@dataclass(frozen=True)
class DemoHome:
    street: str
    number_text: str
    postcode: str
    place: str


def demo_extract_files(*, seed: int = 797) -> dict[str, bytes]:
    """Return the demo villages' extract as {'WPL': ..., 'OPR': ..., 'NUM': ..., 'VBO': ...}."""
    rng = random.Random(seed)  # noqa: S311 - demo data, the same every run
    places, streets, addresses, residences = [], [], [], []
    serial = 0
    for village_index, (village, digits, street_names, per_street) in enumerate(VILLAGES):
        place_id = f"{2700 + village_index}"
        places.append(place_xml(place_id, village))
        for street_index, street in enumerate(street_names):
            street_id = f"{MUNICIPALITY}300000{village_index:03d}{street_index:03d}"
            streets.append(street_xml(street_id, street, place_id))
            letters = f"{chr(65 + village_index)}{chr(65 + street_index)}"
            postcode = f"{digits}{letters}"
            for number in range(1, per_street + 1):
                kinds = [("", "")]
                roll = rng.random()
                if roll < 0.08:
                    kinds = [("", "1"), ("", "2"), ("", "3")]  # flats above each other
                elif roll < 0.12:
                    kinds = [("", ""), ("a", "")]  # a house split in two
                for letter, addition in kinds:
                    serial += 1
                    address_id = f"{MUNICIPALITY}200000{serial:06d}"
                    residence_id = f"{MUNICIPALITY}010000{serial:06d}"
                    uses = ("woonfunctie",)
                    use_roll = rng.random()
                    if use_roll < 0.07:
                        uses = ("winkelfunctie",)
                    elif use_roll < 0.10:
                        uses = ("kantoorfunctie",)
                    elif use_roll < 0.13:
                        uses = ("woonfunctie", "winkelfunctie")  # living above the shop
                    status = "Verblijfsobject in gebruik"
                    if rng.random() < 0.03:
                        status = "Verblijfsobject gevormd"  # being built: no one lives there
                    if rng.random() < 0.1:
                        # history: the first version ended when the house was measured
                        residences.append(
                            residence_xml(
                                residence_id,
                                address_id,
                                uses=uses,
                                status="Verblijfsobject in gebruik (niet ingemeten)",
                                begin="2009-03-01",
                                end="2014-06-01",
                            )
                        )
                        residences.append(
                            residence_xml(
                                residence_id,
                                address_id,
                                uses=uses,
                                status=status,
                                version=2,
                                begin="2014-06-01",
                            )
                        )
                    else:
                        residences.append(
                            residence_xml(residence_id, address_id, uses=uses, status=status)
                        )
                    addresses.append(
                        address_xml(
                            address_id,
                            street_id,
                            number,
                            postcode,
                            letter=letter,
                            addition=addition,
                        )
                    )
    return {
        "WPL": extract_file("WPL", places),
        "OPR": extract_file("OPR", streets),
        "NUM": extract_file("NUM", addresses),
        "VBO": extract_file("VBO", residences),
    }


def write_demo_extract(folder: Path) -> Path:
    """Write the demo villages' municipality extract into FOLDER; return the ZIP's path."""
    return write_extract_zip(Path(folder), demo_extract_files())
