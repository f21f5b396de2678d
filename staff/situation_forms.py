"""The forms of issue 17's craft: the situation mapped (the first working practice) and the
parts of the paspoort; and the workspace's context for the situation, built when shown."""

import functools

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.forms import TOO_LONG, NLDesignFormMixin, text_field
from initiatives import selectors
from initiatives.situation_models import SituationMap


class SituationForm(NLDesignFormMixin, forms.Form):
    """The question behind the question, for whom the resident speaks, other views, and
    whether it was seen on location. Every field may wait; one of them must be filled."""

    prefix = "situation"

    question_behind = text_field(
        _("The question behind the question"),
        max_length=2000,
        required=False,
        help_text=_("What does the resident really ask, or need?"),
    )
    speaks_for = forms.ChoiceField(
        label=_("The resident speaks for"),
        choices=SituationMap.SpeaksFor.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose for whom the resident speaks from the list.")},
    )
    other_views = text_field(
        _("Other views heard"),
        max_length=2000,
        required=False,
        rows=2,
        help_text=_("Neighbours who think differently, objections, other wishes."),
    )
    views_heard_by = forms.CharField(
        label=_("Heard by whom"),
        required=False,
        max_length=300,
        error_messages={"max_length": TOO_LONG},
    )
    seen_on_location_on = forms.DateField(
        label=_("Seen on location on"),
        required=False,
        help_text=_("Leave empty while you have not been there yet."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Fill in a date like 24-11-2026.")},
    )

    def clean_seen_on_location_on(self):
        day = self.cleaned_data["seen_on_location_on"]
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(
            (value.strip() if isinstance(value, str) else value) for value in cleaned.values()
        ):
            raise forms.ValidationError(_("Fill in at least one thing you mapped."))
        return cleaned


def situation_initial(situation: SituationMap | None) -> dict | None:
    if situation is None:
        return None
    return {
        "question_behind": situation.question_behind,
        "speaks_for": situation.speaks_for,
        "other_views": situation.other_views,
        "views_heard_by": situation.views_heard_by,
        "seen_on_location_on": situation.seen_on_location_on,
    }


def situation_context(dream, forms_in_use: dict) -> dict:
    """The workspace's context for the situation panel: what was mapped (read with the dream)
    and its form, the posted one with its errors or one built when the panel is shown."""
    situation = selectors.dream_situation(dream)
    form = forms_in_use.get("situation_form") or functools.cache(
        lambda: SituationForm(initial=situation_initial(situation))
    )
    return {"situation": situation, "situation_form": form}


class PaspoortPartForm(NLDesignFormMixin, forms.Form):
    """A part of the paspoort: a short title, a short text, its place in the order."""

    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        error_messages={"required": _("Give the part a short title."), "max_length": TOO_LONG},
    )
    text = text_field(
        _("Text"),
        max_length=3000,
        rows=5,
        required_message=_("Write what this part of the paspoort says."),
    )
    position = forms.IntegerField(
        label=_("Position"),
        required=False,
        min_value=0,
        max_value=32000,
        help_text=_("Parts are shown from low to high. Empty: at the end."),
        error_messages={
            "invalid": _("Fill in a whole number, like 10."),
            "min_value": _("Fill in a number of 0 or more."),
            "max_value": _("Fill in a number of at most 32000."),
        },
    )
