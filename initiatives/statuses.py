"""The dream's statuses and the one table that says what may follow what."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Awaiting confirmation")
    SUBMITTED = "submitted", _("Submitted")
    PICKED_UP = "picked_up", _("Picked up")
    IN_CONVERSATION = "in_conversation", _("In conversation")
    IN_PROGRESS = "in_progress", _("In progress")
    PAUSED = "paused", _("Paused")
    REALISED = "realised", _("Realised")
    NOT_POSSIBLE = "not_possible", _("Not possible")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The one place that says what may follow what. Services enforce it; templates read it.
ALLOWED: dict[str, set[str]] = {
    Status.UNCONFIRMED: {Status.SUBMITTED, Status.WITHDRAWN},
    Status.SUBMITTED: {Status.PICKED_UP, Status.WITHDRAWN},
    Status.PICKED_UP: {
        Status.IN_CONVERSATION,
        Status.PAUSED,
        Status.NOT_POSSIBLE,
        Status.WITHDRAWN,
    },
    Status.IN_CONVERSATION: {
        Status.IN_PROGRESS,
        Status.PAUSED,
        Status.NOT_POSSIBLE,
        Status.WITHDRAWN,
    },
    Status.IN_PROGRESS: {Status.REALISED, Status.PAUSED, Status.NOT_POSSIBLE, Status.WITHDRAWN},
    Status.PAUSED: {
        Status.IN_CONVERSATION,
        Status.IN_PROGRESS,
        Status.NOT_POSSIBLE,
        Status.WITHDRAWN,
    },
    Status.REALISED: set(),
    Status.NOT_POSSIBLE: set(),
    Status.WITHDRAWN: set(),
}

# A status's place in the order a dream goes through (the staff list's "status" sort), not
# alphabetical. The expression is also an index (dream_listed_status), so it is made in one place.
STATUS_ORDER = {status.value: n for n, status in enumerate(Status)}


def status_order() -> models.Case:
    """Return the status's place in STATUS_ORDER as an SQL expression."""
    return models.Case(
        *(models.When(status=status, then=models.Value(n)) for status, n in STATUS_ORDER.items()),
        output_field=models.IntegerField(),
    )


CLOSED = frozenset({Status.REALISED, Status.NOT_POSSIBLE, Status.WITHDRAWN})
OPEN = frozenset(set(Status) - CLOSED - {Status.UNCONFIRMED})


def is_open(dream) -> bool:
    """Whether DREAM can still be worked on: handed in and not closed."""
    return dream.status in OPEN


def is_picked_up(dream) -> bool:
    """Whether DREAM has its MogelijkMaker: picked up, and no longer waiting in the queue."""
    return dream.contact_id is not None and dream.status != Status.SUBMITTED


# The resident may withdraw while the dream is still open (also before confirming it).
WITHDRAWABLE = frozenset(s for s, targets in ALLOWED.items() if Status.WITHDRAWN in targets)

# What a status means for the resident, in plain words (B1).
RESIDENT_EXPLANATION: dict[str, str] = {
    Status.UNCONFIRMED: _(
        "We sent you an email. Click the link in that email to hand in your dream."
    ),
    Status.SUBMITTED: _(
        "We have received your dream. Soon a MogelijkMaker picks it up. "
        "That person will be your contact."
    ),
    Status.PICKED_UP: _(
        "A MogelijkMaker has picked up your dream. They will contact you soon to talk about it."
    ),
    Status.IN_CONVERSATION: _(
        "You are talking with your MogelijkMaker about your dream: what is needed, "
        "who can help and what you will do yourself."
    ),
    Status.IN_PROGRESS: _(
        "There is a plan. You and the municipality are making your dream happen."
    ),
    Status.PAUSED: _(
        "Your dream is on hold for a while, for example because we are waiting for someone. "
        "Your MogelijkMaker tells you when it goes on."
    ),
    Status.REALISED: _("Your dream has come true. Thank you for what you did for your area!"),
    Status.NOT_POSSIBLE: _(
        "Your dream cannot go ahead. You have received a letter that explains why."
    ),
    Status.WITHDRAWN: _("You withdrew this dream. Nothing more will happen with it."),
}

# Moves a MogelijkMaker chooses directly in the workspace. The others happen through
# their own action: picking up, the first contact moment, the signed decision letter,
# and the resident's withdrawal.
STAFF_MOVES: dict[str, list[str]] = {
    Status.PICKED_UP: [Status.PAUSED],
    Status.IN_CONVERSATION: [Status.IN_PROGRESS, Status.PAUSED],
    Status.IN_PROGRESS: [Status.REALISED, Status.PAUSED],
    Status.PAUSED: [Status.IN_CONVERSATION, Status.IN_PROGRESS],
}
# These need a core-value review first.
NEEDS_REVIEW = frozenset({Status.IN_PROGRESS, Status.NOT_POSSIBLE})
