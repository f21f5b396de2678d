"""The resident's own pages from the cache (config/cached_pages.py): "my dreams" and a dream's
page are read once, shown again without PostgreSQL until anything is written, never to
anyone else, and every form on them carries the reader's own token.

The cache here is the test's own in-memory cache (tests/conftest.py); the data version is
raised by every write, as in production (tests/initiatives/test_data_version.py).
"""

import re

import pytest
from django.test import Client

from config.cached_pages import NONCE_SLOT, TOKEN_SLOT
from initiatives import services
from initiatives.models import TimelineEvent
from tests.factories import DreamFactory
from tests.page_looks import look, signed_in

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


def _reads_dreams(sqls: list[str]) -> bool:
    return any("initiatives_dream" in sql for sql in sqls)


def _page(dream) -> str:
    return f"/mijn-dromen/{dream.pk}/"


def test_a_second_look_at_a_dream_reads_no_dream(dream, resident):
    client = signed_in(resident)
    _first, first_sqls = look(client, _page(dream))
    second, second_sqls = look(client, _page(dream))
    assert _reads_dreams(first_sqls)
    assert not _reads_dreams(second_sqls), second_sqls
    assert f"<title>{dream.title}" in second
    assert dream.story in second


def test_a_message_sent_with_a_cached_page_s_token_arrives(dream, resident):
    other_device = signed_in(resident)
    phone = signed_in(resident, enforce_csrf_checks=True)  # signing in writes: before the looks
    look(other_device, _page(dream))  # fills the cache
    page, sqls = look(phone, _page(dream))
    assert not _reads_dreams(sqls)
    assert TOKEN_SLOT not in page
    tokens = TOKEN.findall(page)
    assert tokens
    response = phone.post(
        f"{_page(dream)}bericht/",
        {"body": "Mag het bankje ook groen zijn?", "csrfmiddlewaretoken": tokens[0]},
    )
    assert response.status_code == 302
    assert TimelineEvent.objects.filter(dream=dream, body="Mag het bankje ook groen zijn?").exists()


def test_someone_else_never_gets_the_cached_page(dream, resident, other_resident):
    mine, theirs = signed_in(resident), signed_in(other_resident)
    look(mine, _page(dream))
    page, _ = look(theirs, _page(dream), status=404)
    assert dream.story not in page


def test_news_from_the_mogelijkmaker_shows_at_the_nextlook(dream, resident, mogelijkmaker):
    client = signed_in(resident)
    look(client, _page(dream))
    services.dream_pick_up(dream=dream, by=mogelijkmaker)
    page, sqls = look(client, _page(dream))
    assert _reads_dreams(sqls)
    assert mogelijkmaker.get_full_name() in page


def test_my_dreams_shows_a_new_dream_at_the_nextlook(dream, resident, neighbourhood, theme):
    client = signed_in(resident)
    look(client, "/mijn-dromen/")
    page, sqls = look(client, "/mijn-dromen/")
    assert not _reads_dreams(sqls)
    assert dream.title in page
    DreamFactory(resident=resident, title="Een moestuin", neighbourhood=neighbourhood, theme=theme)
    page, sqls = look(client, "/mijn-dromen/")
    assert _reads_dreams(sqls)
    assert "Een moestuin" in page


def test_my_dreams_are_each_resident_s_own(dream, resident, other_resident):
    mine, theirs = signed_in(resident), signed_in(other_resident)
    look(mine, "/mijn-dromen/")
    page, _ = look(theirs, "/mijn-dromen/")
    assert dream.title not in page


# The whole page from the cache (cached_page): the menu, the language switch and the footer
# too, with this request's form token and CSP nonce filled in.

NONCE = re.compile(r'"inlineStyleNonce": "([^"]*)"')
HEADER_TOKEN = re.compile(r'"X-CSRFToken": "([^"]*)"')


def test_a_second_look_renders_no_template(dream, resident):
    client = signed_in(resident)
    first = client.get(_page(dream))
    second = client.get(_page(dream))
    assert first.templates and not second.templates
    assert "Uitloggen" in second.content.decode()  # the page around the part is there


def test_the_nonce_is_this_request_s_own(dream, resident):
    client = signed_in(resident)
    client.get(_page(dream))
    response = client.get(_page(dream))
    (nonce,) = NONCE.findall(response.content.decode())
    assert nonce and nonce != NONCE_SLOT
    assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
    assert NONCE.findall(client.get(_page(dream)).content.decode()) != [nonce]


def test_the_htmx_header_s_token_is_accepted(dream, resident):
    other_device = signed_in(resident)
    phone = signed_in(resident, enforce_csrf_checks=True)
    look(other_device, _page(dream))
    page, _ = look(phone, _page(dream))
    (token,) = HEADER_TOKEN.findall(page)
    body = {"body": "Kan het voor de zomer?"}
    response = phone.post(f"{_page(dream)}bericht/", body, headers={"X-CSRFToken": token})
    assert response.status_code == 302
    assert TimelineEvent.objects.filter(dream=dream, body="Kan het voor de zomer?").exists()


def test_a_message_to_show_is_shown_once(dream, resident):
    client = signed_in(resident)
    look(client, _page(dream))
    client.post(f"{_page(dream)}bericht/", {"body": "Wanneer hoor ik meer?"})
    shown, _ = look(client, _page(dream))  # after the redirect
    assert "Je bericht staat bij je droom" in shown
    again, _ = look(client, _page(dream))
    assert "Wanneer hoor ik meer?" in again
    assert "Je bericht staat bij je droom" not in again


def test_the_page_is_in_the_reader_s_language_and_comes_back_to_its_address(dream, resident):
    client = signed_in(resident)
    look(client, _page(dream) + "?van=mail")
    client.post("/i18n/setlang/", {"language": "en", "next": _page(dream)})
    page, _ = look(client, _page(dream))
    assert "Sign out" in page and "Uitloggen" not in page
    assert f'name="next" value="{_page(dream)}"' in page
    page, _ = look(client, _page(dream) + "?van=mail")  # written for it, never kept
    assert f'name="next" value="{_page(dream)}?van=mail"' in page


def test_an_address_with_something_appended_is_never_kept():
    """Whatever someone appends to an address would otherwise fill the cache at will."""
    client = Client()
    look(client, "/")
    assert look(client, "/")[1] == []
    for _ in range(2):
        assert look(client, "/?x=1")[1] != []  # written for each request


def test_slot_text_a_resident_typed_stays_text(resident, neighbourhood, theme):
    typed = f'nonce="{NONCE_SLOT}" "X-CSRFToken": "{TOKEN_SLOT}"'
    dream = DreamFactory(resident=resident, story=typed, neighbourhood=neighbourhood, theme=theme)
    client = signed_in(resident)
    look(client, _page(dream))
    response = client.get(_page(dream))
    page = response.content.decode()
    escaped = f"nonce=&quot;{NONCE_SLOT}&quot; &quot;X-CSRFToken&quot;: &quot;{TOKEN_SLOT}&quot;"
    assert escaped in page
    (nonce,) = NONCE.findall(page)
    assert nonce != NONCE_SLOT and f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]


def test_the_home_page_is_kept_for_visitors_and_each_resident_apart(resident):
    first, second = Client(), Client()
    look(first, "/")
    page, sqls = look(second, "/")
    assert sqls == []  # from the cache, without a query
    assert "Inloggen" in page and "Uitloggen" not in page
    assert TOKEN.findall(page) and TOKEN_SLOT not in page and NONCE_SLOT not in page
    page, _ = look(signed_in(resident), "/")
    assert "Uitloggen" in page and "Inloggen" not in page
