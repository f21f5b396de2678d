"""The staff pages of a citizens' assembly's life (issue 18): meetings, outcomes, an outcome
made a dream, the pool (every look audit-logged, its queries pinned) and the end; hostile
input answered beside the field with what was typed kept, never a 500."""

from datetime import timedelta

import pytest
from django.utils import timezone

from initiatives import services
from initiatives.assembly_models import (
    Assembly,
    AssemblyFeature,
    AssemblyMeeting,
    AssemblyOutcome,
    Participant,
)
from initiatives.models import AuditEntry, Dream, EventKind
from initiatives.statuses import Status
from tests.factories import AssemblyLifeFactory, PanelMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assembly(neighbourhood, enabler):
    return AssemblyLifeFactory(
        title="Burgerberaad Drunen-Oost", neighbourhoods=[neighbourhood], created_by=enabler
    )


@pytest.fixture
def panel(assembly):
    return [
        PanelMemberFactory(
            assembly=assembly,
            pseudonym="P-0001",
            name="Fatima El Idrissi",
            email="fatima@example.nl",
            phone="06-11111111",
        ),
        PanelMemberFactory(
            assembly=assembly, pseudonym="P-0002", name="Joost van Dam", email="joost@example.nl"
        ),
    ]


@pytest.fixture
def outcome(assembly, panel, enabler):
    return services.assembly_outcome_save(
        by=enabler,
        assembly=assembly,
        title="Een pluktuin",
        description="Fruitbomen bij de school.",
        participants=[p.pk for p in panel],
    )


def _url(assembly, part: str) -> str:
    return f"/medewerkers/burgerberaad/{assembly.pk}/{part}"


def _page(response) -> str:
    return response.content.decode()


class TestMeetings:
    def test_adding_and_changing_one(self, client, enabler, assembly):
        client.force_login(enabler)
        response = client.post(
            _url(assembly, "bijeenkomsten/"),
            {
                "meeting-day": "2026-12-15",
                "meeting-time": "19:30",
                "meeting-place": "Het Anker",
                "meeting-topic": "Groen in de wijk",
            },
        )
        assert response.status_code == 302
        meeting = AssemblyMeeting.objects.get()
        local = timezone.localtime(meeting.starts_at)
        assert (local.day, local.hour, local.minute, meeting.place) == (15, 19, 30, "Het Anker")
        page = _page(client.get(_url(assembly, "bijeenkomsten/")))
        assert "Het Anker" in page and "Groen in de wijk" in page
        edit = _url(assembly, f"bijeenkomsten/{meeting.pk}/")
        assert 'value="19:30"' in _page(client.get(edit))
        client.post(
            edit,
            {
                "meeting-day": "2026-12-15",
                "meeting-time": "20:00",
                "meeting-place": "De Voorste Venne",
                "meeting-summary": "We kozen drie thema's.",
            },
        )
        meeting.refresh_from_db()
        assert meeting.place == "De Voorste Venne" and meeting.summary == "We kozen drie thema's."

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            ({}, "meeting-day", "Vul de datum in."),
            ({"meeting-day": "morgen"}, "meeting-day", "Vul een datum in zoals 24-11-2026."),
            ({"meeting-time": "laat"}, "meeting-time", "Vul een tijd in zoals 19:30."),
            ({"meeting-place": "x" * 5000}, "meeting-place", "Gebruik maximaal 200 tekens"),
            ({"meeting-summary": "y" * 6000}, "meeting-summary", "Gebruik maximaal 5000 tekens"),
        ],
    )
    def test_hostile_input(self, client, enabler, assembly, data, field, message):
        client.force_login(enabler)
        posted = {
            "meeting-day": "2026-12-15",
            "meeting-time": "19:30",
            "meeting-place": "Het Anker",
            **data,
        }
        if not data:
            posted = {"meeting-place": "Het Anker"}
        response = client.post(_url(assembly, "bijeenkomsten/"), posted)
        assert response.status_code == 400
        page = _page(response)
        assert message in page and f'id="id_{field}_error"' in page
        assert "Het Anker" in page or field == "meeting-place"  # nothing typed lost
        assert not AssemblyMeeting.objects.exists()

    def test_the_meetings_page_reads_the_same_however_many(
        self, client, enabler, assembly, django_assert_num_queries
    ):
        """The session, the user, second factor and roles (4); the assembly with its
        neighbourhoods (2); the meetings (1). Nobody's personal data: no audit row."""
        client.force_login(enabler)
        url = _url(assembly, "bijeenkomsten/")
        client.get(url)
        for number in range(6):
            AssemblyMeeting.objects.create(
                assembly=assembly, starts_at=timezone.now(), place=f"Zaal {number}"
            )
            if number in (0, 5):
                with django_assert_num_queries(7):
                    page = _page(client.get(url))
        assert page.count("Zaal ") == 6

    def test_another_assemblys_meeting_is_404(self, client, enabler, assembly):
        other = AssemblyMeeting.objects.create(
            assembly=AssemblyLifeFactory(), starts_at=timezone.now(), place="Elders"
        )
        client.force_login(enabler)
        url = _url(assembly, f"bijeenkomsten/{other.pk}/")
        assert client.get(url).status_code == 404
        response = client.post(
            url, {"meeting-day": "2026-12-15", "meeting-time": "19:30", "meeting-place": "Hier"}
        )
        assert response.status_code == 404
        assert AssemblyMeeting.objects.get(pk=other.pk).place == "Elders"

    def test_an_assembly_that_does_not_exist_is_404(self, client, enabler):
        client.force_login(enabler)
        assert client.get("/medewerkers/burgerberaad/999999/bijeenkomsten/").status_code == 404


class TestOutcomes:
    def test_recording_one_with_who_takes_it_up(self, client, enabler, assembly, panel):
        client.force_login(enabler)
        page = _page(client.get(_url(assembly, "uitkomsten/")))
        assert "P-0001 — Fatima El Idrissi" in page
        response = client.post(
            _url(assembly, "uitkomsten/"),
            {
                "outcome-title": "Veilig naar school",
                "outcome-description": "Een zebrapad bij de Kastanjelaan.",
                "outcome-participants": [panel[1].pk],
            },
        )
        assert response.status_code == 302
        outcome = AssemblyOutcome.objects.get()
        assert list(outcome.taken_up_by.all()) == [panel[1]]

    def test_changing_one_until_it_is_a_dream(
        self, client, enabler, assembly, outcome, panel, theme, django_capture_on_commit_callbacks
    ):
        client.force_login(enabler)
        edit = _url(assembly, f"uitkomsten/{outcome.pk}/")
        form = _page(client.get(edit))
        assert 'value="Een pluktuin"' in form and form.count("checked") == 2
        changed = {
            "outcome-title": "Een pluktuin met bankjes",
            "outcome-description": "Fruitbomen en bankjes.",
            "outcome-participants": [panel[1].pk],
        }
        assert client.post(edit, changed).status_code == 302
        outcome.refresh_from_db()
        assert outcome.title == "Een pluktuin met bankjes"
        assert list(outcome.taken_up_by.all()) == [panel[1]]
        with django_capture_on_commit_callbacks(execute=True):
            services.assembly_outcome_to_dream(
                by=enabler, outcome=outcome, participants=[panel[1]], lead=panel[1], theme=theme
            )
        refused = client.post(edit, {**changed, "outcome-title": "Iets anders"})
        assert refused.status_code == 400
        assert "Deze uitkomst is nu een droom" in _page(refused)
        assert AssemblyOutcome.objects.get(pk=outcome.pk).title == "Een pluktuin met bankjes"

    @pytest.mark.parametrize("who", ["other assembly", "declined", "not a number"])
    def test_only_this_panel_can_be_chosen(self, client, enabler, assembly, panel, who):
        if who == "other assembly":
            value = PanelMemberFactory().pk
        elif who == "declined":
            value = PanelMemberFactory(assembly=assembly, state="declined").pk
        else:
            value = "abc"
        client.force_login(enabler)
        response = client.post(
            _url(assembly, "uitkomsten/"),
            {
                "outcome-title": "Veilig naar school",
                "outcome-description": "Een zebrapad.",
                "outcome-participants": [panel[0].pk, value],
            },
        )
        assert response.status_code == 400
        page = _page(response)
        assert "Veilig naar school" in page  # what was typed stays
        assert "Kies" in page and not AssemblyOutcome.objects.exists()

    def test_too_long_and_missing(self, client, enabler, assembly):
        client.force_login(enabler)
        response = client.post(
            _url(assembly, "uitkomsten/"),
            {"outcome-title": "t" * 500, "outcome-description": ""},
        )
        assert response.status_code == 400
        page = _page(response)
        assert "Gebruik maximaal 120 tekens (je hebt er 500 gebruikt)" in page
        assert "Beschrijf de uitkomst." in page

    def test_the_outcomes_page_reads_the_same_however_many(
        self, client, enabler, assembly, panel, django_assert_num_queries
    ):
        """The session, the user, second factor and roles (4); the assembly with its
        neighbourhoods (2); the panel for the form (1); the outcomes with their dreams (1)
        and who takes each up (1); the audit row (1)."""
        client.force_login(enabler)
        client.get(_url(assembly, "uitkomsten/"))
        for number in range(2):
            services.assembly_outcome_save(
                by=enabler,
                assembly=assembly,
                title=f"Uitkomst {number}",
                description="…",
                participants=[panel[0].pk],
            )
        with django_assert_num_queries(OUTCOMES_PAGE):
            client.get(_url(assembly, "uitkomsten/"))
        for number in range(5):
            services.assembly_outcome_save(
                by=enabler,
                assembly=assembly,
                title=f"Meer {number}",
                description="…",
                participants=[p.pk for p in panel],
            )
        with django_assert_num_queries(OUTCOMES_PAGE):
            page = _page(client.get(_url(assembly, "uitkomsten/")))
        assert page.count("Maak er een droom van") == 7


OUTCOMES_PAGE = 10


class TestOutcomeToDream:
    def _post(self, client, assembly, outcome, panel, theme, **changes):
        data = {
            "dream-participants": [p.pk for p in panel],
            "dream-lead": panel[0].pk,
            "dream-theme": theme.pk,
            "dream-neighbourhood": assembly.neighbourhoods.get().pk,
            **changes,
        }
        return client.post(_url(assembly, f"uitkomsten/{outcome.pk}/droom/"), data)

    def test_the_dream_is_in_the_triage_queue_marked_as_from_the_assembly(
        self, client, enabler, assembly, outcome, panel, theme, django_capture_on_commit_callbacks
    ):
        client.force_login(enabler)
        form = _page(client.get(_url(assembly, f"uitkomsten/{outcome.pk}/droom/")))
        assert "checked" in form and "Fatima El Idrissi" in form
        with django_capture_on_commit_callbacks(execute=True):
            response = self._post(client, assembly, outcome, panel, theme)
        assert response.status_code == 302
        dream = Dream.objects.get()
        assert dream.status == Status.SUBMITTED and dream.resident.email == "fatima@example.nl"
        triage = _page(client.get("/medewerkers/nieuwe-dromen/"))
        assert "Een pluktuin" in triage
        assert "Uit het burgerberaad “Burgerberaad Drunen-Oost”" in triage
        workspace = _page(client.get(f"/medewerkers/dromen/{dream.pk}/"))
        assert "Uit het burgerberaad “Burgerberaad Drunen-Oost”" in workspace
        assert dream.events.filter(kind=EventKind.FROM_ASSEMBLY).count() == 1
        # The outcomes page links to the dream and offers no second one.
        outcomes = _page(client.get(_url(assembly, "uitkomsten/")))
        assert f"/medewerkers/dromen/{dream.pk}/" in outcomes
        assert "Maak er een droom van" not in outcomes
        again = self._post(client, assembly, outcome, panel, theme)
        assert again.status_code == 400 and Dream.objects.count() == 1

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"dream-lead": ""}, "Kies wie eigenaar is van de droom."),
            ({"dream-participants": []}, "Kies wie deze uitkomst oppakt."),
            ({"dream-theme": "999999"}, "Kies een thema uit de lijst."),
            ({"dream-theme": "groen"}, "Kies een thema uit de lijst."),
            ({"dream-neighbourhood": ""}, "Kies de wijk."),
            ({"dream-own_contribution": "z" * 4000}, "Gebruik maximaal 3000 tekens"),
        ],
    )
    def test_hostile_input(
        self, client, enabler, assembly, outcome, panel, theme, changes, message
    ):
        client.force_login(enabler)
        response = self._post(client, assembly, outcome, panel, theme, **changes)
        assert response.status_code == 400
        assert message in _page(response)
        assert not Dream.objects.exists()

    def test_the_lead_must_be_among_those_who_take_it_up(
        self, client, enabler, assembly, outcome, panel, theme
    ):
        client.force_login(enabler)
        response = self._post(
            client, assembly, outcome, panel, theme, **{"dream-participants": [panel[1].pk]}
        )
        assert response.status_code == 400
        assert "Kies de eigenaar van de droom uit de mensen die hem oppakken." in _page(response)
        assert not Dream.objects.exists()

    def test_another_assemblys_outcome_is_404(self, client, enabler, assembly, panel, theme):
        other = AssemblyOutcome.objects.create(
            assembly=AssemblyLifeFactory(), title="Elders", description="…"
        )
        client.force_login(enabler)
        response = self._post(client, assembly, other, panel, theme)
        assert response.status_code == 404 and not Dream.objects.exists()


class TestPool:
    def test_every_look_is_in_the_audit_log(self, client, enabler, manager, assembly, panel):
        for person in (enabler, manager, enabler):
            client.force_login(person)
            page = _page(client.get(_url(assembly, "pool/")))
            assert "Fatima El Idrissi" in page and "fatima@example.nl" in page
            assert "06-11111111" in page and "Dinsdagavond" in page
            assert str(panel[0].invitation.address) in page  # "Dorpsstraat 1, 5251 AB Drunen"
        looks = AuditEntry.objects.filter(action="view assembly pool").order_by("id")
        assert [(e.user, e.target, e.status) for e in looks] == [
            (enabler, f"assembly {assembly.pk}", 200),
            (manager, f"assembly {assembly.pk}", 200),
            (enabler, f"assembly {assembly.pk}", 200),
        ]

    def test_after_the_retention_job_the_pool_shows_no_one(
        self, client, enabler, assembly, panel, django_capture_on_commit_callbacks
    ):
        services.assembly_end(by=enabler, assembly=assembly)
        Assembly.objects.filter(pk=assembly.pk).update(ended_at=timezone.now() - timedelta(days=60))
        with django_capture_on_commit_callbacks(execute=True):
            services.retention_apply()
        client.force_login(enabler)
        page = _page(client.get(_url(assembly, "pool/")))
        assert "P-0001" in page and "De persoonsgegevens zijn verwijderd op" in page
        assert "Fatima" not in page and "fatima@" not in page and "Dorpsstraat" not in page

    def test_a_refused_look_is_logged_too(self, client, comms, assembly, panel):
        client.force_login(comms)
        assert client.get(_url(assembly, "pool/")).status_code == 403
        entry = AuditEntry.objects.get(action="view assembly pool")
        assert (entry.user, entry.status) == (comms, 403)

    def test_the_pool_reads_the_same_however_many(
        self, client, enabler, assembly, panel, django_assert_num_queries
    ):
        """The session, the user, second factor and roles (4); the assembly with its
        neighbourhoods (2); the features with their answers (2), the participants with
        their invitation's neighbourhood and address (1); the audit row (1)."""
        age = AssemblyFeature.objects.create(assembly=assembly, key="leeftijd", question="Leeftijd")
        age.values.create(key="30-44", label="30 tot 45 jaar")
        age.values.create(key="45-64", label="45 tot 65 jaar")
        Participant.objects.filter(assembly=assembly).update(features={"leeftijd": "45-64"})
        client.force_login(enabler)
        assert "Leeftijd: 45 tot 65 jaar" in _page(client.get(_url(assembly, "pool/")))
        with django_assert_num_queries(POOL_PAGE):
            client.get(_url(assembly, "pool/"))
        for _number in range(8):
            PanelMemberFactory(assembly=assembly, state="registered")
        with django_assert_num_queries(POOL_PAGE):
            page = _page(client.get(_url(assembly, "pool/")))
        assert page.count("<tr") == 11  # the header and ten people


POOL_PAGE = 10


class TestEnd:
    def test_ending_says_when_the_data_go(self, client, manager, assembly, settings):
        settings.ASSEMBLY_RETENTION_DAYS = 30
        client.force_login(manager)
        assert "30 dagen later" in _page(client.get(_url(assembly, "beeindigen/")))
        response = client.post(_url(assembly, "beeindigen/"))
        assert response.status_code == 302
        assembly.refresh_from_db()
        assert assembly.stage == "ended" and assembly.ended_at is not None
        page = _page(client.get(_url(assembly, "beeindigen/")))
        assert "worden verwijderd op" in page
