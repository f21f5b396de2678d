"""Our select template writes what Django's own select.html and select_option.html write (less
their empty lines), for every kind of option: groups, chosen ones, attributes, escaping."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting

CHOICES = [
    ("", "Kies…"),
    ("a", "Drunen & Vlijmen"),
    ("Wijken", [("1", "Noord <oost>"), ("2", 'Zuid "west"')]),
    (3, "Dorp 3"),
]


def _lines(html: str) -> str:
    """HTML without its empty lines: Django's select_option.html, included once per option,
    leaves one after each; they show nowhere."""
    return "\n".join(line for line in html.splitlines() if line.strip())


def _both(widget, name, value) -> tuple[str, str]:
    ours = widget.render(name, value, renderer=TemplatesSetting())
    django_s = widget.render(name, value, renderer=DjangoTemplates())
    return ours, _lines(django_s)


@pytest.mark.parametrize(
    "widget, value",
    [
        (forms.Select(choices=CHOICES), "a"),
        (forms.Select(choices=CHOICES, attrs={"class": "x", "aria-describedby": "h"}), "2"),
        (forms.Select(choices=CHOICES), None),
        (forms.SelectMultiple(choices=CHOICES), ["1", "2"]),
        (forms.NullBooleanSelect(), True),
        (forms.Select(choices=[("<b>", "<i>label</i>")]), "<b>"),
    ],
)
def test_the_same_html_as_django(widget, value):
    ours, django_s = _both(widget, "veld", value)
    assert ours == django_s


def test_a_model_choice_field_renders_the_same(db, neighbourhood):
    from initiatives.models import Neighbourhood

    field = forms.ModelChoiceField(queryset=Neighbourhood.objects.all())
    ours, django_s = _both(field.widget, "wijk", neighbourhood.pk)
    assert ours == django_s
    assert "selected" in ours
