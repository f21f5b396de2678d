"""Loading the register (issue 18): bag_import, the household rule, re-imports, bad files."""

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from initiatives.address_models import Address
from initiatives.bag_demo import (
    address_xml,
    extract_file,
    place_xml,
    residence_xml,
    street_xml,
    write_extract_zip,
)
from initiatives.models import Neighbourhood
from tests.factories import InvitationFactory, NeighbourhoodFactory

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "bag_extract"
# Errors are in Dutch, the portal's language; the counts are the command's own English.


def _import(*args) -> str:
    out = io.StringIO()
    call_command("bag_import", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def _small_extract(tmp_path: Path, addresses: list[tuple], *, name="x") -> Path:
    """An extract of Drunen with ADDRESSES: (number, postcode, uses, status) each."""
    folder = tmp_path / name
    folder.mkdir()
    num, vbo = [], []
    for index, (number, postcode, uses, status) in enumerate(addresses, start=1):
        num.append(address_xml(f"0797200000{index:06d}", "0797300000000001", number, postcode))
        vbo.append(
            residence_xml(
                f"0797010000{index:06d}", f"0797200000{index:06d}", uses=uses, status=status
            )
        )
    files = {
        "WPL": extract_file("WPL", [place_xml("2701", "Drunen")]),
        "OPR": extract_file("OPR", [street_xml("0797300000000001", "Kerkstraat", "2701")]),
        "NUM": extract_file("NUM", num),
        "VBO": extract_file("VBO", vbo),
    }
    return write_extract_zip(folder, files)


IN_USE = "Verblijfsobject in gebruik"


def test_imports_the_addresses_and_marks_the_households():
    output = _import(FILES)
    rows = {a.bag_id: a for a in Address.objects.all()}
    assert set(rows) == {
        "0797200000000001",
        "0797200000000002",
        "0797200000000003",
        "0797200000000004",
        "0797200000000005",
        "0797200000000006",
        "0797200000000010",
        "0797200000000011",
        "0797200000000013",
        "0797200000000014",
    }  # 9 is the address of a withdrawn residence
    households = {bag_id for bag_id, row in rows.items() if row.household}
    # In use with a residential function, the main address: 12, Grotestraat 1, Wolput 7
    # (residential and an office), Kerkstraat 3. Not: the shop (12a), the flat being built
    # (14-2), the side address (1b), the berth (20).
    assert households == {
        "0797200000000001",
        "0797200000000004",
        "0797200000000006",
        "0797200000000011",
    }
    twelve = rows["0797200000000001"]
    assert (twelve.street, twelve.house_number, twelve.postcode, twelve.place) == (
        "Kerkstraat",
        12,
        "5251AB",
        "Drunen",
    )
    assert twelve.residence_id == "0797010000000001"
    assert rows["0797200000000005"].residence_id == ""
    assert rows["0797200000000003"].house_number_addition == "2"
    assert rows["0797200000000002"].house_letter == "a"
    assert "10 new, 0 updated, 0 removed; 4 households" in output
    assert "withdrawn: 1" in output and "residence ended: 1" in output


def test_neighbourhood_of_place_matches_the_village_by_name():
    drunen = NeighbourhoodFactory(name="Drunen")
    _import(FILES)
    assert not Address.objects.filter(neighbourhood__isnull=False).exists()
    output = _import(FILES, "--neighbourhood-of-place")
    assert Address.objects.filter(place="Drunen").exclude(neighbourhood=drunen).count() == 0
    # Vlijmen is no neighbourhood of the portal: its addresses have none.
    vlijmen = Address.objects.filter(place="Vlijmen")
    assert vlijmen.count() == 3 and not vlijmen.filter(neighbourhood__isnull=False).exists()
    assert "With a neighbourhood (by place): 7." in output


def test_without_the_option_an_address_keeps_its_neighbourhood():
    elsewhere = NeighbourhoodFactory(name="Drunen-Noord")
    _import(FILES)
    Address.objects.filter(place="Drunen").update(neighbourhood=elsewhere)
    _import(FILES)
    assert Address.objects.filter(neighbourhood=elsewhere).count() == 7


def test_re_import_updates_in_place_and_removes_what_left(tmp_path):
    first = _small_extract(
        tmp_path,
        [
            (1, "5251AB", ("woonfunctie",), IN_USE),
            (2, "5251AB", ("woonfunctie",), "Verblijfsobject gevormd"),
            (3, "5251AB", ("woonfunctie",), IN_USE),
        ],
        name="first",
    )
    _import(first)
    ids = dict(Address.objects.values_list("bag_id", "pk"))
    assert Address.objects.filter(household=True).count() == 2
    # A month later: number 2 is lived in, number 1 got a new postcode, number 3 was
    # demolished and left the register.
    second = _small_extract(
        tmp_path,
        [
            (1, "5251AC", ("woonfunctie",), IN_USE),
            (2, "5251AB", ("woonfunctie",), IN_USE),
        ],
        name="second",
    )
    output = _import(second)
    rows = {a.bag_id: a for a in Address.objects.all()}
    assert set(rows) == {"0797200000000001", "0797200000000002"}
    assert rows["0797200000000001"].pk == ids["0797200000000001"]  # updated in place
    assert rows["0797200000000001"].postcode == "5251AC"
    assert rows["0797200000000002"].household is True
    assert "0 new, 2 updated, 1 removed; 2 households" in output


def test_a_missing_file_is_a_clear_error_and_changes_nothing(tmp_path):
    _import(FILES)
    with pytest.raises(CommandError, match=r"bestaat niet\. Er is niets veranderd\."):
        _import(tmp_path / "BAGGEM0797L-01012027.zip")
    assert Address.objects.count() == 10


def test_a_damaged_file_changes_nothing_even_halfway(tmp_path):
    """The damage is past the first thousand addresses: those are not kept either."""
    _import(FILES)
    before = list(Address.objects.values_list("bag_id", "postcode", "household"))
    stands = [
        address_xml(f"0797200{n:09d}", "0797300000000001", n, "5251AB") for n in range(1, 2500)
    ]
    files = {
        "WPL": extract_file("WPL", [place_xml("2701", "Drunen")]),
        "OPR": extract_file("OPR", [street_xml("0797300000000001", "Kerkstraat", "2701")]),
        "VBO": extract_file("VBO", [residence_xml("0797010000000001", "0797200000000001")]),
    }
    whole = extract_file("NUM", stands)
    files["NUM"] = whole[: len(whole) * 3 // 4]
    with pytest.raises(CommandError, match="niet te lezen"):
        _import(write_extract_zip(tmp_path, files))
    assert list(Address.objects.values_list("bag_id", "postcode", "household")) == before


def test_not_a_zip_is_a_clear_error(tmp_path):
    bad = tmp_path / "BAGGEM0797L.zip"
    bad.write_text("<html>Not found</html>")
    with pytest.raises(CommandError, match="geen ZIP- of XML-bestand"):
        _import(bad)


def test_an_extract_without_addresses_leaves_the_register(tmp_path):
    _import(FILES)
    folder = tmp_path / "empty"
    folder.mkdir()
    for path in FILES.glob("*.xml"):
        shutil.copy(path, folder / path.name)
    num = next(folder.glob("*NUM*"))
    text = num.read_text()
    num.write_text(
        text[: text.index("<sl:stand>")] + "</sl:standBestand></sl-bag-extract:bagStand>"
    )
    with pytest.raises(CommandError, match="geen geldige adressen"):
        _import(folder)
    assert Address.objects.count() == 10


def test_the_demo_extract_loads_the_villages(settings):
    settings.DEBUG = True
    villages = ["Drunen", "Vlijmen", "Heusden", "Nieuwkuijk", "Haarsteeg", "Elshout"]
    for name in villages:
        NeighbourhoodFactory(name=name)
    from initiatives.bag_demo import write_demo_extract

    folder = Path(settings.MEDIA_ROOT)
    folder.mkdir(parents=True, exist_ok=True)
    output = _import(write_demo_extract(folder), "--neighbourhood-of-place")
    total = Address.objects.count()
    assert 300 <= total <= 400, output
    assert set(Address.objects.values_list("place", flat=True).distinct()) >= set(villages)
    postcodes = Address.objects.values_list("postcode", flat=True)
    assert all(5250 <= int(code[:4]) <= 5270 for code in postcodes)
    households = Address.objects.filter(household=True).count()
    assert 0.6 * total < households < total
    assert not Address.objects.filter(place="Drunen", neighbourhood__isnull=True).exists()
    assert Neighbourhood.objects.get(name="Vlijmen").addresses.exists()


def test_demo_data_loads_the_register_through_the_command(settings):
    settings.DEBUG = True
    call_command("demo_data", "--quiet-accounts", stdout=io.StringIO())
    drunen = Neighbourhood.objects.get(name="Drunen")
    assert drunen.addresses.filter(household=True).count() > 30
    count = Address.objects.count()
    call_command("demo_data", "--quiet-accounts", stdout=io.StringIO())  # safe to run twice
    assert Address.objects.count() == count


@pytest.mark.parametrize("new_first", [False, True])
def test_a_house_built_again_keeps_its_address_as_a_household(tmp_path, new_first):
    old = residence_xml(
        "0797010000000001", "0797200000000001", status="Verblijfsobject ingetrokken"
    )
    new = residence_xml("0797010000000002", "0797200000000001", status=IN_USE)
    files = {
        "WPL": extract_file("WPL", [place_xml("2701", "Drunen")]),
        "OPR": extract_file("OPR", [street_xml("0797300000000001", "Kerkstraat", "2701")]),
        "NUM": extract_file(
            "NUM", [address_xml("0797200000000001", "0797300000000001", 4, "5251AB")]
        ),
        "VBO": extract_file("VBO", [new, old] if new_first else [old, new]),
    }
    _import(write_extract_zip(tmp_path, files))
    address = Address.objects.get()
    assert (address.residence_id, address.household) == ("0797010000000002", True)


def test_an_invited_household_that_left_the_register_keeps_its_address(tmp_path):
    first = _small_extract(
        tmp_path,
        [(1, "5251AB", ("woonfunctie",), IN_USE), (2, "5251AB", ("woonfunctie",), IN_USE)],
        name="first",
    )
    _import(first)
    invited = Address.objects.get(bag_id="0797200000000002")
    invitation = InvitationFactory(address=invited)
    # Number 2 leaves the register while the assembly's letters are out.
    second = _small_extract(tmp_path, [(1, "5251AB", ("woonfunctie",), IN_USE)], name="second")
    output = _import(second)
    invitation.refresh_from_db()
    assert invitation.address == invited  # the letter's address is still known
    invited.refresh_from_db()
    assert invited.household is False  # but it is never drawn again
    assert "kept for an assembly's invitation: 1" in output
    # Once the assembly's pool is cleared, the next import removes it.
    invitation.assembly.personal_data_removed_at = invitation.assembly.created_at
    invitation.assembly.save()
    _import(second)
    assert not Address.objects.filter(bag_id="0797200000000002").exists()
