"""The choosers of "Hoe doen we het?": which village or neighbourhood, and up to which week.

A GET form: the page works without JavaScript and every choice is a link someone can share.
What a chooser does not know is never an error page: the field says so in words, and the page
shows the figures of all villages, or up to this week, instead.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from initiatives.weeks import week_name

WEEKS_SHOWN = 12  # the page shows the chosen week and the eleven before it
SHOWN_IN_MESSAGE = 40  # characters of a value that is not known, repeated in its message


def week_value(monday: date) -> str:
    """Return the ISO week of MONDAY as the chooser writes it in the address: "2026-W49"."""
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def chooser_weeks(mondays: list[date]) -> list[tuple[str, str]]:
    """Return MONDAYS (newest first, this week first) as the chooser's options: (value,
    "week 49, 30 november - 6 december 2026")."""
    weeks = []
    for n, monday in enumerate(mondays):
        label = week_name(monday)
        if n == 0:
            label = _("%(week)s (so far)") % {"week": label}
        weeks.append((week_value(monday), label))
    return weeks


class DashboardChooser(forms.Form):
    """Choose a village (VILLAGES: [(slug, name)], "" is all) and the last week to show
    (MONDAYS: the weeks there are figures of, newest first; the first is this week)."""

    village = forms.CharField(
        label=gettext_lazy("Village or neighbourhood"), required=False, widget=forms.Select
    )
    week = forms.CharField(
        label=gettext_lazy("Up to and including"), required=False, widget=forms.Select
    )

    def __init__(self, data=None, *, villages: list[tuple[str, str]], mondays: list[date]):
        super().__init__(data)
        self.this_monday = mondays[0]
        self.village_names = dict(villages)
        self.weeks = chooser_weeks(mondays)
        self.fields["village"].widget.choices = [("", _("All villages")), *villages]
        self.fields["week"].widget.choices = self.weeks
        self.fields["week"].initial = week_value(self.this_monday)

    def clean_village(self) -> str:
        value = self.cleaned_data["village"].strip()
        if value and value not in self.village_names:
            raise ValidationError(
                _(
                    "We do not know the village or neighbourhood “%(value)s”. You see the"
                    " figures of all villages."
                )
                % {"value": value[:SHOWN_IN_MESSAGE]}
            )
        return value

    def clean_week(self) -> str:
        value = self.cleaned_data["week"].strip()
        if value and value not in dict(self.weeks):
            raise ValidationError(
                _("“%(value)s” is not a week with figures. You see the figures up to this week.")
                % {"value": value[:SHOWN_IN_MESSAGE]}
            )
        return value

    def chosen(self) -> tuple[str, date]:
        """Return the village's slug ("" for all) and the Monday of the last week to show.

        A chooser with an error falls back to all villages, or to this week.
        """
        data = {}
        if self.is_bound:
            self.is_valid()  # cleaned_data then holds the choices that are right
            data = self.cleaned_data
        village = data.get("village") or ""
        week = data.get("week") or ""
        monday = date.fromisocalendar(int(week[:4]), int(week[6:]), 1) if week else None
        return village, monday or self.this_monday

    def village_name(self, slug: str) -> str:
        return self.village_names.get(slug) or _("All villages")
