# ruff: noqa: F811 - the fixtures of tests/neighbourhoods/decision_world.py, imported
"""The staff pages of deciding together (issue 16, item 4): the list of applications waiting,
one application with the platform's advice, the MogelijkMaker's decision line by line, the
check of a platform's decision against the frame; bad input; a fund short of money."""

from decimal import Decimal

import pytest

from initiatives import services
from initiatives.models import Application, Grant
from tests.neighbourhoods.decision_world import (  # noqa: F401 - fixtures
    applications,
    chair,
    comms,
    contact,
    funds,
    make_application,
    make_dream,
    manager,
    other_enabler,
    platform,
    signed_in,
)

pytestmark = pytest.mark.django_db


def _url(application, action="") -> str:
    return f"/medewerkers/aanvragen/{application.pk}/{action}"


def _lines(application):
    return list(application.lines.order_by("position"))


def _decide(client, application, plants, coffee, reasons="Past goed.", not_funded=""):
    first, second = _lines(application)
    return client.post(
        _url(application, "besluit/"),
        {
            f"line_{first.pk}": plants,
            f"line_{second.pk}": coffee,
            "reasons": reasons,
            "not_funded": not_funded,
        },
    )


def _error(response, name) -> str:
    return response.content.decode().split(f'id="id_{name}_error"', 1)[1].split("</div>", 1)[0]


def _nothing_stored(application):
    application.refresh_from_db()
    assert application.state in (Application.State.SUBMITTED, Application.State.ADVISED)
    assert application.granted is None
    assert not application.lines.filter(granted__isnull=False).exists()
    assert not Grant.objects.filter(dream=application.dream).exists()


class TestList:
    def test_what_waits_for_staff_the_contacts_own_first(
        self, applications, contact, other_enabler, resident, neighbourhood, theme, funds
    ):
        theirs = make_application(
            make_dream(resident, neighbourhood, theme, other_enabler, "Jeu de boules-baan"),
            funds["staff"],
        )
        content = signed_in(contact).get("/medewerkers/aanvragen/").content.decode()
        assert "Bankjes bij de kerk" in content  # staff decide
        assert "Bloembakken op het plein" in content  # the frame check
        assert "Groene speelplaats" not in content  # waits for the platform's advice
        assert "Buurtfeest in de zomer" not in content  # waits for the platform's decision
        assert content.index("Bankjes bij de kerk") < content.index("Jeu de boules-baan")
        other = signed_in(other_enabler).get("/medewerkers/aanvragen/").content.decode()
        assert other.index("Jeu de boules-baan") < other.index("Bankjes bij de kerk")
        assert _url(theirs) in other


class TestDetail:
    def test_the_contact_sees_the_decision_form_and_the_way_to_refuse(self, applications, contact):
        application = applications["staff"]
        content = signed_in(contact).get(_url(application)).content.decode()
        first, _second = _lines(application)
        assert f'name="line_{first.pk}" value="300,00"' in content
        assert _url(application, "besluit/") in content
        assert "niet mogelijk" in content
        assert f"/medewerkers/dromen/{application.dream.pk}/" in content

    @pytest.mark.parametrize("who", ["other_enabler", "manager"])
    def test_others_read_without_a_form(self, applications, who, request):
        content = (
            signed_in(request.getfixturevalue(who))
            .get(_url(applications["staff"]))
            .content.decode()
        )
        assert "Bankjes bij de kerk" in content
        assert 'action="/medewerkers/aanvragen/' not in content
        assert "Alleen de MogelijkMaker van de droom besluit" in content

    def test_the_platforms_advice_is_shown(self, applications, chair, contact):
        application = applications["advice"]
        services.application_advise(
            application=application,
            by=chair,
            verdict="conditions",
            conditions="Alleen met vergunning.",
            reasons="Goed voor de buurt.",
            participants="7 leden",
        )
        content = signed_in(contact).get(_url(application)).content.decode()
        assert "Alleen met vergunning." in content and "7 leden" in content
        assert "Voor, met voorwaarden" in content
        assert _url(application, "besluit/") in content

    def test_an_application_waiting_for_advice_has_no_form(self, applications, contact):
        content = signed_in(contact).get(_url(applications["advice"])).content.decode()
        assert "wacht op het advies van het wijkplatform" in content
        assert 'action="/medewerkers/aanvragen/' not in content

    def test_a_dream_nobody_picked_up_says_who_decides(self, applications, contact):
        application = applications["staff"]
        type(application.dream).objects.filter(pk=application.dream.pk).update(contact=None)
        content = signed_in(contact).get(_url(application)).content.decode()
        assert "Niemand heeft deze droom nog opgepakt." in content
        assert 'action="/medewerkers/aanvragen/' not in content

    def test_an_unknown_application_is_404(self, contact):
        assert signed_in(contact).get("/medewerkers/aanvragen/999999/").status_code == 404


class TestDecide:
    @pytest.mark.parametrize("typed", ["1.234,50", "1234,50", "1234.50", "€ 1.234,50"])
    def test_every_way_of_writing_an_amount(self, applications, contact, typed):
        application = make_application(
            applications["staff"].dream,
            applications["staff"].fund,
            lines=(("Bankjes", "1234.50"), ("Verf", "10.00")),
        )
        response = _decide(signed_in(contact), application, typed, "10")
        assert response.status_code == 302 and response["Location"] == _url(application)
        application.refresh_from_db()
        assert application.state == Application.State.GRANTED
        assert application.granted == Decimal("1244.50")

    def test_a_partial_grant_redirects_with_a_message(self, applications, contact):
        application = applications["staff"]
        response = _decide(signed_in(contact), application, "300", "0", not_funded="Koffie niet.")
        assert response.status_code == 302
        application.refresh_from_db()
        assert application.state == Application.State.PARTLY_GRANTED
        assert application.granted == Decimal("300.00")
        grant = Grant.objects.get(dream=application.dream)
        assert grant.amount == Decimal("300.00")

    def test_the_success_message_is_dutch(self, applications, contact):
        client = signed_in(contact)
        response = _decide(client, applications["staff"], "300", "0", not_funded="Koffie niet.")
        content = client.get(response["Location"]).content.decode()
        assert "De aanvraag is voor een deel toegekend." in content

    @pytest.mark.parametrize(
        ("plants", "reasons", "not_funded", "field", "message"),
        [
            ("-1", "Goed.", "", "plants", "Het bedrag kan niet negatief zijn."),
            ("-0,01", "Goed.", "", "plants", "Het bedrag kan niet negatief zijn."),
            ("400", "Goed.", "", "plants", "Hoogstens wat deze regel vroeg: € 300,00."),
            ("3OO", "Goed.", "", "plants", "Vul een bedrag in euro in, zoals 1250 of 1.250,50."),
            (
                "1.2.3,4,5",
                "Goed.",
                "",
                "plants",
                "Vul een bedrag in euro in, zoals 1250 of 1.250,50.",
            ),
            (
                "Infinity",
                "Goed.",
                "",
                "plants",
                "Vul een bedrag in euro in, zoals 1250 of 1.250,50.",
            ),
            ("300", "", "", "reasons", "Geef de redenen voor het besluit."),
            ("300", "\t \n", "", "reasons", "Geef de redenen voor het besluit."),
            ("150", "Goed.", "", "not_funded", "zeg wat niet betaald wordt"),
            ("150", "Goed.", "   ", "not_funded", "zeg wat niet betaald wordt"),
        ],
    )
    def test_bad_input_beside_the_field_kept_and_nothing_stored(
        self, applications, contact, plants, reasons, not_funded, field, message
    ):
        application = applications["staff"]
        first, _second = _lines(application)
        response = _decide(signed_in(contact), application, plants, "100", reasons, not_funded)
        assert response.status_code == 400
        name = f"line_{first.pk}" if field == "plants" else field
        assert message in _error(response, name)
        assert f'value="{plants}"' in response.content.decode()
        _nothing_stored(application)

    def test_a_fund_short_of_money_says_so_at_the_top(self, applications, contact, funds):
        fund = funds["staff"]
        fund.amount = Decimal("350.00")
        fund.save(update_fields=["amount"])
        application = applications["staff"]
        response = _decide(signed_in(contact), application, "300", "100")
        assert response.status_code == 400
        top = response.content.decode().split('id="form-errors"', 1)[1].split("</div>", 1)[0]
        assert "niet genoeg voor € 400" in top or "niet genoeg" in top
        _nothing_stored(application)

    def test_the_maximum_per_application_says_so_at_the_top(self, applications, contact, funds):
        fund = funds["staff"]
        fund.max_per_application = Decimal("250.00")
        fund.save(update_fields=["max_per_application"])
        response = _decide(signed_in(contact), applications["staff"], "300", "100")
        assert response.status_code == 400
        top = response.content.decode().split('id="form-errors"', 1)[1].split("</div>", 1)[0]
        assert "hoogstens € 250,00" in top
        _nothing_stored(applications["staff"])

    def test_an_enabler_who_is_not_the_contact_is_refused_and_nothing_stored(
        self, applications, other_enabler
    ):
        response = _decide(signed_in(other_enabler), applications["staff"], "300", "100")
        assert response.status_code == 400
        content = response.content.decode()
        assert "utrecht-alert--error" in content
        assert 'action="/medewerkers/aanvragen/' not in content  # no form for them
        _nothing_stored(applications["staff"])

    def test_before_the_platforms_advice_nothing_is_decided(self, applications, contact):
        response = _decide(signed_in(contact), applications["advice"], "300", "100")
        assert response.status_code == 400
        assert "eerst het advies van het wijkplatform" in response.content.decode()
        _nothing_stored(applications["advice"])

    def test_a_closed_dream_gets_no_grant(self, applications, contact):
        from initiatives.statuses import Status

        application = applications["staff"]
        type(application.dream).objects.filter(pk=application.dream.pk).update(
            status=Status.WITHDRAWN
        )
        response = _decide(signed_in(contact), application, "300", "100")
        assert response.status_code == 400
        top = response.content.decode().split('id="form-errors"', 1)[1].split("</div>", 1)[0]
        assert "<li>" in top  # the service's reason, at the top
        _nothing_stored(application)

    def test_hostile_posts_never_crash(self, applications, contact):
        client = signed_in(contact)
        application = applications["staff"]
        for data in (
            {},
            {"reasons": "x" * 10000},
            {"line_abc": "1", "reasons": "Goed."},
            {f"line_{_lines(application)[0].pk}": ["1", "2"], "reasons": "Goed."},
            {f"line_{_lines(application)[0].pk}": "\x00", "reasons": "\x00"},
        ):
            assert client.post(_url(application, "besluit/"), data).status_code == 400
        _nothing_stored(application)


class TestFrameCheck:
    def test_it_fits_and_the_money_is_granted(self, applications, contact):
        application = applications["frame"]
        client = signed_in(contact)
        content = client.get(_url(application)).content.decode()
        assert "Het platform kent € 400,00 toe" in content
        response = client.post(_url(application, "kader/"), {"frame-fits": "1"})
        assert response.status_code == 302
        application.refresh_from_db()
        assert application.state == Application.State.GRANTED
        assert Grant.objects.get(dream=application.dream).amount == Decimal("400.00")
        assert "het geld is toegekend" in client.get(response["Location"]).content.decode()

    def test_it_does_not_fit_and_goes_back_with_the_reason(self, applications, contact):
        application = applications["frame"]
        response = signed_in(contact).post(
            _url(application, "kader/"), {"frame-fits": "0", "frame-note": "Te duur."}
        )
        assert response.status_code == 302
        application.refresh_from_db()
        assert (application.state, application.frame_note) == (
            Application.State.SUBMITTED,
            "Te duur.",
        )
        assert not Grant.objects.filter(dream=application.dream).exists()

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            ({"frame-fits": "0", "frame-note": "  "}, "frame-note", "Zeg waarom het besluit niet"),
            ({"frame-fits": "maybe"}, "frame-fits", "Kies of het besluit binnen het kader past."),
            ({}, "frame-fits", "Kies of het besluit binnen het kader past."),
        ],
    )
    def test_bad_input_beside_the_field(self, applications, contact, data, field, message):
        application = applications["frame"]
        response = signed_in(contact).post(_url(application, "kader/"), data)
        assert response.status_code == 400
        assert message in _error(response, field)
        application.refresh_from_db()
        assert application.state == Application.State.FRAME_CHECK
        assert not Grant.objects.filter(dream=application.dream).exists()

    def test_a_fund_short_of_money_says_so_and_nothing_is_granted(
        self, applications, contact, funds
    ):
        fund = funds["platform"]
        fund.amount = Decimal("100.00")
        fund.save(update_fields=["amount"])
        application = applications["frame"]
        response = signed_in(contact).post(_url(application, "kader/"), {"frame-fits": "1"})
        assert response.status_code == 400
        assert "niet genoeg" in response.content.decode()
        application.refresh_from_db()
        assert application.state == Application.State.FRAME_CHECK
