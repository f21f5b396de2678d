"""The staff pages of a citizens' assembly (issue 18, stage 1): the list, an assembly and its
features, announcing and performing the invitation lottery, and the letters as one PDF."""

import re
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives import assembly_codes, services, tasks
from initiatives.assembly_letters import letters_file_name
from initiatives.assembly_models import Assembly, AssemblyFeature, Invitation, PublicDraw
from initiatives.models import AuditEntry
from tests.factories import NeighbourhoodFactory
from tests.staff.assembly_world import (
    QUESTION,
    WITNESS_VALUE,
    WITNESSES,
    drawn_assembly,
    make_assembly,
)
from tests.staff.test_report import _pdftotext

pytestmark = pytest.mark.django_db

LIST = "/medewerkers/burgerberaad/"
ADD = "/medewerkers/burgerberaad/nieuw/"


def _page(response) -> str:
    return response.content.decode()


def _url(assembly, rest: str = "") -> str:
    return f"{LIST}{assembly.pk}/{rest}"


def _assembly_post(neighbourhood, **changes) -> dict:
    return {
        "title": "Burgerberaad Haarsteeg",
        "slug": "haarsteeg",
        "question": "Wat maakt Haarsteeg een fijne plek om oud te worden?",
        "neighbourhoods": [neighbourhood.pk],
        "invitations_wanted": "400",
        "panel_size": "25",
        "people_per_household": "2",
        "registration_closes_on": "",
        **changes,
    }


class TestList:
    def test_the_list_and_the_menu(self, client, enabler, comms):
        make_assembly(enabler)
        client.force_login(enabler)
        page = _page(client.get(LIST))
        assert "Burgerberaad Vlijmen-Oost" in page and "Vlijmen-Oost" in page
        assert "In voorbereiding" in page
        assert f'href="{LIST}" aria-current="page"' in page
        client.force_login(comms)
        assert f'href="{LIST}"' not in _page(client.get("/medewerkers/"))

    def test_the_list_reads_the_same_queries_for_one_or_many(
        self, client, enabler, django_assert_num_queries
    ):
        make_assembly(enabler)
        client.force_login(enabler)
        client.get(LIST)  # the session and the menu's addresses, once
        with CaptureQueriesContext(connection) as one:
            assert client.get(LIST).status_code == 200
        for n in range(4):
            make_assembly(enabler, slug=f"wijk-{n}", neighbourhood=NeighbourhoodFactory())
        # Session, user, roles, second factor; the assemblies and their neighbourhoods.
        with django_assert_num_queries(len(one)):
            page = _page(client.get(LIST))
        assert page.count("Burgerberaad Vlijmen-Oost") == 5
        assembly_queries = [q for q in one.captured_queries if "initiatives_assembly" in q["sql"]]
        assert len(assembly_queries) == 2


class TestAssemblyForm:
    def test_preparing_one(self, client, enabler, neighbourhood):
        client.force_login(enabler)
        assert client.get(ADD).status_code == 200
        response = client.post(ADD, _assembly_post(neighbourhood))
        assembly = Assembly.objects.get()
        assert (response.status_code, response["Location"]) == (302, _url(assembly))
        assert (assembly.slug, assembly.invitations_wanted, assembly.created_by) == (
            "haarsteeg",
            400,
            enabler,
        )
        assert list(assembly.neighbourhoods.all()) == [neighbourhood]
        page = _page(client.get(_url(assembly)))
        assert "Wat maakt Haarsteeg een fijne plek om oud te worden?" in page
        assert "is opgeslagen" in page
        for part in ("bijeenkomsten/", "uitkomsten/", "pool/", "beeindigen/"):
            assert f'href="{_url(assembly, part)}"' in page  # the assembly's other pages
        meetings = _page(client.get(_url(assembly, "bijeenkomsten/")))
        assert f'href="{_url(assembly)}"' in meetings  # and back

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"title": ""}, "Vul de naam van het burgerberaad in."),
            ({"title": "x" * 151}, "Gebruik maximaal 150 tekens"),
            ({"slug": "met spaties!"}, "Gebruik kleine letters, cijfers en streepjes"),
            ({"slug": "Hoofdletters"}, "Gebruik kleine letters, cijfers en streepjes"),
            ({"question": ""}, "Vul de vraag van het burgerberaad in."),
            ({"question": "x" * 2001}, "Gebruik maximaal 2000 tekens"),
            ({"neighbourhoods": []}, "Kies minstens één wijk."),
            ({"neighbourhoods": ["999999"]}, "Kies wijken uit de lijst."),
            ({"neighbourhoods": ["abc"]}, "Kies wijken uit de lijst."),
            ({"invitations_wanted": "veel"}, "Vul een heel getal in"),
            ({"invitations_wanted": "9" * 30}, "Vul 2000 of minder in."),
            ({"invitations_wanted": "0"}, "Vul 1 of meer in."),
            ({"panel_size": "401"}, "niet meer dan het aantal brieven"),
            ({"people_per_household": "11"}, "Vul 10 of minder in."),
            ({"registration_closes_on": "gisteren"}, "Vul een datum in"),
            ({"registration_closes_on": "2001-01-01"}, "Kies een datum die nog niet voorbij is."),
        ],
    )
    def test_bad_input_is_refused_with_everything_kept(
        self, client, enabler, neighbourhood, changes, message
    ):
        client.force_login(enabler)
        response = client.post(ADD, _assembly_post(neighbourhood, **changes))
        assert response.status_code == 400
        page = _page(response)
        assert message in page, page[page.find("form-errors") :][:2000]
        if "title" not in changes:
            assert "Burgerberaad Haarsteeg" in page  # nothing typed is lost
        assert not Assembly.objects.exists()

    def test_a_web_address_taken_is_said(self, client, enabler, neighbourhood):
        make_assembly(enabler, slug="haarsteeg")
        client.force_login(enabler)
        response = client.post(ADD, _assembly_post(neighbourhood))
        assert response.status_code == 400
        assert "Een ander burgerberaad heeft dit webadres al." in _page(response)

    def test_what_the_announcement_fixed_is_shown_but_not_taken(self, client, enabler):
        assembly = make_assembly(enabler)
        client.force_login(enabler)
        assert client.post(_url(assembly, "loting/aankondigen/")).status_code == 302
        page = _page(client.get(_url(assembly, "bewerken/")))
        assert re.search(r'name="invitations_wanted"[^>]*disabled', page)
        data = _assembly_post(
            NeighbourhoodFactory(name="Nieuwkuijk"), slug="vlijmen-oost", panel_size="3"
        )
        response = client.post(_url(assembly, "bewerken/"), data)
        assert response.status_code == 302
        assembly.refresh_from_db()
        assert assembly.title == "Burgerberaad Haarsteeg"
        assert assembly.invitations_wanted == 5  # as announced, whatever was posted
        assert [n.name for n in assembly.neighbourhoods.all()] == ["Vlijmen-Oost"]

    def test_an_assembly_that_does_not_exist(self, client, enabler):
        client.force_login(enabler)
        assert client.get(f"{LIST}999999/").status_code == 404
        assert client.get(f"{LIST}999999/bewerken/").status_code == 404
        assert client.get(f"{LIST}abc/").status_code == 404
        huge = "9" * 30
        assert client.get(f"{LIST}{huge}/").status_code == 404
        assembly = make_assembly(enabler)
        assert client.get(_url(assembly, f"kenmerken/{huge}/")).status_code == 404
        assert client.post(_url(assembly, f"kenmerken/{huge}/verwijderen/")).status_code == 404


class TestFeatures:
    def test_adding_changing_and_removing_one(self, client, enabler):
        assembly = make_assembly(enabler)
        client.force_login(enabler)
        response = client.post(
            _url(assembly, "kenmerken/nieuw/"),
            {
                "question": "Wil je meer bomen in je straat?",
                "key": "",
                "answers": "eens: Eens\n\n  Niet eens of oneens\noneens: Oneens\n",
            },
        )
        assert response.status_code == 302
        feature = AssemblyFeature.objects.get(key="wil-je-meer-bomen-in-je-straat")
        assert list(feature.values.values_list("key", "label")) == [
            ("eens", "Eens"),
            ("niet-eens-of-oneens", "Niet eens of oneens"),
            ("oneens", "Oneens"),
        ]
        edit = _url(assembly, f"kenmerken/{feature.pk}/")
        assert "eens: Eens" in _page(client.get(edit))
        client.post(
            edit, {"question": "Meer bomen?", "key": "bomen", "answers": "ja: Ja\nnee: Nee"}
        )
        feature.refresh_from_db()
        assert (feature.question, feature.key, feature.values.count()) == (
            "Meer bomen?",
            "bomen",
            2,
        )
        page = _page(client.get(_url(assembly)))
        assert "Meer bomen?" in page and "Hoe oud ben je?" in page
        response = client.post(_url(assembly, f"kenmerken/{feature.pk}/verwijderen/"))
        assert response.status_code == 302
        assert not AssemblyFeature.objects.filter(pk=feature.pk).exists()

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"question": "", "answers": "a: A\nb: B"}, "Vul de vraag in."),
            ({"question": "Q?", "answers": ""}, "Vul minstens twee antwoorden in."),
            ({"question": "Q?", "answers": "alleen: Eén"}, "Geef 2 tot 20 antwoorden"),
            ({"question": "Q?", "answers": "a: A\na: B"}, "Twee antwoorden hebben de sleutel"),
            ({"question": "Q?", "key": "gender", "answers": "a: A\nb: B"}, "al deze sleutel"),
            ({"question": "Q?", "answers": "x" * 4001}, "Gebruik maximaal 4000 tekens"),
        ],
    )
    def test_bad_features_are_refused_with_everything_kept(self, client, enabler, data, message):
        assembly = make_assembly(enabler)
        client.force_login(enabler)
        response = client.post(_url(assembly, "kenmerken/nieuw/"), {"key": "", **data})
        assert response.status_code == 400
        page = _page(response)
        assert message in page
        if data["answers"] and len(data["answers"]) < 100:
            assert data["answers"].splitlines()[0] in page
        assert assembly.features.count() == 2

    def test_another_assemblys_feature_is_not_found(self, client, enabler):
        assembly = make_assembly(enabler)
        other = make_assembly(enabler, slug="ander", neighbourhood=NeighbourhoodFactory())
        feature = other.features.first()
        client.force_login(enabler)
        assert client.get(_url(assembly, f"kenmerken/{feature.pk}/")).status_code == 404
        response = client.post(_url(assembly, f"kenmerken/{feature.pk}/verwijderen/"))
        assert response.status_code == 404
        assert AssemblyFeature.objects.filter(pk=feature.pk).exists()

    def test_after_the_draw_the_features_stay(self, client, enabler):
        assembly, _draw = drawn_assembly(enabler)
        feature = assembly.features.first()
        client.force_login(enabler)
        response = client.get(_url(assembly, "kenmerken/nieuw/"), follow=True)
        assert "de kenmerken kunnen niet meer veranderen" in _page(response)
        client.post(_url(assembly, f"kenmerken/{feature.pk}/verwijderen/"))
        assert AssemblyFeature.objects.filter(pk=feature.pk).exists()
        assert "/kenmerken/nieuw/" not in _page(client.get(_url(assembly)))


class TestTheDraw:
    def test_announce_perform_and_the_letters(self, client, enabler):
        assembly = make_assembly(enabler, households=9, letters=4)
        client.force_login(enabler)
        page = _page(client.get(_url(assembly)))
        assert "9 huishoudens" in page
        assert client.get(_url(assembly, "loting/")).status_code == 404  # not announced yet
        assert client.get(_url(assembly, "loting/brieven/")).status_code == 404
        assert "9" in _page(client.get(_url(assembly, "loting/aankondigen/")))
        response = client.post(_url(assembly, "loting/aankondigen/"))
        assert (response.status_code, response["Location"]) == (302, _url(assembly, "loting/"))
        draw = PublicDraw.objects.get()
        page = _page(client.get(_url(assembly, "loting/")))
        assert draw.commitment in page and draw.pool_hash in page
        assert draw.secret not in page  # the secret only after the draw
        assert "/burgerberaad/vlijmen-oost/loting/invitations-1/" in page  # the public page
        # Announcing again leads to the announcement.
        assert client.post(_url(assembly, "loting/aankondigen/")).status_code == 302
        assert PublicDraw.objects.count() == 1

        perform = _url(assembly, "loting/trekken/")
        assert draw.commitment in _page(client.get(perform))
        response = client.post(perform, {"witness_value": WITNESS_VALUE, "witnesses": WITNESSES})
        assert response.status_code == 200  # the step to check
        page = _page(response)
        assert "Controleer voor de loting" in page and "Fatima Bakkal" in page
        assert not Invitation.objects.exists()
        response = client.post(
            perform,
            {"witness_value": WITNESS_VALUE, "witnesses": WITNESSES, "confirmed": "on"},
        )
        assert (response.status_code, response["Location"]) == (302, _url(assembly, "loting/"))
        draw.refresh_from_db()
        assert draw.witness_value == WITNESS_VALUE and Invitation.objects.count() == 4
        page = _page(client.get(_url(assembly, "loting/")))
        assert draw.secret in page and draw.seed in page and "Jan de Notaris" in page
        public = client.get("/burgerberaad/vlijmen-oost/loting/invitations-1/")
        assert public.status_code == 200 and draw.seed in _page(public)  # the link works
        # Performing again is not offered, and refused.
        response = client.post(perform, {"witness_value": "1", "witnesses": "X", "confirmed": "on"})
        assert response.status_code == 302
        draw.refresh_from_db()
        assert draw.witness_value == WITNESS_VALUE

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"witness_value": "", "witnesses": WITNESSES}, "Vul de waarde in die de getuigen"),
            ({"witness_value": "   ", "witnesses": WITNESSES}, "Vul de waarde in die de getuigen"),
            ({"witness_value": "1" * 101, "witnesses": WITNESSES}, "Gebruik maximaal 100"),
            ({"witness_value": "12", "witnesses": ""}, "Vul de namen van de getuigen in."),
            ({"witness_value": "12", "witnesses": "x" * 301}, "Gebruik maximaal 300"),
        ],
    )
    def test_bad_witness_input_is_refused(self, client, enabler, data, message):
        assembly = make_assembly(enabler)
        client.force_login(enabler)
        client.post(_url(assembly, "loting/aankondigen/"))
        for confirmed in ("", "on"):
            response = client.post(
                _url(assembly, "loting/trekken/"), {**data, "confirmed": confirmed}
            )
            assert response.status_code == 400
            assert message in _page(response)
        assert not Invitation.objects.exists()

    def test_markup_typed_as_a_value_stays_text(self, client, enabler):
        assembly = make_assembly(enabler)
        client.force_login(enabler)
        client.post(_url(assembly, "loting/aankondigen/"))
        value = '"><script>alert(1)</script>'
        data = {"witness_value": value, "witnesses": "<b>Jan</b>"}
        page = _page(client.post(_url(assembly, "loting/trekken/"), data))
        assert "<script>alert(1)" not in page and "&lt;b&gt;Jan&lt;/b&gt;" in page
        response = client.post(_url(assembly, "loting/trekken/"), {**data, "confirmed": "on"})
        assert response.status_code == 302
        draw = PublicDraw.objects.get()
        assert (draw.witness_value, draw.witnesses) == (value, "<b>Jan</b>")  # kept as typed
        page = _page(client.get(_url(assembly, "loting/")))
        assert "<script>alert(1)" not in page and "&lt;script&gt;" in page

    def test_announcing_without_households_is_refused(self, client, enabler):
        assembly = make_assembly(enabler, households=0)
        client.force_login(enabler)
        response = client.post(_url(assembly, "loting/aankondigen/"))
        assert response.status_code == 400
        assert "geen huishoudens" in _page(response)
        assert not PublicDraw.objects.exists()


def _pdf_text(pdf: bytes) -> tuple[str, int]:
    """The PDF's text as pdftotext reads it (the weekly report's check), and its pages."""
    text = _pdftotext(pdf)
    return text, text.count("\f")


class TestLetters:
    def test_one_page_per_household_with_its_address_and_code(self, client, enabler):
        assembly, draw = drawn_assembly(enabler, households=12, letters=5)
        client.force_login(enabler)
        response = client.get(_url(assembly, "loting/brieven/"))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert ".pdf" in response["Content-Disposition"]
        text, pages = _pdf_text(b"".join(response.streaming_content))
        assert pages == 5
        letters = text.split("\f")
        invitations = Invitation.objects.filter(draw=draw).select_related("address")
        for invitation, letter in zip(invitations.order_by("position"), letters, strict=False):
            address = invitation.address
            code = assembly_codes.code_for(draw_id=draw.pk, position=invitation.position)
            assert "Aan de bewoners van" in letter
            assert f"{address.street} {address.number_text}" in letter
            assert f"{address.postcode_text} {address.place}" in letter
            assert code in letter
            assert (
                "http://testserver/burgerberaad/vlijmen-oost/aanmelden/" in " ".join(letter.split())
                or "/burgerberaad/vlijmen-oost/aanmelden/" in letter
            )
            assert "Hoe maken we Vlijmen-Oost groener" in letter
        assert "Anna" not in text  # no names: nobody's name is known

    @pytest.mark.parametrize("length", [400, 2000])  # the longest in normal type; the longest
    def test_a_long_question_still_fits_one_page(self, client, enabler, length):
        long_question = ((QUESTION + " ") * 30)[:length].strip()
        assembly, _draw = drawn_assembly(
            enabler,
            letters=3,
            question=long_question.ljust(length, "x"),
            people_per_household=3,
            title="Burgerberaad Vlijmen-Oost en Nieuwkuijk-Noord",
        )
        client.force_login(enabler)
        _text, pages = _pdf_text(
            b"".join(client.get(_url(assembly, "loting/brieven/")).streaming_content)
        )
        assert pages == 3

    def test_each_download_is_in_the_audit_log(self, client, enabler):
        assembly, _draw = drawn_assembly(enabler)
        client.force_login(enabler)
        client.get(_url(assembly, "loting/brieven/"))
        entry = AuditEntry.objects.get(action="download invitation letters (PDF)")
        assert (entry.user, entry.target, entry.status) == (enabler, f"assembly {assembly.pk}", 200)


class TestLettersByAWorker:
    """1,000 letters take WeasyPrint longer than a request may: a worker makes the PDF after
    the draw, into a private file that appears only when whole."""

    def test_the_draw_has_the_letters_made_after_its_commit(
        self, enabler, django_capture_on_commit_callbacks
    ):
        assembly = make_assembly(enabler)
        draw = services.invitation_draw_announce(by=enabler, assembly=assembly)
        with django_capture_on_commit_callbacks(execute=True):
            draw = services.invitation_draw_perform(
                by=enabler, draw=draw, witness_value=WITNESS_VALUE, witnesses=WITNESSES
            )
        name = letters_file_name(draw)
        assert default_storage.exists(name)
        assert default_storage.open(name).read().startswith(b"%PDF")
        assert default_storage.listdir("assembly_letters")[1] == [name.split("/")[1]]  # no .part
        services.invitation_letters_discard(draw=draw)
        assert not default_storage.exists(name)

    def test_until_the_worker_is_done_the_page_says_so(self, client, enabler, monkeypatch):
        from celery import current_app

        assembly, draw = drawn_assembly(enabler)
        sent = []
        monkeypatch.setitem(current_app.conf, "task_always_eager", False)
        monkeypatch.setattr(current_app, "send_task", lambda name, args: sent.append((name, args)))
        client.force_login(enabler)
        url = _url(assembly, "loting/brieven/")
        for _attempt in range(2):
            response = client.get(url)
            assert response.status_code == 202
            assert "De brieven worden gemaakt" in _page(response)
        assert sent == [("initiatives.tasks.assembly_letters_build", [draw.pk])]  # asked once
        assert tasks.assembly_letters_build(draw.pk) == letters_file_name(draw)  # the worker
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")

    def test_a_broker_away_is_asked_again_at_the_next_download(self, client, enabler, monkeypatch):
        from celery import current_app

        assembly, _draw = drawn_assembly(enabler)
        monkeypatch.setitem(current_app.conf, "task_always_eager", False)

        def away(name, args):
            raise ConnectionError("no broker")

        monkeypatch.setattr(current_app, "send_task", away)
        client.force_login(enabler)
        assert client.get(_url(assembly, "loting/brieven/")).status_code == 202
        sent = []
        monkeypatch.setattr(current_app, "send_task", lambda name, args: sent.append(args))
        assert client.get(_url(assembly, "loting/brieven/")).status_code == 202
        assert len(sent) == 1

    def test_the_retention_job_deletes_the_letters_with_the_pool(
        self, client, enabler, django_capture_on_commit_callbacks
    ):
        assembly, draw = drawn_assembly(enabler)
        client.force_login(enabler)
        assert client.get(_url(assembly, "loting/brieven/")).status_code == 200  # made
        name = letters_file_name(draw)
        assert default_storage.exists(name)
        long_ago = timezone.now() - timedelta(days=365)
        Assembly.objects.filter(pk=assembly.pk).update(stage="ended", ended_at=long_ago)
        with django_capture_on_commit_callbacks(execute=True):
            services.retention_apply()
        assert not default_storage.exists(name)
        response = client.get(_url(assembly, "loting/brieven/"), follow=True)
        assert "De brieven zijn verwijderd" in _page(response)
        assert not default_storage.exists(name)  # and not made again, without addresses

    def test_a_draw_not_performed_makes_no_letters(self, enabler):
        assembly = make_assembly(enabler)
        draw = services.invitation_draw_announce(by=enabler, assembly=assembly)
        assert services.invitation_letters_build(draw_id=draw.pk) == ""
        assert not services.invitation_letters_request(draw=draw)
        assert not default_storage.exists(letters_file_name(draw))
