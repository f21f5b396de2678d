"""The workspace's contact moments written in Python are the HTML the template loop wrote."""

import re
from datetime import date

import pytest
from django.template import engines
from django.utils import translation

from initiatives import selectors
from initiatives.models import ContactMoment
from staff.contact_moments import contact_moments_html
from tests.factories import DreamFactory
from tests.staff.conftest import make_staff

pytestmark = pytest.mark.django_db

# The loop of staff/templates/staff/dream_workspace.html before staff/contact_moments.py.
TEMPLATE_LOOP = (
    "{% load dates %}"
    "{% for moment in dream.contact_moments.all %}<li><strong>{{ moment.get_kind_display }}"
    "</strong>, {{ moment.date|day }} ({{ moment.by.get_full_name }}): {{ moment.summary }}</li>"
    "{% endfor %}"
)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_moments_are_the_html_of_the_template(language):
    dream = DreamFactory()
    people = [
        make_staff("MogelijkMaker", full_name="<script>alert('naam')</script>"),
        make_staff("MogelijkMaker", full_name=""),  # no name: "Medewerker van de gemeente"
    ]
    for n, kind in enumerate([*ContactMoment.Kind.values, "old_kind"]):
        ContactMoment.objects.create(
            dream=dream,
            kind=kind,
            date=date(2026, 1 + 3 * n, 9 + n),
            summary=f'<script>alert({n})</script> & "meer"\nregel',
            by=people[n % 2],
        )
    read = selectors.dream_for_staff(pk=dream.pk)  # as the workspace reads them
    with translation.override(language):
        theirs = engines["django"].from_string(TEMPLATE_LOOP).render({"dream": read})
        ours = contact_moments_html(read.contact_moments.all())
    assert ours == theirs
    assert len(re.findall("<li>", ours)) == 4
    assert "<script>" not in ours
    assert "&lt;script&gt;alert(&#x27;naam&#x27;)&lt;/script&gt;" in ours
    assert {"nl": "Telefoongesprek", "en": "Phone call"}[language] in ours
    assert "old_kind" in ours
