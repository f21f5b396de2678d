"""The private core every service shares: lock a dream, check a move, the one status writer,
record an event, tell the resident, and the guards (role, open, picked up, one face)."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role, has_role
from initiatives import open_data_version
from initiatives.exceptions import InvalidTransition, NotAllowed
from initiatives.models import Dream, EventKind, OutboxMail, TimelineEvent
from initiatives.notifications import mail_queue
from initiatives.publication_models import Publication
from initiatives.selectors.residents import event_actor_for_resident
from initiatives.services.sign_in import dream_link_build
from initiatives.statuses import (
    ALLOWED,
    CLOSED,
    NEEDS_REVIEW,
    RESIDENT_EXPLANATION,
    Status,
    is_open,
    is_picked_up,
)


def _lock(dream: Dream) -> Dream:
    return Dream.objects.select_for_update().get(pk=dream.pk)


def _require_transition(dream: Dream, target: str) -> None:
    if target not in ALLOWED[dream.status]:
        raise InvalidTransition(Status(dream.status).label, Status(target).label)


def _record(
    *,
    dream: Dream,
    kind: str,
    public: bool,
    actor: User | None,
    body: str = "",
    from_status: str = "",
    to_status: str = "",
) -> TimelineEvent:
    event = TimelineEvent.objects.create(
        dream=dream,
        kind=kind,
        public=public,
        actor=actor,
        body=body,
        from_status=from_status,
        to_status=to_status,
    )
    if public:
        Dream.objects.filter(pk=dream.pk).update(last_public_update_at=event.created_at)
        dream.last_public_update_at = event.created_at
        # The longest silence in the open data counts from the last public update. Cheap:
        # one cache write once the transaction commits.
        open_data_version.bump()
    return event


def _transition(
    *,
    dream: Dream,
    target: str,
    by: User | None,
    body: str = "",
    also: Sequence[str] = (),
    kind: str = EventKind.STATUS_CHANGED,
    now: datetime | None = None,
) -> TimelineEvent:
    """Move the (locked) DREAM to TARGET and record it: the one place that writes a status.

    One UPDATE of the dream row: the status, the time of this public event, and the fields
    ALSO that the caller changed on DREAM with it (a pick-up's contact, a hand-in's time).
    The event is a status change, or KIND where the step has a name of its own (handed in).
    """
    _require_transition(dream, target)
    previous = dream.status
    now = now or timezone.now()
    dream.status = target
    dream.last_public_update_at = now
    fields = ["status", "updated_at", "last_public_update_at", *also]
    if target in CLOSED:
        dream.closed_at = now
        fields.append("closed_at")
    dream.save(update_fields=fields)
    if target == Status.REALISED:
        # A dream shared before it was realised becomes a story now (issue 19): its date in
        # the gallery and the Atom feed.
        Publication.objects.filter(
            dream=dream, withdrawn_at__isnull=True, story_published_at__isnull=True
        ).update(story_published_at=now)
    open_data_version.bump()  # the figures and the open data count statuses
    return TimelineEvent.objects.create(
        dream=dream,
        kind=kind,
        public=True,
        actor=by,
        body=body,
        from_status=previous,
        to_status=target,
        created_at=now,
    )


def _require_resident(dream: Dream, by: User) -> None:
    if dream.resident_id != by.pk:
        raise NotAllowed(_("Only the resident who handed in this dream can do this."))


def _resident_text(dream: Dream, message: str, **values) -> str:
    """Return MESSAGE translated into the resident's language, for a public event.

    The timeline keeps text as written, so what the resident reads is written in their
    language, whatever language the staff member works in. Amounts are written the way
    the resident reads numbers (250,00 in Dutch).
    """
    with translation.override(dream.resident.language or settings.LANGUAGE_CODE):
        formatted = {
            key: number_format(value, 2, force_grouping=True)
            if isinstance(value, Decimal)
            else value
            for key, value in values.items()
        }
        return _(message) % formatted if formatted else _(message)


# Always mailed at once; other updates follow the resident's choice (at once, daily, never).
ESSENTIAL_EVENTS = frozenset({EventKind.STATUS_CHANGED, EventKind.DECISION_LETTER})


def _notify_resident(dream: Dream, event: TimelineEvent, **context) -> None:
    """Mail the resident about a public event: what happened, the status in words, what next.

    The subject names what happened (mail/resident_update_subject.txt); the link opens this
    dream for DREAM_LINK_DAYS days, however often and however late (dream_link_build).
    CONTEXT adds to what the mail shows (a letter's "who else can help").
    """
    with translation.override(dream.resident.language or settings.LANGUAGE_CODE):
        digest_line = f"{dream.title} — {event.get_kind_display()}: {event.body}"[:600]
    mail_queue(
        to=dream.resident,
        template="resident_update",
        dream=dream,
        essential=event.kind in ESSENTIAL_EVENTS,
        digest_line=digest_line,
        context={
            "event": event,
            "actor": event_actor_for_resident(event, dream),
            "status_label": Status(dream.status).label,
            "explanation": RESIDENT_EXPLANATION[dream.status],
            "link": dream_link_build(dream),
            "link_days": settings.DREAM_LINK_DAYS,
            **context,
        },
    )


def _require_role(user: User, *roles: str) -> None:
    if user.is_superuser or any(has_role(user, role) for role in roles):
        return
    raise NotAllowed(_("Your role does not allow this."))


def _require_open(dream: Dream) -> None:
    if not is_open(dream):
        raise NotAllowed(
            _("This dream is “%(status)s”: it can no longer be changed.")
            % {"status": Status(dream.status).label}
        )


def _require_picked_up(dream: Dream) -> None:
    _require_open(dream)
    if not is_picked_up(dream):
        raise NotAllowed(_("Pick up this dream first."))


def is_dream_contact(dream: Dream, user: User) -> bool:
    """True when USER is DREAM's one face: the contact person who picked it up."""
    return dream.contact_id is not None and dream.contact_id == user.pk


def _require_contact(dream: Dream, by: User) -> None:
    """One face: only the contact person speaks to the resident and moves the dream on.

    Colleagues, managers and communications advisors may add internal notes. Whoever wants
    to take over hands the dream over first, with a note that says why; the resident then
    hears who their new contact is.
    """
    if not is_dream_contact(dream, by):
        raise NotAllowed(
            _(
                "Only the contact person of this dream (%(name)s) can do this. Write an "
                "internal note, or hand the dream over first."
            )
            % {"name": dream.contact.get_full_name() if dream.contact else "—"}
        )


def _require_current_review(dream: Dream, target: str) -> None:
    if target in NEEDS_REVIEW and not dream.reviews.filter(is_current=True).exists():
        raise NotAllowed(
            _("Record a core-value review before the dream can become “%(status)s”.")
            % {"status": Status(target).label}
        )


def _dream_link(dream: Dream) -> str:
    return settings.SITE_URL + reverse("staff:dream_workspace", args=[dream.pk])


def _resident_status(dream: Dream) -> str:
    with translation.override(dream.resident.language or settings.LANGUAGE_CODE):
        return str(Status(dream.status).label)


def _managers():
    """The active managers: who hears of broken promises and gets the weekly report."""
    return User.objects.filter(is_active=True, is_staff=True, groups__name=Role.MANAGER).distinct()


def _communications_advisors():
    """The active communications advisors: who words and signs the "not possible" letters."""
    return User.objects.filter(
        is_active=True, is_staff=True, groups__name=Role.COMMUNICATIONS
    ).distinct()


def _notify_staff(
    *, to: User, template: str, dream: Dream | None, context: dict, digest: str, **values
) -> OutboxMail:
    """Tell staff member TO that work waits for them: at once, or in their daily email.

    DIGEST (marked with gettext_noop, filled in with VALUES) is their line in the daily email,
    in their language. The mail goes through the outbox like every other, as a non-essential
    mail: notifications.mail_queue holds it for the digest when they chose the daily email.
    """
    with translation.override(to.language or settings.LANGUAGE_CODE):
        digest_line = (_(digest) % values)[:600]
    return mail_queue(
        to=to,
        template=template,
        dream=dream,
        context=context,
        digest_line=digest_line,
        essential=False,
    )


def _default_language(message: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _(message)
