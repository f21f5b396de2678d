"""Neighbourhood platforms (issue 16): who is a member or the chair, the public page with the
agenda, the members' area, invitations.

Members read the dreams residents chose to share with their platform, never a resident's
name, email, phone number, address or spot: those reads go through ``values()`` with the
dream's own fields only, so no resident is ever loaded for a member's page.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, has_role
from initiatives.models import Dream
from initiatives.platform_models import AgendaItem, Platform, PlatformInvitation, PlatformMember
from initiatives.statuses import Status

# Staff who may invite residents to any platform (the administrator always may).
PLATFORM_STAFF_ROLES = (Role.ENABLER, Role.MANAGER, Role.ADMINISTRATOR)


def platform_token_hash(token: str) -> str:
    """Return the sha256 of an invitation's TOKEN: the only form in which it is kept."""
    return hashlib.sha256(token.encode()).hexdigest()


def platform_list() -> QuerySet[Platform]:
    """Return every platform with its neighbourhood and its number of current members."""
    return (
        Platform.objects.select_related("neighbourhood")
        .annotate(
            member_count=Count(
                "memberships",
                filter=Q(memberships__left_at__isnull=True, memberships__user__is_active=True),
            )
        )
        .order_by("name", "id")
    )


def platform_for_neighbourhood(neighbourhood_id: int | None) -> Platform | None:
    """Return the platform of the neighbourhood NEIGHBOURHOOD_ID, or None."""
    if neighbourhood_id is None:
        return None
    return Platform.objects.filter(neighbourhood_id=neighbourhood_id).first()


def platform_membership(platform: Platform, user: User) -> PlatformMember | None:
    """Return USER's current membership of PLATFORM (member or chair), or None."""
    if not (user.is_authenticated and user.is_active) or user.is_staff:
        return None
    return PlatformMember.objects.filter(platform=platform, user=user, left_at__isnull=True).first()


def platform_is_chair(platform: Platform, user: User) -> bool:
    membership = platform_membership(platform, user)
    return membership is not None and membership.role == PlatformMember.Role.CHAIR


def platform_staff_may_invite(user: User) -> bool:
    """Whether USER is staff who may invite residents to any platform."""
    return user.is_authenticated and (
        user.is_superuser or any(has_role(user, role) for role in PLATFORM_STAFF_ROLES)
    )


def platform_may_invite(platform: Platform, user: User) -> bool:
    """Whether USER may invite to PLATFORM and withdraw its invitations: its chair, or staff."""
    return platform_staff_may_invite(user) or platform_is_chair(platform, user)


def _shared_dreams(platform: Platform) -> QuerySet[Dream]:
    """The dreams of PLATFORM's neighbourhood its residents share with the platform."""
    return Dream.objects.filter(
        neighbourhood_id=platform.neighbourhood_id, shared_with_platform=True
    ).exclude(status=Status.UNCONFIRMED)


# --- the public page ------------------------------------------------------------------------


@dataclass
class PublicAgendaItem:
    """An agenda item as anyone reads it: the dreams that serve it, a title only where its
    resident allowed it to be shown publicly, the others counted."""

    title: str
    description: str
    set_on: date
    done_on: date | None
    dream_titles: list[str] = field(default_factory=list)
    other_dreams: int = 0


def platform_public_agenda(platform: Platform) -> list[PublicAgendaItem]:
    """Return PLATFORM's agenda for its public page, in its order: two queries."""
    shared = _shared_dreams(platform).only("id", "title", "show_publicly").order_by("title", "id")
    items = AgendaItem.objects.filter(platform=platform).prefetch_related(
        Prefetch("dreams", queryset=shared, to_attr="shared_dreams")
    )
    result = []
    for item in items:
        entry = PublicAgendaItem(item.title, item.description, item.set_on, item.done_on)
        for dream in item.shared_dreams:
            if dream.show_publicly:
                entry.dream_titles.append(dream.title)
            else:
                entry.other_dreams += 1
        result.append(entry)
    return result


# --- the members' area ----------------------------------------------------------------------


@dataclass
class SharedDream:
    """A shared dream as members read it: the dream's own words and dates, nobody's data."""

    pk: int
    title: str
    story: str
    own_contribution: str
    status: str
    status_label: str
    submitted_at: datetime | None
    last_update_at: datetime | None
    agenda_titles: list[str] = field(default_factory=list)


# The only fields of a dream a member reads. Never the resident, the spot, the name or
# phone number typed with the dream, the contact person or the photos.
SHARED_DREAM_FIELDS = (
    "pk",
    "title",
    "story",
    "own_contribution",
    "status",
    "submitted_at",
    "last_public_update_at",
)


def platform_shared_dreams(platform: Platform) -> list[SharedDream]:
    """Return the dreams shared with PLATFORM, newest first, each with the agenda items it
    serves: two queries, however many there are."""
    rows = list(
        _shared_dreams(platform).order_by("-submitted_at", "-id").values_list(*SHARED_DREAM_FIELDS)
    )
    dreams = {
        row[0]: SharedDream(*row[:5], str(Status(row[4]).label), row[5], row[6]) for row in rows
    }
    links = AgendaItem.dreams.through.objects.filter(
        agendaitem__platform=platform, dream_id__in=list(dreams)
    ).values_list("dream_id", "agendaitem__title")
    for dream_id, title in links.order_by("agendaitem__position", "agendaitem__id"):
        dreams[dream_id].agenda_titles.append(title)
    return list(dreams.values())


@dataclass
class MemberRow:
    name: str
    is_chair: bool
    joined_on: date


def platform_members(platform: Platform) -> list[MemberRow]:
    """Return PLATFORM's current members, the chair first: names only, one query."""
    rows = (
        PlatformMember.objects.filter(platform=platform, left_at__isnull=True, user__is_active=True)
        .order_by("role", "user__full_name", "id")  # "chair" < "member": the chair first
        .values_list("user__full_name", "role", "joined_at")
    )
    return [
        MemberRow(name, role == PlatformMember.Role.CHAIR, timezone.localdate(joined))
        for name, role, joined in rows
    ]


# --- the chair's agenda ---------------------------------------------------------------------


def platform_agenda_for_chair(platform: Platform) -> list[AgendaItem]:
    """Return PLATFORM's agenda items in order, each with `linked` (its shared dreams, as
    SharedDream-like (pk, title) pairs): two queries."""
    shared = _shared_dreams(platform).only("id", "title").order_by("title", "id")
    return list(
        AgendaItem.objects.filter(platform=platform).prefetch_related(
            Prefetch("dreams", queryset=shared, to_attr="linked")
        )
    )


def platform_dream_choices(platform: Platform) -> list[tuple[int, str]]:
    """Return (id, title) of each dream shared with PLATFORM, to link to an agenda item."""
    return list(_shared_dreams(platform).order_by("title", "id").values_list("id", "title"))


def agenda_item_dream_ids(item: AgendaItem) -> set[int]:
    """Return the ids of the dreams linked to agenda item ITEM."""
    return set(item.dreams.values_list("id", flat=True))


def agenda_item_of(platform: Platform, pk: int) -> AgendaItem:
    """Return PLATFORM's agenda item PK; AgendaItem.DoesNotExist for any other."""
    return AgendaItem.objects.get(platform=platform, pk=pk)


# --- invitations ----------------------------------------------------------------------------


class InvitationProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    USED = "used"


def invitation_problem(invitation: PlatformInvitation | None) -> InvitationProblem | None:
    """Return why INVITATION's link no longer works, or None when it does."""
    if invitation is None:
        return InvitationProblem.UNKNOWN
    if invitation.accepted_at is not None:
        return InvitationProblem.USED
    if invitation.withdrawn_at is not None:
        return InvitationProblem.WITHDRAWN
    if invitation.expires_at <= timezone.now():
        return InvitationProblem.EXPIRED
    return None


def invitation_by_token(token: str) -> PlatformInvitation | None:
    """Return the invitation whose link holds TOKEN, with its platform, or None. Reads only."""
    if not token or len(token) > 100:
        return None
    return (
        PlatformInvitation.objects.select_related("platform", "platform__neighbourhood")
        .filter(token_hash=platform_token_hash(token))
        .first()
    )


def platform_open_invitations(platform: Platform | None = None) -> QuerySet[PlatformInvitation]:
    """Return the invitations not yet accepted, withdrawn or expired, newest first."""
    invitations = PlatformInvitation.objects.filter(
        accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("platform")
    if platform is not None:
        invitations = invitations.filter(platform=platform)
    return invitations.order_by("-created_at", "-id")
