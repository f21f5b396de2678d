import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms.widgets import Input
from django.utils.translation import gettext_lazy as _

TOO_LONG = _("Use at most %(limit_value)d characters (you used %(show_value)d).")


def text_field(label, *, max_length, required=True, rows=3, help_text="", required_message=None):
    """A text area with the house's Dutch messages: what is missing, and how much is too long."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required_message or _("This field is required."),
            "max_length": TOO_LONG,
        },
    )


# NL Design System (Utrecht) classes per widget type, so templates stay plain.
_WIDGET_CLASSES = {
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.ClearableFileInput: "portal-file-input",
    Input: "utrecht-textbox utrecht-textbox--html-input",
}


class NLDesignFormMixin:
    """Give every widget the NL Design System class that fits it.

    Browsers' own validation is off: the server's Dutch messages beside each field are
    clearer, and an empty required field must not look wrong before anything was sent.

    No maxlength attribute either: with it a browser silently cuts a long paste (5,000
    characters into a 120-character title) and the resident never learns what was lost.
    Without it all of the text arrives, and the server answers beside the field "Gebruik
    maximaal 120 tekens (je hebt er 5000 gebruikt)" with everything that was typed kept.
    """

    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)
            if not self.use_required_attribute:
                # BoundField asks the widget before the form, and a select answers by reading
                # its choices (the list's filter form: every option list once more, issue 15).
                # The form says no to the attribute anyway: the answer is the same.
                field.widget.use_required_attribute = _never
            for widget_type, css_class in _WIDGET_CLASSES.items():
                if isinstance(field.widget, widget_type):
                    field.widget.attrs.setdefault("class", css_class)
                    break


def _never(initial) -> bool:
    return False


class _ShortListIterator(forms.models.ModelChoiceIterator):
    """Read the choices with one plain query, kept for the form's life.

    Django's iterator reads through a server-side cursor (DECLARE, FETCH, CLOSE: three round
    trips), and again for every pass: a select asks for its first choice to decide on the
    required attribute, then for all of them to write its options. A list of funds or of
    colleagues is short: it is read once, like any other queryset.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:  # fills the queryset's cache: the next pass asks nothing
            yield self.choice(obj)


class ShortModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField for a short list (funds, MogelijkMakers): one query per form."""

    iterator = _ShortListIterator


_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
_PLAIN_AMOUNT = re.compile(r"^-?\d+(\.\d+)?$")


class EuroField(forms.DecimalField):
    """An amount in euro as residents and staff type it: "1.234,50", "1234,50", "1234.50",
    "€ 250" or "250". The last comma or point before one or two digits is the decimal mark;
    a point before exactly three digits, as in "1.234", groups thousands, as Dutch writes them.

    Django's localized DecimalField reads "1234.50" in Dutch as 123450 (a point groups
    thousands there): one typo in a budget line, and a hundred times the money.
    """

    default_error_messages = {
        "invalid": _("Fill in an amount like 250 or 1.250,50."),
        "min_value": _("The amount must be more than € 0."),
        "max_digits": _("That amount is too large."),
        "max_decimal_places": _("Use at most 2 decimals."),
    }

    def __init__(self, *, min_value=Decimal("0.01"), max_digits=10, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(min_value=min_value, max_digits=max_digits, decimal_places=2, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = euro_text(value)
            if value and not _PLAIN_AMOUNT.match(value):  # no "1e5", "NaN" or "0x10"
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def euro_text(text: str) -> str:
    """TEXT as an amount Python reads ("1.234,50" -> "1234.50"); what is not one, unchanged
    (the field then says it is not an amount)."""
    text = text.strip().removeprefix("€").strip().replace(" ", "").replace("\u00a0", "")
    if _THOUSANDS.match(text):
        return text.replace(".", "")
    mark = max(text.rfind(","), text.rfind("."))
    if mark == -1:
        return text
    whole, decimals = text[:mark], text[mark + 1 :]
    whole = whole.replace(".", "").replace(",", "")  # what groups thousands before the mark
    return f"{whole}.{decimals}"
