"""Registering with the code from the letter: the code check and participant_register."""

from datetime import timedelta

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from initiatives import services
from initiatives.assembly_models import Assembly, AssemblyMeeting, Invitation, Participant
from initiatives.models import OutboxMail
from tests.assemblies.conftest import ANSWERS, person
from tests.factories import AssemblyFactory, InvitationFactory, invitation_code
from tests.initiatives.services.helpers import at_once

pytestmark = pytest.mark.django_db

GENERIC = "We herkennen deze code niet, of hij is al gebruikt."


def _nothing_stored(invitation: Invitation, left: int = 1) -> None:
    assert not Participant.objects.exists()
    assert not OutboxMail.objects.exists()
    invitation.refresh_from_db()
    assert invitation.registrations_left == left


class TestTheCode:
    def test_as_printed(self, assembly, invitation, code):
        assert len(code) == 11 and code[5] == "-"
        assert services.registration_code_check(assembly=assembly, code=code) == invitation

    @pytest.mark.parametrize(
        "typed", ["{lower} {upper}", "  {lower}{upper}  ", "{lower}-{upper}", "{lower} - {upper}"]
    )
    def test_typing_is_forgiving(self, assembly, invitation, code, typed):
        """Case, spaces and dashes do not count: "k7pq2 xmr4d" works."""
        first, second = code.split("-")
        typed = typed.format(lower=first.lower(), upper=second.lower())
        assert services.registration_code_check(assembly=assembly, code=typed) == invitation

    def test_a_wrong_code(self, assembly, invitation, code):
        wrong = ("X" if code[0] != "X" else "Y") + code[1:]
        with pytest.raises(services.CodeRefused) as refused:
            services.registration_code_check(assembly=assembly, code=wrong)
        assert GENERIC in str(refused.value)

    def test_the_wrong_length_is_said_plainly(self, assembly, invitation, code):
        with pytest.raises(ValidationError) as refused:
            services.registration_code_check(assembly=assembly, code=code[:-1])
        assert "Een code heeft 10 letters en cijfers" in refused.value.messages[0]
        assert "Je typte er 9" in refused.value.messages[0]
        with pytest.raises(ValidationError):
            services.registration_code_check(assembly=assembly, code=" - ")

    def test_a_used_code_gets_the_same_message(self, assembly, invitation, code):
        services.participant_register(invitation=invitation, **person())
        with pytest.raises(services.CodeRefused) as refused:
            services.registration_code_check(assembly=assembly, code=code)
        assert str(refused.value) == str(services.CodeRefused())

    def test_another_assemblys_code_gets_the_same_message(self, assembly, invitation):
        other = InvitationFactory(assembly=AssemblyFactory())
        with pytest.raises(services.CodeRefused) as refused:
            services.registration_code_check(assembly=assembly, code=invitation_code(other))
        assert str(refused.value) == str(services.CodeRefused())
        # and the code works where it belongs
        assert (
            services.registration_code_check(assembly=other.assembly, code=invitation_code(other))
            == other
        )

    @pytest.mark.parametrize(
        ("stage", "closes", "said"),
        [
            (Assembly.Stage.PREPARING, None, "Aanmelden kan nog niet"),
            (Assembly.Stage.INVITING, -1, "Aanmelden kon tot"),
            (Assembly.Stage.SELECTING, None, "Aanmelden is gesloten"),
            (Assembly.Stage.MEETING, None, "Aanmelden is gesloten"),
            (Assembly.Stage.ENDED, None, "Aanmelden is gesloten"),
        ],
    )
    def test_closed_registration_is_said_whatever_the_code(
        self, assembly, invitation, code, stage, closes, said
    ):
        closes_on = timezone.localdate() + timedelta(days=closes) if closes is not None else None
        Assembly.objects.filter(pk=assembly.pk).update(
            stage=stage, registration_closes_on=closes_on
        )
        assembly.refresh_from_db()
        for typed in (code, "AAAAA-AAAAA", ""):
            with pytest.raises(services.RegistrationClosed) as closed:
                services.registration_code_check(assembly=assembly, code=typed)
            assert said in str(closed.value)
        with pytest.raises(services.RegistrationClosed):
            services.participant_register(invitation=invitation, **person())
        _nothing_stored(invitation)

    def test_the_closing_day_itself_is_open(self, assembly, invitation, code):
        assembly.registration_closes_on = timezone.localdate()
        assembly.save()
        assert services.registration_code_check(assembly=assembly, code=code) == invitation


class TestRegistering:
    def test_a_resident_registers(self, assembly, invitation, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False):
            participant = services.participant_register(invitation=invitation, **person())
        participant.refresh_from_db()
        assert participant.assembly == assembly and participant.invitation == invitation
        assert participant.pseudonym == "P-0001"
        assert (participant.name, participant.email, participant.phone) == (
            "Fatima Bakker",
            "fatima@example.nl",
            "06 12345678",
        )
        assert participant.features == ANSWERS
        assert participant.availability == "Doordeweeks 's avonds"
        assert participant.state == Participant.State.REGISTERED
        assert abs(participant.consent_at - timezone.now()) < timedelta(minutes=1)
        invitation.refresh_from_db()
        assert invitation.registrations_left == 0
        (mail,) = OutboxMail.objects.all()
        assert mail.to_email == "fatima@example.nl" and mail.recipient is None
        assert "Burgerberaad Vlijmen-Oost" in mail.subject
        assert "P-0001" in mail.body_text and "/burgerberaad/vlijmen-oost/" in mail.body_text
        assert "tot het burgerberaad is afgelopen" in mail.body_text

    def test_a_second_household_member_when_allowed(self, assembly):
        assembly.people_per_household = 2
        assembly.save()
        invitation = InvitationFactory(assembly=assembly)
        assert invitation.registrations_left == 2
        first = services.participant_register(invitation=invitation, **person())
        code = invitation_code(invitation)
        assert services.registration_code_check(assembly=assembly, code=code) == invitation
        second = services.participant_register(
            invitation=invitation, **person(name="Karim Bakker", email="karim@example.nl")
        )
        assert (first.pseudonym, second.pseudonym) == ("P-0001", "P-0002")
        with pytest.raises(services.CodeRefused):
            services.registration_code_check(assembly=assembly, code=code)
        with pytest.raises(services.CodeRefused):
            services.participant_register(
                invitation=invitation, **person(name="Derde", email="derde@example.nl")
            )
        assert Participant.objects.filter(invitation=invitation).count() == 2

    def test_a_second_household_member_refused_when_not_allowed(self, assembly, invitation):
        services.participant_register(invitation=invitation, **person())
        with pytest.raises(services.CodeRefused):
            services.participant_register(
                invitation=invitation, **person(name="Karim Bakker", email="karim@example.nl")
            )
        assert Participant.objects.count() == 1

    def test_the_household_limit_holds_when_the_invitation_had_more_uses(self, assembly):
        """An invitation with uses left still takes no more people than the assembly allows."""
        invitation = InvitationFactory(assembly=assembly, registrations_left=3)
        services.participant_register(invitation=invitation, **person())
        with pytest.raises(services.CodeRefused):
            services.participant_register(
                invitation=invitation, **person(name="Karim Bakker", email="karim@example.nl")
            )

    def test_the_same_person_twice_is_refused(self, assembly):
        assembly.people_per_household = 2
        assembly.save()
        invitation = InvitationFactory(assembly=assembly)
        services.participant_register(invitation=invitation, **person())
        with pytest.raises(ValidationError) as refused:
            services.participant_register(
                invitation=invitation, **person(name=" fatima bakker ", email="FATIMA@example.nl")
            )
        assert "Je bent al aangemeld" in refused.value.message_dict["name"][0]

    def test_every_feature_needs_one_valid_answer(self, assembly, invitation):
        for features, field in [
            ({"leeftijd": "30-64", "geslacht": "vrouw"}, "feature_buurt"),
            ({**ANSWERS, "buurt": "west"}, "feature_buurt"),  # not one of its answers
            ({**ANSWERS, "leeftijd": ["30-64"]}, "feature_leeftijd"),  # wrong type
            ({**ANSWERS, "geslacht": ""}, "feature_geslacht"),
        ]:
            with pytest.raises(ValidationError) as refused:
                services.participant_register(invitation=invitation, **person(features=features))
            assert refused.value.message_dict == {field: ["Kies één antwoord."]}
        _nothing_stored(invitation)

    def test_unknown_questions_and_no_answers_at_all(self, assembly, invitation):
        with pytest.raises(ValidationError) as refused:
            services.participant_register(
                invitation=invitation, **person(features={**ANSWERS, "inkomen": "hoog"})
            )
        assert NON_FIELD_ERRORS in refused.value.message_dict
        with pytest.raises(ValidationError) as refused:
            services.participant_register(invitation=invitation, **person(features="leeftijd"))
        errors = refused.value.message_dict
        assert {"feature_leeftijd", "feature_geslacht", "feature_buurt"} <= set(errors)
        _nothing_stored(invitation)

    def test_every_problem_at_once_and_nothing_half_stored(self, assembly, invitation):
        with pytest.raises(ValidationError) as refused:
            services.participant_register(
                invitation=invitation,
                name="  ",
                email="geen-adres",
                phone="bel me",
                features={},
                availability="",
                consent=False,
            )
        errors = refused.value.message_dict
        assert errors["name"] == ["Vul je naam in."]
        assert errors["email"] == ["Vul een e-mailadres in zoals naam@example.nl."]
        assert errors["phone"] == ["Gebruik alleen cijfers, zoals 06 12345678."]
        assert errors["availability"] == ["Vertel wanneer je kunt."]
        assert errors["consent"][0].startswith("Vink het vakje aan")
        assert {"feature_leeftijd", "feature_geslacht", "feature_buurt"} <= set(errors)
        _nothing_stored(invitation)

    def test_too_long(self, assembly, invitation):
        with pytest.raises(ValidationError) as refused:
            services.participant_register(
                invitation=invitation,
                **person(
                    name="n" * 151,
                    email="a" * 250 + "@example.nl",
                    phone="0" * 31,
                    availability="x" * 1001,
                ),
            )
        errors = refused.value.message_dict
        assert errors["name"] == ["Gebruik maximaal 150 tekens (je hebt er 151 gebruikt)."]
        assert set(errors) == {"name", "email", "phone", "availability"}
        _nothing_stored(invitation)

    def test_meeting_dates_as_availability(self, assembly, invitation):
        later = timezone.now() + timedelta(days=30)
        first = AssemblyMeeting.objects.create(
            assembly=assembly, starts_at=later, place="Wijkcentrum De Kern"
        )
        second = AssemblyMeeting.objects.create(
            assembly=assembly, starts_at=later + timedelta(days=7), place="Bibliotheek"
        )
        participant = services.participant_register(
            invitation=invitation, **person(availability="", meetings=[second.pk, first])
        )
        lines = participant.availability.splitlines()
        assert len(lines) == 2
        assert lines[0].startswith("Ik kan op ") and "(Wijkcentrum De Kern)" in lines[0]
        assert "(Bibliotheek)" in lines[1]

    def test_other_assemblys_meetings_and_made_up_ids(self, assembly, invitation):
        elsewhere = AssemblyMeeting.objects.create(
            assembly=AssemblyFactory(), starts_at=timezone.now(), place="Elders"
        )
        for meetings in ([elsewhere.pk], ["drie"], [10**30], [-1], [None]):
            with pytest.raises(ValidationError) as refused:
                services.participant_register(
                    invitation=invitation, **person(availability="", meetings=meetings)
                )
            assert refused.value.message_dict == {"meetings": ["Kies uit de data die er staan."]}
        _nothing_stored(invitation)


class TestPseudonyms:
    def test_numbered_per_assembly(self, assembly):
        other = AssemblyFactory()
        ours = [InvitationFactory(assembly=assembly) for _ in range(3)]
        theirs = InvitationFactory(assembly=other)
        names = [
            services.participant_register(
                invitation=invitation, **person(email=f"p{n}@example.nl")
            ).pseudonym
            for n, invitation in enumerate(ours)
        ]
        assert names == ["P-0001", "P-0002", "P-0003"]
        theirs_first = services.participant_register(invitation=theirs, **person(features={}))
        assert theirs_first.pseudonym == "P-0001"

    @pytest.mark.django_db(transaction=True)
    def test_unique_when_two_register_at_once(self, assembly):
        invitations = [InvitationFactory(assembly=assembly) for _ in range(2)]

        def register(n):
            return lambda: services.participant_register(
                invitation=invitations[n], **person(email=f"p{n}@example.nl")
            )

        results = at_once(register(0), register(1))
        assert all(isinstance(result, Participant) for result in results), results
        assert sorted(result.pseudonym for result in results) == ["P-0001", "P-0002"]

    @pytest.mark.django_db(transaction=True)
    def test_one_use_left_goes_to_one_of_two_at_once(self, assembly):
        invitation = InvitationFactory(assembly=assembly)

        def register(n):
            return lambda: services.participant_register(
                invitation=invitation, **person(name=f"Persoon {n}", email=f"p{n}@example.nl")
            )

        results = at_once(register(0), register(1))
        assert sorted(type(result).__name__ for result in results) == [
            "CodeRefused",
            "Participant",
        ]
        invitation.refresh_from_db()
        assert invitation.registrations_left == 0
        assert Participant.objects.count() == 1


def test_the_confirmation_reaches_the_mail_server(
    smtp_server, assembly, invitation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.participant_register(invitation=invitation, **person())
    (got,) = [got for got in smtp_server.received if got.rcpt_tos == ["fatima@example.nl"]]
    assert "Burgerberaad Vlijmen-Oost" in got.message["Subject"]
    text = got.message.get_body(preferencelist=("plain",)).get_content()
    assert "Hallo Fatima Bakker," in text and "P-0001" in text
    assert got.message.get_body(preferencelist=("html",)) is not None
    row = OutboxMail.objects.get(pk=int(got.message["X-Outbox-Id"]))
    assert row.state == OutboxMail.State.SENT
