from functools import cache, partial

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import SimpleLazyObject
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import StaffNotificationMode
from config.forms import TOO_LONG, NLDesignFormMixin, ShortModelChoiceField, text_field
from initiatives import selectors
from initiatives.models import ContactMoment, CoreValue, Neighbourhood, Theme, Verdict
from initiatives.statuses import Status


def euro(amount, *, round_without_cents: bool = False) -> str:
    """Return AMOUNT as staff read it, "€ 2.500,00"; a limit may leave out its cents ("€ 2.500")."""
    places = 0 if round_without_cents and amount == int(amount) else 2
    return f"€ {number_format(amount, places, force_grouping=True)}"


class StaffAuthenticationForm(NLDesignFormMixin, AuthenticationForm):
    """Email and password; only staff accounts may sign in here."""

    error_messages = {
        "invalid_login": _("This email address and password do not match. Please try again."),
        "inactive": _("This account is not active."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email address")
        # AuthenticationForm sets max_length after the field is made, so nothing checks it:
        # a very long address would reach the database (on SQLite: a LIKE pattern too long).
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
        self.fields["username"].widget.attrs["autocomplete"] = "email"
        self.fields["password"].label = _("Password")

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_staff:
            # Same message as a wrong password: the form does not tell who works here.
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class StaffPreferencesForm(NLDesignFormMixin, forms.Form):
    mode = forms.ChoiceField(
        label=_("Email about work waiting for me"),
        choices=StaffNotificationMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you want to get email.")},
    )


class DreamFilterForm(NLDesignFormMixin, forms.Form):
    """The filters of the dream list; every field is optional and they combine."""

    q = forms.CharField(label=_("Search in title and story"), required=False, max_length=200)
    status = forms.MultipleChoiceField(
        label=_("Status"),
        required=False,
        choices=[(s.value, s.label) for s in Status if s != Status.UNCONFIRMED],
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Village or neighbourhood"), required=False, queryset=Neighbourhood.objects.none()
    )
    theme = forms.ModelChoiceField(label=_("Theme"), required=False, queryset=Theme.objects.none())
    contact = forms.ModelChoiceField(
        label=_("MogelijkMaker"), required=False, queryset=selectors.enablers().none()
    )
    mine = forms.BooleanField(label=_("Only mine"), required=False)
    overdue = forms.BooleanField(label=_("Promise broken"), required=False)
    silent = forms.BooleanField(label=_("Silent too long"), required=False)
    tension = forms.BooleanField(label=_("Has a value tension"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        # Without a choice a search shows the best match first (among its newest matches),
        # and the list without a search the newest first.
        choices=[
            ("", _("Best match when searching, else newest")),
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("title", _("Title")),
            ("status", _("Status")),
            ("silent", _("Longest silent first")),
        ],
    )

    def __init__(self, *args, options=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, queryset in _filter_querysets().items():
            self.fields[name].queryset = queryset  # the field keeps a copy of its own
        # The options as (id, label) lists, read in one plain query and only when the form
        # is shown (not for the htmx partial): a ModelChoiceField makes a model object per
        # option through a server-side cursor each time it renders (issue 15). OPTIONS (a
        # function, cached) shares them with the page's hand-over form. The querysets above
        # still check what is sent.
        read = options or cache(selectors.list_filter_options)
        for name in ("neighbourhood", "theme", "contact"):
            self.fields[name].choices = partial(_with_empty, partial(_part, read, name), _("All"))


@cache
def _filter_querysets() -> dict:
    """The querysets that check what the filters send, built once per process: composing the
    MogelijkMakers' one (a join through the groups) cost the list page more than using it. A
    ModelChoiceField stores queryset.all(), a copy, so these are never read themselves."""
    return {
        "neighbourhood": selectors.neighbourhood_list(),
        "theme": selectors.theme_list(),
        "contact": selectors.enablers(),
    }


def _enablers():
    return _filter_querysets()["contact"]


def _part(read, name: str) -> list:
    return read()[name]


def _with_empty(read, empty_label) -> list:
    return [("", empty_label), *read()]


class HandOverForm(NLDesignFormMixin, forms.Form):
    prefix = "handover"

    to = ShortModelChoiceField(
        label=_("Hand over to"),
        queryset=selectors.enablers().none(),
        error_messages={"required": _("Choose a MogelijkMaker.")},
    )
    note = text_field(
        _("Hand-over note"),
        max_length=2000,
        help_text=_("What should your colleague know? The resident does not see this."),
        required_message=_("Write a short hand-over note."),
    )

    def __init__(self, *args, exclude=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = _enablers()  # a ModelChoiceField keeps its own copy
        if exclude is not None:
            queryset = queryset.exclude(pk=exclude.pk)
        self.fields["to"].queryset = queryset
        self.fields["to"].empty_label = _("Choose…")
        if people is not None:  # the options another form of the page reads too (a function)
            excluded = None if exclude is None else exclude.pk

            def others():
                return [(pk, label) for pk, label in people() if pk != excluded]

            self.fields["to"].choices = partial(_with_empty, others, _("Choose…"))


class MessageForm(NLDesignFormMixin, forms.Form):
    prefix = "message"

    body = text_field(
        _("Message to the resident"),
        max_length=3000,
        rows=4,
        help_text=_("The resident sees this on their dream page and gets it by email."),
        required_message=_("Write a message first."),
    )


class NoteForm(NLDesignFormMixin, forms.Form):
    prefix = "note"

    body = text_field(
        _("Internal note"),
        max_length=3000,
        help_text=_("Only staff see this."),
        required_message=_("Write a note first."),
    )


class ContactMomentForm(NLDesignFormMixin, forms.Form):
    prefix = "contact"

    kind = forms.ChoiceField(
        label=_("Kind of contact"),
        choices=ContactMoment.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of contact.")},
    )
    on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Fill in the date."),
            "invalid": _("Fill in a date like 24-11-2026."),
        },
    )
    summary = text_field(
        _("Short summary"),
        max_length=2000,
        required_message=_("Write a short summary of the contact."),
    )

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return on


class PracticeForm(NLDesignFormMixin, forms.Form):
    done = forms.BooleanField(label=_("Done"), required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": TOO_LONG},
    )


class ReviewForm(NLDesignFormMixin, forms.Form):
    """One verdict and reasoning per core value, plus the dilemma and who it was discussed with."""

    prefix = "review"

    dilemma = text_field(
        _("Which dilemma does it raise?"),
        max_length=3000,
        required=False,
        help_text=_("Dilemmas are there to be talked about; managers see every tension."),
    )
    discussed_with = forms.CharField(
        label=_("Discussed with"),
        required=False,
        max_length=300,
        error_messages={"max_length": TOO_LONG},
    )

    def __init__(self, *args, parts=(), **kwargs):
        """PARTS: the current parts of the paspoort, which each core value may cite."""
        super().__init__(*args, **kwargs)
        part_choices = [("", _("— none —")), *((part.pk, part.title) for part in parts)]
        for value in CoreValue:
            self.fields[f"{value.value}_cites"] = forms.TypedChoiceField(
                label=format_lazy(
                    "{} ({})", _("Weighed against a part of the paspoort"), value.label
                ),
                choices=part_choices,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
                error_messages={
                    "invalid_choice": _(
                        "Choose a part of the paspoort from the list: it may just have changed."
                    )
                },
            )
            self.fields[f"{value.value}_verdict"] = forms.ChoiceField(
                label=value.label,
                choices=Verdict.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a verdict for this core value.")},
            )
            self.fields[f"{value.value}_reasoning"] = text_field(
                _("Reasoning"),
                max_length=2000,
                rows=2,
                required_message=_("Explain your verdict in a sentence or two."),
            )
        order = [
            f"{v.value}_{part}" for v in CoreValue for part in ("verdict", "reasoning", "cites")
        ]
        self.order_fields([*order, "dilemma", "discussed_with"])

    def value_fields(self):
        return [
            (
                value.label,
                self[f"{value.value}_verdict"],
                self[f"{value.value}_reasoning"],
                self[f"{value.value}_cites"],
            )
            for value in CoreValue
        ]

    def cites(self) -> dict[str, int | None]:
        """The part of the paspoort each core value cites (its id), or None."""
        return {value.value: self.cleaned_data[f"{value.value}_cites"] for value in CoreValue}

    def clean(self):
        cleaned = super().clean()
        has_tension = any(cleaned.get(f"{v.value}_verdict") == Verdict.TENSION for v in CoreValue)
        if has_tension and not cleaned.get("dilemma", "").strip():
            self.add_error("dilemma", _("A tension raises a dilemma: describe it."))
        return cleaned

    def verdicts(self) -> dict[str, tuple[str, str]]:
        return {
            value.value: (
                self.cleaned_data[f"{value.value}_verdict"],
                self.cleaned_data[f"{value.value}_reasoning"],
            )
            for value in CoreValue
        }


def _approval_limit_help(promised=None) -> str:
    limit = (promised or selectors.service_promises()).grant_approval_limit
    return _(
        "Above %(limit)s a manager decides; up to that amount the budget is granted at once."
    ) % {"limit": euro(limit, round_without_cents=True)}


class GrantForm(NLDesignFormMixin, forms.Form):
    prefix = "grant"

    fund = ShortModelChoiceField(
        label=_("Fund"),
        queryset=selectors.funds_current().none(),
        error_messages={"required": _("Choose a fund.")},
    )
    amount = forms.DecimalField(
        label=_("Amount in euro"),
        min_value=1,
        max_digits=10,
        decimal_places=2,
        localize=True,
        error_messages={
            "required": _("Fill in an amount."),
            "invalid": _("Fill in an amount like 250 or 250,50."),
            "min_value": _("The amount must be at least € 1."),
            "max_digits": _("That amount is too large."),
            "max_decimal_places": _("Use at most 2 decimals."),
        },
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=300,
        error_messages={"required": _("Say what the money is for."), "max_length": TOO_LONG},
    )

    def __init__(self, *args, promised=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = selectors.funds_current()
        # Read when the form is shown, not when it is only checked.
        # PROMISED: the service promises the page has read already (one query fewer).
        self.fields["amount"].help_text = SimpleLazyObject(lambda: _approval_limit_help(promised))
        self.fields["fund"].empty_label = None


class MoveForm(NLDesignFormMixin, forms.Form):
    prefix = "move"

    target = forms.ChoiceField(label=_("New status"), choices=[], widget=forms.RadioSelect)
    note = text_field(
        _("Message to the resident (optional)"),
        max_length=2000,
        required=False,
        help_text=_("Say in plain words what the new step means."),
    )

    def __init__(self, *args, targets: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(t, Status(t).label) for t in targets]
        self.fields["target"].error_messages["required"] = _("Choose the new status.")
        self.fields["target"].error_messages["invalid_choice"] = _(
            "That status is not possible from here."
        )


class ProposeNotPossibleForm(NLDesignFormMixin, forms.Form):
    prefix = "propose"

    reasons = text_field(
        _("Why is this dream not possible?"),
        max_length=5000,
        rows=4,
        help_text=_("A communications advisor words the letter to the resident from this."),
        required_message=_("Give the reasons."),
    )


class DecisionLetterForm(NLDesignFormMixin, forms.Form):
    letter = text_field(
        _("Letter to the resident"),
        max_length=10000,
        rows=12,
        help_text=_("Explain why, in plain words, so that the resident at least understands."),
        required_message=_("Write the letter first."),
    )
    other_help = text_field(
        _("Who else can help (optional)"),
        max_length=2000,
        required=False,
        rows=3,
        help_text=_(
            "Another organisation or a neighbourhood platform that could help, with how to "
            "reach them. The resident reads it under the letter."
        ),
    )


class GrantDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", _("Approve")), ("0", _("Refuse"))], coerce=lambda v: v == "1"
    )
