"""Form fields written in Python: the same HTML as templates/includes/field.html and Django's
widget templates, without the template engine.

The staff dream list shows a filter form of ten fields and a hand-over form; through the
templates each field costs an include, a widget template, its attrs template and a dozen
nodes: together about a third of the page's Python time (issue 15). Forms opt in with
`default_renderer = PythonWidgetRenderer()` for their widgets, and pages write a field with
`{% field_html form.q %}` (initiatives/templatetags/form_fields.py) instead of the include.
tests/config/test_field_html.py renders every field both ways and compares.
"""

from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from initiatives.templatetags.select_options import select_options


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    kind, name = conditional_escape(widget["type"]), conditional_escape(widget["name"])
    return f'<input type="{kind}" name="{name}"{shown}{_attrs(widget["attrs"])}>'


def _select(widget: dict) -> str:
    """templates/django/forms/widgets/select.html (the project's, with select_options)."""
    options = select_options(widget["optgroups"])
    name = conditional_escape(widget["name"])
    return f'<select name="{name}"{_attrs(widget["attrs"])}>{options}\n</select>'


def _textarea(widget: dict) -> str:
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    name = conditional_escape(widget["name"])
    return f'<textarea name="{name}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


WRITERS = {
    "django/forms/widgets/text.html": _input,
    "django/forms/widgets/search.html": _input,
    "django/forms/widgets/email.html": _input,
    "django/forms/widgets/number.html": _input,
    "django/forms/widgets/date.html": _input,
    "django/forms/widgets/hidden.html": _input,
    "django/forms/widgets/checkbox.html": _input,
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/textarea.html": _textarea,
}


class PythonWidgetRenderer(TemplatesSetting):
    """The project's renderer, writing the common widgets in Python; others through templates."""

    def render(self, template_name, context, request=None):
        write = WRITERS.get(template_name)
        if write is None or "widget" not in context:
            return super().render(template_name, context, request)
        return mark_safe(write(context["widget"]))  # noqa: S308 - every value is escaped


def field_html(field) -> SafeString:
    """templates/includes/field.html for the bound FIELD: label, help, errors beside it."""
    checkbox = field.widget_type == "checkbox"
    classes = "utrecht-form-field"
    if checkbox:
        classes += " utrecht-form-field--checkbox"
    if field.errors:
        classes += " utrecht-form-field--invalid"
    label = conditional_escape(field.label)
    target = conditional_escape(field.id_for_label)
    widget = str(field)
    parts = [f'<div class="{classes}">']
    if checkbox:
        parts.append(f'<div class="utrecht-form-field__input">{widget}</div>')
        parts.append(
            '<div class="utrecht-form-field__label utrecht-form-field__label--checkbox">\n'
            f'<label class="utrecht-form-label utrecht-form-label--checkbox" for="{target}">'
            f"{label}</label>\n</div>"
        )
    else:
        required = ""
        if field.field.required:
            required = f' <span class="portal-required">({gettext("required")})</span>'
        parts.append(
            '<div class="utrecht-form-field__label">\n'
            f'<label class="utrecht-form-label" for="{target}">{label}{required}</label>\n</div>'
        )
    if field.help_text:
        parts.append(
            f'<div class="utrecht-form-field-description" id="{field.auto_id}_helptext">'
            f"{conditional_escape(field.help_text)}</div>"
        )
    if field.errors:
        errors = "".join(
            f'<p class="portal-error">{conditional_escape(e)}</p>' for e in field.errors
        )
        parts.append(
            f'<div class="utrecht-form-field-error-message" id="{field.auto_id}_error">\n'
            f"{errors}\n</div>"
        )
    if not checkbox:
        parts.append(f'<div class="utrecht-form-field__input">{widget}</div>')
    parts.append("</div>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every value above is escaped
