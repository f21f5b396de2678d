"""The staff's form to take a shared story offline (issue 19), with the reason the resident
reads on their timeline."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import NLDesignFormMixin, text_field
from initiatives.services.publications import TAKE_DOWN_REASON_LIMIT


class StoryTakeDownForm(NLDesignFormMixin, forms.Form):
    prefix = "take-down"

    reason = text_field(
        _("Why does the story go offline?"),
        max_length=TAKE_DOWN_REASON_LIMIT,
        rows=3,
        help_text=_("The resident reads this on the timeline of their dream."),
        required_message=_("Write why the story goes offline."),
    )
