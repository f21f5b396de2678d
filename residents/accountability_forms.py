"""The form in which an applicant accounts for the money of a granted application."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import NLDesignFormMixin, text_field
from initiatives.amounts import AmountField
from residents.forms import MultiplePhotoField


class AccountabilityForm(NLDesignFormMixin, forms.Form):
    report = text_field(
        _("What did you do with the money?"),
        max_length=5000,
        rows=6,
        help_text=_("Tell it in your own words: what you made or organised, and with whom."),
        required_message=_("Tell us briefly what you did with the money."),
    )
    spent = AmountField(
        label=_("How much money did you spend?"),
        min_value=0,
        help_text=_("In euro, for example 385,50."),
        error_messages={"required": _("Fill in how much you spent, for example 385,50.")},
    )
    photos = MultiplePhotoField(
        label=_("Photos of the result"),
        required=False,
        help_text=_("At most 5 photos, JPEG or PNG, each at most 10 MB."),
    )
    receipts = MultiplePhotoField(
        label=_("Photos of the receipts"),
        required=False,
        help_text=_("Take a photo of each receipt with your phone. At most 5, JPEG or PNG."),
    )
