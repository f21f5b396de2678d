"""The options of a select, written in Python: the same HTML as Django's select_option.html.

The staff dream list renders about 160 options in its filter and hand-over forms; through the
template engine each costs some five variable and tag nodes, in all about half of the page's
Python time (issue 15). templates/django/forms/widgets/select.html calls this filter instead.
"""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def select_options(optgroups) -> str:
    """Return the <optgroup> and <option> tags of a select widget's OPTGROUPS."""
    parts = []
    for group_name, group_choices, _index in optgroups:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            attrs = "".join(
                f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"'
                for name, value in option["attrs"].items()
                if value is not False
            )
            value = conditional_escape(str(option["value"]))
            label = conditional_escape(option["label"])
            parts.append(f'\n  <option value="{value}"{attrs}>{label}</option>')
        if group_name:
            parts.append("\n  </optgroup>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
