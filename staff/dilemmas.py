"""Dilemmas and exceptions (issue 17) on the staff side: the forms (recorded in the workspace,
discussed on the managers' page) and the workspace panel's context. The rules are the
services' (dilemma_problems, outcome_problems): each message is put beside its field. The
views are in staff/dilemma_views.py."""

import functools

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import TOO_LONG, NLDesignFormMixin, text_field
from initiatives import selectors, services
from initiatives.dilemma_models import Dilemma


class DilemmaForm(NLDesignFormMixin, forms.Form):
    prefix = "dilemma"

    kind = forms.ChoiceField(
        label=_("What do you record?"),
        choices=Dilemma.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose an exception or a dilemma."),
            "invalid_choice": _("Choose an exception or a dilemma."),
        },
    )
    summary = forms.CharField(
        label=_("What was decided, or what is in doubt?"),
        max_length=300,
        error_messages={
            "required": _("Say what was decided, or what is in doubt."),
            "max_length": TOO_LONG,
        },
    )
    rule = forms.CharField(
        label=_("Which rule does the decision depart from?"),
        required=False,
        max_length=300,
        help_text=_("Needed for an exception."),
        error_messages={"max_length": TOO_LONG},
    )
    why = text_field(_("Why?"), max_length=3000, required_message=_("Say why."))
    agreed_with = forms.CharField(
        label=_("Who agreed, or who did you discuss it with?"),
        required=False,
        max_length=300,
        error_messages={"max_length": TOO_LONG},
    )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        problems = services.dilemma_problems(
            kind=cleaned["kind"],
            summary=cleaned["summary"],
            rule=cleaned["rule"],
            why=cleaned["why"],
        )
        for field, message in problems.items():
            self.add_error(field, message)
        return cleaned


OUTCOME_CHOICES = [
    (value, label)
    for value, label in Dilemma.Outcome.choices
    if value in services.DISCUSSED_OUTCOMES
]


class OutcomeForm(NLDesignFormMixin, forms.Form):
    """The outcome of one item; its prefix (the item's id) keeps the page's ids apart."""

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=OUTCOME_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the outcome: no new rule, or follow-up."),
            "invalid_choice": _("Choose the outcome: no new rule, or follow-up."),
        },
    )
    note = text_field(
        _("What was agreed?"),
        max_length=3000,
        required=False,
        rows=2,
        help_text=_("Needed for a follow-up: what follows, and who does it."),
    )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        problems = services.outcome_problems(outcome=cleaned["outcome"], note=cleaned["note"])
        for field, message in problems.items():
            self.add_error(field, message)
        return cleaned


def workspace_dilemmas(dream, forms_in_use: dict) -> dict:
    """The workspace panel "Dilemmas and exceptions": the dream's items (read with the dream
    by dream_for_staff, dream.dilemma_list; no query of their own), and the form (the posted
    one, with its errors, or a new one built when shown)."""
    return {
        "dilemma_items": functools.cache(lambda: selectors.dilemmas_for_dream(dream)),
        "dilemma_form": forms_in_use.get("dilemma_form") or functools.cache(DilemmaForm),
    }
