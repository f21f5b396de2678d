"""The reads of a citizens' assembly's life (issue 18): the public part of its page in two
queries, naming nobody; and "from the citizens' assembly" on a dream's pages costs no query."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives import selectors, services
from initiatives.assembly_models import AssemblyMeeting
from initiatives.models import Dream
from initiatives.statuses import Status
from tests.factories import AssemblyLifeFactory, DreamFactory, PanelMemberFactory

pytestmark = pytest.mark.django_db

PUBLIC_TEMPLATE = (
    Path(__file__).resolve().parents[3] / "assemblies/templates/assemblies/_meetings_outcomes.html"
)


@pytest.fixture
def assembly(neighbourhood, mogelijkmaker):
    return AssemblyLifeFactory(
        title="Burgerberaad Drunen", neighbourhoods=[neighbourhood], created_by=mogelijkmaker
    )


@pytest.fixture
def fatima(assembly):
    return PanelMemberFactory(
        assembly=assembly, pseudonym="P-0001", name="Fatima El Idrissi", email="fatima@example.nl"
    )


def _outcome(assembly, by, title, participants=()):
    return services.assembly_outcome_save(
        by=by,
        assembly=assembly,
        title=title,
        description=f"Over {title}.",
        participants=[p.pk for p in participants],
    )


def _render(assembly) -> str:
    life = selectors.assembly_public_life(assembly)
    template = engines["django"].from_string(PUBLIC_TEMPLATE.read_text())
    return template.render({"assembly": assembly, **life._asdict()})


def test_the_public_part_in_two_queries_naming_nobody(
    assembly, fatima, mogelijkmaker, theme, django_capture_on_commit_callbacks
):
    start = timezone.now() + timedelta(days=3)
    for number in range(4):
        AssemblyMeeting.objects.create(
            assembly=assembly,
            starts_at=start + timedelta(days=7 * number),
            place=f"Zaal {number}",
            topic="Verkeer" if number == 1 else "",
            summary="We spraken over de Kastanjelaan." if number == 0 else "",
        )
    dreamed = _outcome(assembly, mogelijkmaker, "Pluktuin", [fatima])
    _outcome(assembly, mogelijkmaker, "Zebrapad")
    realised = _outcome(assembly, mogelijkmaker, "Bankjes")
    with django_capture_on_commit_callbacks(execute=True):
        services.assembly_outcome_to_dream(
            by=mogelijkmaker, outcome=dreamed, participants=[fatima], lead=fatima, theme=theme
        )
    realised.dream = DreamFactory(status=Status.REALISED, show_publicly=True)
    realised.save()

    with CaptureQueriesContext(connection) as queries:
        life = selectors.assembly_public_life(assembly)
    assert len(queries.captured_queries) == 2
    assert [m.place for m in life.meetings] == ["Zaal 0", "Zaal 1", "Zaal 2", "Zaal 3"]
    assert [(o.outcome.title, o.dream_status, o.realised) for o in life.outcomes] == [
        ("Pluktuin", str(Status.SUBMITTED.label), False),
        ("Zebrapad", "", False),
        ("Bankjes", str(Status.REALISED.label), True),
    ]

    with CaptureQueriesContext(connection) as queries:
        html = _render(assembly)
    assert len(queries.captured_queries) == 2  # rendering reads nothing more
    assert "Zaal 3" in html and "Verkeer" in html and "Kastanjelaan" in html
    assert "Pluktuin" in html and "Zebrapad" in html
    assert "Nog niet opgepakt als droom." in html
    assert "en die is uitgekomen" in html
    assert "Fatima" not in html and "fatima@" not in html and "P-0001" not in html


def test_an_empty_assembly(assembly):
    html = _render(assembly)
    assert "nog geen bijeenkomsten gepland" in html
    assert "Het burgerberaad heeft nog geen uitkomsten." in html


def _count(client, url: str) -> int:
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_from_the_assembly_costs_no_query_on_the_dream_pages(
    client, assembly, fatima, mogelijkmaker, theme, django_capture_on_commit_callbacks
):
    """The resident's dream page reads the outcome with the dream (select_related), the
    workspace in its one query (workspace_query): a dream from the assembly and an ordinary
    one cost the same."""
    outcome = _outcome(assembly, mogelijkmaker, "Pluktuin", [fatima])
    with django_capture_on_commit_callbacks(execute=True):
        dream = services.assembly_outcome_to_dream(
            by=mogelijkmaker, outcome=outcome, participants=[fatima], lead=fatima, theme=theme
        )
    plain = DreamFactory(resident=dream.resident, neighbourhood=dream.neighbourhood, theme=theme)

    client.force_login(dream.resident)
    assert _count(client, f"/mijn-dromen/{dream.pk}/") == _count(
        client, f"/mijn-dromen/{plain.pk}/"
    )
    assert "Uit het burgerberaad" in client.get(f"/mijn-dromen/{dream.pk}/").content.decode()
    assert "Uit het burgerberaad" not in client.get(f"/mijn-dromen/{plain.pk}/").content.decode()

    client.force_login(mogelijkmaker)
    assert _count(client, f"/medewerkers/dromen/{dream.pk}/") == _count(
        client, f"/medewerkers/dromen/{plain.pk}/"
    )
    page = client.get(f"/medewerkers/dromen/{dream.pk}/").content.decode()
    assert "Uit het burgerberaad “Burgerberaad Drunen”" in page
    staff_dream = selectors.dream_for_staff(pk=dream.pk)
    assert staff_dream.assembly_outcome.assembly.title == "Burgerberaad Drunen"
    assert not Dream.objects.filter(pk=plain.pk, assembly_outcome__isnull=False).exists()


def test_a_residents_data_export_holds_their_registration(resident, assembly):
    """What a resident typed when they registered is theirs to download (AVG/GDPR article
    15): found by their address, whatever its capitals."""
    PanelMemberFactory(
        assembly=assembly,
        pseudonym="P-0042",
        name="Anna de Bewoner",
        email="ANNA@example.nl",
        phone="06-42424242",
        features={"leeftijd": "30-44"},
    )
    PanelMemberFactory(assembly=assembly, email="iemand.anders@example.nl")
    export = selectors.resident_data_export(resident=resident)
    assert [(r["assembly"], r["pseudonym"], r["phone"]) for r in export["citizens_assemblies"]] == [
        ("Burgerberaad Drunen", "P-0042", "06-42424242")
    ]
    assert export["citizens_assemblies"][0]["answers"] == {"leeftijd": "30-44"}
