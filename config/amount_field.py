"""An amount in euro as people type it: "1.234,50", "1234,50" and "1234.50" all mean the same.

Django's localised DecimalField reads "1234.50" in Dutch as 123450 (the point taken for a
thousands separator). Here a point followed by exactly three digits, in a number that has no
comma, is a thousands separator ("1.234" is 1234); any other lone point is the decimal one.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")
_PLAIN = re.compile(r"^\d+(\.\d+)?$")


def parse_amount(text: str) -> Decimal | None:
    """Return the amount TEXT says, or None when it is not an amount."""
    value = text.strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
    if value.startswith("-"):
        sign, value = "-", value[1:]
    else:
        sign = ""
    if "," in value:
        whole, _sep, cents = value.rpartition(",")
        if "," in whole or (whole and not re.fullmatch(r"\d+|\d{1,3}(\.\d{3})+", whole)):
            return None
        value = whole.replace(".", "") + "." + cents
        if not re.fullmatch(r"\d*\.\d+", value):
            return None
        value = value if not value.startswith(".") else "0" + value
    elif _GROUPED.match(value):
        value = value.replace(".", "")
    elif not _PLAIN.match(value):
        return None
    try:
        return Decimal(sign + value)
    except InvalidOperation:
        return None


class AmountField(forms.CharField):
    """A euro amount of 0 or more, with at most two decimals; the form says how much at most."""

    default_error_messages = {
        "required": _("Fill in an amount."),
        "invalid": _("Fill in an amount like 250 or 250,50."),
        "negative": _("The amount cannot be negative."),
        "decimals": _("Use at most 2 decimals."),
        "too_large": _("That amount is too large."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        amount = parse_amount(text)
        if amount is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if amount < 0:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        if amount >= Decimal("10000000000"):
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        if amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(self.error_messages["decimals"], code="decimals")
        return amount.quantize(Decimal("0.01"))
