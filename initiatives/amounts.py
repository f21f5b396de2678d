"""Amounts in euro as people type them: "1.234,50", "1234,50", "1234.50", "€ 250".

Django's localized DecimalField reads "1234,50" in Dutch but refuses "1.234,50" (unless
thousand separators are on for the whole site) and "1234.50" depends on the language; a
form that takes money uses AmountField, which reads all of them the same way.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

_DIGITS = re.compile(r"[0-9]+")


def parse_amount(text: str) -> Decimal:
    """Return the amount TEXT stands for; raise ValueError when it is not one.

    The last separator followed by one or two digits is the decimal one; a point followed
    by three digits, or a separator that comes more than once, separates thousands.
    "1.500" is fifteen hundred, as a Dutch reader means it.
    """
    cleaned = str(text).replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
    if cleaned.startswith(("-", "\u2212")):  # read, so that the field can say "more than 0"
        return -parse_amount(cleaned[1:])
    if not cleaned or not re.fullmatch(r"[0-9.,]+", cleaned) or not cleaned[0].isdigit():
        raise ValueError(text)
    whole, decimals = cleaned, ""
    last = max(cleaned.rfind(","), cleaned.rfind("."))
    if last != -1:
        separator, tail = cleaned[last], cleaned[last + 1 :]
        decimal_separator = (
            len(tail) in (1, 2) or (separator == "," and cleaned.count(",") == 1)
        ) and cleaned.count(separator) == 1
        if decimal_separator:
            whole, decimals = cleaned[:last], tail
    groups = re.split(r"[.,]", whole)
    if len(groups) > 1 and (
        not 1 <= len(groups[0]) <= 3 or any(len(group) != 3 for group in groups[1:])
    ):
        raise ValueError(text)  # "12.34.5": not thousands
    if len({sep for sep in whole if sep in ".,"}) > 1:
        raise ValueError(text)
    if decimals and not _DIGITS.fullmatch(decimals):
        raise ValueError(text)
    try:
        return Decimal("".join(groups) + ("." + decimals if decimals else ""))
    except InvalidOperation:
        raise ValueError(text) from None


def amount_text(amount: Decimal | None) -> str:
    """Return AMOUNT as it is typed back into a field: "1234,50" in Dutch."""
    if amount is None:
        return ""
    return number_format(amount, 2, use_l10n=True, force_grouping=False)


class AmountInput(forms.TextInput):
    """A text field for euros: a phone shows its number keys, any separator is accepted."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal):
            return amount_text(value)
        return super().format_value(value)


class AmountField(forms.DecimalField):
    """A DecimalField that reads "1.234,50", "1234,50" and "1234.50" alike (parse_amount)."""

    widget = AmountInput
    default_error_messages = {
        "invalid": _("Fill in an amount in euro, like 1250 or 1.250,50."),
        "max_decimal_places": _("Use at most 2 decimals (cents)."),
        "max_digits": _("That amount is too large."),
        "max_whole_digits": _("That amount is too large."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.pop("localize", None)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_amount(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def widget_attrs(self, widget):
        # No min/max/step attributes: the browser must not refuse "1.234,50" itself.
        return forms.Field.widget_attrs(self, widget)


class HoursInput(AmountInput):
    """Hours typed back as people write them: "20", "7,5"."""

    def format_value(self, value):
        if isinstance(value, Decimal):
            return number_format(value, 1 if value % 1 else 0)
        return super().format_value(value)


class HoursField(AmountField):
    """A number of hours as people type them: "4", "2,5", "1.000"."""

    widget = HoursInput

    default_error_messages = {
        "invalid": _("Fill in a number of hours, like 4 or 2,5."),
        "max_decimal_places": _("Use at most 1 decimal for hours, like 2,5."),
        "max_digits": _("That number of hours is too large."),
        "max_whole_digits": _("That number of hours is too large."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 7)
        kwargs.setdefault("decimal_places", 1)
        super().__init__(**kwargs)
