"""An outcome of a citizens' assembly becomes a dream (issue 18): owned by the lead
participant, in the triage queue, its timeline saying where it came from, the others told."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from initiatives import selectors, services
from initiatives.assembly_models import AssemblyMeeting, AssemblyOutcome
from initiatives.exceptions import NotAllowed
from initiatives.models import EventKind, OutboxMail
from initiatives.statuses import Status
from tests.factories import AssemblyLifeFactory, PanelMemberFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assembly(neighbourhood, mogelijkmaker):
    return AssemblyLifeFactory(
        title="Burgerberaad Drunen-Oost", neighbourhoods=[neighbourhood], created_by=mogelijkmaker
    )


@pytest.fixture
def panel(assembly):
    return [
        PanelMemberFactory(
            assembly=assembly,
            pseudonym="P-0001",
            name="Fatima El Idrissi",
            email="fatima@example.nl",
        ),
        PanelMemberFactory(
            assembly=assembly, pseudonym="P-0002", name="Joost van Dam", email="joost@example.nl"
        ),
        PanelMemberFactory(
            assembly=assembly, pseudonym="P-0003", name="Ria Peters", email="ria@example.nl"
        ),
    ]


@pytest.fixture
def outcome(assembly, panel, mogelijkmaker):
    return services.assembly_outcome_save(
        by=mogelijkmaker,
        assembly=assembly,
        title="Een pluktuin bij de school",
        description="Fruitbomen en bessen, voor iedereen om te plukken.",
        participants=[panel[0].pk, panel[1].pk],
    )


def _to_dream(outcome, panel, by, theme, capture, **extra):
    with capture(execute=True):
        return services.assembly_outcome_to_dream(
            by=by,
            outcome=outcome,
            participants=[panel[0], panel[1]],
            lead=panel[0],
            theme=theme,
            **extra,
        )


def test_the_outcome_becomes_an_ordinary_dream_from_the_assembly(
    outcome, panel, mogelijkmaker, theme, neighbourhood, django_capture_on_commit_callbacks
):
    dream = _to_dream(outcome, panel, mogelijkmaker, theme, django_capture_on_commit_callbacks)

    # Owned by the lead participant, through an account made for their registration address.
    owner = User.objects.get(email="fatima@example.nl")
    assert dream.resident == owner and not owner.is_staff
    assert owner.full_name == "Fatima El Idrissi"
    assert (dream.title, dream.story) == (outcome.title, outcome.description)
    assert dream.neighbourhood == neighbourhood and dream.theme == theme
    assert "Fatima" in dream.own_contribution and "Joost" in dream.own_contribution
    # The ordinary route: handed in, waiting in the triage queue.
    assert dream.status == Status.SUBMITTED and dream.submitted_at is not None
    assert dream in selectors.triage_queue()
    kinds = list(dream.events.order_by("created_at", "id").values_list("kind", flat=True))
    assert kinds == [EventKind.SUBMITTED, EventKind.FROM_ASSEMBLY]
    origin = dream.events.get(kind=EventKind.FROM_ASSEMBLY)
    assert origin.public and origin.actor == mogelijkmaker
    assert "Burgerberaad Drunen-Oost" in origin.body
    # The others by first name only: no surname, no email, no phone.
    assert "Joost" in origin.body
    assert "van Dam" not in origin.body and "joost@" not in origin.body
    assert "Fatima" not in origin.body  # the owner is not "together with" themselves

    outcome.refresh_from_db()
    assert outcome.dream == dream
    assert set(outcome.taken_up_by.all()) == {panel[0], panel[1]}
    panel[0].refresh_from_db()
    assert panel[0].user == owner
    panel[1].refresh_from_db()
    assert panel[1].user is None

    # The owner gets the usual hand-in mail; the other one who takes it up a mail of their own.
    mails = OutboxMail.objects.filter(dream=dream)
    assert sorted(mails.values_list("to_email", flat=True)) == [
        "fatima@example.nl",
        "joost@example.nl",
    ]
    to_joost = mails.get(to_email="joost@example.nl")
    assert to_joost.recipient is None
    assert "Een pluktuin bij de school" in to_joost.subject
    assert "Fatima" in to_joost.body_text and "Ria" not in to_joost.body_text


def test_an_existing_account_of_the_address_is_used(
    outcome, panel, mogelijkmaker, theme, django_capture_on_commit_callbacks
):
    already = UserFactory(email="Fatima@Example.nl", full_name="Fatima E.")
    dream = _to_dream(outcome, panel, mogelijkmaker, theme, django_capture_on_commit_callbacks)
    assert dream.resident == already
    assert User.objects.filter(email__iexact="fatima@example.nl").count() == 1


def test_the_lead_participant_sees_it_on_their_page(
    client, outcome, panel, mogelijkmaker, theme, django_capture_on_commit_callbacks
):
    dream = _to_dream(outcome, panel, mogelijkmaker, theme, django_capture_on_commit_callbacks)
    client.force_login(dream.resident)
    listing = client.get("/mijn-dromen/").content.decode()
    assert "Een pluktuin bij de school" in listing
    page = client.get(f"/mijn-dromen/{dream.pk}/").content.decode()
    assert "Uit het burgerberaad “Burgerberaad Drunen-Oost”" in page
    assert "Joost" in page  # the timeline names who takes it up together


def test_a_chosen_neighbourhood_and_own_words(
    outcome, panel, mogelijkmaker, theme, django_capture_on_commit_callbacks
):
    from tests.factories import NeighbourhoodFactory

    vlijmen = NeighbourhoodFactory(name="Vlijmen")
    dream = _to_dream(
        outcome,
        panel,
        mogelijkmaker,
        theme,
        django_capture_on_commit_callbacks,
        neighbourhood=vlijmen,
        own_contribution="Wij planten en snoeien.",
        needs_from_municipality="Een stuk grond.",
    )
    assert dream.neighbourhood == vlijmen
    assert dream.own_contribution == "Wij planten en snoeien."
    assert dream.needs_from_municipality == "Een stuk grond."


class TestRefusals:
    def test_twice_is_refused_and_changes_nothing(
        self, outcome, panel, mogelijkmaker, theme, django_capture_on_commit_callbacks
    ):
        _to_dream(outcome, panel, mogelijkmaker, theme, django_capture_on_commit_callbacks)
        with pytest.raises(NotAllowed):
            _to_dream(outcome, panel, mogelijkmaker, theme, django_capture_on_commit_callbacks)
        assert User.objects.filter(email="fatima@example.nl").count() == 1

    def test_the_lead_must_take_it_up(self, outcome, panel, mogelijkmaker, theme):
        with pytest.raises(ValidationError) as refused:
            services.assembly_outcome_to_dream(
                by=mogelijkmaker,
                outcome=outcome,
                participants=[panel[1]],
                lead=panel[0],
                theme=theme,
            )
        assert "lead" in refused.value.message_dict
        assert not User.objects.filter(email="fatima@example.nl").exists()

    def test_nobody_chosen(self, outcome, panel, mogelijkmaker, theme):
        with pytest.raises(ValidationError) as refused:
            services.assembly_outcome_to_dream(
                by=mogelijkmaker, outcome=outcome, participants=[], lead=panel[0], theme=theme
            )
        assert "participants" in refused.value.message_dict

    @pytest.mark.parametrize("who", ["declined", "other assembly", "unknown"])
    def test_only_this_panel(self, who, outcome, panel, mogelijkmaker, theme):
        if who == "declined":
            stranger = PanelMemberFactory(assembly=outcome.assembly, state="declined").pk
        elif who == "other assembly":
            stranger = PanelMemberFactory().pk
        else:
            stranger = 987_654
        with pytest.raises(ValidationError) as refused:
            services.assembly_outcome_to_dream(
                by=mogelijkmaker,
                outcome=outcome,
                participants=[panel[0], stranger],
                lead=panel[0],
                theme=theme,
            )
        assert "participants" in refused.value.message_dict
        outcome.refresh_from_db()
        assert outcome.dream is None

    def test_a_staff_address_cannot_own_it(self, outcome, panel, mogelijkmaker, theme):
        StaffFactory(email="fatima@example.nl")
        with pytest.raises(ValidationError) as refused:
            services.assembly_outcome_to_dream(
                by=mogelijkmaker,
                outcome=outcome,
                participants=[panel[0]],
                lead=panel[0],
                theme=theme,
            )
        assert "lead" in refused.value.message_dict

    def test_a_role_is_needed(self, outcome, panel, theme, communications_advisor, resident):
        for person in (communications_advisor, resident):
            with pytest.raises(NotAllowed):
                services.assembly_outcome_to_dream(
                    by=person, outcome=outcome, participants=[panel[0]], lead=panel[0], theme=theme
                )

    def test_not_after_the_pool_was_cleared(self, outcome, panel, mogelijkmaker, theme):
        assembly = outcome.assembly
        assembly.personal_data_removed_at = timezone.now()
        assembly.save()
        with pytest.raises(NotAllowed):
            services.assembly_outcome_to_dream(
                by=mogelijkmaker,
                outcome=outcome,
                participants=[panel[0]],
                lead=panel[0],
                theme=theme,
            )


class TestMeetingsAndOutcomes:
    def test_a_meeting_is_added_and_changed(self, assembly, mogelijkmaker):
        starts = timezone.now() + timedelta(days=7)
        meeting = services.assembly_meeting_save(
            by=mogelijkmaker,
            assembly=assembly,
            starts_at=starts,
            place="  De  Voorste Venne ",
            topic="Groen",
        )
        assert meeting.place == "De Voorste Venne"
        services.assembly_meeting_save(
            by=mogelijkmaker,
            assembly=assembly,
            meeting=meeting,
            starts_at=starts,
            place="Het Anker",
            summary="We spraken over bomen.",
        )
        meeting.refresh_from_db()
        assert (meeting.place, meeting.summary) == ("Het Anker", "We spraken over bomen.")

    def test_another_assemblys_meeting_is_not_changed(self, assembly, mogelijkmaker):
        other = AssemblyMeeting.objects.create(
            assembly=AssemblyLifeFactory(), starts_at=timezone.now(), place="Elders"
        )
        with pytest.raises(AssemblyMeeting.DoesNotExist):
            services.assembly_meeting_save(
                by=mogelijkmaker,
                assembly=assembly,
                meeting=other,
                starts_at=timezone.now(),
                place="X",
            )

    def test_an_outcome_that_is_a_dream_is_not_changed(
        self, outcome, panel, mogelijkmaker, theme, django_capture_on_commit_callbacks
    ):
        _to_dream(outcome, panel, mogelijkmaker, theme, django_capture_on_commit_callbacks)
        with pytest.raises(NotAllowed):
            services.assembly_outcome_save(
                by=mogelijkmaker,
                assembly=outcome.assembly,
                outcome=outcome,
                title="Anders",
                description="Anders.",
            )
        assert AssemblyOutcome.objects.get(pk=outcome.pk).title == "Een pluktuin bij de school"

    def test_a_role_is_needed(self, assembly, communications_advisor):
        with pytest.raises(NotAllowed):
            services.assembly_meeting_save(
                by=communications_advisor, assembly=assembly, starts_at=timezone.now(), place="X"
            )

    def test_ending_twice_keeps_the_first_moment(self, assembly, manager):
        ended = services.assembly_end(by=manager, assembly=assembly)
        assert ended.stage == "ended" and ended.ended_at is not None
        again = services.assembly_end(by=manager, assembly=assembly)
        assert again.ended_at == ended.ended_at
