"""The partner services: invite, renew, withdraw, and what a partner does through the link."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from initiatives import selectors, services
from initiatives.exceptions import NotAllowed
from initiatives.models import EventKind, OutboxMail, TimelineEvent
from initiatives.partner_models import PartnerInvitation
from initiatives.plan_models import Contribution
from initiatives.selectors.partners import PartnerLinkProblem
from initiatives.statuses import Status
from tests.partners.conftest import make_organisation

pytestmark = pytest.mark.django_db


class TestInviting:
    def test_the_invitation_is_mailed_and_only_the_hash_of_its_token_kept(
        self, sent, token, in_conversation, organisation
    ):
        invitation = sent.invitation
        assert (invitation.dream_id, invitation.organisation_id) == (
            in_conversation.pk,
            organisation.pk,
        )
        assert invitation.email == "e.bosch@heusdenthuis.example"
        assert invitation.token_hash == selectors.partner_token_hash(token)
        assert token not in invitation.token_hash
        assert len(token) >= 40  # secrets.token_urlsafe(32)
        mail = OutboxMail.objects.get(to_email="e.bosch@heusdenthuis.example")
        assert mail.recipient is None  # the partner has no account
        assert mail.state == OutboxMail.State.PENDING and mail.dream_id == in_conversation.pk
        assert sent.link in mail.body_text and sent.link in mail.body_html
        assert "Doen jullie mee?" in mail.body_text
        assert in_conversation.title in mail.subject
        event = TimelineEvent.objects.get(kind=EventKind.PARTNER_INVITED)
        assert event.public and "Woonstichting Heusden Thuis" in event.body

    def test_it_expires_after_the_configured_days(self, settings, in_conversation, organisation):
        settings.PARTNER_LINK_DAYS = 7
        before = timezone.now()
        sent = services.partner_invite(
            dream=in_conversation, organisation=organisation, by=in_conversation.contact
        )
        expires = sent.invitation.expires_at
        assert before + timedelta(days=7) <= expires <= timezone.now() + timedelta(days=7)

    def test_inviting_again_renews_the_link(self, sent, token, in_conversation, organisation):
        again = services.partner_invite(
            dream=in_conversation,
            organisation=organisation,
            by=in_conversation.contact,
            role=PartnerInvitation.Role.CO_OWNER,
        )
        assert again.renewed and again.invitation.pk == sent.invitation.pk
        assert PartnerInvitation.objects.count() == 1
        assert again.invitation.role == PartnerInvitation.Role.CO_OWNER
        assert selectors.partner_invitation_by_token(token) is None  # the old link is dead
        new_token = again.link.rstrip("/").rsplit("/", 1)[1]
        assert selectors.partner_invitation_by_token(new_token).pk == sent.invitation.pk
        assert OutboxMail.objects.filter(to_email=organisation.contact_email).count() == 2
        renewal = TimelineEvent.objects.filter(kind=EventKind.PARTNER_INVITED).last()
        assert not renewal.public  # the resident already knows who helps

    def test_an_expired_invitation_is_renewed_too(self, sent, in_conversation, organisation):
        PartnerInvitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
        again = services.partner_invite(
            dream=in_conversation, organisation=organisation, by=in_conversation.contact
        )
        assert again.invitation.pk == sent.invitation.pk
        assert selectors.partner_link_problem(again.invitation) is None

    def test_only_the_contact_person_invites(self, in_conversation, organisation, second_enabler):
        with pytest.raises(NotAllowed):
            services.partner_invite(
                dream=in_conversation, organisation=organisation, by=second_enabler
            )
        assert not PartnerInvitation.objects.exists()
        assert not OutboxMail.objects.filter(to_email=organisation.contact_email).exists()

    def test_an_inactive_organisation_is_not_invited(self, in_conversation, enabler):
        inactive = make_organisation(enabler, name="Oud", active=False)
        with pytest.raises(NotAllowed):
            services.partner_invite(dream=in_conversation, organisation=inactive, by=enabler)
        assert not PartnerInvitation.objects.exists()

    def test_a_dream_not_picked_up_is_not_shared(self, dream, organisation, enabler):
        with pytest.raises(NotAllowed):
            services.partner_invite(dream=dream, organisation=organisation, by=enabler)


class TestWithdrawing:
    def test_withdrawing_ends_the_link_at_once(self, sent, token, enabler):
        services.partner_invitation_withdraw(invitation=sent.invitation, by=enabler)
        invitation = selectors.partner_invitation_by_token(token)
        assert selectors.partner_link_problem(invitation) == PartnerLinkProblem.WITHDRAWN
        with pytest.raises(services.PartnerLinkRefused):
            services.partner_message(token=token, body="Nog één ding")
        assert not TimelineEvent.objects.filter(kind=EventKind.PARTNER_MESSAGE).exists()
        event = TimelineEvent.objects.get(kind=EventKind.PARTNER_WITHDRAWN)
        assert event.public and event.actor_id == enabler.pk

    def test_only_the_contact_person_withdraws(self, sent, token, second_enabler):
        with pytest.raises(NotAllowed):
            services.partner_invitation_withdraw(invitation=sent.invitation, by=second_enabler)
        assert selectors.partner_link_problem(selectors.partner_invitation_by_token(token)) is None

    def test_a_withdrawn_organisation_can_be_invited_anew(
        self, sent, enabler, in_conversation, organisation
    ):
        services.partner_invitation_withdraw(invitation=sent.invitation, by=enabler)
        services.partner_invitation_withdraw(invitation=sent.invitation, by=enabler)  # no-op
        assert TimelineEvent.objects.filter(kind=EventKind.PARTNER_WITHDRAWN).count() == 1
        again = services.partner_invite(
            dream=in_conversation, organisation=organisation, by=enabler
        )
        assert not again.renewed and again.invitation.pk != sent.invitation.pk


class TestThroughTheLink:
    def test_a_message_is_a_public_event_by_the_organisation(self, sent, token, in_conversation):
        event = services.partner_message(token=token, body="  Wij helpen graag.  ")
        assert (event.kind, event.public, event.actor_id) == (
            EventKind.PARTNER_MESSAGE,
            True,
            None,
        )
        assert (event.partner_name, event.body) == (
            "Woonstichting Heusden Thuis",
            "Wij helpen graag.",
        )
        sent.invitation.refresh_from_db()
        assert sent.invitation.last_used_at == event.created_at
        in_conversation.refresh_from_db()
        assert in_conversation.last_public_update_at == event.created_at

    def test_hours_are_a_contribution_from_the_partner(self, sent, token, in_conversation):
        contribution = services.partner_contribution(
            token=token, kind="hours", hours=Decimal("12"), description="Twee huismeesters"
        )
        assert (contribution.source, contribution.kind, contribution.hours) == (
            Contribution.Source.PARTNER,
            "hours",
            Decimal("12"),
        )
        assert contribution.organisation_id == sent.invitation.organisation_id
        assert contribution.invitation_id == sent.invitation.pk
        assert contribution.recorded_by_id is None and contribution.amount is None
        event = TimelineEvent.objects.get(kind=EventKind.CONTRIBUTION)
        assert event.public and event.partner_name == "Woonstichting Heusden Thuis"
        assert "12 uur" in event.body and "Twee huismeesters" in event.body

    def test_money_and_materials(self, token):
        services.partner_contribution(
            token=token, kind="money", amount=Decimal("250.50"), description="Voor de bankjes"
        )
        services.partner_contribution(
            token=token, kind="materials", amount=Decimal("80"), description="Verf"
        )
        services.partner_contribution(token=token, kind="materials", description="Gereedschap")
        assert Contribution.objects.count() == 3
        bodies = list(
            TimelineEvent.objects.filter(kind=EventKind.CONTRIBUTION).values_list("body", flat=True)
        )
        assert "€ 250,50" in bodies[0]
        assert "80,00" in bodies[1] and "Gereedschap" in bodies[2]

    @pytest.mark.parametrize(
        ("values", "field"),
        [
            ({"kind": "money", "description": "Geld"}, "amount"),
            ({"kind": "hours", "description": "Uren"}, "hours"),
            ({"kind": "hours", "hours": Decimal("0"), "description": "Uren"}, "hours"),
            ({"kind": "money", "amount": Decimal("-5"), "description": "Geld"}, "amount"),
            ({"kind": "money", "amount": Decimal("10"), "description": "  "}, "description"),
            ({"kind": "gift", "description": "Iets"}, "kind"),
            ({"kind": "materials", "description": "x" * 301}, "description"),
        ],
    )
    def test_bad_input_stores_nothing(self, token, values, field):
        with pytest.raises(ValidationError) as refused:
            services.partner_contribution(token=token, **values)
        assert field in refused.value.message_dict
        assert not Contribution.objects.exists()
        assert not TimelineEvent.objects.filter(kind=EventKind.CONTRIBUTION).exists()

    def test_an_empty_message_stores_nothing(self, token):
        with pytest.raises(ValidationError):
            services.partner_message(token=token, body="   ")
        assert not TimelineEvent.objects.filter(kind=EventKind.PARTNER_MESSAGE).exists()

    def test_an_expired_link_acts_no_more(self, sent, token):
        PartnerInvitation.objects.update(expires_at=timezone.now())
        with pytest.raises(services.PartnerLinkRefused) as refused:
            services.partner_contribution(token=token, kind="hours", hours=1, description="x")
        assert refused.value.problem == PartnerLinkProblem.EXPIRED
        assert not Contribution.objects.exists()

    @pytest.mark.parametrize("bad", ["", "x", "a" * 43, "ä" * 500])
    def test_an_unknown_token_acts_not(self, sent, bad):
        with pytest.raises(services.PartnerLinkRefused) as refused:
            services.partner_message(token=bad, body="Hallo")
        assert refused.value.problem == PartnerLinkProblem.UNKNOWN

    def test_a_closed_dream_takes_nothing_more(self, token, in_conversation):
        from initiatives.models import Dream

        Dream.objects.filter(pk=in_conversation.pk).update(status=Status.REALISED)
        with pytest.raises(NotAllowed):
            services.partner_message(token=token, body="Hallo")
        assert not TimelineEvent.objects.filter(kind=EventKind.PARTNER_MESSAGE).exists()


class TestWhoHelps:
    def test_the_resident_sees_the_organisations_with_a_working_link(
        self, sent, in_conversation, enabler
    ):
        other = make_organisation(enabler, name="Basisschool De Vlinder", kind="school")
        second = services.partner_invite(
            dream=in_conversation, organisation=other, by=enabler, role="co_owner"
        )
        helpers = selectors.dream_helpers(in_conversation)
        assert [(h.name, h.role_label) for h in helpers] == [
            ("Basisschool De Vlinder", "Mede-eigenaar"),
            ("Woonstichting Heusden Thuis", "Helper"),
        ]
        services.partner_invitation_withdraw(invitation=second.invitation, by=enabler)
        PartnerInvitation.objects.filter(pk=sent.invitation.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        assert selectors.dream_helpers(in_conversation) == []


class TestOpenDataVersion:
    """A partner's contribution and a partner's public update change the open data."""

    @pytest.mark.parametrize("through", ["contribution", "message"])
    def test_raised_once_committed(self, token, through, django_capture_on_commit_callbacks):
        from initiatives import open_data_version

        before = open_data_version.current().token
        with django_capture_on_commit_callbacks(execute=True):
            if through == "contribution":
                services.partner_contribution(
                    token=token, kind="hours", hours=Decimal("3"), description="Klussen"
                )
            else:
                services.partner_message(token=token, body="Wij helpen graag.")
        assert open_data_version.current().token != before
