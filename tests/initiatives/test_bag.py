"""Reading the BAG 2.0 extract (issue 18): the format, current versions only, bad files.

bag_extract/ holds a small municipality extract written by hand in the Kadaster's format
(one XML file per object type, every version of an object its own element, as in the
Kadaster's samples): places, streets with a renamed one, addresses with a letter, an
addition, a berth, a withdrawn, an ended and a future one, and residences with history.
"""

import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest

from initiatives import bag
from initiatives.bag import BagExtract, BagExtractError, postcode_normalised
from initiatives.bag_demo import (
    address_xml,
    extract_file,
    place_xml,
    residence_xml,
    street_xml,
    write_extract_zip,
)

FILES = Path(__file__).parent / "bag_extract"
# The messages are in Dutch, the portal's language: an administrator reads them.
TODAY = date(2026, 12, 7)


def _read(*paths, today=TODAY):
    extract = BagExtract(paths, today=today)
    return {a.bag_id: a for a in extract.addresses()}, extract


def test_reads_the_current_addresses_with_street_and_place():
    addresses, extract = _read(FILES)
    assert sorted(addresses) == [
        "0797200000000001",
        "0797200000000002",
        "0797200000000003",
        "0797200000000004",
        "0797200000000005",
        "0797200000000006",
        "0797200000000009",  # its residence was withdrawn: the service leaves it out
        "0797200000000010",
        "0797200000000011",
        "0797200000000013",
        "0797200000000014",
    ]
    first = addresses["0797200000000001"]
    assert (first.street, first.house_number, first.postcode, first.place) == (
        "Kerkstraat",
        12,
        "5251AB",
        "Drunen",
    )
    assert first.residence_id == "0797010000000001"
    assert first.residence_status == "Verblijfsobject in gebruik"
    assert first.residence_uses == ("woonfunctie",)
    assert addresses["0797200000000002"].house_letter == "a"
    assert addresses["0797200000000003"].house_number_addition == "2"
    assert addresses["0797200000000010"].object_type == "Ligplaats"
    assert addresses["0797200000000010"].residence_id == ""
    assert extract.skipped == {"withdrawn": 1}


def test_only_the_current_version_counts():
    addresses, _extract = _read(FILES)
    # The street was renamed in 2012, the place in 2015: the names of today.
    assert addresses["0797200000000004"].street == "Grotestraat"
    assert addresses["0797200000000004"].place == "Drunen"
    # The postcode changed in 2020.
    assert addresses["0797200000000011"].postcode == "5251AB"
    # An address whose only version ended is gone; one that begins in 2099 is not yet there.
    assert "0797200000000008" not in addresses
    assert "0797200000000012" not in addresses
    # The residence's second version: measured, and an office besides.
    six = addresses["0797200000000006"]
    assert six.residence_status == "Verblijfsobject in gebruik (niet ingemeten)"
    assert six.residence_uses == ("woonfunctie", "kantoorfunctie")
    assert six.place == "Vlijmen"


def test_a_change_planned_ahead_waits_for_its_day():
    """Version 1 ends in June 2027 (its end already registered), version 2 begins then."""
    addresses, _extract = _read(FILES)
    assert addresses["0797200000000013"].postcode == "5252CD"
    later, _extract = _read(FILES, today=date(2027, 6, 1))
    assert later["0797200000000013"].postcode == "5252CE"


def test_a_corrected_version_is_replaced_by_the_correction():
    addresses, _extract = _read(FILES)
    assert addresses["0797200000000014"].house_number == 19


def test_the_future_version_counts_once_its_day_has_come():
    addresses, _extract = _read(FILES, today=date(2099, 1, 2))
    assert "0797200000000012" in addresses


def test_a_side_address_has_no_residence():
    addresses, _extract = _read(FILES)
    assert addresses["0797200000000005"].residence_id == ""
    assert addresses["0797200000000004"].residence_id == "0797010000000004"


def test_reads_the_municipality_zip_with_zips_inside(tmp_path):
    files = {path.name[4:7]: path.read_bytes() for path in FILES.glob("*.xml")}
    extract = write_extract_zip(tmp_path, files, day=TODAY)
    with zipfile.ZipFile(extract) as outer:
        assert "0797GEM07122026.zip" in outer.namelist()
    from_zip, _ = _read(extract)
    from_folder, _ = _read(FILES)
    assert from_zip == from_folder


def test_reads_single_xml_files_without_the_kadasters_names(tmp_path):
    for path in FILES.glob("*.xml"):
        shutil.copy(path, tmp_path / f"{path.name[4:7].lower()}.xml")  # "num.xml"
    addresses, _ = _read(*sorted(tmp_path.glob("*.xml")))
    assert len(addresses) == 11


def test_memory_stays_flat_each_object_is_let_go(tmp_path, monkeypatch):
    """A large NUM file: the tree the parser builds does not keep what was read."""
    stands = [
        address_xml(f"0797200{n:09d}", "0797300000000001", n, "5251AB") for n in range(1, 3001)
    ]
    files = {path.name[4:7]: path.read_bytes() for path in FILES.glob("*.xml")}
    files["NUM"] = extract_file("NUM", stands)
    containers, original = [], bag.ElementTree.iterparse

    def watching(stream, events):
        for event, element in original(stream, events=events):
            if event == "start" and element.tag.endswith("}standBestand"):
                containers.append(element)
            if event == "end" and element.tag.endswith("}Nummeraanduiding"):
                sizes.append(len(containers[-1]))
            yield event, element

    sizes: list[int] = []
    monkeypatch.setattr(bag.ElementTree, "iterparse", watching)
    addresses = list(BagExtract([write_extract_zip(tmp_path, files)], today=TODAY).addresses())
    assert len(addresses) == 3000
    # When an address is read its container holds only what the parser read ahead in its
    # last chunk, never the thousands before it.
    assert len(sizes) == 3000 and max(sizes) < 50


@pytest.mark.parametrize(
    "typed, expected",
    [("5251AB", "5251AB"), ("5251 ab", "5251AB"), (" 5251ab ", "5251AB"), ("0251AB", None),
     ("5251A", None), ("ABCDEF", None), ("", None), ("5251 AB 12", None)],
)  # fmt: skip
def test_postcode_normalised(typed, expected):
    assert postcode_normalised(typed) == expected


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(BagExtractError, match="bestaat niet"):
        _read(tmp_path / "nowhere.zip")


def test_a_file_that_is_no_zip_is_a_clear_error(tmp_path):
    bad = tmp_path / "extract.zip"
    bad.write_bytes(b"this is not a zip")
    with pytest.raises(BagExtractError, match="geen ZIP- of XML-bestand"):
        _read(bad)


def test_a_truncated_xml_file_is_a_clear_error(tmp_path):
    for path in FILES.glob("*.xml"):
        shutil.copy(path, tmp_path / path.name)
    num = next(tmp_path.glob("*NUM*.xml"))
    num.write_bytes(num.read_bytes()[:5000])
    with pytest.raises(BagExtractError, match="niet te lezen"):
        _read(tmp_path)


def test_a_missing_object_type_is_named(tmp_path):
    for path in FILES.glob("*.xml"):
        if "VBO" not in path.name:
            shutil.copy(path, tmp_path / path.name)
    with pytest.raises(BagExtractError, match="VBO"):
        _read(tmp_path)


def test_an_object_without_a_required_field_is_a_clear_error(tmp_path):
    files = {
        "WPL": extract_file("WPL", [place_xml("2701", "Drunen")]),
        "OPR": extract_file("OPR", [street_xml("0797300000000001", "Kerkstraat", "2701")]),
        "VBO": extract_file("VBO", [residence_xml("0797010000000001", "0797200000000001")]),
        "NUM": extract_file(
            "NUM",
            [
                address_xml("0797200000000001", "0797300000000001", 1, "5251AB").replace(
                    "<Objecten:huisnummer>1</Objecten:huisnummer>",
                    "<Objecten:huisnummer>een</Objecten:huisnummer>",
                )
            ],
        ),
    }
    with pytest.raises(BagExtractError, match="niet in het formaat van de BAG"):
        _read(write_extract_zip(tmp_path, files))


@pytest.mark.parametrize("order", [(1, 2), (2, 1)])
def test_two_current_versions_the_newer_counts(tmp_path, order):
    numbers = {1: 5, 2: 7}
    stands = [
        address_xml("0797200000000001", "0797300000000001", numbers[v], "5251AB", version=v)
        for v in order
    ]
    files = {
        "WPL": extract_file("WPL", [place_xml("2701", "Drunen")]),
        "OPR": extract_file("OPR", [street_xml("0797300000000001", "Kerkstraat", "2701")]),
        "VBO": extract_file("VBO", [residence_xml("0797010000000001", "0797200000000001")]),
        "NUM": extract_file("NUM", stands),
    }
    addresses, extract = _read(write_extract_zip(tmp_path, files))
    assert [a.house_number for a in addresses.values()] == [7]
    assert extract.skipped == {"older version": 1}
