"""The widgets our form renderer writes in Python are exactly what Django's own templates
write, for every widget it takes over: values, no value, attributes true and false, escaping."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe

from config.form_renderer import WIDGETS, PortalFormRenderer

ATTRS = {"class": "x y", "aria-describedby": "a_helptext", "disabled": True, "hidden": False}


def _both(widget, name, value) -> tuple[str, str]:
    return (
        widget.render(name, value, attrs={"id": f"id_{name}"}, renderer=PortalFormRenderer()),
        widget.render(name, value, attrs={"id": f"id_{name}"}, renderer=DjangoTemplates()),
    )


@pytest.mark.parametrize(
    "widget, value",
    [
        (forms.TextInput(), "Kerkstraat 12"),
        (forms.TextInput(attrs=ATTRS), 'a "quoted" <b>bold</b> & more'),
        (forms.TextInput(), None),
        (forms.TextInput(), ""),
        (forms.TextInput(), mark_safe("<i>safe</i>")),
        (forms.EmailInput(), "bewoner@example.org"),
        (forms.NumberInput(attrs={"step": "0.01", "min": 0}), Decimal("1234.50")),
        (forms.NumberInput(), 12345),
        (forms.DateInput(attrs={"type": "date"}), date(2026, 3, 1)),
        (forms.DateInput(), "1-3-2026"),
        (forms.HiddenInput(), "token<>"),
        (forms.PasswordInput(render_value=True), "geheim&"),
        (forms.URLInput(), "https://example.org/?a=1&b=2"),
        (forms.CheckboxInput(), True),
        (forms.CheckboxInput(attrs={"class": "utrecht-checkbox"}), False),
        (forms.CheckboxInput(), None),
        (forms.Textarea(attrs={"rows": 3}), "Regel 1\nRegel <2> & 'drie'"),
        (forms.Textarea(), ""),
        (forms.Textarea(), None),
        (forms.Textarea(), "\nbegins with a line break"),
    ],
)
def test_the_same_html_as_django(widget, value):
    ours, django_s = _both(widget, "veld", value)
    assert ours == django_s


def test_every_widget_it_takes_over_is_compared():
    compared = {
        f"django/forms/widgets/{name}.html"
        for name in ("text", "email", "number", "date", "hidden", "password", "url", "checkbox")
    } | {"django/forms/widgets/textarea.html", "django/forms/widgets/input.html"}
    # The select writes the project's own select.html (tests/config/test_field_html.py).
    compared.add("django/forms/widgets/select.html")
    # The other names of WIDGETS include input.html the same way, with another type.
    plain = Path(forms.__file__).parent / "templates"
    for name in WIDGETS.keys() - compared:
        source = (plain / name).read_text().strip()
        assert source == '{% include "django/forms/widgets/input.html" %}', name


# Project templates the renderer writes in Python on purpose, each compared with the template.
WRITTEN_AS_THE_PROJECT_TEMPLATE = {"django/forms/widgets/select.html"}


def test_no_project_template_is_silently_bypassed():
    """A template the project puts in templates/django/forms/ must be used: not one that the
    renderer writes in Python instead, unless it writes what that template writes."""
    ours = Path(settings.BASE_DIR) / "templates"
    overridden = {str(p.relative_to(ours)) for p in ours.glob("django/forms/**/*.html")}
    assert overridden, "the project's select.html is expected here"
    assert overridden & WIDGETS.keys() == WRITTEN_AS_THE_PROJECT_TEMPLATE


def test_it_is_the_renderer_forms_use():
    assert isinstance(get_default_renderer(), PortalFormRenderer)


def test_other_templates_still_go_through_the_engine():
    widget = forms.RadioSelect(choices=[("1", "Drunen")])
    ours = widget.render("wijk", "1", attrs={"id": "id_wijk"}, renderer=PortalFormRenderer())
    assert ours == widget.render("wijk", "1", attrs={"id": "id_wijk"}, renderer=DjangoTemplates())
    assert 'type="radio"' in ours and "Drunen" in ours
