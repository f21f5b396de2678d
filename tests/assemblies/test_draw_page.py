"""The public page of each draw and its JSON (assemblies/draw_views.py)."""

import json

import pytest
from django.urls import reverse

from initiatives import draw_seed, selectors, services
from initiatives.assembly_models import Participant
from initiatives.draw_verification import verify_publication
from tests.assemblies.panel_world import (
    WITNESS_VALUE,
    WITNESSES,
    add_participants,
    make_assembly,
    mixed_answers,
    perform,
    performed_invitation_draw,
    ready_assembly,
)

pytestmark = pytest.mark.django_db

PERSONAL = ("Naam", "Achternaam", "@example.nl", "0612345678", "Geheimstraat", "5251AB")


def page_url(draw, suffix="/"):
    name = "assembly_draws:page" if suffix == "/" else "assembly_draws:json"
    return reverse(name, args=[draw.assembly.slug, draw.kind, draw.number])


def assert_no_personal_data(text: str):
    for personal in PERSONAL:
        assert personal not in text


def performed_panel(by, people=12):
    assembly = ready_assembly(by, people=people)
    draw = services.panel_draw_announce(by=by, assembly=assembly)
    return perform(by, draw)


def test_the_urls():
    assert reverse("assembly_draws:page", args=["vlijmen-oost", "panel", 1]) == (
        "/burgerberaad/vlijmen-oost/loting/panel-1/"
    )
    assert reverse("assembly_draws:json", args=["vlijmen-oost", "replacement", 2]) == (
        "/burgerberaad/vlijmen-oost/loting/replacement-2.json"
    )


def test_before_the_draw_only_the_commitment_and_the_pool_hash_show(client, mogelijkmaker):
    assembly = ready_assembly(mogelijkmaker, people=12)
    draw = services.panel_draw_announce(by=mogelijkmaker, assembly=assembly)

    page = client.get(page_url(draw))
    text = page.content.decode()
    assert page.status_code == 200
    assert draw.commitment in text and draw.pool_hash in text
    assert draw.secret not in text
    assert "P-0001" not in text
    assert_no_personal_data(text)

    data = client.get(page_url(draw, ".json")).json()
    assert data["performed"] is False
    assert data["commitment"] == draw.commitment and data["pool_hash"] == draw.pool_hash
    assert draw.secret not in json.dumps(data)
    assert "inputs" not in data and "result" not in data and "seed" not in data


def test_after_the_draw_the_page_shows_how_to_check_it(client, mogelijkmaker):
    draw = performed_panel(mogelijkmaker)
    page = client.get(page_url(draw))
    text = page.content.decode()
    assert page.status_code == 200
    for shown in (
        draw.commitment,
        draw.secret,
        draw.seed,
        draw.pool_hash,
        WITNESS_VALUE,
        "Jan de Notaris",
        "maximin (Flanigan, Gölz, Gupta, Hennig, Procaccia 2021)",
        draw.algorithm_version,
        "sha256sum",
        "python manage.py assembly_draw_verify http://testserver" + page_url(draw, ".json"),
        "Vraag leeftijd",  # the quotas, with the feature's question
        "16-29",
        "H-001",
    ):
        assert shown in text, shown
    for pseudonym, chance in draw.result["probabilities"].items():
        row = text.split(f'<th class="utrecht-table__header-cell" scope="row">{pseudonym}</th>')[1]
        percent = f"{100 * chance:.2f}".replace(".", ",") + "%"  # Dutch, as the page is
        assert percent in row.split("</tr>")[0]
    for pseudonym in draw.result["selected"]:
        assert f"<strong>{pseudonym}</strong>" in text
    assert_no_personal_data(text)


def test_the_json_is_the_publication_and_reproduces_the_panel(client, mogelijkmaker):
    draw = performed_panel(mogelijkmaker)
    response = client.get(page_url(draw, ".json"))
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data == json.loads(json.dumps(selectors.draw_publication(draw)))
    assert data["secret"] == draw.secret and data["seed"] == draw.seed
    assert data["inputs"]["pool"] == draw.inputs["pool"]
    assert data["result"]["selected"] == draw.result["selected"]
    assert_no_personal_data(response.content.decode())
    verification = verify_publication(data)
    assert verification.same
    assert verification.selected == draw.result["selected"]


def test_a_replacement_page_explains_its_own_witnessed_seed(client, mogelijkmaker):
    panel_draw = performed_panel(mogelijkmaker)
    assembly = panel_draw.assembly
    member = assembly.participants.filter(state=Participant.State.SELECTED).first()
    services.participant_decline(by=mogelijkmaker, participant=member)
    announced = services.replacement_draw_announce(by=mogelijkmaker, assembly=assembly)

    text = client.get(page_url(announced)).content.decode()
    assert announced.commitment in text and announced.pool_hash in text
    assert announced.secret not in text

    draw = perform(mogelijkmaker, announced, witness_value="2 4 6")
    text = client.get(page_url(draw)).content.decode()
    assert draw.seed == draw_seed.seed_of(draw.secret, "2 4 6") != panel_draw.seed
    assert draw.seed in text and draw.secret in text and draw.commitment in text
    assert f"{draw.secret}:2 4 6" in text
    assert page_url(panel_draw) in text
    assert 'id="kept-heading"' in text
    kept = text.split('id="kept-heading"')[1].split("</p>")[0]
    assert member.pseudonym not in kept
    staying = assembly.participants.filter(selected_by=panel_draw, state=Participant.State.SELECTED)
    assert staying.count() == 5 and all(p.pseudonym in kept for p in staying)
    assert_no_personal_data(text)
    assert verify_publication(client.get(page_url(draw, ".json")).json()).same


def test_while_the_worker_computes_the_seed_is_public(client, mogelijkmaker):
    assembly = ready_assembly(mogelijkmaker, people=12)
    announced = services.panel_draw_announce(by=mogelijkmaker, assembly=assembly)
    draw = services.panel_draw_perform(
        by=mogelijkmaker, draw=announced, witness_value=WITNESS_VALUE, witnesses=WITNESSES
    )  # not committed in this test: the worker was not asked

    text = client.get(page_url(draw)).content.decode()
    assert "De uitkomst wordt berekend" in text
    assert draw.seed in text and draw.secret in text
    data = client.get(page_url(draw, ".json")).json()
    assert data["computing"] is True and data["seed"] == draw.seed and data["result"] == {}
    assert not verify_publication(data).same

    services.draw_compute(draw_id=draw.pk)
    text = client.get(page_url(draw)).content.decode()
    assert "De uitkomst wordt berekend" not in text
    assert client.get(page_url(draw, ".json")).json()["computing"] is False


def test_the_invitation_lottery_never_shows_the_addresses(client, mogelijkmaker):
    draw = performed_invitation_draw(mogelijkmaker)
    for url in (page_url(draw), page_url(draw, ".json")):
        response = client.get(url)
        text = response.content.decode()
        assert response.status_code == 200
        assert draw.seed in text and draw.pool_hash in text
        for bag_id in draw.inputs["pool"]:
            assert bag_id not in text
        assert_no_personal_data(text)
    data = client.get(page_url(draw, ".json")).json()
    assert data["number_drawn"] == 5 and data["pool_size"] == 20
    assert "inputs" not in data


def test_the_list_of_draws(client, mogelijkmaker):
    draw = performed_panel(mogelijkmaker)
    response = client.get(reverse("assembly_draws:list", args=[draw.assembly.slug]))
    assert response.status_code == 200
    assert page_url(draw) in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/burgerberaad/onbekend/loting/panel-1/",
        "/burgerberaad/vlijmen-oost/loting/panel-2/",
        "/burgerberaad/vlijmen-oost/loting/panel-99999/",
        "/burgerberaad/vlijmen-oost/loting/panel-999999/",
        "/burgerberaad/vlijmen-oost/loting/replacement-1.json",
        "/burgerberaad/vlijmen-oost/loting/lottery-1/",
        "/burgerberaad/vlijmen-oost/loting/panel-x/",
        "/burgerberaad/vlijmen-oost/loting/panel--1/",
        "/burgerberaad/brug/loting/panel-1/",  # another assembly's kind it does not have
        "/burgerberaad/onbekend/loting/",
        "/burgerberaad/" + "a" * 300 + "/loting/panel-1/",
    ],
)
def test_unknown_draws_are_not_found(client, mogelijkmaker, path):
    performed_panel(mogelijkmaker)
    performed_invitation_draw(mogelijkmaker)
    assert client.get(path).status_code == 404


def test_only_get(client, mogelijkmaker):
    draw = performed_panel(mogelijkmaker)
    assert client.post(page_url(draw)).status_code == 405
    assert client.post(page_url(draw, ".json")).status_code == 405


def test_the_page_reads_a_fixed_number_of_queries(client, mogelijkmaker, django_assert_num_queries):
    small = performed_panel(mogelijkmaker, people=12)
    big_assembly = make_assembly(mogelijkmaker, slug="groot")
    add_participants(big_assembly, mixed_answers(30))
    big = perform(
        mogelijkmaker, services.panel_draw_announce(by=mogelijkmaker, assembly=big_assembly)
    )
    small_url, big_url = page_url(small), page_url(big)
    client.get(small_url)  # warm the template caches
    # The draw with its assembly, the features, their answers.
    with django_assert_num_queries(3):
        assert client.get(small_url).status_code == 200
    with django_assert_num_queries(3):
        assert client.get(big_url).status_code == 200


def test_the_commitment_on_the_page_is_the_sha256_of_the_published_secret(client, mogelijkmaker):
    draw = performed_panel(mogelijkmaker)
    data = client.get(page_url(draw, ".json")).json()
    assert draw_seed.commitment(data["secret"]) == data["commitment"]
    assert draw_seed.seed_of(data["secret"], data["witness_value"]) == data["seed"]
