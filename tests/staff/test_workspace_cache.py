"""The dream workspace from the cache (config/cached_pages.py): a second look reads no dream,
every form on it carries the reader's own token, and a change shows at the next look.

The cache here is the test's own in-memory cache (tests/conftest.py); the data version is
raised by every write, as in production (tests/initiatives/test_data_version.py).
"""

import re

import pytest

from config.cached_pages import TOKEN_SLOT
from initiatives import services
from initiatives.models import TimelineEvent
from tests.page_looks import look, signed_in
from tests.staff.test_views import _workspace

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
# What is new on every page: the form tokens (masked anew) and the scripts' nonce.
PER_REQUEST = re.compile(
    r'csrfmiddlewaretoken" value="[^"]*"|nonce="[^"]*"|(Nonce|Token)": "[^"]*"'
)


def _reads_the_dream(sqls: list[str]) -> bool:
    return any("initiatives_dream" in sql and "audit" not in sql for sql in sqls)


def test_the_second_look_reads_no_dream_and_shows_the_same(in_conversation, enabler):
    client = signed_in(enabler)
    first, first_sqls = look(client, _workspace(in_conversation))
    second, second_sqls = look(client, _workspace(in_conversation))
    assert _reads_the_dream(first_sqls)
    assert not _reads_the_dream(second_sqls), second_sqls
    assert len(second_sqls) < len(first_sqls)
    assert PER_REQUEST.sub("", first) == PER_REQUEST.sub("", second)
    assert f"<title>{in_conversation.title}" in second


def test_every_form_of_a_cached_page_works_with_its_own_token(in_conversation, enabler):
    """A page from the cache, made for another session of the same person, carries this
    session's token in every form: a note posted with it is accepted."""
    other_device = signed_in(enabler)
    browser = signed_in(enabler, enforce_csrf_checks=True)  # signing in writes: before the look
    look(other_device, _workspace(in_conversation))  # fills the cache
    page, sqls = look(browser, _workspace(in_conversation))
    assert not _reads_the_dream(sqls)  # from the cache
    tokens = TOKEN.findall(page)
    assert len(tokens) >= 8  # the note, the message, the contact moment, the practices ...
    assert TOKEN_SLOT not in page
    response = browser.post(
        f"{_workspace(in_conversation)}notitie/",
        {"note-body": "Gebeld met de buurvrouw.", "csrfmiddlewaretoken": tokens[-1]},
    )
    assert response.status_code == 302
    assert TimelineEvent.objects.filter(
        dream=in_conversation, body="Gebeld met de buurvrouw."
    ).exists()


def test_a_change_shows_at_the_next_look_whoever_made_it(in_conversation, enabler, second_enabler):
    mine, theirs = signed_in(enabler), signed_in(second_enabler)
    look(mine, _workspace(in_conversation))
    look(theirs, _workspace(in_conversation))
    services.dream_add_note(dream=in_conversation, by=second_enabler, body="Offerte gevraagd.")
    page, sqls = look(mine, _workspace(in_conversation))
    assert _reads_the_dream(sqls)
    assert "Offerte gevraagd." in page


def test_each_reader_gets_their_own_workspace(in_conversation, enabler, second_enabler):
    """The contact person's forms are usable; a colleague's look right after (nothing written
    in between) shows them shown, not usable: the reader is part of what is cached."""
    mine, theirs = signed_in(enabler), signed_in(second_enabler)
    contact, _ = look(mine, _workspace(in_conversation))
    colleague, sqls = look(theirs, _workspace(in_conversation))
    assert _reads_the_dream(sqls)  # not the contact's page
    assert 'aria-describedby="one-face"' not in contact
    assert 'disabled aria-describedby="one-face"' in colleague


def test_text_that_looks_like_the_slot_stays_text(in_conversation, enabler):
    """A resident who types the slot's attribute gets it shown as text, never a token. (A page
    with the slot's text outside its places is not kept: written for each look.)"""
    typed = f'name="csrfmiddlewaretoken" value="{TOKEN_SLOT}"'
    in_conversation.story = typed
    in_conversation.save(update_fields=["story"])
    client = signed_in(enabler)
    look(client, _workspace(in_conversation))
    page, sqls = look(client, _workspace(in_conversation))
    assert _reads_the_dream(sqls)
    assert f"name=&quot;csrfmiddlewaretoken&quot; value=&quot;{TOKEN_SLOT}&quot;" in page
    assert 'name="csrfmiddlewaretoken" value="form-token-slot"' not in page


def test_without_the_cache_every_look_reads_the_dream(in_conversation, enabler, settings):
    settings.DATA_CACHE_SECONDS = 0
    client = signed_in(enabler)
    look(client, _workspace(in_conversation))
    page, sqls = look(client, _workspace(in_conversation))
    assert _reads_the_dream(sqls)
    assert TOKEN_SLOT not in page


def test_a_message_after_a_form_shows_once(in_conversation, enabler):
    """A page with messages to show is written for its request, not read from the cache."""
    client = signed_in(enabler)
    look(client, _workspace(in_conversation))
    client.post(f"{_workspace(in_conversation)}notitie/", {"note-body": "Buurman gesproken."})
    shown, _ = look(client, _workspace(in_conversation))
    assert "Je interne notitie is opgeslagen." in shown
    again, _ = look(client, _workspace(in_conversation))
    assert "Buurman gesproken." in again and "Je interne notitie is opgeslagen." not in again
    assert not _reads_the_dream(look(client, _workspace(in_conversation))[1])  # kept again


def test_each_reader_gets_their_own_menu(in_conversation, enabler, second_enabler):
    mine, theirs = signed_in(enabler), signed_in(second_enabler)
    look(mine, _workspace(in_conversation))
    page, _ = look(theirs, _workspace(in_conversation))
    assert f"Uitloggen ({second_enabler.get_short_name()})" in page
    assert f"Uitloggen ({enabler.get_short_name()})" not in page


def test_the_whole_timeline_is_kept_apart(in_conversation, enabler):
    client = signed_in(enabler)
    whole = _workspace(in_conversation) + "?geschiedenis=alle"
    look(client, _workspace(in_conversation))
    page, sqls = look(client, whole)
    assert _reads_the_dream(sqls)
    assert 'name="next" value="' + whole in page.replace("&amp;", "&")
    assert not _reads_the_dream(look(client, whole)[1])
