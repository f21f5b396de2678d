"""Partners (issue 17): the organisations, a dream's invitations, and what a partner reads
through their link.

A partner's link shows a dream as the MogelijkMaker shares it: the dream's own words (title,
story, what the residents do themselves), its neighbourhood, its status in words and its
public timeline as far as it concerns no one's personal data. Never the resident's name,
email address, phone number, the spot or address, their photos or the text of the
messages between resident and municipality: the resident did not share those with a
partner, the MogelijkMaker shares the dream.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from django.db.models import FilteredRelation, Q, QuerySet
from django.utils import timezone

from initiatives.models import Dream, EventKind, TimelineEvent
from initiatives.partner_models import Organisation, PartnerInvitation
from initiatives.selectors.list_flags import may_have
from initiatives.statuses import Status


def partner_token_hash(token: str) -> str:
    """Return the sha256 of a partner link's TOKEN: the only form in which it is kept."""
    return hashlib.sha256(token.encode()).hexdigest()


# --- the organisations ----------------------------------------------------------------------


def organisation_list() -> QuerySet[Organisation]:
    """Every partner organisation, active ones first, by name, with its one face."""
    return Organisation.objects.select_related("one_face").order_by("-active", "name", "id")


def organisation_of(pk: int) -> Organisation:
    """Return organisation PK; Organisation.DoesNotExist when there is none."""
    return Organisation.objects.get(pk=pk)


# --- the link -------------------------------------------------------------------------------


class PartnerLinkProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


def partner_link_problem(
    invitation: PartnerInvitation | None, now: datetime | None = None
) -> PartnerLinkProblem | None:
    """Why INVITATION's link does not work, or None when it does."""
    if invitation is None:
        return PartnerLinkProblem.UNKNOWN
    if invitation.withdrawn_at is not None:
        return PartnerLinkProblem.WITHDRAWN
    if invitation.expires_at <= (now or timezone.now()):
        return PartnerLinkProblem.EXPIRED
    return None


def partner_invitation_by_token(token: str) -> PartnerInvitation | None:
    """Return the invitation whose link holds TOKEN (with its organisation), or None."""
    if not token or len(token) > 200:
        return None
    return (
        PartnerInvitation.objects.select_related("organisation")
        .filter(token_hash=partner_token_hash(token))
        .first()
    )


@dataclass(frozen=True)
class PartnerTimelineItem:
    created_at: datetime
    title: str
    who: str  # the organisation's name for a partner's own events, else ""
    body: str  # only for what partners wrote or what concerns the partners


@dataclass
class PartnerDream:
    """A dream as a partner reads it: nobody's personal data."""

    title: str
    story: str  # "" unless the resident shares it with the partners (story_shared)
    own_contribution: str
    neighbourhood: str
    status: str
    status_label: str
    contact_name: str  # the MogelijkMaker: the municipality's one face for this dream
    story_shared: bool = False
    timeline: list[PartnerTimelineItem] = field(default_factory=list)


# The events whose text a partner reads: what partners wrote or did, and who was invited.
# Every other public event is shown by its kind and date only: a message between resident
# and municipality, or a status note, may hold what the resident shared with them alone.
PARTNER_TEXT_KINDS = frozenset(
    {
        EventKind.PARTNER_INVITED,
        EventKind.PARTNER_WITHDRAWN,
        EventKind.PARTNER_MESSAGE,
        EventKind.CONTRIBUTION,
    }
)


def partner_dream(invitation: PartnerInvitation) -> PartnerDream:
    """Return INVITATION's dream as its partner reads it, with its public timeline, newest
    first. Two queries: the dream with its neighbourhood and contact, and its events."""
    dream = (
        Dream.objects.select_related("neighbourhood", "contact")
        .only(
            "title",
            "story",
            "own_contribution",
            "shared_with_partners",
            "status",
            "neighbourhood__name",
            "contact__full_name",
            "contact__email",
            "contact__is_active",
            "contact__is_staff",
        )
        .get(pk=invitation.dream_id)
    )
    statuses = {value: str(label) for value, label in Status.choices}
    kinds = {value: str(label) for value, label in EventKind.choices}
    events = (
        TimelineEvent.objects.filter(dream_id=dream.pk, public=True)
        .order_by("-created_at", "-id")
        .values_list("created_at", "kind", "to_status", "body", "partner_name")
    )
    timeline = []
    for created_at, kind, to_status, body, partner_name in events:
        if kind == EventKind.STATUS_CHANGED:
            title = statuses.get(to_status, to_status)
        else:
            title = kinds.get(kind, kind)
        shows_text = kind in PARTNER_TEXT_KINDS and (kind != EventKind.CONTRIBUTION or partner_name)
        timeline.append(
            PartnerTimelineItem(created_at, title, partner_name, body if shows_text else "")
        )
    return PartnerDream(
        title=dream.title,
        # What the resident wrote is theirs to share (Dream.shared_with_partners).
        story=dream.story if dream.shared_with_partners else "",
        own_contribution=dream.own_contribution if dream.shared_with_partners else "",
        story_shared=dream.shared_with_partners,
        neighbourhood=dream.neighbourhood.name,
        status=dream.status,
        status_label=statuses.get(dream.status, dream.status),
        contact_name=dream.contact.get_full_name() if dream.contact_id else "",
        timeline=timeline,
    )


# --- a dream's partners ---------------------------------------------------------------------


class InvitationState(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class PartnerRow:
    """One invitation of a dream as the workspace lists it."""

    pk: int
    organisation_id: int
    organisation: str
    kind_label: str
    role: str
    role_label: str
    email: str
    state: InvitationState
    sent_at: datetime
    expires_at: datetime
    withdrawn_at: datetime | None
    last_used_at: datetime | None


@dataclass
class DreamPartners:
    """The workspace's partner panel: the dream's invitations (newest first) and the active
    organisations one can invite, as (id, label) choices, and as (id, name) (the plan's
    contribution form offers them too)."""

    rows: list[PartnerRow]
    choices: list[tuple[int, str]]
    names: list[tuple[int, str]] = field(default_factory=list)


def dream_partners(dream: Dream) -> DreamPartners:
    """Return DREAM's invitations and the organisations to invite: one query (every
    organisation, joined with this dream's invitations of it)."""
    kinds = dict(Organisation.Kind.choices)
    roles = dict(PartnerInvitation.Role.choices)
    rows = (
        Organisation.objects.annotate(
            invitation=FilteredRelation("invitations", condition=Q(invitations__dream=dream.pk))
        )
        .filter(Q(active=True) | Q(invitation__isnull=False))
        .order_by("name", "id", "-invitation__created_at", "-invitation__id")
        .values_list(
            "id",
            "name",
            "kind",
            "active",
            "invitation__id",
            "invitation__role",
            "invitation__email",
            "invitation__created_at",
            "invitation__expires_at",
            "invitation__withdrawn_at",
            "invitation__last_used_at",
        )
    )
    now = timezone.now()
    choices: dict[int, str] = {}
    names: dict[int, str] = {}
    invitations = []
    for org_id, name, kind, active, pk, role, email, sent, expires, withdrawn, used in rows:
        kind_label = str(kinds.get(kind, kind))
        if active:
            choices[org_id] = f"{name} ({kind_label})"
            names[org_id] = name
        if pk is None:
            continue
        if withdrawn is not None:
            state = InvitationState.WITHDRAWN
        elif expires <= now:
            state = InvitationState.EXPIRED
        else:
            state = InvitationState.ACTIVE
        invitations.append(
            PartnerRow(
                pk,
                org_id,
                name,
                kind_label,
                role,
                str(roles.get(role, role)),
                email,
                state,
                sent,
                expires,
                withdrawn,
                used,
            )
        )
    invitations.sort(key=lambda row: (row.state != InvitationState.ACTIVE, -row.pk))
    return DreamPartners(invitations, list(choices.items()), list(names.items()))


@dataclass(frozen=True)
class Helper:
    """An organisation that helps a resident, as the resident reads it."""

    name: str
    kind_label: str
    role_label: str


def dream_helpers(dream: Dream) -> list[Helper]:
    """Return the organisations whose invitation to DREAM works now, by name: one query;
    none when DREAM was read with has_partners false (list_flags)."""
    if not may_have(dream, "has_partners"):
        return []
    kinds = dict(Organisation.Kind.choices)
    roles = dict(PartnerInvitation.Role.choices)
    rows = (
        PartnerInvitation.objects.filter(
            dream_id=dream.pk, withdrawn_at__isnull=True, expires_at__gt=timezone.now()
        )
        .order_by("organisation__name", "id")
        .values_list("organisation__name", "organisation__kind", "role")
    )
    return [
        Helper(name, str(kinds.get(kind, kind)), str(roles.get(role, role)))
        for name, kind, role in rows
    ]
