"""manage.py assembly_draw_verify: re-runs a draw from what its page publishes."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from initiatives import services
from initiatives.assembly_models import Participant
from initiatives.selectors import draw_publication
from tests.assemblies.panel_world import (
    WITNESS_VALUE,
    WITNESSES,
    perform,
    performed_invitation_draw,
    ready_assembly,
    replacement,
)

pytestmark = pytest.mark.django_db

SAME = "Zelfde uitkomst als gepubliceerd: ja"
NOT_SAME = "Zelfde uitkomst als gepubliceerd: nee"


def verify(*args) -> str:
    out = StringIO()
    call_command("assembly_draw_verify", *args, stdout=out)
    return out.getvalue()


def verify_refused(*args) -> tuple[str, str]:
    out = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("assembly_draw_verify", *args, stdout=out)
    return out.getvalue(), str(excinfo.value)


@pytest.fixture
def panel_draw(mogelijkmaker):
    assembly = ready_assembly(mogelijkmaker, people=15)
    draw = services.panel_draw_announce(by=mogelijkmaker, assembly=assembly)
    return perform(mogelijkmaker, draw)


def published_file(client, draw, tmp_path) -> str:
    url = reverse("assembly_draws:json", args=[draw.assembly.slug, draw.kind, draw.number])
    path = tmp_path / "loting.json"
    path.write_bytes(client.get(url).content)
    return str(path)


def test_the_published_json_reproduces_the_panel(client, panel_draw, tmp_path):
    out = verify(published_file(client, panel_draw, tmp_path))
    assert SAME in out
    for pseudonym in panel_draw.result["selected"]:
        assert f"  {pseudonym}\n" in out
    assert out.count("✓") == 3 and "✗" not in out


def test_by_the_draws_id(panel_draw):
    out = verify("--draw", str(panel_draw.pk))
    assert SAME in out
    assert "Loting panel-1 van vlijmen-oost" in out


@pytest.fixture
def replacement_draw(mogelijkmaker, panel_draw):
    assembly = panel_draw.assembly
    member = assembly.participants.filter(state=Participant.State.SELECTED).first()
    services.participant_decline(by=mogelijkmaker, participant=member)
    return replacement(mogelijkmaker, assembly)


def test_a_replacement_draw(client, replacement_draw, tmp_path):
    out = verify(published_file(client, replacement_draw, tmp_path))
    assert SAME in out
    assert f"  {replacement_draw.result['selected'][0]}\n" in out
    # Its commitment and its own seed are checked, as for the panel draw.
    assert out.count("✓") == 3 and "✗" not in out
    assert "sha256(geheim)" in out.lower() or "commitment" in out.lower()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d.update(witness_value="6 6 6"),
        lambda d: d.update(secret="0" * 64),
        lambda d: d.update(commitment="0" * 64),
        lambda d: d["result"].update(selected=["P-0099"]),
    ],
    ids=["other-witness", "other-secret", "other-commitment", "other-panel"],
)
def test_a_tampered_replacement_does_not_verify(replacement_draw, tmp_path, tamper):
    data = json.loads(json.dumps(draw_publication(replacement_draw)))
    tamper(data)
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(data))
    out, error = verify_refused(str(path))
    assert NOT_SAME in out
    assert "niet" in error


def test_a_void_draw_verifies_as_void(client, mogelijkmaker, tmp_path):
    from tests.assemblies.test_panel_services import solver_only_infeasible

    assembly = solver_only_infeasible(mogelijkmaker)
    draw = perform(mogelijkmaker, services.panel_draw_announce(by=mogelijkmaker, assembly=assembly))
    assert services.draw_void(draw)
    out = verify(published_file(client, draw, tmp_path))
    assert SAME in out and "✗" not in out
    # A void draw published with a panel does not verify.
    data = json.loads(json.dumps(draw_publication(draw)))
    data["result"] = {"selected": ["P-0001"]}
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(data))
    assert NOT_SAME in verify_refused(str(path))[0]


def test_a_draw_being_computed_does_not_verify_yet(client, mogelijkmaker, tmp_path):
    assembly = ready_assembly(mogelijkmaker, people=12)
    draw = services.panel_draw_perform(
        by=mogelijkmaker,
        draw=services.panel_draw_announce(by=mogelijkmaker, assembly=assembly),
        witness_value=WITNESS_VALUE,
        witnesses=WITNESSES,
    )
    out, _error = verify_refused(published_file(client, draw, tmp_path))
    assert NOT_SAME in out and "berekend" in out


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d["result"].update(selected=[*sorted(d["result"]["selected"])[1:], "P-0099"]),
        lambda d: d.update(witness_value="6 6 6"),
        lambda d: d.update(secret="0" * 64),
        lambda d: d["inputs"]["pool"].pop(),
        lambda d: d["inputs"]["quotas"]["gender"].update(vrouw=[2, 4], man=[2, 4]),
    ],
    ids=["other-panel", "other-witness", "other-secret", "smaller-pool", "other-quotas"],
)
def test_a_tampered_publication_does_not_verify(panel_draw, tmp_path, tamper):
    data = json.loads(json.dumps(draw_publication(panel_draw)))
    tamper(data)
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(data))
    out, error = verify_refused(str(path))
    assert NOT_SAME in out
    assert "✗" in out or out.count("  P-") >= 1
    assert "niet" in error


def test_the_invitation_lottery_by_id_prints_the_register_ids(mogelijkmaker):
    draw = performed_invitation_draw(mogelijkmaker)
    out = verify("--draw", str(draw.pk))
    assert SAME in out
    for invitation in draw.invitations.select_related("address"):
        assert f"  {invitation.position}: {invitation.address.bag_id}\n" in out


def test_an_invitation_lottery_whose_letters_differ_does_not_verify(mogelijkmaker):
    draw = performed_invitation_draw(mogelijkmaker)
    first, second = draw.invitations.order_by("position")[:2]
    first_address, second_address = first.address, second.address
    first.address = None
    first.save()
    second.address = first_address
    second.save()
    first.address = second_address
    first.save()
    out, _error = verify_refused("--draw", str(draw.pk))
    assert NOT_SAME in out


def test_the_invitation_lotterys_json_cannot_be_checked_without_the_database(
    client, mogelijkmaker, tmp_path
):
    draw = performed_invitation_draw(mogelijkmaker)
    _out, error = verify_refused(published_file(client, draw, tmp_path))
    assert "--draw" in error


def test_a_draw_not_yet_performed(client, mogelijkmaker, tmp_path):
    assembly = ready_assembly(mogelijkmaker, people=12)
    draw = services.panel_draw_announce(by=mogelijkmaker, assembly=assembly)
    out, _error = verify_refused(published_file(client, draw, tmp_path))
    assert "nog niet gedaan" in out


@pytest.mark.parametrize("content", [b"", b"not json", b"[1, 2]", b'{"no": "kind"}', b"\xff\xfe"])
def test_what_is_not_a_publication_is_refused(tmp_path, content):
    path = tmp_path / "x.json"
    path.write_bytes(content)
    _out, error = verify_refused(str(path))
    assert "JSON" in error


def test_wrong_arguments_are_refused(tmp_path):
    assert "--draw" in verify_refused()[1]
    assert "--draw" in verify_refused(str(tmp_path / "a.json"), "--draw", "1")[1]
    assert "999999" in verify_refused("--draw", "999999")[1]
    assert "Kan" in verify_refused(str(tmp_path / "missing.json"))[1]


def test_by_the_pages_web_address(live_server, panel_draw, settings):
    url = live_server.url + reverse(
        "assembly_draws:json", args=[panel_draw.assembly.slug, "panel", 1]
    )
    assert SAME in verify(url)
