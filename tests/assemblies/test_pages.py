"""The assembly's public page and registering with the code from the letter, through the
pages: two steps without JavaScript, the code never in an address, messages beside the
fields, nothing typed lost, the rate limit on wrong codes, never a 500."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from assemblies.views import SIGNING_SALT
from initiatives.assembly_models import Assembly, AssemblyMeeting, Participant
from initiatives.models import OutboxMail
from tests.assemblies.conftest import ANSWERS, FEATURES, add_features
from tests.factories import AssemblyFactory, InvitationFactory, invitation_code

pytestmark = pytest.mark.django_db

PAGE = "/burgerberaad/vlijmen-oost/"
REGISTER = "/burgerberaad/vlijmen-oost/aanmelden/"
GENERIC = "We herkennen deze code niet, of hij is al gebruikt."


def _text(response) -> str:
    return response.content.decode()


def _token(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', _text(response)).group(1)


def _form(token: str, **changes) -> dict:
    data = {
        "token": token,
        "name": "Fatima Bakker",
        "email": "fatima@example.nl",
        "phone": "06 12345678",
        "availability": "Doordeweeks 's avonds",
        "consent": "on",
        **{f"feature_{key}": value for key, value in ANSWERS.items()},
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


class TestThePublicPage:
    def test_question_stage_steps_and_the_way_in(self, client, assembly):
        assembly.registration_closes_on = timezone.localdate() + timedelta(days=14)
        assembly.save()
        page = _text(client.get(PAGE))
        assert "Burgerberaad Vlijmen-Oost" in page and assembly.question in page
        assert "Heb je een brief gekregen? Dan kun je je nu aanmelden." in page
        assert page.count("<li><strong>") == 3  # letters, registering, the fair draw
        assert "Je kunt je aanmelden tot en met" in page
        assert f'href="{REGISTER}"' in page

    @pytest.mark.parametrize(
        ("stage", "said"),
        [
            ("preparing", "De brieven zijn nog niet verstuurd."),
            ("selecting", "We loten nu de groep"),
            ("meeting", "Het burgerberaad komt bij elkaar."),
            ("ended", "Het burgerberaad is afgelopen."),
        ],
    )
    def test_no_way_in_outside_inviting(self, client, assembly, stage, said):
        Assembly.objects.filter(pk=assembly.pk).update(stage=stage)
        page = _text(client.get(PAGE))
        assert said in page
        assert f'href="{REGISTER}"' not in page

    def test_past_the_closing_day(self, client, assembly):
        assembly.registration_closes_on = timezone.localdate() - timedelta(days=1)
        assembly.save()
        page = _text(client.get(PAGE))
        assert "Aanmelden is gesloten." in page and "Aanmelden kon tot en met" in page
        assert f'href="{REGISTER}"' not in page

    def test_unknown(self, client, assembly):
        assert client.get("/burgerberaad/bestaat-niet/").status_code == 404
        assert client.get("/burgerberaad/bestaat-niet/aanmelden/").status_code == 404
        assert client.post(PAGE).status_code == 405


class TestRegistering:
    def test_code_then_form_then_confirmation(self, client, assembly, invitation, code):
        page = _text(client.get(REGISTER))
        assert "Typ de code uit je brief" in page
        typed = code.lower().replace("-", " ")  # "k7pq2 xmr4d"
        response = client.post(REGISTER, {"code": typed})
        assert response.status_code == 200
        page = _text(response)
        assert "Je code klopt." in page
        assert code not in page and typed not in page and code.replace("-", "") not in page
        for question, _values in FEATURES.values():
            assert f'utrecht-form-label">{question}</legend>' in page
        assert (
            "Tot het burgerberaad is afgelopen" in page
            or "tot het burgerberaad is afgelopen" in page
        )
        response = client.post(REGISTER, _form(_token(response)))
        assert (
            response.status_code == 302 and response.url == "/burgerberaad/vlijmen-oost/aangemeld/"
        )
        participant = Participant.objects.get()
        assert participant.features == ANSWERS and participant.invitation == invitation
        page = _text(client.get(response.url))
        assert "Je bent aangemeld" in page and "P-0001" in page and "fatima@example.nl" in page
        assert "Iemand anders uit je huishouden" not in page
        assert OutboxMail.objects.get().to_email == "fatima@example.nl"
        # Sending the form again does not register anyone twice.
        again = client.post(REGISTER, _form(_token_for(invitation)))
        assert again.status_code == 409 and GENERIC in _text(again)
        assert Participant.objects.count() == 1

    def test_the_confirmation_needs_a_registration(self, client, assembly):
        response = client.get("/burgerberaad/vlijmen-oost/aangemeld/")
        assert response.status_code == 302 and response.url == PAGE

    def test_a_household_of_two(self, client, assembly):
        assembly.people_per_household = 2
        assembly.save()
        invitation = InvitationFactory(assembly=assembly)
        response = client.post(REGISTER, {"code": invitation_code(invitation)})
        client.post(REGISTER, _form(_token(response)))
        page = _text(client.get("/burgerberaad/vlijmen-oost/aangemeld/"))
        assert "Iemand anders uit je huishouden mag zich ook aanmelden" in page
        response = client.post(REGISTER, {"code": invitation_code(invitation)})
        response = client.post(
            REGISTER, _form(_token(response), name="Karim Bakker", email="karim@example.nl")
        )
        assert response.status_code == 302
        assert sorted(Participant.objects.values_list("pseudonym", flat=True)) == [
            "P-0001",
            "P-0002",
        ]
        refused = client.post(REGISTER, {"code": invitation_code(invitation)})
        assert refused.status_code == 400 and GENERIC in _text(refused)

    def test_a_wrong_code_keeps_what_was_typed(self, client, assembly, invitation, code):
        wrong = ("X" if code[0] != "X" else "Y") + code[1:]
        response = client.post(REGISTER, {"code": wrong})
        assert response.status_code == 400
        page = _text(response)
        assert GENERIC in page and f'value="{wrong}"' in page
        assert 'id="id_code_error"' in page

    def test_another_assemblys_code_gets_the_same_answer(self, client, assembly):
        other = InvitationFactory(assembly=AssemblyFactory())
        response = client.post(REGISTER, {"code": invitation_code(other)})
        assert response.status_code == 400 and GENERIC in _text(response)

    def test_a_token_of_another_assembly_or_tampered(self, client, assembly, invitation):
        other = InvitationFactory(assembly=AssemblyFactory())
        for token in (_token_for(other), _token_for(invitation) + "x", "", "{}", "x" * 5000):
            response = client.post(REGISTER, _form(token))
            assert response.status_code == 400
            assert "Typ de code uit je brief nog een keer." in _text(response)
        forged = signing.dumps({"a": assembly.pk, "i": other.pk}, salt=SIGNING_SALT)
        assert client.post(REGISTER, _form(forged)).status_code == 400
        assert not Participant.objects.exists()

    def test_messages_beside_the_fields_and_nothing_lost(self, client, assembly, invitation):
        token = _token_for(invitation)
        response = client.post(
            REGISTER, _form(token, feature_buurt=None, consent=None, email="geen-adres")
        )
        assert response.status_code == 400
        page = _text(response)
        assert 'id="id_feature_buurt_error"' in page and "Kies één antwoord." in page
        assert 'id="id_consent_error"' in page
        assert 'value="Fatima Bakker"' in page and 'value="06 12345678"' in page
        assert re.search(r'value="30-64" id="id_feature_leeftijd_1" [^>]* checked>', page)
        assert f'value="{token}"' in page  # the second try needs no code again
        assert not Participant.objects.exists()

    def test_the_service_message_beside_its_field(self, client, assembly, invitation):
        """What only the service knows (the e-mail's form) still lands beside its field."""
        response = client.post(REGISTER, _form(_token_for(invitation), email="geen-adres"))
        page = _text(response)
        assert response.status_code == 400
        assert 'id="id_email_error"' in page and "naam@example.nl" in page

    @pytest.mark.parametrize(
        "changes",
        [
            {"name": "n" * 5000},
            {"email": "a" * 300 + "@example.nl"},
            {"phone": "0" * 100},
            {"availability": "x" * 20000},
            {"feature_leeftijd": "honderd"},
            {"feature_leeftijd": "x" * 5000},
            {"feature_onbekend": "ja"},  # an unknown question is ignored, not stored
        ],
    )
    def test_hostile_input(self, client, assembly, invitation, changes):
        response = client.post(REGISTER, _form(_token_for(invitation), **changes))
        if "feature_onbekend" in changes:
            assert response.status_code == 302
            assert "onbekend" not in Participant.objects.get().features
            return
        assert response.status_code == 400
        assert "utrecht-form-field-error-message" in _text(response)
        assert not Participant.objects.exists()

    def test_hostile_codes(self, client, assembly, invitation):
        for typed in ("x" * 10000, "", "<script>", "K7PQ2-XMR4D" * 3, "\x00" * 10):
            response = client.post(REGISTER, {"code": typed})
            assert response.status_code == 400
            assert "<script>" not in _text(response)

    def test_meeting_dates(self, client, assembly, invitation):
        later = timezone.now() + timedelta(days=20)
        meeting = AssemblyMeeting.objects.create(
            assembly=assembly, starts_at=later, place="Wijkcentrum De Kern"
        )
        AssemblyMeeting.objects.create(  # past meetings are not offered
            assembly=assembly, starts_at=timezone.now() - timedelta(days=1), place="Voorbij"
        )
        response = client.post(REGISTER, {"code": invitation_code(invitation)})
        page = _text(response)
        assert "Op welke data kun je?" in page and "Wijkcentrum De Kern" in page
        assert "Voorbij" not in page
        bogus = client.post(REGISTER, _form(_token(response), availability="", meetings="999999"))
        assert bogus.status_code == 400 and "Kies uit de data die er staan." in _text(bogus)
        done = client.post(
            REGISTER, _form(_token(response), availability="", meetings=str(meeting.pk))
        )
        assert done.status_code == 302
        assert "Wijkcentrum De Kern" in Participant.objects.get().availability

    def test_closed_registration(self, client, assembly, invitation, code):
        token = _token_for(invitation)
        assembly.registration_closes_on = timezone.localdate() - timedelta(days=1)
        assembly.save()
        response = client.get(REGISTER)
        assert response.status_code == 200
        assert "Aanmelden kon tot en met" in _text(response)
        assert "id_code" not in _text(response)
        assert client.post(REGISTER, {"code": code}).status_code == 409
        assert client.post(REGISTER, _form(token)).status_code == 409
        assert not Participant.objects.exists()

    def test_the_form_reads_a_fixed_number_of_queries(
        self, client, assembly, invitation, django_assert_num_queries
    ):
        """Two features or eight: the same queries (features with their answers in two)."""

        def count() -> int:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                response = client.post(REGISTER, {"code": invitation_code(invitation)})
            assert response.status_code == 200
            return len(queries)

        few = count()
        add_features(
            assembly,
            {
                f"extra{n}": (f"Vraag {n}?", [(f"a{m}", f"Antwoord {m}") for m in range(4)])
                for n in range(5)
            },
        )
        AssemblyMeeting.objects.bulk_create(
            AssemblyMeeting(
                assembly=assembly, starts_at=timezone.now() + timedelta(days=n + 1), place="Hier"
            )
            for n in range(6)
        )
        assert count() == few
        with django_assert_num_queries(few):
            client.post(REGISTER, {"code": invitation_code(invitation)})


class TestTooManyWrongCodes:
    def test_wrong_codes_are_limited_per_address(self, client, settings, assembly, code):
        settings.RATELIMIT_ASSEMBLY_CODE_PER_IP = "3/h"
        wrong = ("X" if code[0] != "X" else "Y") + code[1:]
        for _attempt in range(3):
            assert client.post(REGISTER, {"code": wrong}).status_code == 400
        response = client.post(REGISTER, {"code": code})  # even the right one, now
        assert response.status_code == 429
        page = _text(response)
        assert "Te veel pogingen" in page and f'value="{code}"' in page  # kept, to try later
        other = client.post(REGISTER, {"code": wrong}, REMOTE_ADDR="192.0.2.7")
        assert other.status_code == 400  # another connection is not stopped

    def test_right_codes_are_not_counted(self, client, settings, assembly):
        """Neighbours registering together over one connection are not stopped."""
        settings.RATELIMIT_ASSEMBLY_CODE_PER_IP = "2/h"
        for _household in range(5):
            invitation = InvitationFactory(assembly=assembly)
            response = client.post(REGISTER, {"code": invitation_code(invitation)})
            assert response.status_code == 200

    def test_typing_errors_in_the_length_are_not_counted(self, client, settings, assembly, code):
        settings.RATELIMIT_ASSEMBLY_CODE_PER_IP = "2/h"
        for _attempt in range(4):
            assert client.post(REGISTER, {"code": code[:-2]}).status_code == 400
        assert client.post(REGISTER, {"code": code}).status_code == 200


def _token_for(invitation) -> str:
    return signing.dumps({"a": invitation.assembly_id, "i": invitation.pk}, salt=SIGNING_SALT)
