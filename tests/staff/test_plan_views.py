"""The workspace's plan panel (issue 17): add a need, record a contribution, see it covered;
change, remove, withdraw; bad input said in Dutch next to its field with nothing typed lost;
only the contact person; another dream's need or contribution is 404."""

from decimal import Decimal

import pytest

from initiatives import services
from initiatives.models import EventKind
from initiatives.partner_models import Organisation
from initiatives.plan_models import Contribution, PlanNeed
from tests.staff.test_views import (
    _field_error,
    _is_partial,
    _picked_up_dream,
    _top_errors,
    _workspace,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def corporation(enabler):
    return Organisation.objects.create(
        kind="housing",
        name="Woonstichting Heusden Thuis",
        contact_name="Ria Verhuur",
        contact_email="ria@heusdenthuis.example",
        one_face=enabler,
    )


def _stored(dream) -> tuple:
    return (
        list(PlanNeed.objects.filter(dream=dream).values_list("description", "amount", "hours")),
        list(Contribution.objects.filter(dream=dream).values_list("source", "withdrawn_at")),
        dream.events.filter(kind__in=[EventKind.PLAN, EventKind.CONTRIBUTION]).count(),
    )


def _need(dream, by, **kwargs):
    values = {"description": "Plantenbakken", "kind": "money", "amount": Decimal(600)}
    return services.plan_need_add(dream=dream, by=by, **{**values, **kwargs})


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_add_a_need_record_a_contribution_see_it_covered(
    client, enabler, reviewed, fund, corporation, htmx
):
    client.force_login(enabler)
    headers = HTMX if htmx else {}
    url = _workspace(reviewed)
    response = client.post(
        url + "plan/behoefte/",
        {"need-description": "Plantenbakken", "need-kind": "money", "need-amount": "1.234,50"},
        headers=headers,
    )
    assert response.status_code == (200 if htmx else 302)
    need = PlanNeed.objects.get(dream=reviewed)
    assert need.amount == Decimal("1234.50")
    response = client.post(
        url + "plan/bijdrage/",
        {
            "contribution-source": "partner",
            "contribution-organisation": corporation.pk,
            "contribution-kind": "money",
            "contribution-amount": "1234,50",
            "contribution-need": need.pk,
        },
        headers=headers,
    )
    assert response.status_code == (200 if htmx else 302)
    content = client.get(url).content.decode() if not htmx else response.content.decode()
    if htmx:
        assert _is_partial(response)
        assert "De bijdrage is vastgelegd." in content
    assert "Woonstichting Heusden Thuis: €&nbsp;1.234,50" in content
    assert "€\xa01.234,50 van €\xa01.234,50 gedekt" in content  # the summary's line
    assert "gedekt</td>" in content  # the need's row: nothing open


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    ("path", "data", "field_id", "message", "kept"),
    [
        (
            "plan/behoefte/",
            {"need-description": "", "need-kind": "money", "need-amount": "250"},
            "id_need-description",
            "Zeg wat er nodig is.",
            'value="250"',
        ),
        (
            "plan/behoefte/",
            {"need-description": "Verf", "need-kind": "money", "need-amount": ""},
            "id_need-amount",
            "Vul een bedrag in euro in, meer dan 0.",
            'value="Verf"',
        ),
        (
            "plan/behoefte/",
            {"need-description": "Verf", "need-kind": "money", "need-amount": "veel"},
            "id_need-amount",
            "Vul een bedrag in euro in, zoals 1250 of 1.250,50.",
            'value="veel"',
        ),
        (
            "plan/behoefte/",
            {"need-description": "Verf", "need-kind": "money", "need-amount": "-5"},
            "id_need-amount",
            "Het bedrag moet meer dan € 0 zijn.",
            'value="Verf"',
        ),
        (
            "plan/behoefte/",
            {"need-description": "Schoffelen", "need-kind": "hours", "need-hours": "1,25"},
            "id_need-hours",
            "Gebruik voor uren hoogstens 1 cijfer achter de komma",
            'value="Schoffelen"',
        ),
        (
            "plan/behoefte/",
            {"need-description": "Schoffelen", "need-kind": "hours", "need-hours": "0"},
            "id_need-hours",
            "Het aantal uren moet meer dan 0 zijn.",
            'value="Schoffelen"',
        ),
        (
            "plan/bijdrage/",
            {"contribution-kind": "money", "contribution-amount": "50"},
            "id_contribution-source",
            "Kies waar de bijdrage vandaan komt.",
            'value="50"',
        ),
        (
            "plan/bijdrage/",
            {
                "contribution-source": "partner",
                "contribution-kind": "hours",
                "contribution-hours": "6",
            },
            "id_contribution-organisation",
            "Kies de partner.",
            'value="6"',
        ),
        (
            "plan/bijdrage/",
            {"contribution-source": "fund", "contribution-grant": "999999"},
            "id_contribution-grant",
            "Kies een van de mogelijkheden.",
            None,
        ),
        (
            "plan/bijdrage/",
            {"contribution-source": "fund"},
            "id_contribution-grant",
            "Kies de toekenning die dit dekt.",
            None,
        ),
        (
            "plan/bijdrage/",
            {
                "contribution-source": "other",
                "contribution-kind": "money",
                "contribution-amount": "75",
                "contribution-description": "Collecte",
            },
            "id_contribution-other_source",
            "Zeg wat er nodig is.",
            'value="Collecte"',
        ),
        (
            "plan/bijdrage/",
            {
                "contribution-source": "residents",
                "contribution-kind": "materials",
                "contribution-description": "",
            },
            "id_contribution-description",
            "Zeg wat er wordt bijgedragen.",
            None,
        ),
        (
            "plan/bijdrage/",
            {
                "contribution-source": "residents",
                "contribution-kind": "hours",
                "contribution-hours": "12",
                "contribution-description": "Wij schilderen zelf",
                "contribution-need": "NEED",
            },
            "id_contribution-need",
            "telt in euro: uren kunnen het niet dekken.",
            "Wij schilderen zelf",
        ),
    ],
)
def test_bad_input_is_said_next_to_its_field_and_nothing_is_stored(
    client, enabler, reviewed, path, data, field_id, message, kept, htmx
):
    need = _need(reviewed, enabler)
    data = {key: need.pk if value == "NEED" else value for key, value in data.items()}
    before = _stored(reviewed)
    client.force_login(enabler)
    response = client.post(_workspace(reviewed) + path, data, headers=HTMX if htmx else {})
    assert response.status_code == (200 if htmx else 400)
    content = response.content.decode()
    assert message in _field_error(content, field_id), content[:2000]
    assert "Er klopt nog iets niet." in _top_errors(content)
    if kept:
        assert kept in content
    assert _stored(reviewed) == before


def test_only_the_contact_person(client, enabler, second_enabler, manager, reviewed):
    need = _need(reviewed, enabler)
    before = _stored(reviewed)
    client.force_login(second_enabler)
    response = client.post(
        _workspace(reviewed) + "plan/behoefte/",
        {"need-description": "Verf", "need-kind": "money", "need-amount": "50"},
    )
    assert response.status_code == 400
    assert "Alleen de contactpersoon van deze droom" in _top_errors(response.content.decode())
    response = client.post(_workspace(reviewed) + f"plan/behoefte/{need.pk}/verwijderen/")
    assert response.status_code == 400
    assert "Alleen de contactpersoon van deze droom" in response.content.decode()
    assert _stored(reviewed) == before
    # A colleague sees the forms disabled; a manager reads the plan without them.
    content = client.get(_workspace(reviewed)).content.decode()
    assert "Plantenbakken" in content and "Aan het plan toevoegen" in content
    client.force_login(manager)
    content = client.get(_workspace(reviewed)).content.decode()
    assert "Plantenbakken" in content and "Aan het plan toevoegen" not in content


def test_change_and_remove_a_need_while_nothing_covers_it(client, enabler, reviewed):
    need = _need(reviewed, enabler)
    client.force_login(enabler)
    url = _workspace(reviewed) + f"plan/behoefte/{need.pk}/"
    response = client.post(
        url,
        {
            f"need-{need.pk}-description": "Schilderen",
            f"need-{need.pk}-kind": "hours",
            f"need-{need.pk}-hours": "7,5",
        },
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.description, need.kind, need.hours, need.amount) == (
        "Schilderen",
        "hours",
        Decimal("7.5"),
        None,
    )
    # A bad change is said next to the field, in that need's own form.
    response = client.post(
        url, {f"need-{need.pk}-description": "", f"need-{need.pk}-kind": "hours"}
    )
    assert response.status_code == 400
    assert "Zeg wat er nodig is." in _field_error(
        response.content.decode(), f"id_need-{need.pk}-description"
    )
    contribution = services.contribution_record(
        dream=reviewed, by=enabler, source="residents", kind="hours", hours=2, need_id=need.pk
    )
    response = client.post(url + "verwijderen/")
    assert response.status_code == 400
    assert "trek die eerst in" in response.content.decode()
    assert PlanNeed.objects.filter(pk=need.pk).exists()
    response = client.post(
        _workspace(reviewed) + f"plan/bijdrage/{contribution.pk}/intrekken/", headers=HTMX
    )
    assert "De bijdrage is ingetrokken." in response.content.decode()
    assert "1 ingetrokken bijdrage (bewaard, niet meegeteld)" in response.content.decode()
    response = client.post(url + "verwijderen/")
    assert response.status_code == 302
    assert not PlanNeed.objects.filter(pk=need.pk).exists()


def test_another_dreams_need_or_contribution_is_not_found(client, enabler, reviewed):
    other = _picked_up_dream(enabler)
    need = _need(other, enabler)
    contribution = services.contribution_record(
        dream=other, by=enabler, source="residents", kind="hours", hours=3
    )
    client.force_login(enabler)
    base = _workspace(reviewed)
    assert client.post(base + f"plan/behoefte/{need.pk}/", {}).status_code == 404
    assert client.post(base + f"plan/behoefte/{need.pk}/verwijderen/").status_code == 404
    assert client.post(base + f"plan/bijdrage/{contribution.pk}/intrekken/").status_code == 404
    assert PlanNeed.objects.filter(pk=need.pk).exists()
    contribution.refresh_from_db()
    assert contribution.withdrawn_at is None
    assert client.post("/medewerkers/dromen/999999/plan/behoefte/", {}).status_code == 404
    assert client.get(base + "plan/bijdrage/").status_code == 405


def test_a_need_is_typed_back_as_people_write_it(client, enabler, reviewed):
    _need(reviewed, enabler, description="Verf", amount=Decimal("1234.5"))
    _need(reviewed, enabler, description="Uren", kind="hours", amount=None, hours=Decimal("7.5"))
    _need(reviewed, enabler, description="Meer uren", kind="hours", amount=None, hours=Decimal(20))
    client.force_login(enabler)
    content = client.get(_workspace(reviewed)).content.decode()
    assert 'value="1234,50"' in content
    assert 'value="7,5"' in content and 'value="20"' in content
