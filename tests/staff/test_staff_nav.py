"""The staff menu written in Python is the HTML the seven template lines wrote (kept here)."""

import re
from pathlib import Path

import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import resolve
from django.utils import translation

from staff.permissions import ACCESS

# The lines of staff/templates/staff/base_staff.html before the menu was written in Python.
TEMPLATE_LINES = (Path(__file__).parent / "staff_nav_template_lines.html").read_text()
OURS = "{% load staff_nav %}{% staff_nav %}"


def _same_markup(html: str) -> str:
    return re.sub(r"\s+", " ", html.strip())


def _render(source: str, request, staff_can: dict) -> str:
    return engines["django"].from_string(source).render({"staff_can": staff_can}, request)


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    "path", ["/medewerkers/", "/medewerkers/nieuwe-dromen/", "/medewerkers/dromen/", "/"]
)
@pytest.mark.parametrize("areas", ["all", "none", "some"])
def test_the_menu_is_the_html_of_the_template(path, areas, language):
    request = RequestFactory().get(path)
    request.resolver_match = resolve(path)
    staff_can = {
        "all": dict.fromkeys(ACCESS, True),
        "none": dict.fromkeys(ACCESS, False),
        "some": {area: area in {"triage", "reports", "decisions"} for area in ACCESS},
    }[areas]
    with translation.override(language):
        theirs = _render(TEMPLATE_LINES, request, staff_can)
        ours = _render(OURS, request, staff_can)
    assert _same_markup(ours) == _same_markup(theirs)
    if areas == "all" and path != "/":
        assert ours.count('aria-current="page"') == 1
