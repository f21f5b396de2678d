"""Neighbourhood platforms (issue 16): invitations and joining by a link, leaving, the chair's
agenda, and a resident's choice to share a dream with the platform.

Who may do what is checked here, per platform: its chair invites members and writes the
agenda; staff (MogelijkMaker, manager, administrator) invite members and chairs; a member
leaves when they want; only a dream's resident shares it or stops sharing it.
"""

import secrets
from datetime import date, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.addresses import email_normalise
from accounts.models import User
from initiatives.exceptions import NotAllowed
from initiatives.models import Dream, EventKind
from initiatives.notifications import mail_queue
from initiatives.platform_models import AgendaItem, Platform, PlatformInvitation, PlatformMember
from initiatives.selectors.platforms import (
    InvitationProblem,
    invitation_problem,
    platform_is_chair,
    platform_staff_may_invite,
    platform_token_hash,
)
from initiatives.services._core import _lock, _record, _require_resident, _resident_text
from initiatives.services.sign_in import resident_get_or_create
from initiatives.statuses import Status

INVITATION_DAYS = 14


class InvitationSent(NamedTuple):
    invitation: PlatformInvitation
    link: str  # the absolute link in the mail: the token is in it, and nowhere else


def invitation_link(token: str) -> str:
    return settings.SITE_URL + reverse("neighbourhoods:platform_invitation", args=[token])


def _require_chair(platform: Platform, by: User) -> None:
    if not platform_is_chair(platform, by):
        raise NotAllowed(_("Only the chair of the platform can do this."))


@transaction.atomic
def platform_invite(
    *, platform: Platform, email: str, by: User, role: str = PlatformMember.Role.MEMBER
) -> InvitationSent:
    """Invite EMAIL to join PLATFORM as ROLE, by its chair or by staff, and mail the link.

    The link holds a random token; only its sha256 is kept. It works once, for
    INVITATION_DAYS days. The invitee may have no account yet: it is made as a sign-in by
    link makes it (resident_get_or_create), so the mail has its reader. A new invitation
    to the same address replaces one still open (a lost mail is simply sent again).
    """
    staff = platform_staff_may_invite(by)
    if not staff and not platform_is_chair(platform, by):
        raise NotAllowed(_("Only the chair of the platform or a staff member can invite."))
    if role not in PlatformMember.Role.values:
        raise ValueError(f"Unknown role: {role}")
    if role == PlatformMember.Role.CHAIR and not staff:
        raise NotAllowed(_("Only a staff member can invite a new chair."))
    email = email_normalise(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": _("Fill in a valid email address, like name@example.nl.")}
        ) from None
    if PlatformMember.objects.filter(
        platform=platform, user__email__iexact=email, left_at__isnull=True
    ).exists():
        raise ValidationError({"email": _("This person is already a member of the platform.")})
    now = timezone.now()
    PlatformInvitation.objects.filter(
        platform=platform, email=email, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=now)
    token = secrets.token_urlsafe(32)
    invitation = PlatformInvitation.objects.create(
        platform=platform,
        email=email,
        role=role,
        invited_by=by,
        token_hash=platform_token_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    link = invitation_link(token)
    mail_queue(
        to=resident_get_or_create(email=email),
        template="platform_invitation",
        context={
            "platform_name": platform.name,
            "neighbourhood_name": platform.neighbourhood.name,
            "inviter_name": by.full_name,
            "as_chair": role == PlatformMember.Role.CHAIR,
            "link": link,
            "days": INVITATION_DAYS,
        },
    )
    return InvitationSent(invitation, link)


@transaction.atomic
def platform_invitation_withdraw(*, invitation: PlatformInvitation, by: User) -> None:
    """Withdraw INVITATION, by its platform's chair or by staff: its link stops working."""
    invitation = PlatformInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not (platform_staff_may_invite(by) or platform_is_chair(invitation.platform, by)):
        raise NotAllowed(_("Only the chair of the platform or a staff member can do this."))
    if invitation.accepted_at is not None:
        raise NotAllowed(_("This invitation has been accepted already."))
    if invitation.withdrawn_at is None:
        invitation.withdrawn_at = timezone.now()
        invitation.save(update_fields=["withdrawn_at"])


INVITATION_REFUSALS = {
    InvitationProblem.UNKNOWN: gettext_noop(
        "This invitation link does not work. Check that you copied the whole link."
    ),
    InvitationProblem.EXPIRED: gettext_noop(
        "This invitation has expired. Ask the chair of the platform for a new one."
    ),
    InvitationProblem.WITHDRAWN: gettext_noop(
        "This invitation has been withdrawn. Ask the chair of the platform if you want to join."
    ),
    InvitationProblem.USED: gettext_noop("This invitation has been used already."),
}


@transaction.atomic
def platform_join(*, token: str, by: User) -> PlatformMember:
    """Join a platform with the invitation whose link holds TOKEN: once, by the invitee.

    BY must be a signed-in resident whose address is the one invited. A chair's invitation
    passes the chair on: the chair until now stays a member.
    """
    invitation = (
        PlatformInvitation.objects.select_for_update()
        .filter(token_hash=platform_token_hash(token or ""))
        .first()
    )
    problem = invitation_problem(invitation)
    if problem is not None:
        raise NotAllowed(_(INVITATION_REFUSALS[problem]))
    if not by.is_authenticated or not by.is_active or by.is_staff:
        raise NotAllowed(_("Sign in as a resident to join the platform."))
    if email_normalise(by.email) != email_normalise(invitation.email):
        raise NotAllowed(
            _(
                "This invitation was sent to another email address. Sign in with the "
                "address the invitation was sent to."
            )
        )
    platform = Platform.objects.select_for_update().get(pk=invitation.platform_id)
    now = timezone.now()
    current = PlatformMember.objects.filter(platform=platform, user=by, left_at__isnull=True)
    if current.exists():
        raise NotAllowed(_("You are a member of this platform already."))
    if invitation.role == PlatformMember.Role.CHAIR:
        PlatformMember.objects.filter(
            platform=platform, role=PlatformMember.Role.CHAIR, left_at__isnull=True
        ).update(role=PlatformMember.Role.MEMBER)
    member = PlatformMember.objects.create(
        platform=platform, user=by, role=invitation.role, joined_at=now
    )
    invitation.accepted_at = now
    invitation.save(update_fields=["accepted_at"])
    return member


@transaction.atomic
def platform_leave(*, platform: Platform, by: User) -> PlatformMember:
    """End BY's membership of PLATFORM now. It is kept (left_at): who took part stays known."""
    member = (
        PlatformMember.objects.select_for_update()
        .filter(platform=platform, user=by, left_at__isnull=True)
        .first()
    )
    if member is None:
        raise NotAllowed(_("You are not a member of this platform."))
    member.left_at = timezone.now()
    member.save(update_fields=["left_at"])
    return member


# --- the agenda -----------------------------------------------------------------------------


def _clean_item(item: AgendaItem) -> None:
    item.title = item.title.strip()
    item.description = item.description.strip()
    item.full_clean(exclude=["platform", "written_by", "dreams"])


@transaction.atomic
def agenda_item_add(
    *, platform: Platform, by: User, title: str, description: str, set_on: date | None = None
) -> AgendaItem:
    """Add an item at the end of PLATFORM's agenda, by its chair."""
    _require_chair(platform, by)
    Platform.objects.select_for_update().get(pk=platform.pk)  # one position each
    last = AgendaItem.objects.filter(platform=platform).aggregate(last=Max("position"))["last"]
    item = AgendaItem(
        platform=platform,
        title=title,
        description=description,
        set_on=set_on or timezone.localdate(),
        position=0 if last is None else last + 1,
        written_by=by,
    )
    _clean_item(item)
    item.save()
    return item


@transaction.atomic
def agenda_item_edit(
    *, item: AgendaItem, by: User, title: str, description: str, set_on: date
) -> AgendaItem:
    """Change an agenda item's words or date, by its platform's chair."""
    item = AgendaItem.objects.select_for_update().select_related("platform").get(pk=item.pk)
    _require_chair(item.platform, by)
    item.title, item.description, item.set_on = title, description, set_on
    _clean_item(item)
    item.save(update_fields=["title", "description", "set_on", "updated_at"])
    return item


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, by: User, up: bool) -> None:
    """Move an agenda item one place up (earlier) or down, by its platform's chair.

    The items are numbered again from 0 in their order, so the order is always plain.
    """
    platform = Platform.objects.select_for_update().get(pk=item.platform_id)
    _require_chair(platform, by)
    items = list(AgendaItem.objects.filter(platform=platform))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if up else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items):
        if other.position != position:
            other.position = position
            other.save(update_fields=["position", "updated_at"])


@transaction.atomic
def agenda_item_mark_done(*, item: AgendaItem, by: User, done: bool = True) -> AgendaItem:
    """Mark an agenda item done today (or not done after all), by its platform's chair."""
    item = AgendaItem.objects.select_for_update().select_related("platform").get(pk=item.pk)
    _require_chair(item.platform, by)
    item.done_on = timezone.localdate() if done else None
    item.save(update_fields=["done_on", "updated_at"])
    return item


def _agenda_dream(item: AgendaItem, dream_id: int) -> Dream:
    """Return the locked dream DREAM_ID if ITEM's platform may link it: a dream of its
    neighbourhood that its resident shares with the platform."""
    dream = (
        Dream.objects.select_for_update()
        .filter(pk=dream_id, neighbourhood_id=item.platform.neighbourhood_id)
        .first()
    )
    if dream is None or not dream.shared_with_platform or dream.status == Status.UNCONFIRMED:
        raise NotAllowed(_("Only dreams that residents share with the platform can be linked."))
    return dream


@transaction.atomic
def agenda_item_link_dream(*, item: AgendaItem, by: User, dream_id: int) -> None:
    """Link a shared dream of the neighbourhood to an agenda item, by the chair; the
    resident reads on their timeline that their dream serves the neighbourhood's agenda."""
    item = AgendaItem.objects.select_for_update().select_related("platform").get(pk=item.pk)
    _require_chair(item.platform, by)
    dream = _agenda_dream(item, dream_id)
    if item.dreams.filter(pk=dream.pk).exists():
        return  # linked already: nothing new to tell
    item.dreams.add(dream)
    _record(
        dream=dream,
        kind=EventKind.AGENDA,
        public=True,
        actor=None,  # the platform did it; the resident reads no member's name
        body=_resident_text(
            dream,
            gettext_noop("%(platform)s linked your dream to its agenda item “%(item)s”."),
            platform=item.platform.name,
            item=item.title,
        ),
    )


@transaction.atomic
def agenda_item_unlink_dream(*, item: AgendaItem, by: User, dream_id: int) -> None:
    """Take a dream off an agenda item, by the chair; the resident reads it on the timeline."""
    item = AgendaItem.objects.select_for_update().select_related("platform").get(pk=item.pk)
    _require_chair(item.platform, by)
    dream = Dream.objects.select_for_update().filter(pk=dream_id).first()
    if dream is None or not item.dreams.filter(pk=dream.pk).exists():
        return
    item.dreams.remove(dream)
    _record(
        dream=dream,
        kind=EventKind.AGENDA,
        public=True,
        actor=None,
        body=_resident_text(
            dream,
            gettext_noop("%(platform)s took your dream off its agenda item “%(item)s”."),
            platform=item.platform.name,
            item=item.title,
        ),
    )


# --- sharing a dream ------------------------------------------------------------------------


@transaction.atomic
def dream_share_with_platform(*, dream: Dream, by: User, share: bool) -> Dream:
    """Share DREAM with its neighbourhood's platform, or stop sharing it: its resident's choice.

    Members then read its title, story, what the resident does themselves, its status and
    dates; never who the resident is. Stopping takes it out of the members' view at once and
    off the platform's agenda. Either way the timeline says so.
    """
    dream = _lock(dream)
    _require_resident(dream, by)
    if dream.shared_with_platform == share:
        return dream  # a second click changes nothing
    platform = Platform.objects.filter(neighbourhood_id=dream.neighbourhood_id).first()
    if share:
        if platform is None:
            raise NotAllowed(_("Your neighbourhood has no neighbourhood platform."))
        if dream.status == Status.UNCONFIRMED:
            raise NotAllowed(_("Confirm your dream first."))
    dream.shared_with_platform = share
    dream.save(update_fields=["shared_with_platform", "updated_at"])
    if not share:
        dream.agenda_items.clear()
    name = platform.name if platform else ""
    if share:
        kind = EventKind.SHARED_WITH_PLATFORM
        message = gettext_noop(
            "You shared this dream with %(platform)s. Its members can read it, without your "
            "name or contact details."
        )
    else:
        kind = EventKind.UNSHARED_WITH_PLATFORM
        message = gettext_noop(
            "You stopped sharing this dream with %(platform)s. Its members no longer see it."
        )
    _record(
        dream=dream,
        kind=kind,
        public=True,
        actor=by,
        body=_resident_text(dream, message, platform=name),
    )
    return dream
