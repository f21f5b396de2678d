"""The forms of the platform pages: what a chair types, what staff type to invite. They check
the input only; the rules (who may, what may be linked) are in initiatives.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import TOO_LONG, NLDesignFormMixin, text_field
from initiatives.platform_models import PlatformMember


class AgendaItemForm(NLDesignFormMixin, forms.Form):
    title = forms.CharField(
        label=_("Title of the agenda item"),
        max_length=150,
        help_text=_("For example: “A safe way to school”."),
        error_messages={
            "required": _("Give the agenda item a short title."),
            "max_length": TOO_LONG,
        },
    )
    description = text_field(
        _("What and why"),
        max_length=3000,
        rows=4,
        help_text=_("What does the neighbourhood want to achieve, and why is it important?"),
        required_message=_("Write what the neighbourhood wants to achieve, and why."),
    )
    set_on = forms.DateField(
        label=_("On the agenda since"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Fill in the date."),
            "invalid": _("Fill in a date like 24-11-2026."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser's date field sends 2026-11-24; typed by hand 24-11-2026 works too.
        self.fields["set_on"].input_formats = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]


class InviteForm(NLDesignFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Email address of the resident you invite"),
        max_length=254,
        help_text=_("They get an email with a link to join. The link works for 14 days."),
        error_messages={
            "required": _("Fill in an email address."),
            "invalid": _("Fill in a valid email address, like name@example.nl."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class StaffInviteForm(InviteForm):
    platform = forms.TypedChoiceField(
        label=_("Platform"),
        coerce=int,
        error_messages={
            "required": _("Choose the platform."),
            "invalid_choice": _("Choose the platform."),
        },
    )
    role = forms.ChoiceField(
        label=_("Invite as"),
        choices=PlatformMember.Role.choices,
        initial=PlatformMember.Role.MEMBER,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose member or chair."),
            "invalid_choice": _("Choose member or chair."),
        },
    )
    field_order = ["platform", "email", "role"]

    def __init__(self, *args, platforms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"].choices = [("", _("Choose…"))] + [
            (platform.pk, platform.name) for platform in platforms
        ]
