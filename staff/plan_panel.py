"""The workspace's plan panel (issue 17): the forms, and the panel's context in one function.

The plan is read once, with one query, and only when the template first shows it (the
summary's "plan" line reads the same read). The forms' choices come from that read and from
the grants the workspace has read already: a grant of this dream not yet in the plan, the
needs, the active partners. The rules are the services' (services.plans): the forms only
read what was typed; a refusal comes back next to the field it is about.
"""

import functools
from decimal import Decimal

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from config.forms import TOO_LONG, NLDesignFormMixin
from initiatives import selectors
from initiatives.amounts import AmountField, HoursField
from initiatives.models import Dream, Grant
from initiatives.plan_models import Contribution, ContributionKind
from initiatives.statuses import is_open, is_picked_up
from staff.permissions import can

CHOOSE = _("Choose one of the options.")


def _euro(amount: Decimal) -> str:
    return f"€ {number_format(amount, 2, force_grouping=True)}"


class NeedForm(NLDesignFormMixin, forms.Form):
    """One thing the dream needs; a need's own form to change it has the prefix need-<id>."""

    prefix = "need"

    description = forms.CharField(
        label=_("What is needed"),
        max_length=200,
        error_messages={"required": _("Say what is needed."), "max_length": TOO_LONG},
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=ContributionKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose money, hours or materials."),
            "invalid_choice": CHOOSE,
        },
    )
    amount = AmountField(
        label=_("Amount in euro"),
        required=False,
        help_text=_("For money; for materials their estimated value, when known."),
    )
    hours = HoursField(label=_("Hours"), required=False, help_text=_("For hours."))


def _choice(value: str) -> int | None:
    return int(value) if value not in (None, "") else None


class ContributionForm(NLDesignFormMixin, forms.Form):
    """Who covers (part of) the plan. Only the fields that fit the source count: the grant
    for a fund, the partner for a partner, the name for someone else."""

    prefix = "contribution"

    source = forms.ChoiceField(
        label=_("Where does it come from?"),
        choices=Contribution.Source.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose where the contribution comes from."),
            "invalid_choice": CHOOSE,
        },
    )
    grant = forms.TypedChoiceField(
        label=_("Grant (for a fund)"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("A grant of this dream that is not in the plan yet."),
        error_messages={"invalid_choice": CHOOSE},
    )
    organisation = forms.TypedChoiceField(
        label=_("Partner"),
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": CHOOSE},
    )
    other_source = forms.CharField(
        label=_("Who else (for someone else)"),
        max_length=150,
        required=False,
        error_messages={"max_length": TOO_LONG},
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=ContributionKind.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("A grant is money."),
        error_messages={"invalid_choice": CHOOSE},
    )
    amount = AmountField(
        label=_("Amount in euro"),
        required=False,
        help_text=_("For money; for materials their estimated value, when known."),
    )
    hours = HoursField(label=_("Hours"), required=False, help_text=_("For hours."))
    description = forms.CharField(
        label=_("What exactly"),
        max_length=300,
        required=False,
        help_text=_("Needed for materials: which materials."),
        error_messages={"max_length": TOO_LONG},
    )
    need = forms.TypedChoiceField(
        label=_("Covers"),
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": CHOOSE},
    )

    def __init__(self, *args, plan, grants, **kwargs):
        super().__init__(*args, **kwargs)
        empty = [("", "—")]
        self.fields["grant"].choices = empty + [
            (grant.pk, f"{_euro(grant.amount)} — {grant.purpose} ({grant.fund.name})")
            for grant in grants
            if grant.state == Grant.State.GRANTED and grant.pk not in plan.grant_ids
        ]
        self.fields["organisation"].choices = empty + list(plan.partners or [])
        self.fields["need"].choices = [("", _("The dream as a whole"))] + [
            (need.id, need.description) for need in plan.needs
        ]

    def service_values(self) -> dict:
        """What services.contribution_record takes, from the valid form."""
        data = self.cleaned_data
        return {
            "source": data["source"],
            "kind": data["kind"],
            "amount": data["amount"],
            "hours": data["hours"],
            "description": data["description"],
            "need_id": _choice(data["need"]),
            "grant_id": data["grant"],
            "organisation_id": data["organisation"],
            "other_source": data["other_source"],
        }


def need_form_name(need_id: int) -> str:
    return f"need_{need_id}"


def need_change_form(need_id: int, data=None, need=None) -> NeedForm:
    initial = None
    if need is not None:
        initial = {
            "description": need.description,
            "kind": need.kind,
            "amount": need.amount,
            "hours": need.hours,
        }
    return NeedForm(data, prefix=f"need-{need_id}", initial=initial)


def contribution_form(dream: Dream, data=None) -> ContributionForm:
    """The form to record a contribution, its choices read as the panel reads them."""
    return ContributionForm(
        data,
        plan=selectors.dream_plan(dream, with_partners=True),
        grants=Grant.objects.filter(dream=dream).select_related("fund"),
    )


def workspace_plan(request, dream: Dream, forms_in_use: dict, partners=None) -> dict:
    """The plan panel's context: the plan (read when first shown, one query; none when the
    dream has no plan, dream.has_plan), the needs nothing covers yet with the form to change
    each, and the forms to add a need and record a contribution (for the contact person;
    shown disabled to colleagues). PARTNERS: a function giving the active partners as the
    partner panel read them (shown with the same forms), for the contribution form; without
    it the plan's query reads them."""
    with_forms = is_open(dream) and is_picked_up(dream) and can(request.user, "dream_work")

    def read():
        known = partners() if with_forms and partners is not None else None
        return selectors.dream_plan(dream, with_partners=with_forms, partners=known)

    plan = functools.cache(read)

    def changeable():
        """The needs nothing covers yet, each with its form (the posted one, if it failed)."""
        rows = []
        for need in plan().needs:
            posted = forms_in_use.get(need_form_name(need.id))
            if posted is not None or need.may_change:
                rows.append({"need": need, "form": posted or need_change_form(need.id, need=need)})
        return rows

    def form(name, make):
        return forms_in_use.get(name) or functools.cache(make)

    return {
        "plan": plan,
        "plan_changeable": functools.cache(changeable),
        "plan_forms": with_forms,
        "need_form": form("need_form", NeedForm),
        "contribution_form": form(
            "contribution_form",
            lambda: ContributionForm(plan=plan(), grants=dream.grants.all()),
        ),
    }
