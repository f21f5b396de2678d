"""The forms of the partner pages (issue 17): an organisation, and inviting one to a dream.
They check the input only; the rules are in initiatives.services.partners."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.forms import TOO_LONG, NLDesignFormMixin, ShortModelChoiceField, text_field
from initiatives.partner_models import Organisation, PartnerInvitation


def _staff_people():
    return User.objects.filter(is_active=True, is_staff=True).order_by("full_name", "email")


class OrganisationForm(NLDesignFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=Organisation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the kind of organisation."),
            "invalid_choice": _("Choose the kind of organisation."),
        },
    )
    name = forms.CharField(
        label=_("Name of the organisation"),
        max_length=150,
        error_messages={"required": _("Fill in the organisation's name."), "max_length": TOO_LONG},
    )
    contact_name = forms.CharField(
        label=_("Contact person"),
        max_length=150,
        help_text=_("The one person at the organisation who answers for its questions."),
        error_messages={"required": _("Fill in the contact person."), "max_length": TOO_LONG},
    )
    contact_email = forms.EmailField(
        label=_("Contact person's email address"),
        max_length=254,
        help_text=_("Invitations to a dream are sent here."),
        error_messages={
            "required": _("Fill in an email address."),
            "invalid": _("Fill in a valid email address, like name@example.nl."),
            "max_length": TOO_LONG,
        },
    )
    contact_phone = forms.CharField(
        label=_("Contact person's phone number (optional)"),
        max_length=30,
        required=False,
        error_messages={"max_length": TOO_LONG},
    )
    one_face = ShortModelChoiceField(
        label=_("One face at the municipality"),
        queryset=User.objects.none(),
        help_text=_("The member of staff who is responsible for this partner's questions."),
        error_messages={
            "required": _("Choose the member of staff who is their one face."),
            "invalid_choice": _("Choose the member of staff who is their one face."),
        },
    )
    notes = text_field(
        _("What they can offer (optional)"),
        max_length=2000,
        required=False,
        rows=4,
        help_text=_("Expertise, budgets, people: what to think of when a dream needs it."),
    )
    active = forms.BooleanField(
        label=_("Active partner: can be invited to dreams"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["one_face"].queryset = _staff_people()
        self.fields["one_face"].empty_label = _("Choose…")

    @staticmethod
    def initial_of(organisation: Organisation) -> dict:
        return {
            name: getattr(organisation, name)
            for name in (
                "kind",
                "name",
                "contact_name",
                "contact_email",
                "contact_phone",
                "notes",
                "active",
            )
        } | {"one_face": organisation.one_face_id}


class PartnerInviteForm(NLDesignFormMixin, forms.Form):
    prefix = "partner"

    organisation = forms.TypedChoiceField(
        label=_("Organisation"),
        coerce=int,
        error_messages={
            "required": _("Choose an organisation."),
            "invalid_choice": _("Choose an organisation from the list."),
        },
    )
    role = forms.ChoiceField(
        label=_("Invite them as"),
        choices=PartnerInvitation.Role.choices,
        initial=PartnerInvitation.Role.HELPER,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose helper or co-owner."),
            "invalid_choice": _("Choose helper or co-owner."),
        },
    )
    message = text_field(
        _("Message with the invitation (optional)"),
        max_length=2000,
        required=False,
        help_text=_("Only the partner reads it, in the invitation email."),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", _("Choose…")), *choices]
