"""The rules of neighbourhood platforms (issue 16): invitations, joining, leaving, the
chair's agenda and a resident's choice to share a dream. Each rule and each refusal."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from initiatives import services
from initiatives.exceptions import NotAllowed
from initiatives.models import Dream, EventKind, OutboxMail, TimelineEvent
from initiatives.platform_models import AgendaItem, PlatformInvitation, PlatformMember
from initiatives.statuses import Status
from tests.factories import DreamFactory, NeighbourhoodFactory, StaffFactory, UserFactory
from tests.neighbourhoods.helpers import add_item, add_member, make_platform, shared_dream

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def platform(neighbourhood):
    return make_platform(neighbourhood)


@pytest.fixture
def chair(platform):
    return add_member(platform, role=PlatformMember.Role.CHAIR, full_name="Clara Voorzitter").user


@pytest.fixture
def member(platform):
    return add_member(platform, full_name="Mirte Lid").user


def _token(sent) -> str:
    return sent.link.rstrip("/").rsplit("/", 1)[1]


# --- inviting -------------------------------------------------------------------------------


class TestInvite:
    def test_the_chair_invites_a_new_address_keeps_only_the_hash_and_mails_the_link(
        self, platform, chair
    ):
        sent = services.platform_invite(platform=platform, email=" Nieuw@Example.nl ", by=chair)
        token = _token(sent)
        invitation = PlatformInvitation.objects.get()
        assert invitation.email == "nieuw@example.nl"
        assert invitation.role == PlatformMember.Role.MEMBER
        assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert len(token) >= 40 and token not in invitation.token_hash
        assert invitation.expires_at - invitation.created_at == timedelta(days=14)
        # The invitee had no account: it is made as a sign-in by link makes it.
        invitee = User.objects.get(email="nieuw@example.nl")
        assert not invitee.is_staff and not invitee.has_usable_password()
        mail = OutboxMail.objects.get()
        assert mail.recipient == invitee and mail.to_email == "nieuw@example.nl"
        assert sent.link in mail.body_text and sent.link in mail.body_html
        assert platform.name in mail.subject

    def test_an_existing_resident_keeps_their_one_account(self, platform, chair, resident):
        services.platform_invite(platform=platform, email="ANNA@example.nl", by=chair)
        assert User.objects.filter(email__iexact="anna@example.nl").count() == 1
        assert OutboxMail.objects.get().recipient == resident

    @pytest.mark.parametrize("role", [Role.ENABLER, Role.MANAGER])
    def test_staff_with_a_role_may_invite(self, platform, role):
        staff = StaffFactory(roles=[role])
        services.platform_invite(platform=platform, email="a@example.nl", by=staff)
        assert PlatformInvitation.objects.count() == 1

    def test_the_administrator_may_invite_a_chair(self, platform):
        administrator = StaffFactory(roles=[Role.ADMINISTRATOR], is_superuser=True)
        services.platform_invite(
            platform=platform, email="a@example.nl", by=administrator, role="chair"
        )
        assert PlatformInvitation.objects.get().role == "chair"

    def test_a_communications_advisor_may_not(self, platform, communications_advisor):
        with pytest.raises(NotAllowed):
            services.platform_invite(
                platform=platform, email="a@example.nl", by=communications_advisor
            )
        assert not PlatformInvitation.objects.exists() and not OutboxMail.objects.exists()

    def test_a_member_or_a_stranger_may_not(self, platform, member, other_resident):
        for person in (member, other_resident):
            with pytest.raises(NotAllowed):
                services.platform_invite(platform=platform, email="a@example.nl", by=person)
        assert not PlatformInvitation.objects.exists()

    def test_the_chair_of_another_platform_may_not(self, platform):
        other = make_platform(NeighbourhoodFactory(name="Vlijmen"), name="B", slug="b")
        other_chair = add_member(other, role=PlatformMember.Role.CHAIR).user
        with pytest.raises(NotAllowed):
            services.platform_invite(platform=platform, email="a@example.nl", by=other_chair)

    def test_the_chair_may_not_invite_a_new_chair(self, platform, chair):
        with pytest.raises(NotAllowed):
            services.platform_invite(
                platform=platform, email="a@example.nl", by=chair, role="chair"
            )

    def test_a_wrong_address_is_refused_next_to_the_field(self, platform, chair):
        with pytest.raises(ValidationError) as refused:
            services.platform_invite(platform=platform, email="geen-adres", by=chair)
        assert "email" in refused.value.message_dict
        assert not PlatformInvitation.objects.exists() and not OutboxMail.objects.exists()
        assert not User.objects.filter(email="geen-adres").exists()

    def test_a_current_member_is_not_invited_again(self, platform, chair, member):
        with pytest.raises(ValidationError) as refused:
            services.platform_invite(platform=platform, email=member.email.upper(), by=chair)
        assert "email" in refused.value.message_dict

    def test_a_new_invitation_replaces_the_open_one(self, platform, chair):
        first = services.platform_invite(platform=platform, email="a@example.nl", by=chair)
        second = services.platform_invite(platform=platform, email="a@example.nl", by=chair)
        first.invitation.refresh_from_db()
        assert first.invitation.withdrawn_at is not None
        with pytest.raises(NotAllowed, match=r"ingetrokken|withdrawn"):
            services.platform_join(token=_token(first), by=User.objects.get(email="a@example.nl"))
        services.platform_join(token=_token(second), by=User.objects.get(email="a@example.nl"))


class TestWithdraw:
    def test_the_chair_withdraws_and_the_link_stops_working(self, platform, chair):
        sent = services.platform_invite(platform=platform, email="a@example.nl", by=chair)
        services.platform_invitation_withdraw(invitation=sent.invitation, by=chair)
        sent.invitation.refresh_from_db()
        assert sent.invitation.withdrawn_at is not None
        with pytest.raises(NotAllowed):
            services.platform_join(token=_token(sent), by=User.objects.get(email="a@example.nl"))
        assert not PlatformMember.objects.filter(user__email="a@example.nl").exists()

    def test_a_member_may_not_withdraw(self, platform, chair, member):
        sent = services.platform_invite(platform=platform, email="a@example.nl", by=chair)
        with pytest.raises(NotAllowed):
            services.platform_invitation_withdraw(invitation=sent.invitation, by=member)
        sent.invitation.refresh_from_db()
        assert sent.invitation.withdrawn_at is None

    def test_staff_may_withdraw(self, platform, chair, mogelijkmaker):
        sent = services.platform_invite(platform=platform, email="a@example.nl", by=chair)
        services.platform_invitation_withdraw(invitation=sent.invitation, by=mogelijkmaker)
        sent.invitation.refresh_from_db()
        assert sent.invitation.withdrawn_at is not None

    def test_an_accepted_invitation_cannot_be_withdrawn(self, platform, chair, resident):
        sent = services.platform_invite(platform=platform, email=resident.email, by=chair)
        services.platform_join(token=_token(sent), by=resident)
        with pytest.raises(NotAllowed):
            services.platform_invitation_withdraw(invitation=sent.invitation, by=chair)


# --- joining and leaving --------------------------------------------------------------------


class TestJoin:
    def test_the_invitee_joins_once(self, platform, chair, resident):
        sent = services.platform_invite(platform=platform, email=resident.email, by=chair)
        member = services.platform_join(token=_token(sent), by=resident)
        assert (member.platform, member.user, member.role) == (platform, resident, "member")
        sent.invitation.refresh_from_db()
        assert sent.invitation.accepted_at is not None
        with pytest.raises(NotAllowed, match=r"gebruikt|used"):
            services.platform_join(token=_token(sent), by=resident)
        assert PlatformMember.objects.filter(user=resident).count() == 1

    def test_another_signed_in_resident_cannot_use_it(self, platform, chair, resident):
        sent = services.platform_invite(platform=platform, email=resident.email, by=chair)
        with pytest.raises(NotAllowed, match=r"ander e-mailadres|another email"):
            services.platform_join(token=_token(sent), by=UserFactory(email="x@example.nl"))
        sent.invitation.refresh_from_db()
        assert sent.invitation.accepted_at is None  # still there for the invitee
        services.platform_join(token=_token(sent), by=resident)

    def test_staff_cannot_join(self, platform, mogelijkmaker):
        sent = services.platform_invite(
            platform=platform, email=mogelijkmaker.email, by=mogelijkmaker
        )
        with pytest.raises(NotAllowed):
            services.platform_join(token=_token(sent), by=mogelijkmaker)
        assert not PlatformMember.objects.exists()

    def test_an_expired_invitation_says_so(self, platform, chair, resident):
        sent = services.platform_invite(platform=platform, email=resident.email, by=chair)
        PlatformInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        with pytest.raises(NotAllowed, match=r"verlopen|expired"):
            services.platform_join(token=_token(sent), by=resident)
        assert not PlatformMember.objects.filter(user=resident).exists()

    def test_an_unknown_link_says_so(self, resident):
        with pytest.raises(NotAllowed, match=r"werkt niet|does not work"):
            services.platform_join(token="verzonnen", by=resident)

    def test_a_member_already_cannot_join_twice(self, platform, chair, member):
        sent = services.platform_invite(platform=platform, email="x@example.nl", by=chair)
        PlatformInvitation.objects.filter(pk=sent.invitation.pk).update(email=member.email)
        with pytest.raises(NotAllowed):
            services.platform_join(token=_token(sent), by=member)

    def test_a_new_chair_takes_over_and_the_old_chair_stays_a_member(
        self, platform, chair, manager, resident
    ):
        sent = services.platform_invite(
            platform=platform, email=resident.email, by=manager, role="chair"
        )
        services.platform_join(token=_token(sent), by=resident)
        roles = dict(
            PlatformMember.objects.filter(left_at__isnull=True).values_list("user", "role")
        )
        assert roles == {resident.pk: "chair", chair.pk: "member"}


class TestLeave:
    def test_a_member_leaves_and_the_membership_is_kept(self, platform, member):
        services.platform_leave(platform=platform, by=member)
        row = PlatformMember.objects.get(user=member)
        assert row.left_at is not None and not row.is_active
        with pytest.raises(NotAllowed):
            services.platform_leave(platform=platform, by=member)

    def test_who_left_may_join_again_with_a_new_invitation(self, platform, chair, member):
        services.platform_leave(platform=platform, by=member)
        sent = services.platform_invite(platform=platform, email=member.email, by=chair)
        services.platform_join(token=_token(sent), by=member)
        assert PlatformMember.objects.filter(user=member).count() == 2

    def test_a_stranger_cannot_leave(self, platform, resident):
        with pytest.raises(NotAllowed):
            services.platform_leave(platform=platform, by=resident)


# --- the agenda -----------------------------------------------------------------------------


class TestAgenda:
    def test_the_chair_adds_items_at_the_end(self, platform, chair):
        first = services.agenda_item_add(
            platform=platform, by=chair, title=" Veilig naar school ", description="Waarom."
        )
        second = services.agenda_item_add(
            platform=platform, by=chair, title="Groen", description="Meer bomen."
        )
        assert (first.title, first.position, second.position) == ("Veilig naar school", 0, 1)
        assert first.set_on == timezone.localdate() and first.written_by == chair

    def test_a_member_may_not_write_the_agenda(self, platform, member, manager):
        for person in (member, manager):
            with pytest.raises(NotAllowed):
                services.agenda_item_add(platform=platform, by=person, title="T", description="D")
        assert not AgendaItem.objects.exists()

    def test_an_empty_title_stores_nothing(self, platform, chair):
        with pytest.raises(ValidationError) as refused:
            services.agenda_item_add(platform=platform, by=chair, title="  ", description="D")
        assert "title" in refused.value.message_dict
        assert not AgendaItem.objects.exists()

    def test_the_chair_edits_an_item(self, platform, chair, member):
        item = add_item(platform)
        day = timezone.localdate() - timedelta(days=3)
        services.agenda_item_edit(
            item=item, by=chair, title="Nieuw", description="Anders", set_on=day
        )
        item.refresh_from_db()
        assert (item.title, item.description, item.set_on) == ("Nieuw", "Anders", day)
        with pytest.raises(NotAllowed):
            services.agenda_item_edit(item=item, by=member, title="X", description="Y", set_on=day)

    def test_the_chair_reorders(self, platform, chair):
        a, _b, c = (add_item(platform, title=t, position=i) for i, t in enumerate("abc"))
        services.agenda_item_move(item=c, by=chair, up=True)
        assert list(AgendaItem.objects.values_list("title", flat=True)) == ["a", "c", "b"]
        services.agenda_item_move(item=a, by=chair, up=False)
        assert list(AgendaItem.objects.values_list("title", "position")) == [
            ("c", 0),
            ("a", 1),
            ("b", 2),
        ]
        services.agenda_item_move(item=c, by=chair, up=True)  # the first stays first
        assert list(AgendaItem.objects.values_list("title", flat=True)) == ["c", "a", "b"]

    def test_a_member_cannot_reorder(self, platform, member):
        a = add_item(platform, title="a")
        add_item(platform, title="b", position=1)
        with pytest.raises(NotAllowed):
            services.agenda_item_move(item=a, by=member, up=False)

    def test_the_chair_marks_an_item_done_and_open_again(self, platform, chair, member):
        item = add_item(platform)
        services.agenda_item_mark_done(item=item, by=chair)
        item.refresh_from_db()
        assert item.done_on == timezone.localdate()
        services.agenda_item_mark_done(item=item, by=chair, done=False)
        item.refresh_from_db()
        assert item.done_on is None
        with pytest.raises(NotAllowed):
            services.agenda_item_mark_done(item=item, by=member)

    def test_the_chair_links_a_shared_dream_and_its_resident_reads_it(self, platform, chair):
        item = add_item(platform)
        dream = shared_dream(platform, title="Klaar-overs")
        services.agenda_item_link_dream(item=item, by=chair, dream_id=dream.pk)
        services.agenda_item_link_dream(item=item, by=chair, dream_id=dream.pk)  # again: no-op
        assert list(item.dreams.all()) == [dream]
        event = TimelineEvent.objects.get(dream=dream, kind=EventKind.AGENDA)
        assert event.public and event.actor is None
        assert "Veilig naar school" in event.body and platform.name in event.body
        services.agenda_item_unlink_dream(item=item, by=chair, dream_id=dream.pk)
        assert not item.dreams.exists()
        assert TimelineEvent.objects.filter(dream=dream, kind=EventKind.AGENDA).count() == 2

    def test_only_shared_dreams_of_the_neighbourhood_can_be_linked(self, platform, chair):
        item = add_item(platform)
        not_shared = DreamFactory(neighbourhood=platform.neighbourhood)
        elsewhere = DreamFactory(
            neighbourhood=NeighbourhoodFactory(name="Vlijmen"), shared_with_platform=True
        )
        unconfirmed = shared_dream(platform, title="Nog niet", status=Status.UNCONFIRMED)
        for dream in (not_shared, elsewhere, unconfirmed):
            with pytest.raises(NotAllowed):
                services.agenda_item_link_dream(item=item, by=chair, dream_id=dream.pk)
        with pytest.raises(NotAllowed):
            services.agenda_item_link_dream(item=item, by=chair, dream_id=999999)
        assert not item.dreams.exists()
        assert not TimelineEvent.objects.filter(kind=EventKind.AGENDA).exists()

    def test_a_member_cannot_link(self, platform, member):
        item = add_item(platform)
        dream = shared_dream(platform, title="Klaar-overs")
        with pytest.raises(NotAllowed):
            services.agenda_item_link_dream(item=item, by=member, dream_id=dream.pk)


# --- sharing --------------------------------------------------------------------------------


class TestShare:
    def test_the_resident_shares_and_stops_sharing(self, platform, dream, resident):
        services.dream_share_with_platform(dream=dream, by=resident, share=True)
        dream.refresh_from_db()
        assert dream.shared_with_platform
        shared = TimelineEvent.objects.get(dream=dream, kind=EventKind.SHARED_WITH_PLATFORM)
        assert shared.public and shared.actor == resident and platform.name in shared.body
        item = add_item(platform)
        item.dreams.add(dream)
        services.dream_share_with_platform(dream=dream, by=resident, share=False)
        dream.refresh_from_db()
        assert not dream.shared_with_platform
        assert not item.dreams.exists()  # off the agenda at once
        assert TimelineEvent.objects.get(dream=dream, kind=EventKind.UNSHARED_WITH_PLATFORM).public

    def test_a_second_click_records_nothing(self, platform, dream, resident):
        services.dream_share_with_platform(dream=dream, by=resident, share=True)
        services.dream_share_with_platform(dream=dream, by=resident, share=True)
        assert TimelineEvent.objects.filter(dream=dream).count() == 1

    def test_only_the_resident_decides(self, platform, dream, other_resident, mogelijkmaker):
        for person in (other_resident, mogelijkmaker):
            with pytest.raises(NotAllowed):
                services.dream_share_with_platform(dream=dream, by=person, share=True)
        assert not Dream.objects.get(pk=dream.pk).shared_with_platform

    def test_no_platform_no_sharing(self, dream, resident):
        with pytest.raises(NotAllowed):
            services.dream_share_with_platform(dream=dream, by=resident, share=True)
        assert not TimelineEvent.objects.filter(dream=dream).exists()

    def test_an_unconfirmed_dream_is_not_shared(self, platform, resident):
        dream = DreamFactory(
            resident=resident, neighbourhood=platform.neighbourhood, status=Status.UNCONFIRMED
        )
        with pytest.raises(NotAllowed):
            services.dream_share_with_platform(dream=dream, by=resident, share=True)


def test_erasing_a_resident_ends_their_part_in_the_platform(platform, chair, resident, dream):
    """Erasure (GDPR) reaches the platform: invitations to the address go, the dreams are no
    longer shared or on the agenda, the membership ends (kept, as who took part)."""
    services.dream_share_with_platform(dream=dream, by=resident, share=True)
    item = add_item(platform)
    item.dreams.add(dream)
    services.platform_invite(platform=platform, email="anna@example.nl", by=chair)
    add_member(platform, resident)
    services.resident_erase(resident=resident)
    assert not PlatformInvitation.objects.filter(email="anna@example.nl").exists()
    assert not Dream.objects.get(pk=dream.pk).shared_with_platform
    assert not item.dreams.exists()
    assert PlatformMember.objects.get(user=resident).left_at is not None
