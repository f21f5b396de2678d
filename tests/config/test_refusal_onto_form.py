"""A service's refusal onto the form that is shown again (issue 19): every message, beside
the field it names, the rest above the form. One helper for the residents' and the staff's
story forms, which did this two ways (the staff's kept only the first message)."""

from django import forms
from django.core.exceptions import ValidationError

from config.forms import refusal_onto_form


class _TwoFields(forms.Form):
    role = forms.CharField(required=False)
    alt = forms.CharField(required=False)


def _valid_form() -> _TwoFields:
    form = _TwoFields({"role": "after", "alt": ""})
    assert form.is_valid()
    return form


def test_every_message_goes_beside_its_field():
    form = _valid_form()
    refusal_onto_form(
        form,
        ValidationError(
            {"role": ["Choose before or after."], "alt": ["Describe it.", "Use at most 250."]}
        ),
    )
    assert form.errors["role"] == ["Choose before or after."]
    assert form.errors["alt"] == ["Describe it.", "Use at most 250."]


def test_a_field_the_form_does_not_have_and_a_plain_refusal_go_above_it():
    form = _valid_form()
    refusal_onto_form(form, ValidationError({"photo-99-role": ["Not with this dream."]}))
    refusal_onto_form(form, ValidationError(["First.", "Second."]))
    assert form.non_field_errors() == ["Not with this dream.", "First.", "Second."]
