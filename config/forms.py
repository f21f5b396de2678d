from django import forms
from django.core.exceptions import ValidationError
from django.forms.widgets import Input
from django.utils.translation import gettext_lazy as _

TOO_LONG = _("Use at most %(limit_value)d characters (you used %(show_value)d).")


def refusal_onto_form(form: forms.Form, refusal: ValidationError) -> None:
    """Put every message of a service's REFUSAL on FORM: beside the field it names, or above
    the form when it names none of FORM's fields. All of them, not just the first: the
    services check a whole form at once, so the person can fix everything in one go."""
    if hasattr(refusal, "error_dict"):
        for field, errors in refusal.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in refusal.messages:
            form.add_error(None, error)


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
