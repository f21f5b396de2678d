"""The MogelijkMaker's daily work on a dream: pick it up, contact moments, messages, notes,
working practices, moving it on, handing it over."""

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role, has_role
from initiatives import open_data_version
from initiatives.exceptions import AlreadyPickedUp, InvalidTransition, NotAllowed
from initiatives.models import (
    ContactMoment,
    Dream,
    EventKind,
    Grant,
    PracticeNote,
    TimelineEvent,
    WorkingPractice,
)
from initiatives.notifications import mail_queue
from initiatives.services._core import (
    _lock,
    _notify_resident,
    _record,
    _require_contact,
    _require_current_review,
    _require_picked_up,
    _require_role,
    _require_transition,
    _resident_text,
    _transition,
)
from initiatives.statuses import CLOSED, STAFF_MOVES, Status, is_picked_up


@transaction.atomic
def dream_pick_up(*, dream: Dream, by: User) -> Dream:
    """Make BY the dream's one face. Of two people at once, one wins; the other is told who."""
    _require_role(by, Role.ENABLER)
    # The one read of the dream, locked: the second of two simultaneous clicks waits here,
    # then sees the first. A dream not yet confirmed does not exist for staff.
    dream = (
        Dream.objects.select_for_update(of=("self",))
        .select_related("resident")
        .exclude(status=Status.UNCONFIRMED)
        .get(pk=dream.pk)
    )
    if is_picked_up(dream):
        raise AlreadyPickedUp(
            _("%(name)s has already picked up this dream.") % {"name": dream.contact}
        )
    _require_transition(dream, Status.PICKED_UP)
    dream.contact = by
    dream.picked_up_at = timezone.now()
    event = _transition(
        also=["contact", "picked_up_at"],
        dream=dream,
        target=Status.PICKED_UP,
        by=by,
        body=_resident_text(
            dream,
            gettext_noop("%(name)s has picked up your dream and is your contact from now on."),
            name=by.get_full_name(),
        ),
    )
    _notify_resident(dream, event)
    return dream


@transaction.atomic
def dream_log_contact(
    *, dream: Dream, by: User, kind: str, on: date, summary: str
) -> ContactMoment:
    """Record a call, visit or meeting. The first one starts the conversation."""
    _require_role(by, Role.ENABLER)
    dream = _lock(dream)
    _require_picked_up(dream)
    _require_contact(dream, by)
    if on > timezone.localdate():
        raise ValueError("A contact moment cannot be in the future.")
    moment = ContactMoment.objects.create(
        dream=dream, kind=kind, date=on, summary=summary.strip(), by=by
    )
    _record(
        dream=dream,
        kind=EventKind.CONTACT_MOMENT,
        public=False,
        actor=by,
        body=f"{moment.get_kind_display()} ({on:%d-%m-%Y}): {moment.summary}",
    )
    if dream.first_contact_at is None:
        dream.first_contact_at = timezone.now()  # stops the first-contact clock
        dream.save(update_fields=["first_contact_at", "updated_at"])
        open_data_version.bump()  # the first-contact promise in the open data
    if dream.status == Status.PICKED_UP:
        event = _transition(
            dream=dream,
            target=Status.IN_CONVERSATION,
            by=by,
            body=_resident_text(
                dream,
                gettext_noop(
                    "We have spoken with you about your dream. Now we work it out together."
                ),
            ),
        )
        _notify_resident(dream, event)
    return moment


@transaction.atomic
def dream_send_message(*, dream: Dream, by: User, body: str) -> TimelineEvent:
    """Send the resident a message; it is on their timeline and in their mail.

    While the dream is open, and after a *not possible* letter: the resident may answer a "no"
    (dreams.resident_may_write), and their contact person answers them here.
    """
    _require_role(by, Role.ENABLER)
    dream = _lock(dream)
    if dream.status != Status.NOT_POSSIBLE:
        _require_picked_up(dream)
    _require_contact(dream, by)
    body = body.strip()
    if not body:
        raise ValueError("A message cannot be empty.")
    event = _record(
        dream=dream, kind=EventKind.MESSAGE_TO_RESIDENT, public=True, actor=by, body=body
    )
    _notify_resident(dream, event)
    return event


@transaction.atomic
def dream_add_note(*, dream: Dream, by: User, body: str) -> TimelineEvent:
    """Write an internal note: staff only, never shown to the resident."""
    _require_role(by, Role.ENABLER, Role.MANAGER, Role.COMMUNICATIONS)
    dream = _lock(dream)
    body = body.strip()
    if not body:
        raise ValueError("A note cannot be empty.")
    return _record(dream=dream, kind=EventKind.NOTE, public=False, actor=by, body=body)


@transaction.atomic
def practice_update(
    *, dream: Dream, by: User, practice: str, done: bool, note: str
) -> PracticeNote:
    """Tick off one of the five working practices, with a short note."""
    _require_role(by, Role.ENABLER)
    dream = _lock(dream)
    _require_picked_up(dream)
    _require_contact(dream, by)
    item, _created = PracticeNote.objects.update_or_create(
        dream=dream,
        practice=practice,
        defaults={
            "done": done,
            "note": note.strip(),
            "updated_by": by,
            "updated_at": timezone.now(),
        },
    )
    state = _("done") if done else _("not done yet")
    _record(
        dream=dream,
        kind=EventKind.PRACTICE,
        public=False,
        actor=by,
        body=f"{WorkingPractice(practice).label}: {state}. {item.note}".strip(),
    )
    return item


@transaction.atomic
def dream_move(*, dream: Dream, by: User, target: str, note: str = "") -> Dream:
    """Move the dream on to one of the statuses a MogelijkMaker may choose directly."""
    _require_role(by, Role.ENABLER)
    dream = _lock(dream)
    if target not in STAFF_MOVES.get(dream.status, []):
        raise InvalidTransition(Status(dream.status).label, Status(target).label)
    _require_contact(dream, by)
    _require_current_review(dream, target)
    if target in CLOSED:
        _require_no_waiting_grant(dream, target)
    event = _transition(dream=dream, target=target, by=by, body=note.strip())
    _notify_resident(dream, event)
    return dream


def _require_no_waiting_grant(dream: Dream, target: str) -> None:
    """A dream is not closed as done while a manager has still to decide on its money.

    "Realised" with a grant still waiting would either leave the money held for ever or have
    a manager approve money for a closed dream. (A dream closed as not possible, or
    withdrawn, needs no money: those steps release the waiting grants themselves.)
    """
    waiting = Grant.objects.filter(dream=dream, state=Grant.State.AWAITING_APPROVAL)
    if waiting.exists():
        raise NotAllowed(
            _(
                "A grant for this dream is still waiting for a manager's approval. A manager "
                "decides on it first; then the dream can become “%(status)s”."
            )
            % {"status": Status(target).label}
        )


def _hand_over_one(*, dream: Dream, by: User, to: User, note: str) -> None:
    dream = _lock(dream)
    _require_picked_up(dream)
    if dream.contact_id == to.pk:
        return
    previous = dream.contact
    dream.contact = to
    dream.save(update_fields=["contact", "updated_at"])
    _record(
        dream=dream,
        kind=EventKind.HANDOVER,
        public=False,
        actor=by,
        body=_("From %(from)s to %(to)s. %(note)s") % {"from": previous, "to": to, "note": note},
    )
    event = _record(
        dream=dream,
        kind=EventKind.CONTACT_CHANGED,
        public=True,
        actor=by,
        body=_resident_text(
            dream,
            gettext_noop("%(name)s is your MogelijkMaker from now on."),
            name=to.get_full_name(),
        ),
    )
    _notify_resident(dream, event)
    mail_queue(to=to, template="staff_handed_over", dream=dream, context={"note": note, "by": by})


@transaction.atomic
def dreams_hand_over(*, dreams: Sequence[Dream], by: User, to: User, note: str) -> int:
    """Hand DREAMS over to another MogelijkMaker with a note; all or none."""
    _require_role(by, Role.ENABLER, Role.MANAGER)
    if not has_role(to, Role.ENABLER):
        raise NotAllowed(_("Dreams can only be handed over to a MogelijkMaker."))
    note = note.strip()
    if not note:
        raise ValueError("A hand-over note is required.")
    for dream in dreams:
        _hand_over_one(dream=dream, by=by, to=to, note=note)
    return len(dreams)
