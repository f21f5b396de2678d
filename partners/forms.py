"""What a partner types through their link: a message, a contribution. The forms check the
input only; the rules are in initiatives.services.partners."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import TOO_LONG, NLDesignFormMixin, text_field
from initiatives.amounts import AmountField, HoursField
from initiatives.plan_models import ContributionKind
from initiatives.services.partners import MESSAGE_MAX
from initiatives.services.plans import DESCRIPTION_LIMIT


class PartnerMessageForm(NLDesignFormMixin, forms.Form):
    prefix = "message"

    body = text_field(
        _("Your message"),
        max_length=MESSAGE_MAX,
        rows=5,
        help_text=_(
            "The MogelijkMaker and the resident read it on the dream's timeline, with the "
            "name of your organisation."
        ),
        required_message=_("Write your message."),
    )


class PartnerContributionForm(NLDesignFormMixin, forms.Form):
    prefix = "contribution"

    kind = forms.ChoiceField(
        label=_("What do you contribute?"),
        choices=ContributionKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose money, hours or materials."),
            "invalid_choice": _("Choose money, hours or materials."),
        },
    )
    amount = AmountField(
        label=_("Amount in euro"),
        required=False,
        help_text=_("For money; for materials the estimated value, when you know it."),
    )
    hours = HoursField(
        label=_("Number of hours"),
        required=False,
        help_text=_("For hours: how many hours your people give, together."),
    )
    description = forms.CharField(
        label=_("What exactly"),
        max_length=DESCRIPTION_LIMIT,
        help_text=_("For example: “two caretakers help build the benches on Saturday”."),
        error_messages={
            "required": _("Describe what you contribute."),
            "max_length": TOO_LONG,
        },
    )
