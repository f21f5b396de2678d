"""What the witnesses of a draw chose, checked the same way for every draw (issue 18): the
invitation lottery, the panel draw and a replacement draw."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from initiatives import draw_seed

WITNESS_VALUE_MAX = 100  # PublicDraw.witness_value
WITNESSES_MAX = 300  # PublicDraw.witnesses


def witness_inputs(witness_value: str, witnesses: str) -> tuple[str, str]:
    """The witness value as it goes into the seed and the witnesses' names with single
    spaces; ValidationError per field when one is missing or too long."""
    value = draw_seed.normalised_witness_value(str(witness_value or ""))
    names = " ".join(str(witnesses or "").split())
    errors: dict[str, list[str]] = {}
    if not value:
        errors["witness_value"] = [_("Fill in the value the witnesses chose.")]
    elif len(value) > WITNESS_VALUE_MAX:
        errors["witness_value"] = [
            _("Use at most %(max)s characters.") % {"max": WITNESS_VALUE_MAX}
        ]
    if not names:
        errors["witnesses"] = [_("Fill in the names of the witnesses.")]
    elif len(names) > WITNESSES_MAX:
        errors["witnesses"] = [_("Use at most %(max)s characters.") % {"max": WITNESSES_MAX}]
    if errors:
        raise ValidationError(errors)
    return value, names
