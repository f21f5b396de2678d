"""The forms of a citizens' assembly's own life (issue 18): a meeting, an outcome, and an
outcome turned into a dream. They check the input only; the rules are in
initiatives.services.assembly_life and assembly_outcomes."""

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.forms import TOO_LONG, NLDesignFormMixin, ShortModelChoiceField, text_field
from initiatives.models import Neighbourhood, Theme


def panel_choices(panel) -> list[tuple[int, str]]:
    """The panel members as a form offers them: "P-0004 — Anna de Vries"."""
    return [(p.pk, f"{p.pseudonym} — {p.name}" if p.name else p.pseudonym) for p in panel]


class MeetingForm(NLDesignFormMixin, forms.Form):
    prefix = "meeting"

    day = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Fill in the date."),
            "invalid": _("Fill in a date like 24-11-2026."),
        },
    )
    time = forms.TimeField(
        label=_("Time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("Fill in the time."),
            "invalid": _("Fill in a time like 19:30."),
        },
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        error_messages={"required": _("Fill in where the meeting is."), "max_length": TOO_LONG},
    )
    topic = forms.CharField(
        label=_("Topic (optional)"),
        max_length=200,
        required=False,
        error_messages={"max_length": TOO_LONG},
    )
    summary = text_field(
        _("What was discussed (optional)"),
        max_length=5000,
        required=False,
        rows=5,
        help_text=_("Shown on the assembly's public page. Name no participants."),
    )

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("time"):
            data["starts_at"] = timezone.make_aware(datetime.combine(data["day"], data["time"]))
        return data

    @staticmethod
    def initial_of(meeting) -> dict:
        local = timezone.localtime(meeting.starts_at)
        return {
            "day": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "place": meeting.place,
            "topic": meeting.topic,
            "summary": meeting.summary,
        }


class _PanelField(forms.TypedMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class OutcomeForm(NLDesignFormMixin, forms.Form):
    prefix = "outcome"

    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        error_messages={"required": _("Fill in a title."), "max_length": TOO_LONG},
    )
    description = text_field(
        _("Description"),
        max_length=5000,
        rows=6,
        required_message=_("Describe the outcome."),
        help_text=_("Shown on the assembly's public page. Name no participants."),
    )
    participants = _PanelField(
        label=_("Who takes it up"),
        coerce=int,
        required=False,
        help_text=_("Members of the panel who want to make it happen. Only staff see this."),
        error_messages={"invalid_choice": _("Choose only members of this assembly's panel.")},
    )

    def __init__(self, *args, panel=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].choices = panel_choices(panel)

    @staticmethod
    def initial_of(outcome) -> dict:
        return {
            "title": outcome.title,
            "description": outcome.description,
            "participants": [p.pk for p in outcome.taken_up_by.all()],
        }


class OutcomeDreamForm(NLDesignFormMixin, forms.Form):
    prefix = "dream"

    participants = _PanelField(
        label=_("Who takes it up"),
        coerce=int,
        error_messages={
            "required": _("Choose who takes this outcome up."),
            "invalid_choice": _("Choose only members of this assembly's panel."),
        },
    )
    lead = forms.TypedChoiceField(
        label=_("Who owns the dream"),
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_(
            "Their email address gets the dream: they sign in with it and follow the dream "
            "on their page. The others are named on its timeline by first name only."
        ),
        error_messages={
            "required": _("Choose who owns the dream."),
            "invalid_choice": _("Choose the owner among the panel's members."),
        },
    )
    theme = ShortModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.none(),
        error_messages={
            "required": _("Choose a theme."),
            "invalid_choice": _("Choose a theme from the list."),
        },
    )
    neighbourhood = ShortModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        error_messages={
            "required": _("Choose the neighbourhood."),
            "invalid_choice": _("Choose a neighbourhood from the list."),
        },
    )
    own_contribution = text_field(
        _("What they will do themselves (optional)"),
        max_length=3000,
        required=False,
        help_text=_("Empty: the dream says which members of the assembly take it up."),
    )
    needs_from_municipality = text_field(
        _("What they need from the municipality (optional)"),
        max_length=3000,
        required=False,
    )

    def __init__(self, *args, panel=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = panel_choices(panel)
        self.fields["participants"].choices = choices
        self.fields["lead"].choices = choices
        self.fields["theme"].queryset = Theme.objects.order_by("name")
        self.fields["theme"].empty_label = _("Choose…")
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.order_by("name")
        self.fields["neighbourhood"].empty_label = _("Choose…")

    def clean(self):
        data = super().clean()
        lead, chosen = data.get("lead"), data.get("participants")
        if lead is not None and chosen and lead not in chosen:
            self.add_error("lead", _("Choose the owner of the dream among those who take it up."))
        return data
