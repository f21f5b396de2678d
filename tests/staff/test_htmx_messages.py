"""After an htmx action in the workspace, its message replaces the earlier ones: never stacked."""

import re

import pytest

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _top_messages(content: str) -> str:
    """Return the page's own message area (outside the workspace), '' when absent."""
    match = re.search(r'<div id="page-messages"[^>]*>(.*?)</div>\s*<', content, re.S)
    return match.group(1) if match else ""


def _pick_up(client, dream) -> str:
    """Pick DREAM up without JavaScript; its message waits for the next full page."""
    response = client.post(f"/medewerkers/dromen/{dream.pk}/oppakken/")
    assert response.status_code == 302
    return response["Location"]


def test_a_full_page_has_one_message_area_that_htmx_can_replace(client, enabler, dream):
    client.force_login(enabler)
    page = client.get(_pick_up(client, dream)).content.decode()
    assert page.count('id="page-messages"') == 1
    assert f"Je hebt “{dream.title}” opgepakt." in _top_messages(page)


def test_an_htmx_answer_clears_the_earlier_message_out_of_band(client, enabler, dream):
    client.force_login(enabler)
    url = _pick_up(client, dream)
    # The pick-up's message is shown at the top of the full page...
    assert "opgepakt" in _top_messages(client.get(url).content.decode())
    # ... then two htmx actions: each answer carries its own message once, in the workspace,
    # and empties the page's message area, so the earlier message cannot stay above it.
    first = client.post(url + "notitie/", {"note-body": "Eerste notitie."}, headers=HTMX)
    second = client.post(url + "notitie/", {"note-body": "Tweede notitie."}, headers=HTMX)
    for response in (first, second):
        content = response.content.decode()
        assert content.count("Je interne notitie is opgeslagen.") == 1
        assert re.search(r'<div id="page-messages" hx-swap-oob="true">\s*</div>', content)
        # the out-of-band element is a top-level sibling of the workspace, as htmx wants it
        assert content.strip().startswith('<div id="workspace"')
        assert content.strip().endswith('<div id="page-messages" hx-swap-oob="true"></div>')


def test_a_refused_htmx_action_also_clears_the_earlier_message(client, enabler, dream):
    client.force_login(enabler)
    url = _pick_up(client, dream)
    client.get(url)
    response = client.post(url + "bericht/", {"message-body": ""}, headers=HTMX)
    content = response.content.decode()
    assert 'id="page-messages" hx-swap-oob="true"' in content
