"""What a resident types to register for a citizens' assembly: the code from the letter,
then who they are, their answers, when they can come, and consent. The forms check the
input's shape only; the rules are in initiatives.services.assembly_registration."""

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from config.forms import TOO_LONG, NLDesignFormMixin, text_field
from initiatives.assembly_models import AssemblyFeature, AssemblyMeeting
from initiatives.services.assembly_registration import (
    AVAILABILITY_MAX,
    EMAIL_MAX,
    NAME_MAX,
    PHONE_MAX,
    feature_field,
)

CODE_MAX = 40  # ten signs, with room for spaces and dashes as people type them


class CodeForm(NLDesignFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Code from your letter"),
        max_length=CODE_MAX,
        help_text=_(
            "10 letters and digits, like K7PQ2-XMR4D. Capitals, spaces and dashes do not matter."
        ),
        error_messages={"required": _("Type the code from your letter."), "max_length": TOO_LONG},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


def meeting_label(meeting: AssemblyMeeting) -> str:
    when = formats.date_format(timezone.localtime(meeting.starts_at), "l j F Y, H:i")
    return f"{when} ({meeting.place})"


class RegistrationForm(NLDesignFormMixin, forms.Form):
    """The registration form of one assembly: a radio group per feature, the meetings to
    come as checkboxes (when there are any)."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=NAME_MAX,
        error_messages={"required": _("Fill in your name."), "max_length": TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.CharField(
        label=_("Your email address"),
        max_length=EMAIL_MAX,
        help_text=_("We send you a confirmation, and later whether you were picked."),
        error_messages={"required": _("Fill in your email address."), "max_length": TOO_LONG},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Your phone number"),
        max_length=PHONE_MAX,
        required=False,
        help_text=_("Not required. Handy if we need to reach you quickly."),
        error_messages={"max_length": TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    availability = text_field(
        _("When can you come?"),
        max_length=AVAILABILITY_MAX,
        required=False,
        help_text=_("For example: weekday evenings, not on Saturdays."),
    )
    consent = forms.BooleanField(
        label=_("I agree that the municipality keeps my details for this citizens' assembly."),
        error_messages={
            "required": _("Tick the box to agree. Without it we cannot keep your registration.")
        },
    )

    def __init__(
        self,
        *args,
        features: list[AssemblyFeature],
        meetings: list[AssemblyMeeting],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.features = features
        for feature in features:
            self.fields[feature_field(feature.key)] = forms.ChoiceField(
                label=feature.question,
                choices=[(value.key, value.label) for value in feature.values.all()],
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose one answer."),
                    "invalid_choice": _("Choose one answer."),
                },
            )
        if not meetings:
            self.fields["availability"].required = True
            self.fields["availability"].error_messages["required"] = _("Tell us when you can come.")
        else:
            self.fields["meetings"] = forms.TypedMultipleChoiceField(
                label=_("On which dates can you come?"),
                choices=[(meeting.pk, meeting_label(meeting)) for meeting in meetings],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": _("Choose from the dates shown.")},
            )
            self.fields["availability"].label = _("Anything else about when you can come?")
            self.fields["availability"].help_text = _(
                "Not required when you ticked dates above. For example: only after 19:00."
            )

    def feature_fields(self) -> list:
        return [self[feature_field(feature.key)] for feature in self.features]

    def answers(self) -> dict[str, str]:
        return {
            feature.key: self.cleaned_data[feature_field(feature.key)] for feature in self.features
        }
