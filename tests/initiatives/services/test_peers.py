"""Fetching a peer's stories feed (services.peer_fetch) from a real HTTP server on loopback that
misbehaves on purpose: every kind of failure keeps the stories fetched before and records the
problem in plain words; a good feed replaces the stories, so one withdrawn there is gone here."""

import json
from datetime import date
from decimal import Decimal

import pytest

from initiatives import services
from initiatives.peer_models import PeerInstallation, PeerStory
from tests.stand_in_peer import (
    StandInPeer,
    closed_port_url,
    dripping_answer,
    endless_answer,
    feed,
    json_answer,
    paged_answer,
    redirect_answer,
    slow_answer,
    story,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_limits(settings):
    settings.PEER_FETCH_CONNECT_TIMEOUT_SECONDS = 1
    settings.PEER_FETCH_READ_TIMEOUT_SECONDS = 0.5
    settings.PEER_FETCH_TOTAL_SECONDS = 1
    settings.PEER_FETCH_MAX_BYTES = 64 * 1024
    settings.PEER_FEED_ALLOW_HTTP = False  # production's rule: http on loopback only


@pytest.fixture
def peer_server():
    server = StandInPeer()
    yield server
    server.stop()


@pytest.fixture
def peer(peer_server):
    return PeerInstallation.objects.create(name="Gemeente Vught", feed_url=peer_server.feed_url)


def _titles(peer) -> list[str]:
    return sorted(PeerStory.objects.filter(peer=peer).values_list("title", flat=True))


class TestAGoodFeed:
    def test_its_stories_are_kept_as_sent(self, peer, peer_server):
        peer_server.answer = json_answer(
            feed(
                story(
                    "7", title="Jeu-de-boulesbaan", realised_on="2026-09-12", granted_total="980.50"
                )
            )
        )
        assert services.peer_fetch(peer=peer) is True
        kept = PeerStory.objects.get(peer=peer)
        assert (kept.remote_id, kept.title, kept.village, kept.theme) == (
            "7",
            "Jeu-de-boulesbaan",
            "Cromvoirt",
            "Spelen",
        )
        assert (kept.realised_on, kept.granted_total) == (date(2026, 9, 12), Decimal("980.50"))
        assert kept.url == "https://dromen.vught.example/verhalen/7/"
        peer.refresh_from_db()
        assert peer.last_error == ""
        assert peer.last_success_at == peer.last_fetched_at is not None

    def test_a_story_gone_from_the_feed_is_gone_here(self, peer, peer_server):
        peer_server.answer = json_answer(feed(story("1"), story("2")))
        services.peer_fetch(peer=peer)
        peer_server.answer = json_answer(feed(story("2")))  # consent withdrawn there
        services.peer_fetch(peer=peer)
        assert _titles(peer) == ["Speeltuin De Hoef 2"]

    def test_an_empty_feed_leaves_no_stories(self, peer, peer_server):
        services.peer_fetch(peer=peer)
        peer_server.answer = json_answer(feed())
        assert services.peer_fetch(peer=peer) is True
        assert _titles(peer) == []

    def test_markup_is_kept_as_plain_text_and_control_characters_go(self, peer, peer_server):
        peer_server.answer = json_answer(
            feed(story("1", title="<script>alert(1)</script>Bankje", dreamt="Een\x00 bankje\x07"))
        )
        assert services.peer_fetch(peer=peer) is True
        kept = PeerStory.objects.get(peer=peer)
        assert kept.title == "<script>alert(1)</script>Bankje"  # escaped where it is shown
        assert kept.dreamt == "Een bankje"

    def test_the_next_pages_are_followed(self, peer, peer_server):
        """A feed gives its 50 newest stories per page: older ones are on the next pages."""
        peer_server.answer = paged_answer(
            peer_server.feed_url,
            lambda n: feed(*(story(f"{n}-{i}") for i in range(50))),
            pages=3,
        )
        assert services.peer_fetch(peer=peer) is True
        assert peer_server.requests == 3
        assert PeerStory.objects.filter(peer=peer).count() == 150
        assert PeerStory.objects.filter(peer=peer, remote_id="3-49").exists()

    def test_at_most_the_pages_the_setting_allows(self, peer, peer_server, settings):
        settings.PEER_FETCH_MAX_PAGES = 4
        peer_server.answer = paged_answer(
            peer_server.feed_url, lambda n: feed(story(str(n))), pages=None
        )
        assert services.peer_fetch(peer=peer) is True
        assert peer_server.requests == 4
        assert _titles(peer) == [f"Speeltuin De Hoef {n}" for n in (1, 2, 3, 4)]

    def test_a_story_on_two_pages_is_kept_once(self, peer, peer_server):
        # A story published there while we read moves the others one place down the pages.
        peer_server.answer = paged_answer(
            peer_server.feed_url, lambda n: feed(story("2"), story(str(n + 2))), pages=2
        )
        assert services.peer_fetch(peer=peer) is True
        assert _titles(peer) == [f"Speeltuin De Hoef {n}" for n in (2, 3, 4)]

    @pytest.mark.parametrize(
        "next_page",
        [
            "https://elders.example/api/v1/stories/?page=2",  # another server
            "http://127.0.0.1:1/api/v1/stories/?page=2",  # the same host, another port
            "SELF",  # itself: a loop
        ],
    )
    def test_a_next_page_elsewhere_or_seen_before_is_not_followed(
        self, peer, peer_server, next_page
    ):
        next_page = peer_server.feed_url if next_page == "SELF" else next_page
        peer_server.answer = json_answer(feed(story("1")) | {"next": next_page})
        assert services.peer_fetch(peer=peer) is True
        assert peer_server.requests == 1
        assert _titles(peer) == ["Speeltuin De Hoef 1"]

    def test_a_bad_later_page_refuses_the_whole_fetch(self, peer, peer_server):
        services.peer_fetch(peer=peer)
        peer_server.answer = paged_answer(
            peer_server.feed_url,
            lambda n: feed(story(str(n + 10), granted_total="veel" if n == 2 else "10.00")),
            pages=2,
        )
        assert services.peer_fetch(peer=peer) is False
        peer.refresh_from_db()
        assert "formaat" in peer.last_error
        assert _titles(peer) == ["Speeltuin De Hoef 1"]  # not half of the new feed

    def test_the_byte_limit_is_for_all_pages_together(self, peer, peer_server, settings):
        page_size = len(json.dumps(feed(*(story(f"1-{i}") for i in range(20)))).encode())
        settings.PEER_FETCH_MAX_BYTES = page_size * 2 + page_size // 2  # two and a half pages
        services.peer_fetch(peer=peer)
        peer_server.answer = paged_answer(
            peer_server.feed_url,
            lambda n: feed(*(story(f"{n}-{i}") for i in range(20))),
            pages=3,
        )
        assert services.peer_fetch(peer=peer) is False
        peer.refresh_from_db()
        assert "groter dan" in peer.last_error
        assert _titles(peer) == ["Speeltuin De Hoef 1"]

    def test_the_stories_of_other_peers_stay(self, peer, peer_server):
        other = PeerInstallation.objects.create(
            name="Gemeente Capelle", feed_url=peer_server.feed_url + "?x"
        )
        services.peer_fetch(peer=other)
        peer_server.answer = json_answer(feed(story("2")))
        services.peer_fetch(peer=peer)
        assert _titles(other) == ["Speeltuin De Hoef 1"]


# Each hostile answer, with words the recorded problem must contain.
HOSTILE = {
    "slow beyond the read timeout": (lambda: slow_answer(2, feed(story("9"))), "op tijd"),
    "dripping beyond the deadline": (lambda: dripping_answer(3), "langer dan 1 seconden"),
    "endless body": (lambda: endless_answer, "groter dan 64 kB"),
    "declared too big": (
        lambda: json_answer(b"[]", headers={"Content-Length": str(10**9)}),
        "groter dan 64 kB",
    ),
    "not JSON": (lambda: json_answer(b"<html>Welkom</html>"), "geen geldige JSON"),
    "deeply nested JSON": (lambda: json_answer(b"[" * 30_000 + b"]" * 30_000), "geen geldige JSON"),
    "HTML instead of JSON": (
        lambda: json_answer(b"<html></html>", content_type="text/html; charset=utf-8"),
        "text/html",
    ),
    "wrong schema": (lambda: json_answer({"stories": "alle"}), "formaat"),
    "a title too long": (lambda: json_answer(feed(story("1", title="x" * 121))), "formaat"),
    "an amount that is no amount": (
        lambda: json_answer(feed(story("1", granted_total="veel"))),
        "formaat",
    ),
    "a javascript: address": (
        lambda: json_answer(feed(story("1", url="javascript:alert(document.cookie)"))),
        "geen webpagina",
    ),
    "a data: address for a photo": (
        lambda: json_answer(
            feed(
                story("1", photos=[{"url": "data:text/html,<script>", "alt": "x", "role": "after"}])
            )
        ),
        "geen webpagina",
    ),
    "the same story twice": (lambda: json_answer(feed(story("1"), story("1"))), "meer dan eens"),
    "a redirect to another host": (
        lambda: redirect_answer("https://elders.example/feed.json"),
        "https://elders.example/feed.json",
    ),
    "a server error": (lambda: json_answer(b"{}", status=500), "HTTP 500"),
    "compressed against our wish": (
        lambda: json_answer(b"{}", headers={"Content-Encoding": "gzip"}),
        "ingepakt",
    ),
}


class TestAHostileFeed:
    @pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
    def test_keeps_the_stories_and_records_the_problem(self, peer, peer_server, case):
        services.peer_fetch(peer=peer)
        peer.refresh_from_db()
        succeeded_at = peer.last_success_at
        make_answer, words = HOSTILE[case]
        peer_server.answer = make_answer()

        assert services.peer_fetch(peer=peer) is False

        peer.refresh_from_db()
        assert _titles(peer) == ["Speeltuin De Hoef 1"]
        assert words in peer.last_error, peer.last_error
        assert peer.last_fetched_at > succeeded_at
        assert peer.last_success_at == succeeded_at

    def test_a_refused_connection(self, peer):
        services.peer_fetch(peer=peer)
        peer.feed_url = closed_port_url()
        peer.save()
        assert services.peer_fetch(peer=peer) is False
        peer.refresh_from_db()
        assert "niet bereiken" in peer.last_error
        assert _titles(peer) == ["Speeltuin De Hoef 1"]

    def test_plain_http_elsewhere_is_not_fetched(self, peer, peer_server):
        peer.feed_url = "http://dromen.vught.example/api/v1/stories/"
        peer.save()
        assert services.peer_fetch(peer=peer) is False
        peer.refresh_from_db()
        assert "https://" in peer.last_error
        assert peer_server.requests == 0

    def test_a_problem_is_cleared_by_the_next_good_fetch(self, peer, peer_server):
        peer_server.answer = json_answer(b"{}", status=503)
        services.peer_fetch(peer=peer)
        peer_server.answer = json_answer(feed(story("3")))
        services.peer_fetch(peer=peer)
        peer.refresh_from_db()
        assert (peer.last_error, _titles(peer)) == ("", ["Speeltuin De Hoef 3"])


class TestTheFeedAddress:
    @pytest.mark.parametrize(
        "url",
        [
            "https://dromen.vught.example/api/v1/stories/",
            "http://127.0.0.1:8001/api/v1/stories/",
            "http://localhost:8001/api/v1/stories/",
            "http://[::1]:8001/api/v1/stories/",
        ],
    )
    def test_allowed(self, url):
        assert services.peer_feed_url_refusal(url) is None

    @pytest.mark.parametrize(
        "url",
        [
            "http://dromen.vught.example/api/v1/stories/",
            "ftp://dromen.vught.example/stories.json",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "https://beheer:geheim@dromen.vught.example/api/v1/stories/",
            "https:///api/v1/stories/",
            "https://dromen.vught.example:poort/",
        ],
    )
    def test_refused(self, url):
        assert services.peer_feed_url_refusal(url)

    def test_plain_http_anywhere_when_the_setting_allows_it(self, settings):
        settings.PEER_FEED_ALLOW_HTTP = True
        assert services.peer_feed_url_refusal("http://dromen.vught.example/api/v1/stories/") is None


def test_the_schema_file_and_the_stand_in_agree():
    """The stand-in's good feed is what the published schema describes (else every test above
    that expects success would test nothing)."""
    from initiatives.peer_feed_format import feed_stories

    assert [s.remote_id for s in feed_stories(json.dumps(feed(story("1"))).encode())] == ["1"]
