"""The forms of the quotas and panel pages (issue 18). They check the input only; the rules
are in initiatives.services (assembly_quotas, assembly_panel)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import NLDesignFormMixin
from initiatives import services
from initiatives.selectors import FeatureCounts

_NUMBER = {
    # Text, not type=number: a browser empties a number field that holds "3 of 4" and the
    # server would never see what was typed.
    "class": "utrecht-textbox utrecht-textbox--html-input portal-number",
    "inputmode": "numeric",
    "size": 4,
    "autocomplete": "off",
}

SOURCE_POOL, SOURCE_REGISTER = "pool", "register"


class QuotasForm(NLDesignFormMixin, forms.Form):
    """At least and at most for every answer of every feature: fields min_<pk>, max_<pk>."""

    # Only the suggestion reads it (anything else counts as the register); saving ignores it,
    # so it is not a ChoiceField whose refusal could stop the quotas being saved.
    source = forms.CharField(
        label=_("Proportional suggestion for the parts of the neighbourhood: in proportion to"),
        initial=SOURCE_REGISTER,
        required=False,
        widget=forms.RadioSelect(
            choices=[
                (SOURCE_REGISTER, _("the households in the address register")),
                (SOURCE_POOL, _("the people who registered")),
            ]
        ),
    )

    def __init__(self, *args, features: list[FeatureCounts], **kwargs):
        super().__init__(*args, **kwargs)
        self.features = features
        for counts in features:
            for answer in counts.answers:
                value = answer.value
                names = {"answer": value.label}
                self.fields[services.quota_field("min", value.pk)] = forms.IntegerField(
                    label=_("At least: %(answer)s") % names,
                    min_value=0,
                    initial=value.min_seats,
                    widget=forms.TextInput(attrs=_NUMBER),
                    error_messages={
                        "required": _("Fill in at least how many (0 for none)."),
                        "invalid": _("Fill in a whole number, like 3."),
                        "min_value": _("Fill in 0 or more."),
                    },
                )
                self.fields[services.quota_field("max", value.pk)] = forms.IntegerField(
                    label=_("At most: %(answer)s") % names,
                    min_value=0,
                    required=False,
                    initial=value.max_seats,
                    widget=forms.TextInput(attrs=_NUMBER),
                    error_messages={
                        "invalid": _("Fill in a whole number, like 3, or leave it empty."),
                        "min_value": _("Fill in 0 or more, or leave it empty."),
                    },
                )
        self.has_neighbourhoods = any(counts.households is not None for counts in features)
        if not self.has_neighbourhoods:
            del self.fields["source"]

    def quotas(self) -> dict[int, tuple[int, int | None]]:
        """The cleaned quotas: answer pk → (at least, at most or None)."""
        data = self.cleaned_data
        return {
            answer.value.pk: (
                data[services.quota_field("min", answer.value.pk)],
                data[services.quota_field("max", answer.value.pk)],
            )
            for counts in self.features
            for answer in counts.answers
        }

    def typed(self) -> dict[str, str]:
        """What was typed in every quota field, as typed (to show it again unchanged)."""
        return {name: self.data.get(name, "")[:20] for name in self.fields if name != "source"}
