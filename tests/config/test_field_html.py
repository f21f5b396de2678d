"""Fields written in Python (the form_field filter and config/form_renderer.py) are the HTML
the templates write: every field of the dream list's two forms, empty, filled in and with
errors (its selects through the project's select.html), and each widget kind."""

import re

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.template import Context, Template

from config.form_renderer import PortalFormRenderer
from initiatives.templatetags.form_fields import form_field
from staff.forms import DreamFilterForm, HandOverForm
from tests.factories import NeighbourhoodFactory, ThemeFactory
from tests.staff.conftest import make_staff

pytestmark = pytest.mark.django_db

_INCLUDE = Template('{% include "includes/field.html" with field=field %}')


def _same_markup(html: str) -> str:
    """Each run of whitespace as one space: where the template has any, so must we."""
    return re.sub(r"\s+", " ", html.strip())


def _by_template(field) -> str:
    """FIELD through includes/field.html, its widget through the project's widget templates."""
    form, ours = field.form, field.form.renderer
    assert isinstance(ours, PortalFormRenderer)
    form.renderer = TemplatesSetting()
    try:
        return _same_markup(_INCLUDE.render(Context({"field": form[field.name]})))
    finally:
        form.renderer = ours


def _forms():
    nb, theme, person = (
        NeighbourhoodFactory(name="Elshout & <Nieuwkuijk>"),
        ThemeFactory(),
        (make_staff("MogelijkMaker", full_name='Sanne "de" Vries')),
    )
    filled = {
        "q": 'speeltuin "groot" <b>',
        "status": ["submitted", "paused"],
        "neighbourhood": str(nb.pk),
        "theme": str(theme.pk),
        "contact": str(person.pk),
        "mine": "on",
        "tension": "on",
        "sort": "title",
    }
    wrong = {"q": "x" * 300, "neighbourhood": "999999", "sort": "nee", "status": ["kapot"]}
    hand_over_wrong = {"handover-to": "", "handover-note": "<script>"}
    return [
        DreamFilterForm(),
        DreamFilterForm(filled),
        DreamFilterForm(wrong),
        HandOverForm(),
        HandOverForm(hand_over_wrong),
        HandOverForm(people=lambda: [(person.pk, "Sanne")]),
    ]


def test_every_field_of_the_list_forms_is_written_as_the_templates_write_it(db):
    checked = 0
    for form in _forms():
        if form.is_bound:
            form.is_valid()  # the errors beside the fields
        for name in form.fields:
            ours = _same_markup(form_field(form[name]))
            assert ours == _by_template(form[name]), (type(form).__name__, name)
            checked += 1
    assert checked == 3 * 10 + 3 * 2


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.TextInput(attrs={"class": "x", "aria-invalid": True}), 'a "b" <c>'),
        (forms.TextInput(), None),
        (forms.EmailInput(), "a@b.example"),
        (forms.NumberInput(), 3),
        (forms.DateInput(), "2025-12-31"),
        (forms.HiddenInput(), "h"),
        (forms.CheckboxInput(), True),
        (forms.CheckboxInput(attrs={"disabled": True}), False),
        (forms.Textarea(attrs={"rows": 3}), "regel 1\n<regel 2>"),
        (forms.Textarea(), ""),
        (forms.Select(choices=[("", "Kies"), ("1", "Een & twee")]), "1"),
        (forms.SelectMultiple(choices=[("a", "A"), ("b", "B")]), ["a", "b"]),
        (forms.RadioSelect(choices=[("a", "A")]), "a"),  # not written in Python: templates
    ],
)
def test_each_widget_kind_is_the_same_html(widget, value):
    ours = widget.render("veld", value, attrs={"id": "id_veld"}, renderer=PortalFormRenderer())
    theirs = widget.render("veld", value, attrs={"id": "id_veld"}, renderer=TemplatesSetting())
    assert ours == theirs
