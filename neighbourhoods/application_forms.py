"""The form to apply to a fund (issue 16): which dream, who applies, the budget plan, what the
applicant brings, and an answer to each criterion. It reads what was typed; whether the
application may be handed in is for services.application_problems, whose answers appear
beside the fields they are about, together with the form's own."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.forms import TOO_LONG, NLDesignFormMixin, text_field
from initiatives import amounts, selectors, services
from initiatives.models import Application, Fund
from initiatives.services.applications import AMOUNT_LIMIT
from residents.forms import DreamForm

NEW_DREAM = "new"
LINES_SHOWN = 5  # rows of the budget plan on a fresh form
LINES_ADDED = 3  # rows the "more lines" button adds, without JavaScript
LINES_MAX = 20


class AmountField(amounts.AmountField):
    """An amount in euro as residents type it (initiatives/amounts.py reads it), with this
    form's own words. ZERO_ALLOWED: a contribution may be 0; a line of the budget plan may not.
    """

    default_error_messages = {
        "invalid": _("Fill in an amount in euro, like 1.234,50 or 250."),
        "max_decimal_places": _("Use at most 2 decimals, for the cents."),
        "max_digits": _("That amount is too large."),
        "max_whole_digits": _("That amount is too large."),
        "max_value": _("That amount is too large."),
    }

    def __init__(self, *, zero_allowed: bool = False, **kwargs):
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault(
            "min_value",
            _("Fill in 0 or more euro.")
            if zero_allowed
            else _("Fill in an amount of more than € 0."),
        )
        super().__init__(
            min_value=Decimal(0) if zero_allowed else Decimal("0.01"),
            max_value=AMOUNT_LIMIT,
            max_digits=17,
            **kwargs,
        )


class NewDreamForm(DreamForm):
    """A dream handed in with the application: the questions of the dream form, without the
    photos and contact details (the resident is signed in; photos can follow on the dream)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, signed_in=True, **kwargs)
        for name in ("photos", "show_publicly", "contact_name", "contact_phone"):
            del self.fields[name]


def _text(label, *, max_length: int, help_text="", **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        help_text=help_text,
        error_messages={"max_length": TOO_LONG},
        **kwargs,
    )


class _LinesAndAnswers(forms.Form):
    """The fields a form has as many of as it needs: LINE_ROWS lines of the budget plan and an
    answer to each of CRITERIA. Made before NLDesignFormMixin dresses every field."""

    def __init__(self, *args, line_rows: int, criteria: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, line_rows + 1):
            self.fields[f"line_{number}_description"] = _text(_("What for?"), max_length=200)
            self.fields[f"line_{number}_amount"] = AmountField(
                label=_("Amount in euro"), required=False
            )
        for number, criterion in enumerate(criteria):
            self.fields[f"answer_{number}"] = text_field(
                criterion,
                max_length=2000,
                rows=3,
                required_message=_("Answer this criterion."),
            )


class ApplicationForm(NLDesignFormMixin, _LinesAndAnswers):
    dream = forms.ChoiceField(
        label=_("Which dream is the money for?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose one of your dreams, or a new dream."),
            "invalid_choice": _("Choose one of your own open dreams, or a new dream."),
        },
    )
    applicant = forms.ChoiceField(
        label=_("Who applies?"),
        widget=forms.RadioSelect,
        choices=[
            (Application.Applicant.RESIDENT, _("I apply myself, as a resident")),
            (Application.Applicant.ORGANISATION, _("I apply for an organisation")),
        ],
        error_messages={
            "required": _("Choose who applies: you, or an organisation."),
            "invalid_choice": _("Choose who applies: you, or an organisation."),
        },
    )
    organisation_kind = forms.ChoiceField(
        label=_("What kind of organisation?"),
        widget=forms.RadioSelect,
        required=False,
        choices=Application.OrganisationKind.choices,
        error_messages={"invalid_choice": _("Choose what kind of organisation it is.")},
    )
    organisation_name = _text(_("Name of the organisation"), max_length=200)
    kvk_number = _text(
        _("KvK number"),
        max_length=20,
        help_text=_("The number in the Chamber of Commerce (KvK) register: 8 digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    contact_person = _text(
        _("Contact person"),
        max_length=150,
        help_text=_("Who we can call or email about the application."),
    )
    signatory = _text(_("Who signs for the organisation?"), max_length=150)
    signatory_role = _text(
        _("Their role"), max_length=100, help_text=_("For example: chair or treasurer.")
    )
    own_money = AmountField(
        label=_("Money you pay yourself, in euro"),
        required=False,
        zero_allowed=True,
        help_text=_("Leave empty or fill in 0 if you do not pay anything yourself."),
    )
    own_hours = forms.IntegerField(
        label=_("Hours you and others work on it for free"),
        required=False,
        min_value=0,
        max_value=100000,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Fill in a whole number of hours, like 20."),
            "min_value": _("Fill in 0 or more hours."),
            "max_value": _("That is more hours than we can take in."),
        },
    )
    other_sources = text_field(
        _("Other money"),
        max_length=2000,
        required=False,
        help_text=_("Who else pays a part, and how much? Leave empty if nobody else does."),
    )

    def __init__(self, data=None, *, resident: User, fund: Fund, **kwargs):
        self.criteria = fund.criteria_list
        self.line_rows = _rows(data or {})
        super().__init__(data, line_rows=self.line_rows, criteria=self.criteria, **kwargs)
        self.resident, self.fund = resident, fund
        self.budget_errors: list[str] = []
        self.lines: list[tuple[str, Decimal]] | None = None

        self.dreams = {
            str(dream.pk): dream
            for dream in selectors.application_dreams(resident=resident, fund=fund)
        }
        self.fields["dream"].choices = [
            *((pk, dream.title) for pk, dream in self.dreams.items()),
            (NEW_DREAM, _("A new dream: I describe it below")),
        ]
        if not self.dreams:
            self.fields["dream"].initial = NEW_DREAM
        self.dream_form = NewDreamForm(
            self.data if self.is_bound else None,
            prefix="dream",
            initial={"neighbourhood": fund.neighbourhood_id},
        )
        if self.is_bound and not self.new_dream_chosen:
            # An open dream of their own was chosen: the new dream's empty fields are no mistake.
            self.dream_form._errors, self.dream_form.cleaned_data = ErrorDict(), {}

    # --- what the template shows -------------------------------------------------------------

    def line_fields(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [
            (number, self[f"line_{number}_description"], self[f"line_{number}_amount"])
            for number in range(1, self.line_rows + 1)
        ]

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[f"answer_{number}"] for number in range(len(self.criteria))]

    def organisation_fields(self) -> list[forms.BoundField]:
        return [
            self[name]
            for name in (
                "organisation_name",
                "kvk_number",
                "contact_person",
                "signatory",
                "signatory_role",
            )
        ]

    @property
    def can_add_lines(self) -> bool:
        return self.line_rows < LINES_MAX

    @property
    def new_dream_chosen(self) -> bool:
        return self.is_bound and self.data.get("dream") == NEW_DREAM

    def error_links(self) -> list[tuple[str, str, str]]:
        """Every message on the page as (anchor, label, message), for the summary on top."""
        links = []
        for form in (self, self.dream_form):
            for field in form:
                if field.errors:
                    anchor = field.auto_id
                    if isinstance(field.field.widget, forms.RadioSelect):
                        anchor += "_0"
                    links.append((anchor, field.label, field.errors[0]))
            if form is self and self.budget_errors:
                links.append(("budget", _("Budget plan"), self.budget_errors[0]))
        return links

    def has_errors(self) -> bool:
        return bool(
            self.errors or self.budget_errors or (self.new_dream_chosen and self.dream_form.errors)
        )

    def without_errors(self) -> None:
        """Show what was typed again without judging it (more lines were asked for)."""
        for form in (self, self.dream_form):
            form._errors = ErrorDict()
            form.cleaned_data = {}

    # --- checking ----------------------------------------------------------------------------

    def is_valid(self) -> bool:
        valid = super().is_valid()  # also runs clean(), which checks the new dream's form
        return valid and not self.budget_errors and self.dream_form.is_valid()

    def clean(self):
        data = super().clean()
        self.lines = self._clean_lines(data)
        new_dream_valid = self.new_dream_chosen and self.dream_form.is_valid()
        problems = services.application_problems(
            resident=self.resident,
            fund=self.fund,
            dream=self.dreams.get(data.get("dream", "")),
            new_dream_neighbourhood=(
                self.dream_form.cleaned_data.get("neighbourhood") if new_dream_valid else None
            ),
            applicant=data.get("applicant", ""),
            organisation={name: data.get(name, "") for name in services.ORGANISATION_KEYS},
            lines=self.lines,
            own_money=(data["own_money"] or Decimal(0)) if "own_money" in data else None,
            own_hours=(data["own_hours"] or 0) if "own_hours" in data else None,
            answers=[data.get(f"answer_{n}", "") for n in range(len(self.criteria))],
        )
        self.add_problems(problems)
        return data

    def _clean_lines(self, data) -> list[tuple[str, Decimal]] | None:
        """The budget plan's filled-in rows; None when a row has a mistake of its own."""
        lines, complete = [], True
        for number in range(1, self.line_rows + 1):
            description_name, amount_name = f"line_{number}_description", f"line_{number}_amount"
            if description_name not in data or amount_name not in data:
                complete = False  # its own message is beside it already
                continue
            description, amount = data[description_name].strip(), data[amount_name]
            if not description and amount is None:
                continue
            if not description:
                self.add_error(description_name, _("Say what this money is for."))
                complete = False
            elif amount is None:
                self.add_error(amount_name, _("Fill in the amount for this line."))
                complete = False
            else:
                lines.append((description, amount))
        return lines if complete else None

    def add_problems(self, problems: dict[str, str] | ValidationError) -> None:
        """Put each of services' PROBLEMS beside the field it is about (a field that has a
        message of its own already keeps just that one)."""
        if isinstance(problems, ValidationError):
            problems = {
                key: messages[0] for key, messages in problems.message_dict.items() if messages
            }
        for key, message in problems.items():
            if key == "lines":
                self.budget_errors.append(message)
            elif key in self.fields:
                if key not in self.errors:
                    self.add_error(key, message)
            elif key in self.dream_form.fields:
                if key not in self.dream_form.errors:
                    self.dream_form.add_error(key, message)
            else:
                self.add_error(None, message)

    def submission(self) -> dict:
        """What services.application_submit takes, from a valid form."""
        data = self.cleaned_data
        dream = self.dreams.get(data["dream"])
        new_dream = None
        if dream is None:
            new = self.dream_form.cleaned_data
            new_dream = {
                name: new[name]
                for name in (
                    "title",
                    "story",
                    "own_contribution",
                    "needs_from_municipality",
                    "neighbourhood",
                    "theme",
                    "location",
                )
            }
        return {
            "resident": self.resident,
            "fund": self.fund,
            "dream": dream,
            "new_dream": new_dream,
            "applicant": data["applicant"],
            "organisation": {name: data[name] for name in services.ORGANISATION_KEYS},
            "lines": self.lines,
            "own_money": data["own_money"] or Decimal(0),
            "own_hours": data["own_hours"] or 0,
            "other_sources": data["other_sources"],
            "answers": [data[f"answer_{n}"] for n in range(len(self.criteria))],
        }


def _rows(data) -> int:
    """How many budget lines the form shows: what the page had, and more when asked for."""
    try:
        rows = int(str(data.get("line_rows", LINES_SHOWN))[:3])
    except ValueError:
        rows = LINES_SHOWN
    if "add_lines" in data:
        rows += LINES_ADDED
    return max(LINES_SHOWN, min(rows, LINES_MAX))
