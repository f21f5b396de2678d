"""The form renderer: the simplest widgets written in Python, every other template as Django's.

A text box, a text area or a checkbox is one line of HTML, but through the template engine
it is three templates (text.html includes input.html includes attrs.html) and a loop over its
attributes: about 0.2-0.4 ms a widget. The dream workspace shows some 26 of them, so those
templates alone were a fifth of its Python time (issue 15). WIDGETS below write exactly what
Django's own templates write (tests/config/test_form_renderer.py compares them for every
widget named here); any other template, and a project override of one (templates/django/
forms/), still goes through the template engine: remove a name from WIDGETS to override it.
The select is the exception: it writes what the project's own select.html writes (its options
through initiatives/templatetags/select_options.py), compared in tests/config/test_field_html.py.
"""

from functools import lru_cache

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.html import escape
from django.utils.safestring import SafeData

from config.escaping import escaped
from initiatives.templatetags.select_options import select_options


def _s(value) -> str:
    """What {{ value|stringformat:'s' }} writes: %s-formatted, escaped unless marked safe."""
    if type(value) is str:
        return escaped(value)  # the same, without escape()'s check for lazy strings
    if isinstance(value, SafeData):
        return str(value)
    return escape("%s" % value)  # noqa: UP031 - the same formatting as stringformat:'s'


def attrs_html(attrs: dict) -> str:
    """What django/forms/widgets/attrs.html writes for ATTRS."""
    return "".join(
        f" {escaped(name)}" + ("" if value is True else f'="{_s(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def input_html(widget: dict) -> str:
    """What django/forms/widgets/input.html writes (text, email, number, date, checkbox…)."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_s(value)}"'
    return (
        f'<input type="{escaped(widget["type"])}" '
        f'name="{escaped(widget["name"])}"{shown}{attrs_html(widget["attrs"])}>'
    )


def textarea_html(widget: dict) -> str:
    """What django/forms/widgets/textarea.html writes."""
    value = widget["value"]
    text = escaped(value) if value else ""
    return (
        f'<textarea name="{escaped(widget["name"])}"{attrs_html(widget["attrs"])}>\n'
        f"{text}</textarea>"
    )


def select_html(widget: dict) -> str:
    """What the project's templates/django/forms/widgets/select.html writes (its options
    through select_options, as that template does)."""
    return (
        f'<select name="{escaped(widget["name"])}"{attrs_html(widget["attrs"])}>'
        f"{select_options(widget['optgroups'])}\n</select>"
    )


_INPUT_TEMPLATES = (
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "hidden",
    "input",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
)
WIDGETS = {f"django/forms/widgets/{name}.html": input_html for name in _INPUT_TEMPLATES}
WIDGETS["django/forms/widgets/textarea.html"] = textarea_html
WIDGETS["django/forms/widgets/select.html"] = select_html


class PortalFormRenderer(TemplatesSetting):
    """TemplatesSetting (the project's templates first), with the widgets of WIDGETS in Python."""

    def render(self, template_name, context, request=None):
        write = WIDGETS.get(template_name)
        if write is None:
            return super().render(template_name, context, request=request)
        return write(context["widget"])  # BaseRenderer strips; these have nothing to strip


_SELECT_TEMPLATE = "django/forms/widgets/select.html"


def bound_select_html(field) -> str | None:
    """Return the select of the bound FIELD as str(field) writes it through select_html, or
    None when it is not a plain select rendered here (then str(field) it is).

    str(field) first turns every option into a dict of nine entries (ChoiceWidget.optgroups)
    that select_html then reads three of; the staff list's forms have about 200 options
    (issue 15). Here the options are written straight from the choices, with Django's own
    attributes (BoundField.build_widget_attrs, Widget.build_attrs) and its rule for which
    option is selected. tests/config/test_bound_select.py compares the two.
    """
    widget = field.field.widget
    if (
        type(widget) not in (forms.Select, forms.SelectMultiple)
        or widget.template_name != _SELECT_TEMPLATE
        or WIDGETS.get(_SELECT_TEMPLATE) is not select_html
        or not isinstance(field.form.renderer, PortalFormRenderer)
    ):
        return None
    # What BoundField.as_widget and Widget.get_context do with the attributes.
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    attrs = widget.build_attrs(widget.attrs, attrs)
    multiple = widget.allow_multiple_selected
    if multiple:
        attrs["multiple"] = True
    chosen = widget.format_value(field.value())
    # What ChoiceWidget.optgroups and select_options do with the options.
    options = []
    has_selected = False
    for value, label in widget.choices:
        if isinstance(label, (list, tuple)):
            return None  # option groups: Django's way
        value = "" if value is None else str(value)
        selected = (not has_selected or multiple) and value in chosen
        has_selected |= selected
        if type(value) is str and type(label) is str:
            start, end = _option_parts(value, label)
        else:  # a lazy translation or a safe string: escaped() decides, every time
            start, end = f'\n  <option value="{escaped(value)}"', f">{escaped(label)}</option>"
        options.append(f"{start} selected{end}" if selected else f"{start}{end}")
    return (
        f'<select name="{escaped(field.html_name)}"{attrs_html(attrs)}>'
        f"{''.join(options)}\n</select>"
    )


@lru_cache(maxsize=4096)
def _option_parts(value: str, label: str) -> tuple[str, str]:
    """Return an option's HTML before and after where " selected" goes, for plain str VALUE
    and LABEL (never a SafeString: one equals its plain text as a key, but is not escaped).

    The list's selects write the same ~140 options (places, themes, MogelijkMakers) on every
    page; escaping each value and label again was about half of their Python (issue 15).
    """
    return f'\n  <option value="{escaped(value)}"', f">{escaped(label)}</option>"
