"""What a partner types through their link: a message, a contribution. The forms check the
input only; the rules are in initiatives.services.partners."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import TOO_LONG, NLDesignFormMixin, text_field
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
    amount = forms.DecimalField(
        label=_("Amount in euro"),
        required=False,
        max_digits=12,
        decimal_places=2,
        localize=True,
        help_text=_("For money; for materials the estimated value, when you know it."),
        error_messages={
            "invalid": _("Fill in an amount like 250 or 250,50."),
            "max_digits": _("That amount is too large."),
            "max_decimal_places": _("Use at most 2 decimals."),
            "max_whole_digits": _("That amount is too large."),
        },
    )
    hours = forms.DecimalField(
        label=_("Number of hours"),
        required=False,
        max_digits=7,
        decimal_places=1,
        localize=True,
        help_text=_("For hours: how many hours your people give, together."),
        error_messages={
            "invalid": _("Fill in a number of hours like 12 or 2,5."),
            "max_digits": _("That is too many hours."),
            "max_decimal_places": _("Use at most 1 decimal."),
            "max_whole_digits": _("That is too many hours."),
        },
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
