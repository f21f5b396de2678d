"""What the platform pages read (issue 16): the public agenda shows a title only where the
resident allowed it, members read no one's personal data, and each list costs the same
number of queries however long it is."""

import dataclasses
from datetime import timedelta

import pytest
from django.utils import timezone

from initiatives import selectors
from initiatives.platform_models import PlatformInvitation, PlatformMember
from initiatives.selectors import InvitationProblem
from initiatives.statuses import Status
from tests.factories import DreamFactory, NeighbourhoodFactory, StaffFactory
from tests.neighbourhoods.helpers import add_item, add_member, make_platform, shared_dream

pytestmark = pytest.mark.django_db

PERSONAL = ("Geheime Bewoner", "Geheimstraat", "0612345678", "0611111111", "@example.nl")


@pytest.fixture
def platform(neighbourhood):
    return make_platform(neighbourhood)


def test_the_public_agenda_shows_titles_only_where_residents_allow_it(platform):
    item = add_item(platform)
    public = shared_dream(platform, title="Klaar-overs bij school", show_publicly=True)
    private = shared_dream(platform, title="Stoepborden weg", show_publicly=False)
    # Linked once, then no longer shared (the resident's choice counts at once).
    unshared = shared_dream(platform, title="Ingetrokken deling", show_publicly=True)
    item.dreams.add(public, private, unshared)
    unshared.shared_with_platform = False
    unshared.save()
    add_item(platform, title="Groen", position=1)

    first, second = selectors.platform_public_agenda(platform)
    assert (first.title, first.dream_titles, first.other_dreams) == (
        "Veilig naar school",
        ["Klaar-overs bij school"],
        1,
    )
    assert (second.title, second.dream_titles, second.other_dreams) == ("Groen", [], 0)
    assert "Stoepborden weg" not in repr([first, second])


def test_the_public_agenda_costs_two_queries_however_long(platform, django_assert_num_queries):
    for number in range(8):
        item = add_item(platform, title=f"Opgave {number}", position=number)
        for dream_number in range(3):
            item.dreams.add(shared_dream(platform, title=f"Droom {number}.{dream_number}"))
    with django_assert_num_queries(2):
        agenda = selectors.platform_public_agenda(platform)
    assert len(agenda) == 8 and all(entry.other_dreams == 3 for entry in agenda)


def test_members_read_the_shared_dreams_without_anyones_personal_data(platform):
    item = add_item(platform)
    shared = shared_dream(platform, title="Klaar-overs", status=Status.IN_CONVERSATION)
    item.dreams.add(shared)
    DreamFactory(neighbourhood=platform.neighbourhood, title="Niet gedeeld")
    DreamFactory(
        neighbourhood=NeighbourhoodFactory(name="Vlijmen"),
        title="Andere wijk",
        shared_with_platform=True,
    )
    shared_dream(platform, title="Niet bevestigd", status=Status.UNCONFIRMED)

    (dream,) = selectors.platform_shared_dreams(platform)
    assert dream.title == "Klaar-overs"
    assert dream.story == shared.story and dream.own_contribution == shared.own_contribution
    assert dream.status_label == Status.IN_CONVERSATION.label
    assert dream.agenda_titles == ["Veilig naar school"]
    assert dream.submitted_at == shared.submitted_at
    # Only the dream's own words and dates: nothing of or about the resident.
    fields = {f.name for f in dataclasses.fields(dream)}
    assert not fields & {"resident", "location", "contact_name", "contact_phone", "contact"}
    text = repr(dataclasses.asdict(dream))
    for personal in PERSONAL:
        assert personal not in text


def test_the_members_area_costs_the_same_queries_for_3_or_30_dreams(
    platform, django_assert_num_queries
):
    item = add_item(platform)
    for number in range(3):
        item.dreams.add(shared_dream(platform, title=f"Droom {number}"))
    add_member(platform, role=PlatformMember.Role.CHAIR)
    with django_assert_num_queries(3) as few:
        selectors.platform_shared_dreams(platform)
        selectors.platform_members(platform)
    for number in range(3, 30):
        item.dreams.add(shared_dream(platform, title=f"Droom {number}"))
        add_member(platform)
    with django_assert_num_queries(len(few.captured_queries)):
        dreams = selectors.platform_shared_dreams(platform)
        members = selectors.platform_members(platform)
    assert len(dreams) == 30 and len(members) == 28


def test_the_member_list_has_names_only_the_chair_first(platform):
    add_member(platform, full_name="Zeno Lid", phone="0699999999")
    add_member(platform, role=PlatformMember.Role.CHAIR, full_name="Yara Voorzitter")
    add_member(platform, full_name="Amir Lid")
    gone = add_member(platform, full_name="Weg Gegaan")
    gone.left_at = timezone.now()
    gone.save()
    add_member(platform, full_name="Gewist", is_active=False)

    members = selectors.platform_members(platform)
    assert [(m.name, m.is_chair) for m in members] == [
        ("Yara Voorzitter", True),
        ("Amir Lid", False),
        ("Zeno Lid", False),
    ]
    assert {f.name for f in dataclasses.fields(members[0])} == {"name", "is_chair", "joined_on"}


def test_membership_is_current_and_for_residents_only(platform, resident):
    assert selectors.platform_membership(platform, resident) is None
    row = add_member(platform, resident)
    assert selectors.platform_membership(platform, resident) == row
    assert not selectors.platform_is_chair(platform, resident)
    row.left_at = timezone.now()
    row.save()
    assert selectors.platform_membership(platform, resident) is None
    staff = StaffFactory()
    PlatformMember.objects.create(platform=platform, user=staff)
    assert selectors.platform_membership(platform, staff) is None


def test_an_invitations_problem(platform, resident):
    invitation = PlatformInvitation.objects.create(
        platform=platform,
        email="a@example.nl",
        invited_by=resident,
        token_hash=selectors.platform_token_hash("geheim"),
        expires_at=timezone.now() + timedelta(days=1),
    )
    assert selectors.invitation_by_token("geheim") == invitation
    assert selectors.invitation_problem(invitation) is None
    assert selectors.invitation_by_token("anders") is None
    assert selectors.invitation_problem(None) == InvitationProblem.UNKNOWN
    invitation.expires_at = timezone.now() - timedelta(seconds=1)
    assert selectors.invitation_problem(invitation) == InvitationProblem.EXPIRED
    invitation.withdrawn_at = timezone.now()
    assert selectors.invitation_problem(invitation) == InvitationProblem.WITHDRAWN
    invitation.accepted_at = timezone.now()
    assert selectors.invitation_problem(invitation) == InvitationProblem.USED


def test_the_platform_list_counts_current_members(platform, django_assert_num_queries):
    add_member(platform)
    gone = add_member(platform)
    gone.left_at = timezone.now()
    gone.save()
    make_platform(NeighbourhoodFactory(name="Vlijmen"), name="Wijkplatform Vlijmen", slug="v")
    with django_assert_num_queries(1):
        rows = [(p.name, p.neighbourhood.name, p.member_count) for p in selectors.platform_list()]
    assert rows == [("Wijkplatform Drunen", "Drunen", 1), ("Wijkplatform Vlijmen", "Vlijmen", 0)]
