from django.utils.translation import gettext as _


class InvalidTransition(Exception):
    """The dream's status may not change as asked; the message says why, for the user."""

    def __init__(self, current_label: str, target_label: str) -> None:
        super().__init__(
            _("A dream with status “%(current)s” cannot become “%(target)s”.")
            % {"current": current_label, "target": target_label}
        )


class NotAllowed(Exception):
    """The user may not do this to this dream; the message says why, for the user."""


class AlreadyPickedUp(NotAllowed):
    """Someone else was first: the message names who has the dream."""


class InsufficientFunds(NotAllowed):
    """The fund's balance cannot cover the grant."""


class InvalidPlan(ValueError):
    """A need or contribution of a dream's plan cannot be stored as given (issue 17).

    The message says why, for the user; FIELD names the form field it is about, so that the
    workspace shows it next to that field (None: about the form as a whole).
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
