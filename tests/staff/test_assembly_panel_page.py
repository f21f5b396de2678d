"""The staff's panel page (issue 18): announce, perform with the witnesses after a
confirmation step, the explanation when the quotas cannot be met (nothing stored, or a void
draw when only the solver finds out), the page while the worker computes, the panel by
pseudonym, a member who declines, witnessed replacement draws that keep the quotas."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from django.utils.timezone import localtime
from django.utils.translation import gettext, override

from initiatives import draw_seed, sortition
from initiatives.assembly_models import Assembly, AssemblyFeatureValue, Participant, PublicDraw
from tests.assembly_panel_world import make_assembly, register_many, value_of

pytestmark = pytest.mark.django_db

AGES, GENDERS = ("jong", "midden", "oud"), ("vrouw", "man")


@pytest.fixture
def assembly(enabler):
    """A panel of 6 from 18 people, every age and gender combination three times; quotas
    of two per age band and three per gender."""
    assembly = make_assembly(enabler, panel_size=6)
    noord, zuid = assembly.neighbourhoods.order_by("name")
    rows = []
    for i in range(18):
        rows.append((AGES[i % 3], GENDERS[(i // 3) % 2], (noord if i % 4 else zuid).slug))
    register_many(assembly, rows)
    for age in AGES:
        _quota(assembly, "leeftijd", age, 2, 2)
    for gender in GENDERS:
        _quota(assembly, "gender", gender, 3, 3)
    return assembly


def _quota(assembly, feature, answer, low, high):
    AssemblyFeatureValue.objects.filter(pk=value_of(assembly, feature, answer).pk).update(
        min_seats=low, max_seats=high
    )


def _theirs(source: str, **values) -> str:
    """A message of the panel's services, in Dutch when the catalogue has it, as the page
    shows it (escaped)."""
    with override("nl"):
        text = gettext(source)
    return escape(text % values if values else text)


def _url(assembly, action="") -> str:
    return f"/medewerkers/burgerberaad/{assembly.pk}/panel/{action}"


def _page(response) -> str:
    return response.content.decode()


def _witnessed(client, assembly, value="4 2 6 1", witnesses="Fatma Yilmaz, Joop de Wit"):
    """Announce, fill in the witness value and names, confirm: the panel is drawn."""
    assert client.post(_url(assembly, "aankondigen/")).status_code == 302
    data = {"witness_value": value, "witnesses": witnesses}
    assert client.post(_url(assembly, "loten/"), data).status_code == 200
    with computed():
        response = client.post(_url(assembly, "loten/"), {**data, "confirmed": "1"})
    assert response.status_code == 302, _page(response)
    return PublicDraw.objects.get(assembly=assembly, kind=PublicDraw.Kind.PANEL)


def computed():
    """Run what the request left for after its commit: the worker's computation (eager in
    the tests)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def _replaced(client, assembly, value="5 5 2", witnesses="Joop de Wit"):
    """Announce a replacement draw, fill in the witness value, confirm: it is drawn."""
    response = client.post(_url(assembly, "vervangers/aankondigen/"))
    assert response.status_code == 302, _page(response)
    data = {"witness_value": value, "witnesses": witnesses}
    assert client.post(_url(assembly, "vervangers/loten/"), data).status_code == 200
    with computed():
        response = client.post(_url(assembly, "vervangers/loten/"), {**data, "confirmed": "1"})
    assert response.status_code == 302, _page(response)
    return PublicDraw.objects.filter(assembly=assembly, kind="replacement").latest("number")


def _replaced_announced(client, assembly, value="5 5 2", witnesses="Joop de Wit"):
    """Perform the announced replacement draw with the witnesses: it is drawn."""
    data = {"witness_value": value, "witnesses": witnesses, "confirmed": "1"}
    with computed():
        response = client.post(_url(assembly, "vervangers/loten/"), data)
    assert response.status_code == 302, _page(response)
    return PublicDraw.objects.filter(assembly=assembly, kind="replacement").latest("number")


def _panel(assembly) -> list[Participant]:
    return list(assembly.participants.filter(state=Participant.State.SELECTED))


def _quotas_hold(assembly, draw) -> bool:
    return sortition.quotas_hold(
        draw.inputs["quotas"],
        [p.features for p in _panel(assembly)],
        panel_size=draw.inputs["panel_size"],
    )


class TestAnnounceAndPerform:
    def test_before_the_announcement(self, client, enabler, assembly):
        client.force_login(enabler)
        page = _page(client.get(_url(assembly)))
        assert "De quota en de pool" in page and "18 mensen zitten in de pool." in page
        assert "De loting van het panel aankondigen" in page
        assert "Waarde van de getuigen" not in page

    def test_announce_shows_the_commitment(self, client, enabler, assembly):
        client.force_login(enabler)
        response = client.post(_url(assembly, "aankondigen/"))
        assert (response.status_code, response["Location"]) == (302, _url(assembly))
        draw = PublicDraw.objects.get(assembly=assembly, kind=PublicDraw.Kind.PANEL)
        page = _page(client.get(_url(assembly)))
        assert f'<code id="commitment">{draw.commitment}</code>' in page
        assert draw.secret not in page
        assert "Waarde van de getuigen" in page
        public = f"/burgerberaad/{assembly.slug}/loting/panel-{draw.number}/"
        assert f'href="{public}"' in page
        assert client.get(public).status_code == 200

    def test_perform_after_the_confirmation_step(self, client, enabler, assembly):
        client.force_login(enabler)
        client.post(_url(assembly, "aankondigen/"))
        data = {"witness_value": "  4 2  6 1 ", "witnesses": "Fatma Yilmaz, Joop de Wit"}
        confirm = client.post(_url(assembly, "loten/"), data)
        assert confirm.status_code == 200
        page = _page(confirm)
        assert "Lees deze voor aan de getuigen" in page
        assert '<dd id="confirm-witness-value">4 2  6 1</dd>' in page or "4 2" in page
        assert not _panel(assembly), "nothing drawn before the confirmation"
        changed = client.post(_url(assembly, "loten/"), {**data, "confirmed": "1", "change": "1"})
        assert changed.status_code == 200 and not _panel(assembly)
        assert 'value="Fatma Yilmaz, Joop de Wit"' in _page(changed)
        with computed():
            response = client.post(_url(assembly, "loten/"), {**data, "confirmed": "1"})
        assert response.status_code == 302
        draw = PublicDraw.objects.get(assembly=assembly, kind=PublicDraw.Kind.PANEL)
        assert draw.witness_value == "4 2 6 1" and draw.witnesses == "Fatma Yilmaz, Joop de Wit"
        assert len(_panel(assembly)) == 6 and _quotas_hold(assembly, draw)
        page = _page(client.get(_url(assembly)))
        assert f"De loting is gedaan met startgetal {draw.seed}." in page
        for member in _panel(assembly):
            assert f'scope="row">{member.pseudonym}</th>' in page
            assert member.name not in page and member.email not in page, "pseudonyms only"
        assert "Het panel voldoet aan elk quotum." in page
        assert draw.seed in page

    @pytest.mark.parametrize(
        "data, message",
        [
            ({}, "Vul de waarde in die de getuigen kozen."),
            (
                {"witness_value": "7", "witnesses": " "},
                "Vul de namen van de getuigen in.",
            ),
            ({"witness_value": "7" * 5000, "witnesses": "Joop"}, "Gebruik maximaal 100 tekens"),
            ({"witness_value": "7", "witnesses": "J" * 301}, "Gebruik maximaal 300 tekens"),
        ],
    )
    def test_hostile_witness_input(self, client, enabler, assembly, data, message):
        client.force_login(enabler)
        client.post(_url(assembly, "aankondigen/"))
        response = client.post(_url(assembly, "loten/"), {**data, "confirmed": "1"})
        assert response.status_code == 400
        assert message in _page(response)
        assert not _panel(assembly)
        assert PublicDraw.objects.get(assembly=assembly, kind=PublicDraw.Kind.PANEL).seed == ""

    def test_perform_without_an_announcement(self, client, enabler, assembly):
        client.force_login(enabler)
        data = {"witness_value": "7", "witnesses": "Joop", "confirmed": "1"}
        response = client.post(_url(assembly, "loten/"), data)
        assert response.status_code == 400
        assert "Er is geen aangekondigde loting" in _page(response)

    def test_quotas_one_at_a_time_impossible_are_explained_at_the_announcement(
        self, client, enabler, assembly
    ):
        Participant.objects.filter(assembly=assembly, features__leeftijd="jong").exclude(
            pk__in=Participant.objects.filter(assembly=assembly, features__leeftijd="jong")[:1]
        ).update(state=Participant.State.WITHDRAWN)
        client.force_login(enabler)
        response = client.post(_url(assembly, "aankondigen/"))
        assert response.status_code == 400
        page = _page(response)
        problems = page.index('id="problems"')
        quotas = page.index('id="quotas"')
        assert problems < quotas, "the explanation comes with the quotas"
        assert "leeftijd: jong" in page[problems:quotas]
        assert "Er is niets opgeslagen." in page
        assert not PublicDraw.objects.filter(assembly=assembly, kind=PublicDraw.Kind.PANEL)

    def test_quotas_impossible_together_make_the_draw_void(self, client, enabler, assembly):
        # Everyone young is a woman: two young and at most one woman cannot both hold.
        Participant.objects.filter(assembly=assembly, features__leeftijd="jong").update(
            features={"leeftijd": "jong", "gender": "vrouw", "wijkdeel": "drunen-oost-noord"}
        )
        _quota(assembly, "gender", "vrouw", 0, 1)
        _quota(assembly, "gender", "man", 0, 6)
        client.force_login(enabler)
        assert client.post(_url(assembly, "aankondigen/")).status_code == 302
        data = {"witness_value": "7", "witnesses": "Joop", "confirmed": "1"}
        with computed():
            response = client.post(_url(assembly, "loten/"), data)
        assert response.status_code == 302
        draw = PublicDraw.objects.get(assembly=assembly, kind=PublicDraw.Kind.PANEL)
        assert draw.seed and draw.result["infeasible"] and not _panel(assembly)
        assert Assembly.objects.get(pk=assembly.pk).stage == Assembly.Stage.SELECTING
        page = _page(client.get(_url(assembly)))
        assert 'id="void"' in page
        assert "gender: vrouw" in page or "leeftijd: jong" in page
        assert "Kondig de loting opnieuw aan" in page
        public = _page(client.get(f"/burgerberaad/{assembly.slug}/loting/panel-1/"))
        assert "gender: vrouw" in public or "leeftijd: jong" in public
        # The quotas can be changed again, and a new draw announced.
        _quota(assembly, "gender", "vrouw", 0, 6)
        quotas = client.get(f"/medewerkers/burgerberaad/{assembly.pk}/quota/")
        assert "kunnen niet meer veranderen" not in _page(quotas)
        assert client.post(_url(assembly, "aankondigen/")).status_code == 302
        assert PublicDraw.objects.filter(assembly=assembly, kind="panel").count() == 2
        _page(client.get(_url(assembly)))

    def test_while_the_worker_computes(self, client, enabler, assembly):
        client.force_login(enabler)
        client.post(_url(assembly, "aankondigen/"))
        data = {"witness_value": "7", "witnesses": "Joop", "confirmed": "1"}
        response = client.post(_url(assembly, "loten/"), data)  # the worker is not asked
        assert response.status_code == 302
        draw = PublicDraw.objects.get(assembly=assembly, kind=PublicDraw.Kind.PANEL)
        assert draw.seed and draw.result == {} and not _panel(assembly)
        page = _page(client.get(_url(assembly)))
        assert "De loting wordt berekend" in page and draw.seed in page
        assert '<noscript><meta http-equiv="refresh"' in page
        assert 'hx-trigger="every 5s"' in page
        assert "De uitkomst wordt berekend" in _page(
            client.get(f"/burgerberaad/{assembly.slug}/loting/panel-1/")
        )
        # Still computing: the poll gets the page; a restart while a worker is at it is refused.
        poll = client.get(_url(assembly) + "?poll=1", headers={"HX-Request": "true"})
        assert poll.status_code == 200 and 'id="computing"' in _page(poll)
        cache.set(f"assembly-draw-computing:{draw.pk}", "now", 60)
        assert "Opnieuw starten" not in _page(client.get(_url(assembly)))
        refused = client.post(_url(assembly, "opnieuw-berekenen/"), {"draw": draw.pk})
        assert refused.status_code == 400 and not _panel(assembly)
        # The worker was lost: staff start it again, the same seed gives the panel.
        cache.delete(f"assembly-draw-computing:{draw.pk}")
        assert "Opnieuw starten" in _page(client.get(_url(assembly)))
        response = client.post(_url(assembly, "opnieuw-berekenen/"), {"draw": draw.pk})
        assert response.status_code == 302
        assert len(_panel(assembly)) == 6
        poll = client.get(_url(assembly) + "?poll=1", headers={"HX-Request": "true"})
        assert poll.headers.get("HX-Refresh") == "true"
        page = _page(client.get(_url(assembly)))
        assert "De loting wordt berekend" not in page and "noscript" not in page.split("<body")[0]
        # Computed: nothing to start again.
        again = client.post(_url(assembly, "opnieuw-berekenen/"), {"draw": draw.pk})
        assert again.status_code == 400

    @pytest.mark.parametrize("draw", ["", "een", "-1", "9" * 50, "999999"])
    def test_hostile_restarts(self, client, enabler, assembly, draw):
        client.force_login(enabler)
        response = client.post(_url(assembly, "opnieuw-berekenen/"), {"draw": draw})
        assert response.status_code == 400

    def test_changed_quotas_are_pointed_out(self, client, enabler, assembly):
        client.force_login(enabler)
        client.post(_url(assembly, "aankondigen/"))
        assert "quota zijn veranderd" not in _page(client.get(_url(assembly)))
        _quota(assembly, "gender", "vrouw", 2, 4)
        page = _page(client.get(_url(assembly)))
        assert "quota zijn veranderd" in page and "Kondig de loting opnieuw aan" in page
        assert client.post(_url(assembly, "aankondigen/")).status_code == 302
        assert PublicDraw.objects.filter(assembly=assembly, kind="panel").count() == 2


class TestDeclinesAndReplacements:
    def test_a_member_declines_and_a_replacement_keeps_the_quotas(self, client, enabler, assembly):
        client.force_login(enabler)
        draw = _witnessed(client, assembly)
        leaving = _panel(assembly)[0]
        response = client.post(_url(assembly, f"{leaving.pk}/bedankt/"))
        assert response.status_code == 302
        leaving.refresh_from_db()
        assert leaving.state == Participant.State.DECLINED
        page = _page(client.get(_url(assembly)))
        assert "1 plaats is open." in page
        assert "Het panel voldoet (nog) niet aan elk quotum" in page
        assert "Vervangende loting aankondigen" in page
        assert client.post(_url(assembly, "vervangers/aankondigen/")).status_code == 302
        announced = PublicDraw.objects.get(assembly=assembly, kind=PublicDraw.Kind.REPLACEMENT)
        page = _page(client.get(_url(assembly)))
        assert f'<code id="replacement-commitment">{announced.commitment}</code>' in page
        assert announced.secret not in page
        assert "Waarde van de getuigen" in page
        assert "Vervangende loting aankondigen" not in page
        replacement = _replaced_announced(client, assembly)
        assert replacement.seed == draw_seed.seed_of(replacement.secret, "5 5 2")
        panel = _panel(assembly)
        assert len(panel) == 6 and leaving not in panel
        assert _quotas_hold(assembly, draw)
        (newcomer,) = replacement.result["selected"]
        page = _page(client.get(_url(assembly)))
        drawn_on = localtime(replacement.drawn_at)  # the page shows the Dutch day
        assert f"Vervangende loting 1 ({drawn_on:%-d}" in page and newcomer in page
        assert "Het panel voldoet aan elk quotum." in page
        assert "Elke plaats is bezet." in page
        assert f"{leaving.pseudonym}:" in page  # among those who declined

    def test_several_declines_and_replacements_keep_the_quotas(self, client, enabler, assembly):
        client.force_login(enabler)
        draw = _witnessed(client, assembly)
        for number in (1, 2):
            for member in _panel(assembly)[:2]:
                client.post(_url(assembly, f"{member.pk}/bedankt/"))
            assert _replaced(client, assembly, value=str(number)).number == number
            assert len(_panel(assembly)) == 6 and _quotas_hold(assembly, draw)

    def test_a_decline_while_a_replacement_is_announced(self, client, enabler, assembly):
        client.force_login(enabler)
        _witnessed(client, assembly)
        first, second = _panel(assembly)[:2]
        client.post(_url(assembly, f"{first.pk}/bedankt/"))
        client.post(_url(assembly, "vervangers/aankondigen/"))
        client.post(_url(assembly, f"{second.pk}/bedankt/"))
        page = _page(client.get(_url(assembly)))
        assert "Iemand heeft bedankt na deze aankondiging" in page
        assert _replaced_announced(client, assembly).inputs["panel_size"] == 1
        assert len(_panel(assembly)) == 5
        assert _replaced(client, assembly).number == 2
        assert len(_panel(assembly)) == 6

    def test_a_replacement_being_computed(self, client, enabler, assembly):
        client.force_login(enabler)
        _witnessed(client, assembly)
        client.post(_url(assembly, f"{_panel(assembly)[0].pk}/bedankt/"))
        client.post(_url(assembly, "vervangers/aankondigen/"))
        data = {"witness_value": "2", "witnesses": "Joop", "confirmed": "1"}
        assert client.post(_url(assembly, "vervangers/loten/"), data).status_code == 302
        draw = PublicDraw.objects.get(assembly=assembly, kind="replacement")
        page = _page(client.get(_url(assembly)))
        replacements = page[page.index('id="replacements"') :]
        assert "De loting wordt berekend" in replacements and draw.seed in replacements
        assert '<noscript><meta http-equiv="refresh"' in page
        assert "Vervangende loting aankondigen" not in page
        assert client.post(_url(assembly, "vervangers/aankondigen/")).status_code == 400
        response = client.post(_url(assembly, "opnieuw-berekenen/"), {"draw": draw.pk})
        assert response.status_code == 302
        assert len(_panel(assembly)) == 6
        assert "Elke plaats is bezet." in _page(client.get(_url(assembly)))

    def test_a_form_sent_twice_draws_once(self, client, enabler, assembly):
        client.force_login(enabler)
        _witnessed(client, assembly)
        client.post(_url(assembly, f"{_panel(assembly)[0].pk}/bedankt/"))
        assert client.post(_url(assembly, "vervangers/aankondigen/")).status_code == 302
        response = client.post(_url(assembly, "vervangers/aankondigen/"))
        assert response.status_code == 400
        assert PublicDraw.objects.filter(assembly=assembly, kind="replacement").count() == 1
        draw = _replaced_announced(client, assembly)
        data = {"witness_value": "1", "witnesses": "Joop", "confirmed": "1"}
        response = client.post(_url(assembly, "vervangers/loten/"), data)
        assert response.status_code == 400
        draw.refresh_from_db()
        assert draw.witness_value == "5 5 2"

    def test_no_open_seat(self, client, enabler, assembly):
        client.force_login(enabler)
        _witnessed(client, assembly)
        response = client.post(_url(assembly, "vervangers/aankondigen/"))
        assert response.status_code == 400
        assert _theirs("The panel is complete: there is no seat to fill.") in _page(response)

    @pytest.mark.parametrize(
        "data",
        [{}, {"witness_value": "7"}, {"witness_value": "7" * 500, "witnesses": "J"}],
    )
    def test_hostile_replacement_witness_input(self, client, enabler, assembly, data):
        client.force_login(enabler)
        _witnessed(client, assembly)
        client.post(_url(assembly, f"{_panel(assembly)[0].pk}/bedankt/"))
        client.post(_url(assembly, "vervangers/aankondigen/"))
        response = client.post(_url(assembly, "vervangers/loten/"), {**data, "confirmed": "1"})
        assert response.status_code == 400
        assert PublicDraw.objects.get(assembly=assembly, kind="replacement").seed == ""

    def test_declining_someone_not_on_the_panel(self, client, enabler, assembly):
        client.force_login(enabler)
        _witnessed(client, assembly)
        outside = assembly.participants.filter(state=Participant.State.REGISTERED).first()
        response = client.post(_url(assembly, f"{outside.pk}/bedankt/"))
        assert response.status_code == 400
        outside.refresh_from_db()
        assert outside.state == Participant.State.REGISTERED

    def test_another_assemblys_participant_is_not_found(self, client, enabler, assembly):
        other = make_assembly(enabler, title="Ander beraad")
        (theirs,) = register_many(other, [("jong", "man", "drunen-oost-noord")])
        client.force_login(enabler)
        assert client.post(_url(assembly, f"{theirs.pk}/bedankt/")).status_code == 404
        assert client.post(_url(assembly, "999999/bedankt/")).status_code == 404

    def test_the_page_reads_the_same_queries_for_any_panel(self, client, enabler, assembly):
        client.force_login(enabler)
        _witnessed(client, assembly)
        with CaptureQueriesContext(connection) as small:
            client.get(_url(assembly))
        register_many(assembly, [("oud", "man", "drunen-oost-zuid")] * 40)
        for member in _panel(assembly)[:3]:
            client.post(_url(assembly, f"{member.pk}/bedankt/"))
        _replaced(client, assembly)
        with CaptureQueriesContext(connection) as large:
            client.get(_url(assembly))
        assert len(large) == len(small)
