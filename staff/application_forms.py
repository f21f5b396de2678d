"""The MogelijkMaker's check of a platform's decision against the fund's frame (issue 16).
The decision itself, line by line, is neighbourhoods.advice_forms.DecisionForm."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import NLDesignFormMixin, text_field


class FrameCheckForm(NLDesignFormMixin, forms.Form):
    prefix = "frame"

    fits = forms.TypedChoiceField(
        label=_("Does the platform's decision fit the fund's frame?"),
        choices=[
            ("1", _("Yes: grant the money")),
            ("0", _("No: back to the platform, with the reason")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether the decision fits the frame."),
            "invalid_choice": _("Choose whether the decision fits the frame."),
        },
    )
    note = text_field(
        _("Why it does not fit"),
        max_length=2000,
        required=False,
        help_text=_("Only when it does not fit: the platform and the applicant read it."),
    )

    def clean(self):
        cleaned = super().clean()
        note = (cleaned.get("note") or "").strip()
        cleaned["note"] = note
        if cleaned.get("fits") is False and not note:
            self.add_error("note", _("Say why the decision does not fit the frame."))
        return cleaned
