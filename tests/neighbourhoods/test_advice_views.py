# ruff: noqa: F811 - the fixtures of tests/neighbourhoods/decision_world.py, imported
"""The platform chair's pages (issue 16, item 4): the applications waiting for the platform,
its advice and its decision within the frame; what the chair never sees; bad input."""

from decimal import Decimal

import pytest
from django.urls import reverse

from initiatives.models import Application, ApplicationAdvice, BudgetLine, EventKind
from tests.neighbourhoods.decision_world import (  # noqa: F401 - fixtures
    CONTACT_PERSON,
    ORGANISATION,
    RESIDENT_PHONE,
    RESIDENT_STREET,
    SIGNATORY,
    SLUG,
    applications,
    chair,
    contact,
    funds,
    make_application,
    make_dream,
    platform,
    signed_in,
)

pytestmark = pytest.mark.django_db

LIST = f"/wijken/{SLUG}/aanvragen/"


def _advice_url(application) -> str:
    return f"/wijken/{SLUG}/aanvragen/{application.pk}/advies/"


def _decision_url(application) -> str:
    return f"/wijken/{SLUG}/aanvragen/{application.pk}/besluit/"


def _lines(application) -> list[BudgetLine]:
    return list(application.lines.order_by("position"))


class TestWhatTheChairSees:
    def test_the_list_shows_what_waits_and_never_a_persons_data(
        self, applications, chair, resident
    ):
        content = signed_in(chair).get(LIST).content.decode()
        assert "Groene speelplaats" in content and "Buurtfeest in de zomer" in content
        assert "Bankjes bij de kerk" not in content  # the municipality's own fund
        assert _advice_url(applications["advice"]) in content
        assert _decision_url(applications["platform"]) in content
        assert "Bloembakken op het plein" in content  # decided, with the municipality now
        for secret in (
            resident.full_name,
            resident.email,
            RESIDENT_PHONE,
            RESIDENT_STREET,
            CONTACT_PERSON,
            SIGNATORY,
        ):
            assert secret not in content

    @pytest.mark.parametrize("key", ["advice", "platform"])
    def test_an_application_page_shows_the_plan_and_never_a_persons_data(
        self, applications, chair, resident, key
    ):
        application = applications[key]
        url = _advice_url(application) if key == "advice" else _decision_url(application)
        content = signed_in(chair).get(url).content.decode()
        for shown in (
            application.fund.name,
            application.dream.title,
            "Wij planten en geven de bakken water.",
            "Plantenbakken",
            "Koffie",
            "De kerk geeft 100 euro.",
            "Het helpt de hele buurt",
            "Iedereen mag meedoen.",
            ORGANISATION,
        ):
            assert shown in content, shown
        for secret in (
            resident.full_name,
            resident.email,
            RESIDENT_PHONE,
            RESIDENT_STREET,
            CONTACT_PERSON,
            SIGNATORY,
            "12345678",
        ):
            assert secret not in content, secret


class TestAdvice:
    def test_the_chair_records_advice_with_conditions(self, applications, chair):
        application = applications["advice"]
        response = signed_in(chair).post(
            _advice_url(application),
            {
                "verdict": "conditions",
                "conditions": "Alleen met vergunning.",
                "reasons": "Goed voor de buurt.",
                "participants": "7 leden op 3 maart",
            },
            follow=True,
        )
        assert response.redirect_chain[-1][0] == LIST
        assert "Het advies van het platform is vastgelegd" in response.content.decode()
        advice = ApplicationAdvice.objects.get(application=application)
        assert (advice.verdict, advice.conditions, advice.given_by) == (
            "conditions",
            "Alleen met vergunning.",
            chair,
        )
        application.refresh_from_db()
        assert application.state == Application.State.ADVISED
        assert application.dream.events.filter(kind=EventKind.ADVICE, public=True).exists()
        # Given once: the page now shows the advice, and a second post changes nothing.
        again = signed_in(chair).post(
            _advice_url(application),
            {"verdict": "against", "reasons": "x", "participants": "y"},
        )
        assert again.status_code == 400
        assert "Alleen met vergunning." in again.content.decode()
        assert ApplicationAdvice.objects.get(application=application).verdict == "conditions"

    def test_the_applicant_reads_the_advice_on_their_dream(self, applications, chair, resident):
        application = applications["advice"]
        signed_in(chair).post(
            _advice_url(application),
            {"verdict": "for", "reasons": "Goed voor de buurt.", "participants": "7 leden"},
        )
        page = signed_in(resident).get(
            reverse("residents:dream_detail", args=[application.dream.pk])
        )
        content = page.content.decode()
        assert "Advies van het wijkplatform over de aanvraag bij Denk mee-fonds: voor." in content
        assert "Goed voor de buurt." in content and "7 leden" in content

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            (
                {
                    "verdict": "conditions",
                    "conditions": "  ",
                    "reasons": "Goed.",
                    "participants": "7 leden",
                },
                "conditions",
                "Noem de voorwaarden",
            ),
            (
                {"verdict": "for", "reasons": "   ", "participants": "7 leden"},
                "reasons",
                "Zeg waarom het platform",
            ),
            (
                {"verdict": "for", "reasons": "Goed.", "participants": ""},
                "participants",
                "Zeg wie er meededen",
            ),
            (
                {"verdict": "hack", "reasons": "Goed.", "participants": "7 leden"},
                "verdict",
                "Kies het advies",
            ),
            ({"reasons": "Goed.", "participants": "7 leden"}, "verdict", "Kies het advies"),
            (
                {"verdict": "for", "reasons": "Goed." * 1000, "participants": "7 leden"},
                "reasons",
                "Gebruik maximaal",
            ),
        ],
    )
    def test_bad_input_is_answered_beside_the_field_and_nothing_is_stored(
        self, applications, chair, data, field, message
    ):
        application = applications["advice"]
        response = signed_in(chair).post(_advice_url(application), data)
        assert response.status_code == 400
        content = response.content.decode()
        error = content.split(f'id="id_{field}_error"', 1)[1].split("</div>", 1)[0]
        assert message in error
        for value in data.values():
            if value.strip() and value != "hack" and len(value) < 100:
                assert value in content  # what was typed is kept
        assert not ApplicationAdvice.objects.exists()
        assert Application.objects.get(pk=application.pk).state == Application.State.SUBMITTED


class TestPlatformDecision:
    def test_the_form_is_prefilled_with_what_was_asked(self, applications, chair):
        content = signed_in(chair).get(_decision_url(applications["platform"])).content.decode()
        plants, coffee = _lines(applications["platform"])
        assert f'name="line_{plants.pk}" value="300,00"' in content
        assert f'name="line_{coffee.pk}" value="100,00"' in content

    def test_the_chair_grants_part_and_the_municipality_checks_the_frame(self, applications, chair):
        application = applications["platform"]
        plants, coffee = _lines(application)
        response = signed_in(chair).post(
            _decision_url(application),
            {
                f"line_{plants.pk}": "250,50",
                f"line_{coffee.pk}": "0",
                "reasons": "De bakken passen bij de opgave.",
                "not_funded": "Koffie betaalt het fonds niet.",
            },
        )
        assert response.status_code == 302 and response["Location"] == LIST
        application.refresh_from_db()
        assert application.state == Application.State.FRAME_CHECK
        assert application.granted == Decimal("250.50")
        assert application.not_funded == "Koffie betaalt het fonds niet."
        assert application.fund.grants.count() == 0  # no money before the frame check

    @pytest.mark.parametrize(
        ("plants", "reasons", "not_funded", "field", "message"),
        [
            ("-5", "Goed.", "", "line", "kan niet negatief"),
            ("300,01", "Goed.", "x", "line", "Hoogstens wat deze regel vroeg"),
            ("abc", "Goed.", "", "line", "Vul een bedrag in euro in, zoals 1250 of 1.250,50"),
            ("1e5", "Goed.", "", "line", "Vul een bedrag in euro in, zoals 1250 of 1.250,50"),
            ("NaN", "Goed.", "", "line", "Vul een bedrag in euro in, zoals 1250 of 1.250,50"),
            ("1,234", "Goed.", "", "line", "Gebruik hoogstens 2 cijfers achter de komma"),
            ("9" * 40, "Goed.", "", "line", "Dat bedrag is te hoog"),
            ("", "Goed.", "", "line", "Vul een bedrag in"),
            ("300", "  ", "", "reasons", "Geef de redenen"),
            ("200", "Goed.", "", "not_funded", "zeg wat niet betaald wordt"),
        ],
    )
    def test_bad_input_is_answered_beside_the_field_and_nothing_is_stored(
        self, applications, chair, plants, reasons, not_funded, field, message
    ):
        application = applications["platform"]
        plants_line, coffee = _lines(application)
        name = f"line_{plants_line.pk}" if field == "line" else field
        response = signed_in(chair).post(
            _decision_url(application),
            {
                f"line_{plants_line.pk}": plants,
                f"line_{coffee.pk}": "100",
                "reasons": reasons,
                "not_funded": not_funded,
            },
        )
        assert response.status_code == 400
        content = response.content.decode()
        error = content.split(f'id="id_{name}_error"', 1)[1].split("</div>", 1)[0]
        assert message in error
        if plants and len(plants) < 20:
            assert f'value="{plants}"' in content  # what was typed is kept
        application.refresh_from_db()
        assert application.state == Application.State.SUBMITTED
        assert application.granted is None
        assert not application.lines.filter(granted__isnull=False).exists()

    def test_nothing_granted_is_answered_at_the_top(self, applications, chair):
        application = applications["platform"]
        plants, coffee = _lines(application)
        response = signed_in(chair).post(
            _decision_url(application),
            {
                f"line_{plants.pk}": "0",
                f"line_{coffee.pk}": "0,00",
                "reasons": "Nee.",
                "not_funded": "Alles.",
            },
        )
        assert response.status_code == 400
        top = response.content.decode().split('id="form-errors"', 1)[1].split("</div>", 1)[0]
        assert "niet mogelijk" in top
        assert Application.objects.get(pk=application.pk).state == Application.State.SUBMITTED

    def test_a_missing_line_is_answered_not_crashed(self, applications, chair):
        application = applications["platform"]
        plants, _coffee = _lines(application)
        response = signed_in(chair).post(
            _decision_url(application),
            {f"line_{plants.pk}": "300", "line_999999": "5", "reasons": "Goed."},
        )
        assert response.status_code == 400
        assert Application.objects.get(pk=application.pk).state == Application.State.SUBMITTED
