"""The options of a select, written in Python: the same HTML as Django's select_option.html.

The staff dream list renders about 160 options in its filter and hand-over forms; through the
template engine each costs some five variable and tag nodes, in all about half of the page's
Python time (issue 15). templates/django/forms/widgets/select.html calls this filter instead.
"""

from django import template
from django.utils.safestring import mark_safe

from config.escaping import escaped

register = template.Library()


@register.filter
def select_options(optgroups) -> str:
    """Return the <optgroup> and <option> tags of a select widget's OPTGROUPS."""
    parts = []
    for group_name, group_choices, _index in optgroups:
        if group_name:
            parts.append(f'\n  <optgroup label="{escaped(group_name)}">')
        for option in group_choices:
            attrs = option["attrs"]
            if attrs:
                attrs = "".join(
                    f" {name}" if value is True else f' {name}="{escaped(str(value))}"'
                    for name, value in attrs.items()
                    if value is not False
                )
            else:  # most options: no attribute at all
                attrs = ""
            value = escaped(str(option["value"]))
            label = escaped(option["label"])
            parts.append(f'\n  <option value="{value}"{attrs}>{label}</option>')
        if group_name:
            parts.append("\n  </optgroup>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
