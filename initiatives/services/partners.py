"""Partners (issue 17): the organisations, inviting one to a dream, withdrawing the
invitation, and what a partner does through their link (a message, a contribution).

Staff keep the organisations (MogelijkMakers, managers, the administrator). Only a dream's
contact person, its one face, invites a partner's contact to it or withdraws the
invitation. The link holds a random token of which only the sha256 is kept; it works for
PARTNER_LINK_DAYS days, until the invitation is withdrawn. Inviting the same organisation
again renews it: a new link (the old one stops working) and a new expiry date.

Locks: the dream first, then the invitation, in every service here, so two of them never
wait for each other.
"""

import secrets
from datetime import timedelta
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role
from initiatives import open_data_version
from initiatives.exceptions import InvalidPlan, NotAllowed
from initiatives.models import Dream, EventKind, TimelineEvent
from initiatives.notifications import mail_queue_to_address
from initiatives.partner_models import Organisation, PartnerInvitation
from initiatives.plan_models import Contribution, ContributionKind
from initiatives.selectors.partners import (
    PartnerLinkProblem,
    partner_link_problem,
    partner_token_hash,
)
from initiatives.services._core import (
    _lock,
    _record,
    _require_contact,
    _require_open,
    _require_picked_up,
    _require_resident,
    _require_role,
    _resident_text,
)
from initiatives.services.plans import contribution_measure

MESSAGE_MAX = 4000


class PartnerLinkRefused(NotAllowed):
    """The partner's link does not work (any more); PROBLEM says why."""

    def __init__(self, problem: PartnerLinkProblem):
        self.problem = problem
        super().__init__(_(PARTNER_LINK_REFUSALS[problem]))


PARTNER_LINK_REFUSALS = {
    PartnerLinkProblem.UNKNOWN: gettext_noop(
        "This link does not work. Check that you copied the whole link from the email."
    ),
    PartnerLinkProblem.EXPIRED: gettext_noop(
        "This link has expired. Ask the MogelijkMaker who invited you for a new one."
    ),
    PartnerLinkProblem.WITHDRAWN: gettext_noop(
        "This link no longer works: the invitation has been withdrawn. Ask the MogelijkMaker "
        "who invited you if you want to help again."
    ),
}


def partner_link_days() -> int:
    return int(settings.PARTNER_LINK_DAYS)


def partner_link(token: str) -> str:
    """The absolute link in the invitation mail: the token is in it, and nowhere else."""
    return settings.SITE_URL + reverse("partners:page", args=[token])


# --- the organisations ----------------------------------------------------------------------


def _require_partner_staff(by: User) -> None:
    _require_role(by, Role.ENABLER, Role.MANAGER)


@transaction.atomic
def organisation_save(
    *,
    by: User,
    organisation: Organisation | None = None,
    kind: str,
    name: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    one_face: User,
    notes: str = "",
    active: bool = True,
) -> Organisation:
    """Add a partner organisation (ORGANISATION None) or change one; by a MogelijkMaker, a
    manager or the administrator. Names are unique, whatever their capitals."""
    _require_partner_staff(by)
    if organisation is None:
        organisation = Organisation()
    else:
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    name = " ".join(name.split())
    clash = Organisation.objects.filter(name__iexact=name).exclude(pk=organisation.pk)
    if name and clash.exists():
        raise ValidationError({"name": _("There is already a partner organisation by this name.")})
    if not (one_face.is_active and one_face.is_staff):
        raise ValidationError({"one_face": _("Choose an active member of staff.")})
    organisation.kind = kind
    organisation.name = name
    organisation.contact_name = contact_name.strip()
    organisation.contact_email = contact_email.strip().lower()
    organisation.contact_phone = contact_phone.strip()
    organisation.one_face = one_face
    organisation.notes = notes.strip()
    organisation.active = active
    organisation.full_clean(validate_unique=False)
    try:
        with transaction.atomic():  # a savepoint: a name taken at the same moment is refused
            organisation.save()
    except IntegrityError:
        raise ValidationError(
            {"name": _("There is already a partner organisation by this name.")}
        ) from None
    return organisation


# --- invitations ----------------------------------------------------------------------------


class PartnerInvitationSent(NamedTuple):
    invitation: PartnerInvitation
    link: str  # the absolute link in the mail
    renewed: bool


def _mail_partner(*, invitation: PartnerInvitation, dream: Dream, by: User, link: str) -> None:
    """Put the invitation mail in the outbox, to the organisation's contact.

    The partner has no account: the mail is written in the municipality's language, to the
    address the invitation was sent to, with no resident's preferences or unsubscribe link
    (nobody to unsubscribe; the MogelijkMaker withdraws the invitation). It is essential and
    goes out after commit, as every mail does.
    """
    organisation = invitation.organisation
    mail_queue_to_address(
        email=invitation.email,
        template="partner_invitation",
        dream=dream,
        context={
            "organisation_name": organisation.name,
            "contact_name": organisation.contact_name,
            "dream_title": dream.title,
            "neighbourhood_name": dream.neighbourhood.name,
            "inviter_name": by.get_full_name(),
            "as_co_owner": invitation.role == PartnerInvitation.Role.CO_OWNER,
            "message": invitation.message,
            "link": link,
            "days": partner_link_days(),
            "expires_at": invitation.expires_at,
        },
    )


def _organisation_text(dream: Dream, message: str, organisation: Organisation) -> str:
    return _resident_text(
        dream, message, organisation=organisation.name, kind=organisation.get_kind_display()
    )


@transaction.atomic
def partner_invite(
    *,
    dream: Dream,
    organisation: Organisation,
    by: User,
    role: str = PartnerInvitation.Role.HELPER,
    message: str = "",
) -> PartnerInvitationSent:
    """Invite ORGANISATION's contact to DREAM as ROLE, by the dream's contact person, and
    mail them the link. Inviting an organisation whose invitation is still there (working or
    expired) renews it: a new link, a new expiry date, this role and message.

    The resident reads on their timeline who helps them; a renewal is internal.
    """
    dream = _lock(dream)
    _require_picked_up(dream)
    _require_contact(dream, by)
    if role not in PartnerInvitation.Role.values:
        raise ValueError(f"Unknown role: {role}")
    organisation = Organisation.objects.filter(pk=organisation.pk).first()
    if organisation is None or not organisation.active:
        raise NotAllowed(_("This organisation is not an active partner (any more)."))
    message = message.strip()
    if len(message) > 2000:
        raise ValidationError({"message": _("Use at most 2000 characters.")})
    email = organisation.contact_email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise NotAllowed(
            _("The organisation's contact has no valid email address. Correct it first.")
        ) from None
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    invitation = (
        PartnerInvitation.objects.select_for_update()
        .filter(dream=dream, organisation=organisation, withdrawn_at__isnull=True)
        .first()
    )
    renewed = invitation is not None
    if invitation is None:
        invitation = PartnerInvitation(dream=dream, organisation=organisation)
    invitation.role = role
    invitation.email = email
    invitation.message = message
    invitation.invited_by = by
    invitation.token_hash = partner_token_hash(token)
    invitation.created_at = now
    invitation.expires_at = now + timedelta(days=partner_link_days())
    invitation.save()
    if renewed:
        body = _organisation_text(
            dream,
            gettext_noop("The invitation of %(organisation)s has been renewed, with a new link."),
            organisation,
        )
    elif role == PartnerInvitation.Role.CO_OWNER:
        body = _organisation_text(
            dream,
            gettext_noop(
                "%(organisation)s (%(kind)s) takes part in your dream as co-owner. Your "
                "MogelijkMaker invited them."
            ),
            organisation,
        )
    else:
        body = _organisation_text(
            dream,
            gettext_noop(
                "%(organisation)s (%(kind)s) helps with your dream. Your MogelijkMaker invited "
                "them."
            ),
            organisation,
        )
    _record(dream=dream, kind=EventKind.PARTNER_INVITED, public=not renewed, actor=by, body=body)
    link = partner_link(token)
    _mail_partner(invitation=invitation, dream=dream, by=by, link=link)
    return PartnerInvitationSent(invitation, link, renewed)


@transaction.atomic
def partner_invitation_withdraw(*, invitation: PartnerInvitation, by: User) -> PartnerInvitation:
    """Withdraw INVITATION, by its dream's contact person: its link stops working at once.
    Withdrawing it again changes nothing."""
    dream = _lock(Dream(pk=invitation.dream_id))
    _require_contact(dream, by)
    invitation = (
        PartnerInvitation.objects.select_for_update()
        .select_related("organisation")
        .get(pk=invitation.pk)
    )
    if invitation.withdrawn_at is not None:
        return invitation
    invitation.withdrawn_at = timezone.now()
    invitation.withdrawn_by = by
    invitation.save(update_fields=["withdrawn_at", "withdrawn_by"])
    _record(
        dream=dream,
        kind=EventKind.PARTNER_WITHDRAWN,
        public=True,
        actor=by,
        body=_organisation_text(
            dream,
            gettext_noop("%(organisation)s no longer follows your dream through the portal."),
            invitation.organisation,
        ),
    )
    return invitation


# --- what a partner does through the link ---------------------------------------------------


def _partner_locked(token: str) -> tuple[PartnerInvitation, Dream]:
    """The invitation whose link holds TOKEN and its dream, both locked (the dream first),
    or PartnerLinkRefused when the link does not work."""
    found = (
        PartnerInvitation.objects.filter(token_hash=partner_token_hash(token or ""))
        .only("pk", "dream_id")
        .first()
        if token and len(token) <= 200
        else None
    )
    if found is None:
        raise PartnerLinkRefused(PartnerLinkProblem.UNKNOWN)
    dream = _lock(Dream(pk=found.dream_id))
    invitation = (
        PartnerInvitation.objects.select_for_update()
        .select_related("organisation")
        .get(pk=found.pk)
    )
    problem = partner_link_problem(invitation)
    if problem is not None:
        raise PartnerLinkRefused(problem)
    _require_open(dream)
    return invitation, dream


def _partner_event(
    *, dream: Dream, invitation: PartnerInvitation, kind: str, body: str
) -> TimelineEvent:
    """Record what the partner did: public, no account behind it, the organisation's name as
    it is now (TimelineEvent.partner_name); the link's last use is now."""
    event = TimelineEvent.objects.create(
        dream=dream,
        kind=kind,
        public=True,
        actor=None,
        body=body,
        partner_name=invitation.organisation.name,
    )
    Dream.objects.filter(pk=dream.pk).update(last_public_update_at=event.created_at)
    open_data_version.bump()  # a public update: the longest silence in the open data changes
    invitation.last_used_at = event.created_at
    invitation.save(update_fields=["last_used_at"])
    return event


@transaction.atomic
def partner_message(*, token: str, body: str) -> TimelineEvent:
    """Post a message from the partner whose link holds TOKEN on its dream's timeline:
    staff and the resident read it."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write your message.")})
    if len(body) > MESSAGE_MAX:
        raise ValidationError(
            {"body": _("Use at most %(limit)d characters.") % {"limit": MESSAGE_MAX}}
        )
    invitation, dream = _partner_locked(token)
    return _partner_event(
        dream=dream, invitation=invitation, kind=EventKind.PARTNER_MESSAGE, body=body
    )


def _hours_text(hours: Decimal, language: str) -> str:
    with translation.override(language):
        places = 0 if hours == hours.to_integral_value() else 1
        return number_format(hours, places, force_grouping=True)


@transaction.atomic
def partner_contribution(
    *,
    token: str,
    kind: str,
    description: str,
    amount: Decimal | None = None,
    hours: Decimal | None = None,
) -> Contribution:
    """Record what the partner whose link holds TOKEN contributes to its dream: money (an
    amount), hours, or materials (an estimated value when known). A contribution to the
    plan with the partner as its source, and an event the resident and staff read."""
    try:
        amount, hours, description = contribution_measure(
            kind=kind,
            amount=None if amount is None else Decimal(str(amount)),
            hours=None if hours is None else Decimal(str(hours)),
            description=description,
            description_required=True,
        )
    except InvalidPlan as exc:
        raise ValidationError({exc.field or NON_FIELD_ERRORS: str(exc)}) from None
    invitation, dream = _partner_locked(token)
    contribution = Contribution.objects.create(
        dream=dream,
        source=Contribution.Source.PARTNER,
        kind=kind,
        organisation=invitation.organisation,
        invitation=invitation,
        amount=amount,
        hours=hours,
        description=description,
        recorded_by=None,
    )
    language = dream.resident.language or settings.LANGUAGE_CODE
    values = {"organisation": invitation.organisation.name, "description": description}
    if kind == ContributionKind.MONEY:
        message = gettext_noop("%(organisation)s contributes € %(amount)s: %(description)s")
        values["amount"] = amount
    elif kind == ContributionKind.HOURS:
        message = gettext_noop("%(organisation)s contributes %(hours)s hours: %(description)s")
        values["hours"] = _hours_text(hours, language)
    elif amount is not None:
        message = gettext_noop(
            "%(organisation)s contributes materials (worth about € %(amount)s): %(description)s"
        )
        values["amount"] = amount
    else:
        message = gettext_noop("%(organisation)s contributes materials: %(description)s")
    _partner_event(
        dream=dream,
        invitation=invitation,
        kind=EventKind.CONTRIBUTION,
        body=_resident_text(dream, message, **values),
    )
    open_data_version.bump()  # partners' contributions are in the open data
    return contribution


# --- what the resident shares with the partners ---------------------------------------------


@transaction.atomic
def dream_share_with_partners(*, dream: Dream, by: User, share: bool) -> Dream:
    """Let the partners invited to DREAM read its story and what the resident does
    themselves, or stop it: the resident's choice (issue 17: a partner reads "what the
    resident agreed to share"). Without it a partner reads the title, the neighbourhood
    and the status. Never who the resident is. Either way the timeline says so."""
    dream = _lock(dream)
    _require_resident(dream, by)
    if dream.shared_with_partners == share:
        return dream  # a second click changes nothing
    dream.shared_with_partners = share
    dream.save(update_fields=["shared_with_partners", "updated_at"])
    if share:
        kind = EventKind.SHARED_WITH_PARTNERS
        message = gettext_noop(
            "You let the partners who help read the story of this dream and what you do "
            "yourself, without your name or contact details."
        )
    else:
        kind = EventKind.UNSHARED_WITH_PARTNERS
        message = gettext_noop(
            "You stopped sharing the story of this dream with the partners who help. They "
            "now see its title, neighbourhood and status only."
        )
    _record(dream=dream, kind=kind, public=True, actor=by, body=_resident_text(dream, message))
    return dream
