"""config.escaping.escaped writes what Django's conditional_escape writes, for every kind."""

from decimal import Decimal

import pytest
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from config.escaping import escaped

VALUES = [
    '<script>alert("x")</script>',
    "Tom & Jerry's <b>",
    "",
    "gewoon",
    mark_safe("<b>al veilig</b>"),
    gettext_lazy("Status"),
    mark_safe(gettext_lazy("Status")),  # noqa: S308 - a test value
    12,
    Decimal("2.50"),
    None,
    True,
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_the_same_as_conditional_escape(value):
    assert escaped(value) == str(conditional_escape(value))


def test_plain_text_is_escaped():
    assert escaped('<a href="x">') == "&lt;a href=&quot;x&quot;&gt;"
