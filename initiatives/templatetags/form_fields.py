"""One form field in NL Design System markup, written in Python: label, help, the error right
beside the field (templates/includes/field.html), and a radio group as a fieldset
(templates/includes/radio_field.html).

As template nodes a field cost about 0.3 ms of Python (its label, help, errors and ids are
each looked up through the template engine), and the dream workspace shows 26 of them
(issue 15). The ids match what Django puts in aria-describedby: <id>_helptext and <id>_error.
The markup is what the templates wrote before (tests/config/test_form_fields.py compares
them with tests/config/reference/).
"""

from django import template
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from config.escaping import escaped
from config.form_renderer import bound_select_html

register = template.Library()


def _text(value) -> str:
    """What {{ value }} writes: localised (numbers), then escaped unless marked safe."""
    return escaped(localize(value))


def _errors(field, errors) -> str:
    messages = "".join(f'<p class="portal-error">{_text(error)}</p>' for error in errors)
    return (
        f'\n  <div class="utrecht-form-field-error-message" id="{_text(field.auto_id)}_error">'
        f"{messages}</div>"
    )


@register.filter
def form_field(field) -> SafeString:
    """Return the bound FIELD with its label, help text and errors."""
    checkbox = field.widget_type == "checkbox"
    errors = field.errors
    classes = "utrecht-form-field"
    if checkbox:
        classes += " utrecht-form-field--checkbox"
    if errors:
        classes += " utrecht-form-field--invalid"
    html = bound_select_html(field)  # a plain select without building its option dicts
    widget = f'\n  <div class="utrecht-form-field__input">{field if html is None else html}</div>'
    label_for, label = _text(field.id_for_label), _text(field.label)
    parts = [f'<div class="{classes}">']
    if checkbox:
        parts.append(widget)
        parts.append(
            '\n  <div class="utrecht-form-field__label utrecht-form-field__label--checkbox">'
            '<label class="utrecht-form-label utrecht-form-label--checkbox" '
            f'for="{label_for}">{label}</label></div>'
        )
    else:
        required = ""
        if field.field.required:
            word = _text(gettext("required"))  # not in the f-string: makemessages
            required = f' <span class="portal-required">({word})</span>'
        parts.append(
            '\n  <div class="utrecht-form-field__label"><label class="utrecht-form-label" '
            f'for="{label_for}">{label}{required}</label></div>'
        )
    if field.help_text:
        parts.append(
            f'\n  <div class="utrecht-form-field-description" id="{_text(field.auto_id)}_helptext">'
            f"{_text(field.help_text)}</div>"
        )
    if errors:
        parts.append(_errors(field, errors))
    if not checkbox:
        parts.append(widget)
    parts.append("\n</div>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or a widget


@register.filter
def radio_field(field, legend="") -> SafeString:
    """Return the bound radio FIELD as a fieldset, its LEGEND (else its label) first."""
    errors = field.errors
    invalid = described = ""
    if errors:
        invalid = " utrecht-form-fieldset--invalid"
        described = f' aria-describedby="{_text(field.auto_id)}_error"'
    parts = [
        '<fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset '
        f'portal-radio-group{invalid}"{described}>',
        '\n  <legend class="utrecht-form-fieldset__legend utrecht-form-label">'
        f"{_text(legend or field.label)}</legend>",
    ]
    if errors:
        parts.append(_errors(field, errors))
    for radio in field:
        data = radio.data
        name, value = _text(data["name"]), _text(data["value"])
        radio_id = _text(radio.id_for_label)
        checked = " checked" if data["selected"] else ""
        parts.append(
            '\n  <div class="utrecht-form-field utrecht-form-field--radio">'
            f'\n    <input type="radio" name="{name}" value="{value}" '
            f'id="{radio_id}" class="utrecht-radio-button utrecht-radio-button--html-input"'
            f"{checked}>"
            '\n    <label class="utrecht-form-label utrecht-form-label--radio" '
            f'for="{radio_id}">{_text(radio.choice_label)}</label>\n  </div>'
        )
    parts.append("\n</fieldset>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
