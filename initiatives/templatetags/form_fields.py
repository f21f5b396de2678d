"""{% field_html field %}: a form field as templates/includes/field.html writes it, in Python
(config/field_html.py says why)."""

from django import template

from config.field_html import field_html as write_field

register = template.Library()


@register.simple_tag
def field_html(field):
    return write_field(field)
