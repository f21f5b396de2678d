"""The forms of the assembly pages (issue 18): an assembly, one of its features, and the
witnesses' value at the invitation lottery. They check the input only; the rules are in
initiatives.services.assembly_invitations."""

import re

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from config.forms import TOO_LONG, NLDesignFormMixin, text_field
from initiatives.assembly_models import Assembly, AssemblyFeature
from initiatives.models import Neighbourhood
from initiatives.services.assembly_invitations import LETTERS_MAX, PEOPLE_PER_HOUSEHOLD_MAX

WHOLE_NUMBER = _("Fill in a whole number, like 12.")
ANSWERS_TEXT_MAX = 4000
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,40}")


def _number(label, *, help_text="", min_value=1, max_value=None):
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=min_value,
        max_value=max_value,
        error_messages={
            "required": _("Fill in a number."),
            "invalid": WHOLE_NUMBER,
            "min_value": _("Fill in %(limit_value)s or more."),
            "max_value": _("Fill in %(limit_value)s or less."),
        },
    )


class AssemblyForm(NLDesignFormMixin, forms.Form):
    title = forms.CharField(
        label=_("Name of the assembly"),
        max_length=150,
        help_text=_("For example “Burgerberaad Vlijmen-Oost”. It is on the letters."),
        error_messages={"required": _("Fill in the assembly's name."), "max_length": TOO_LONG},
    )
    slug = forms.CharField(
        label=_("Web address"),
        max_length=150,
        help_text=_(
            "The end of the registration page's address, /burgerberaad/…/aanmelden/: lower "
            "case letters, digits and dashes, like “vlijmen-oost”."
        ),
        error_messages={"required": _("Fill in a web address."), "max_length": TOO_LONG},
    )
    question = text_field(
        _("The assembly's question"),
        max_length=2000,
        rows=4,
        help_text=_("What the assembly thinks about, in the residents' own words."),
        required_message=_("Fill in the assembly's question."),
    )
    neighbourhoods = forms.ModelMultipleChoiceField(
        label=_("Neighbourhoods"),
        queryset=Neighbourhood.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The letters go to households drawn from the addresses in these."),
        error_messages={
            "required": _("Choose at least one neighbourhood."),
            "invalid_choice": _("Choose neighbourhoods from the list."),
            "invalid_pk_value": _("Choose neighbourhoods from the list."),
            "invalid_list": _("Choose neighbourhoods from the list."),
        },
    )
    invitations_wanted = _number(
        _("Number of letters"),
        max_value=LETTERS_MAX,
        help_text=_("How many households are drawn and receive a letter."),
    )
    panel_size = _number(_("Panel size"), help_text=_("How many people the assembly will have."))
    people_per_household = _number(
        _("People per household who may register"),
        max_value=PEOPLE_PER_HOUSEHOLD_MAX,
        help_text=_("The panel never takes more than one person per household."),
    )
    registration_closes_on = forms.DateField(
        label=_("Registration closes on (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Fill in a date like 24-11-2026.")},
    )

    def __init__(self, *args, frozen=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhoods"].queryset = Neighbourhood.objects.order_by("name")
        for name in frozen:
            self.fields[name].disabled = True

    @staticmethod
    def initial_of(assembly: Assembly) -> dict:
        names = (
            "title",
            "slug",
            "question",
            "invitations_wanted",
            "panel_size",
            "people_per_household",
            "registration_closes_on",
        )
        return {name: getattr(assembly, name) for name in names} | {
            "neighbourhoods": [n.pk for n in assembly.neighbourhoods.all()]
        }


def parse_answers(text: str) -> list[tuple[str, str]]:
    """The answers typed one per line, as “key: answer” or only “answer” (its key made
    from it): [(key, answer)] in order, blank lines left out."""
    answers = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        key, colon, label = line.partition(":")
        if colon and _SLUG.fullmatch(key.strip()) and label.strip():
            answers.append((key.strip(), label.strip()))
        else:
            answers.append((slugify(line)[:40].strip("-"), line))
    return answers


class FeatureForm(NLDesignFormMixin, forms.Form):
    question = forms.CharField(
        label=_("Question on the registration form"),
        max_length=200,
        help_text=_("For example “How old are you?” or “Do you want more trees in the street?”"),
        error_messages={"required": _("Fill in the question."), "max_length": TOO_LONG},
    )
    key = forms.CharField(
        label=_("Key in the published pool (optional)"),
        max_length=40,
        required=False,
        help_text=_(
            "A short name like “age”, shown on the public page of the draw. Left empty, it "
            "is made from the question."
        ),
        error_messages={"max_length": TOO_LONG},
    )
    answers = text_field(
        _("Answers, one per line"),
        max_length=ANSWERS_TEXT_MAX,
        rows=6,
        help_text=_(
            "Write each answer on its own line, as “key: answer”, for example “16-29: 16 to "
            "30 years”. Without a key, one is made from the answer."
        ),
        required_message=_("Fill in at least two answers."),
    )

    def clean_answers(self) -> list[tuple[str, str]]:
        return parse_answers(self.cleaned_data["answers"])

    @staticmethod
    def initial_of(feature: AssemblyFeature) -> dict:
        return {
            "question": feature.question,
            "key": feature.key,
            "answers": "\n".join(f"{v.key}: {v.label}" for v in feature.values.all()),
        }


class WitnessForm(NLDesignFormMixin, forms.Form):
    """What the witnesses chose, for every draw: the invitation lottery, the panel draw and
    a replacement draw (read back to them in a step to check before the draw is done)."""

    witness_value = forms.CharField(
        label=_("Witness value"),
        max_length=100,
        help_text=_(
            "The value chosen in front of the witnesses now, for example the numbers of five "
            "dice thrown: “4 2 6 1 3”."
        ),
        error_messages={
            "required": _("Fill in the value the witnesses chose."),
            "max_length": TOO_LONG,
        },
    )
    witnesses = forms.CharField(
        label=_("Names of the witnesses"),
        max_length=300,
        help_text=_("Published with the draw, for example “Jan de Notaris, Fatima Bakkal”."),
        error_messages={
            "required": _("Fill in the names of the witnesses."),
            "max_length": TOO_LONG,
        },
    )
    # Sent by the confirmation step's button: the values have been read out and checked.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
