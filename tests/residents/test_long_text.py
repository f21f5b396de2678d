"""A long paste is not cut by the browser: no maxlength; the server says what is too long."""

import pytest
from django.utils.html import escape

from initiatives.models import Dream
from tests.residents.test_views import _dream_post

pytestmark = pytest.mark.django_db

TITLE = "Een bankje bij de vijver, " * 192 + "en meer."  # 5,000 characters


def test_the_form_has_no_maxlength_and_keeps_a_too_long_title(
    client, resident, neighbourhood, theme
):
    client.force_login(resident)
    empty = client.get("/dromen/nieuw/").content.decode()
    assert "maxlength" not in empty

    response = client.post("/dromen/nieuw/", {**_dream_post(neighbourhood, theme), "title": TITLE})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Gebruik maximaal 120 tekens (je hebt er 5000 gebruikt)." in content
    assert f'value="{escape(TITLE)}"' in content  # all of it, to shorten
    assert not Dream.objects.exists()
