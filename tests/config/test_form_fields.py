"""A form field and a radio group written in Python (initiatives/templatetags/form_fields.py)
are the markup the templates wrote before (tests/config/reference/), for every case: checkbox
or not, required, help text, errors, a chosen radio, a legend, escaping."""

import re
from pathlib import Path

import pytest
from django import forms
from django.template import engines
from django.utils import translation

REFERENCE = Path(__file__).parent / "reference"


class Sample(forms.Form):
    title = forms.CharField(label="Titel & <naam>", max_length=10)
    story = forms.CharField(
        label="Je droom", widget=forms.Textarea(attrs={"rows": 3}), help_text="Wat <wil> je?"
    )
    optional = forms.CharField(label="Plek", required=False)
    done = forms.BooleanField(label="Gedaan", required=False)
    agree = forms.BooleanField(label="Ik ga akkoord", help_text="Lees dit eerst")
    amount = forms.DecimalField(label="Bedrag")
    kind = forms.ChoiceField(
        label="Soort",
        choices=[("phone", "Telefoon"), ("visit", "Bezoek <thuis>"), (3, "Drie")],
        widget=forms.RadioSelect,
    )


def _squeeze(html: str) -> str:
    """The markup without the whitespace between tags, which the templates' indentation and
    empty {% if %} lines leave and no browser shows."""
    return re.sub(r">\s+<", "><", html.strip())


def _reference(name: str, **context) -> str:
    template = engines["django"].from_string((REFERENCE / name).read_text())
    return template.render(context)


def _ours(name: str, **context) -> str:
    return engines["django"].get_template(f"includes/{name}").render(context)


FORMS = {
    "empty": lambda: Sample(),
    "initial": lambda: Sample(initial={"title": "Bank", "done": True, "kind": "visit"}),
    "invalid": lambda: Sample(
        data={"title": "veel te lang <script>", "story": "", "kind": "nee", "amount": "x"},
    ),
    "valid": lambda: Sample(
        data={
            "title": "Bank",
            "story": "Een bank\nbij de vijver",
            "agree": "on",
            "amount": "12.5",
            "kind": "3",
        },
        prefix="p",
    ),
}


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("state", FORMS)
@pytest.mark.parametrize("name", ["title", "story", "optional", "done", "agree", "amount"])
def test_a_field_is_written_as_the_template_wrote_it(language, state, name):
    with translation.override(language):
        field = FORMS[state]()[name]
        ours = _ours("field.html", field=field)
        assert _squeeze(ours) == _squeeze(_reference("field.html", field=field))
    assert field.label.split()[0] in ours


@pytest.mark.parametrize("state", FORMS)
@pytest.mark.parametrize("legend", [None, "Hoe <sprak> je elkaar?"])
def test_a_radio_group_is_written_as_the_template_wrote_it(state, legend):
    field = FORMS[state]()["kind"]
    context = {"field": field} if legend is None else {"field": field, "legend": legend}
    ours = _ours("radio_field.html", **context)
    assert _squeeze(ours) == _squeeze(_reference("radio_field.html", **context))
    assert ours.count('type="radio"') == 3


def test_errors_show_beside_the_field():
    form = FORMS["invalid"]()
    html = _ours("field.html", field=form["title"])
    assert "utrecht-form-field--invalid" in html
    assert 'id="id_title_error"' in html
    assert "&lt;" not in html or "<script>" not in html
