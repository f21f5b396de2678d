"""The forms of deciding together on an application (issue 16, item 4): the platform's advice
and a decision line by line (the platform's under the platform rule, the MogelijkMaker's
otherwise: staff/application_views.py uses DecisionForm too).

They check everything the services would refuse, so that a person always reads the reason
beside the field, with everything typed kept; the services check it again."""

from decimal import Decimal

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from config.forms import TOO_LONG, NLDesignFormMixin, text_field
from initiatives.amounts import AmountField
from initiatives.models import Application, ApplicationAdvice


def _euro(amount: Decimal) -> str:
    return f"€ {number_format(amount, 2, force_grouping=True)}"


class AdviceForm(NLDesignFormMixin, forms.Form):
    verdict = forms.ChoiceField(
        label=_("The platform's advice"),
        choices=ApplicationAdvice.Verdict.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the platform's advice."),
            "invalid_choice": _("Choose the platform's advice."),
        },
    )
    conditions = text_field(
        _("Conditions"),
        max_length=2000,
        required=False,
        help_text=_("Only with “for, with conditions”: what must be done or changed."),
    )
    reasons = text_field(
        _("Reasons"),
        max_length=3000,
        rows=5,
        required_message=_("Say why the platform gives this advice."),
    )
    participants = forms.CharField(
        label=_("Who took part"),
        max_length=300,
        help_text=_("For example: 7 members at the meeting of 3 March."),
        error_messages={
            "required": _("Say who took part in the advice."),
            "max_length": TOO_LONG,
        },
    )

    def clean_reasons(self):
        reasons = self.cleaned_data["reasons"].strip()
        if not reasons:
            raise forms.ValidationError(_("Say why the platform gives this advice."))
        return reasons

    def clean_participants(self):
        participants = self.cleaned_data["participants"].strip()
        if not participants:
            raise forms.ValidationError(_("Say who took part in the advice."))
        return participants

    def clean(self):
        cleaned = super().clean()
        conditions = (cleaned.get("conditions") or "").strip()
        if cleaned.get("verdict") == ApplicationAdvice.Verdict.CONDITIONS and not conditions:
            self.add_error("conditions", _("Name the conditions of the advice."))
        cleaned["conditions"] = conditions
        return cleaned


class DecisionForm(NLDesignFormMixin, forms.Form):
    """What each budget line gets (prefilled with what it asked), the reasons, and with a
    partial grant what is not funded."""

    reasons = text_field(
        _("Reasons for the decision"),
        max_length=3000,
        rows=5,
        required_message=_("Give the reasons for the decision."),
    )
    not_funded = text_field(
        _("What is not funded"),
        max_length=2000,
        required=False,
        help_text=_(
            "Needed when less is granted than was asked: what the money does not cover, and why."
        ),
    )

    def __init__(self, *args, application: Application, **kwargs):
        self.application = application
        self.lines = list(application.lines.all())  # prefetched by the selector
        initial = {self.line_name(line): _amount_text(line.amount) for line in self.lines}
        super().__init__(*args, initial=initial, **kwargs)
        line_fields = {}
        for line in self.lines:
            field = AmountField(
                label=_("%(what)s (asked: %(amount)s)")
                % {"what": line.description, "amount": _euro(line.amount)},
                min_value=0,
                error_messages={
                    "required": _("Fill in an amount; 0 if this line gets nothing."),
                    "min_value": _("The amount cannot be negative."),
                },
            )
            field.widget.attrs["class"] = "utrecht-textbox utrecht-textbox--html-input"
            line_fields[self.line_name(line)] = field
        # The lines first, then the reasons.
        self.fields = {**line_fields, **self.fields}

    @staticmethod
    def line_name(line) -> str:
        return f"line_{line.pk}"

    def line_fields(self):
        return [self[self.line_name(line)] for line in self.lines]

    def other_fields(self):
        return [self["reasons"], self["not_funded"]]

    def clean_reasons(self):
        reasons = self.cleaned_data["reasons"].strip()
        if not reasons:
            raise forms.ValidationError(_("Give the reasons for the decision."))
        return reasons

    def clean(self):
        cleaned = super().clean()
        amounts = {}
        for line in self.lines:
            name = self.line_name(line)
            amount = cleaned.get(name)
            if amount is None:
                continue
            if amount > line.amount:
                self.add_error(
                    name,
                    _("At most what this line asked for: %(amount)s.")
                    % {"amount": _euro(line.amount)},
                )
                continue
            amounts[line.pk] = amount
        if len(amounts) != len(self.lines):
            return cleaned
        total = sum(amounts.values(), Decimal(0))
        cleaned["line_amounts"] = amounts
        cleaned["total"] = total
        not_funded = (cleaned.get("not_funded") or "").strip()
        cleaned["not_funded"] = not_funded
        if total <= 0:
            raise forms.ValidationError(
                _("Nothing is granted. To refuse the whole application, propose “not possible”.")
            )
        maximum = self.application.fund.max_per_application
        if maximum is not None and total > maximum:
            raise forms.ValidationError(
                _("That is more than this fund gives per application: at most %(amount)s.")
                % {"amount": _euro(maximum)}
            )
        if total < self.application.requested and not not_funded:
            self.add_error(
                "not_funded",
                _("Less is granted than was asked: say what is not funded, and why."),
            )
        return cleaned


def _amount_text(amount: Decimal) -> str:
    """The amount as it is typed in Dutch: 1234,50."""
    return f"{amount:.2f}".replace(".", ",")
