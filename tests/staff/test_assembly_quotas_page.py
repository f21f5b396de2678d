"""The quotas page of an assembly's panel (issue 18): the counts beside the quotas, saving,
every refusal beside its field with what was typed kept, the proportional suggestion,
hostile input, and a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives.assembly_models import Assembly, AssemblyFeatureValue, Participant
from tests.assembly_panel_world import add_households, make_assembly, register_many, value_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def assembly(enabler):
    assembly = make_assembly(enabler, panel_size=6)
    noord, zuid = assembly.neighbourhoods.order_by("name")
    add_households(noord, 30)
    add_households(zuid, 10)
    register_many(
        assembly,
        [
            ("jong", "vrouw", noord.slug),
            ("midden", "vrouw", noord.slug),
            ("midden", "man", noord.slug),
            ("midden", "man", zuid.slug),
            ("oud", "vrouw", noord.slug),
            ("oud", "man", zuid.slug),
            ("oud", "vrouw", zuid.slug),
            ("midden", "vrouw", noord.slug),
        ],
    )
    return assembly


def _url(assembly) -> str:
    return f"/medewerkers/burgerberaad/{assembly.pk}/quota/"


def _fields(assembly, **changes) -> dict[str, str]:
    """Every quota as the page sends it (at least 0, at most empty), with CHANGES:
    leeftijd__jong_min="1"."""
    data = {}
    for value in AssemblyFeatureValue.objects.filter(feature__assembly=assembly):
        data[f"min_{value.pk}"] = "0"
        data[f"max_{value.pk}"] = ""
    for name, typed in changes.items():
        feature_answer, kind = name.rsplit("_", 1)
        feature, answer = feature_answer.split("__")
        data[f"{kind}_{value_of(assembly, feature, answer).pk}"] = typed
    return data


def _quota(assembly, feature, answer):
    value = value_of(assembly, feature, answer)
    return value.min_seats, value.max_seats


def _row(page: str, label: str) -> str:
    start = page.index(f'scope="row">{label}</th>')
    return page[start : page.index("</tr>", start)]


class TestThePage:
    def test_counts_beside_the_quotas(self, client, enabler, assembly):
        client.force_login(enabler)
        page = client.get(_url(assembly)).content.decode()
        assert "Hoe oud ben je?" in page and "Wat is je gender?" in page
        assert "8 " not in _row(page, "16 tot 35 jaar")
        assert "1 (12%)" in _row(page, "16 tot 35 jaar")
        assert "4 (50%)" in _row(page, "35 tot 65 jaar")
        assert "5 (62%)" in _row(page, "Drunen-Oost Noord")
        # The parts of the neighbourhood: the register's households beside the people.
        assert "30 (75%)" in _row(page, "Drunen-Oost Noord")
        assert "10 (25%)" in _row(page, "Drunen-Oost Zuid")
        assert "Huishoudens in het adresregister" in page
        assert page.count('inputmode="numeric"') == 2 * 7

    def test_withdrawn_and_declined_people_are_not_counted(self, client, enabler, assembly):
        Participant.objects.filter(features__leeftijd="jong").update(
            state=Participant.State.WITHDRAWN
        )
        client.force_login(enabler)
        page = client.get(_url(assembly)).content.decode()
        assert "0 (0%)" in _row(page, "16 tot 35 jaar")

    def test_a_minimum_above_who_registered_is_pointed_out(self, client, enabler, assembly):
        AssemblyFeatureValue.objects.filter(pk=value_of(assembly, "leeftijd", "jong").pk).update(
            min_seats=2
        )
        client.force_login(enabler)
        page = client.get(_url(assembly)).content.decode()
        assert "Minder dan het minimum" in _row(page, "16 tot 35 jaar")
        assert "Minder dan het minimum" not in _row(page, "35 tot 65 jaar")

    def test_an_assembly_that_does_not_exist(self, client, enabler):
        client.force_login(enabler)
        assert client.get("/medewerkers/burgerberaad/999999/quota/").status_code == 404

    def test_the_same_queries_for_a_few_or_many(self, client, enabler, assembly):
        client.force_login(enabler)
        client.get(_url(assembly))  # the session and the roles, read once before
        with CaptureQueriesContext(connection) as few:
            assert client.get(_url(assembly)).status_code == 200
        noord = assembly.neighbourhoods.order_by("name").first()
        register_many(assembly, [("oud", "man", noord.slug)] * 60)
        feature = value_of(assembly, "leeftijd", "jong").feature
        for n in range(10):
            AssemblyFeatureValue.objects.create(
                feature=feature, key=f"extra-{n}", label=f"Extra {n}", position=10 + n
            )
        with CaptureQueriesContext(connection) as many:
            assert client.get(_url(assembly)).status_code == 200
        assert len(many) == len(few)

    def test_the_query_count_is_pinned(self, client, enabler, assembly, django_assert_num_queries):
        client.force_login(enabler)
        client.get(_url(assembly))
        # The session, the user, their second factor, their roles; the assembly, whether its
        # panel is drawn; its features, their answers, the people's answers, the households.
        with django_assert_num_queries(10):
            client.get(_url(assembly))


class TestSaving:
    def test_saving(self, client, enabler, assembly):
        client.force_login(enabler)
        data = _fields(
            assembly,
            leeftijd__jong_min="1",
            leeftijd__jong_max="2",
            gender__vrouw_min=" 3 ",
            gender__vrouw_max="3",
        )
        response = client.post(_url(assembly), data)
        assert (response.status_code, response["Location"]) == (302, _url(assembly))
        assert _quota(assembly, "leeftijd", "jong") == (1, 2)
        assert _quota(assembly, "gender", "vrouw") == (3, 3)
        assert _quota(assembly, "gender", "man") == (0, None)
        page = client.get(response["Location"]).content.decode()
        assert "De quota zijn opgeslagen." in page
        jong = value_of(assembly, "leeftijd", "jong").pk
        assert re.search(rf'name="min_{jong}" value="1"', page)

    def test_refusals_beside_their_fields_everything_typed_kept(self, client, enabler, assembly):
        client.force_login(enabler)
        jong = value_of(assembly, "leeftijd", "jong").pk
        data = _fields(assembly, leeftijd__jong_min="3", leeftijd__jong_max="2")
        response = client.post(_url(assembly), data)
        assert response.status_code == 400
        page = response.content.decode()
        assert "Het maximum kan niet lager zijn dan het minimum (3)." in page
        assert f'id="id_max_{jong}_error"' in page
        assert f'name="min_{jong}" value="3"' in page and f'name="max_{jong}" value="2"' in page
        assert _quota(assembly, "leeftijd", "jong") == (0, None)

    def test_a_features_own_refusal_above_its_table(self, client, enabler, assembly):
        client.force_login(enabler)
        data = _fields(assembly, gender__vrouw_max="2", gender__man_max="2")
        response = client.post(_url(assembly), data)
        assert response.status_code == 400
        page = response.content.decode()
        feature = value_of(assembly, "gender", "man").feature_id
        own = page.index(f'id="feature-{feature}-error"')
        assert "de maximums zijn samen 4" in page[own : own + 400]
        assert _quota(assembly, "gender", "man") == (0, None)

    @pytest.mark.parametrize(
        "typed, message",
        [
            ("drie", "Vul een heel getal in, zoals 3."),
            ("-1", "Vul 0 of meer in."),
            ("1,5", "Vul een heel getal in, zoals 3."),
            ("9" * 5000, "Vul een heel getal in, zoals 3."),
            ("", "Vul in hoeveel minstens (0 voor geen minimum)."),
            ("99999999999999999999", "Het minimum kan niet hoger zijn dan de grootte"),
        ],
    )
    def test_hostile_input(self, client, enabler, assembly, typed, message):
        client.force_login(enabler)
        jong = value_of(assembly, "leeftijd", "jong").pk
        response = client.post(_url(assembly), _fields(assembly, leeftijd__jong_min=typed))
        assert response.status_code == 400
        page = response.content.decode()
        assert message in page
        if typed and len(typed) < 20:
            assert f'name="min_{jong}" value="{typed}"' in page, "what was typed is kept"
        assert _quota(assembly, "leeftijd", "jong") == (0, None)

    def test_an_odd_suggestion_source_does_not_stop_saving(self, client, enabler, assembly):
        client.force_login(enabler)
        data = _fields(assembly, gender__man_min="1")
        response = client.post(_url(assembly), {**data, "source": "<script>"})
        assert response.status_code == 302
        assert _quota(assembly, "gender", "man") == (1, None)

    def test_missing_fields(self, client, enabler, assembly):
        client.force_login(enabler)
        response = client.post(_url(assembly), {})
        assert response.status_code == 400
        assert "Vul in hoeveel minstens" in response.content.decode()

    def test_another_assemblys_answers_are_ignored(self, client, enabler, assembly):
        other = make_assembly(enabler, title="Ander beraad")
        theirs = value_of(other, "gender", "man")
        client.force_login(enabler)
        data = {**_fields(assembly), f"min_{theirs.pk}": "5", f"max_{theirs.pk}": "5"}
        assert client.post(_url(assembly), data).status_code == 302
        theirs.refresh_from_db()
        assert (theirs.min_seats, theirs.max_seats) == (0, None)

    def test_no_saving_once_the_assembly_meets(self, client, enabler, assembly):
        Assembly.objects.filter(pk=assembly.pk).update(stage=Assembly.Stage.MEETING)
        client.force_login(enabler)
        page = client.get(_url(assembly)).content.decode()
        assert "kunnen niet meer veranderen" in page
        assert "Quota opslaan" not in page and 'inputmode="numeric"' not in page
        response = client.post(_url(assembly), _fields(assembly, gender__man_min="1"))
        assert response.status_code == 400
        assert _quota(assembly, "gender", "man") == (0, None)


class TestSuggestion:
    def test_proportional_to_the_pool_and_the_register(self, client, enabler, assembly):
        client.force_login(enabler)
        typed = _fields(assembly, leeftijd__jong_min="drie")
        response = client.post(_url(assembly), {**typed, "suggest": "1", "source": "register"})
        assert response.status_code == 200
        page = response.content.decode()
        assert "een voorstel" in page
        jong, midden, oud = (
            value_of(assembly, "leeftijd", k).pk for k in ("jong", "midden", "oud")
        )
        # 6 seats for 1 : 4 : 3 registered: shares 1, 3, 2 (largest remainder), one either way.
        assert f'name="min_{jong}" value="0"' in page and f'name="max_{jong}" value="2"' in page
        assert f'name="min_{midden}" value="2"' in page and f'name="max_{midden}" value="4"' in page
        assert f'name="min_{oud}" value="1"' in page and f'name="max_{oud}" value="3"' in page
        # The parts of the neighbourhood by the register: 30 and 10 households, 6 seats.
        noord = value_of(assembly, "wijkdeel", "drunen-oost-noord").pk
        zuid = value_of(assembly, "wijkdeel", "drunen-oost-zuid").pk
        assert f'name="min_{noord}" value="4"' in page and f'name="max_{noord}" value="6"' in page
        assert f'name="min_{zuid}" value="0"' in page and f'name="max_{zuid}" value="2"' in page
        assert _quota(assembly, "leeftijd", "jong") == (0, None), "a suggestion is not saved"
        response = client.post(_url(assembly), {**typed, "suggest": "1", "source": "pool"})
        page = response.content.decode()
        # By the pool: 5 and 3 of 8 registered.
        assert f'name="min_{noord}" value="3"' in page and f'name="max_{noord}" value="5"' in page
        assert f'name="min_{zuid}" value="1"' in page and f'name="max_{zuid}" value="3"' in page

    def test_the_suggestion_can_be_saved_as_it_is(self, client, enabler, assembly):
        client.force_login(enabler)
        page = client.post(
            _url(assembly), {**_fields(assembly), "suggest": "1", "source": "nonsense"}
        ).content.decode()
        data = dict(re.findall(r'name="((?:min|max)_\d+)" value="(\d*)"', page))
        assert len(data) == 14
        assert client.post(_url(assembly), data).status_code == 302

    def test_nobody_registered_yet(self, client, enabler):
        empty = make_assembly(enabler, title="Leeg beraad")
        client.force_login(enabler)
        response = client.post(_url(empty), {**_fields(empty), "suggest": "1"})
        assert response.status_code == 200
        assert "Er heeft zich nog niemand aangemeld" in response.content.decode()
