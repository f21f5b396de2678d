"""Fetching a peer's stories feed (services.peer_fetch) from a real HTTP server on loopback that
misbehaves on purpose: every kind of failure keeps the stories fetched before and records the
problem in plain words; a good feed replaces the stories, so one withdrawn there is gone here."""

import json
import socket
import ssl
from datetime import date
from decimal import Decimal

import certifi
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
from tests.stand_in_tls import certificates

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings):
    # Production's time limits: a fetch meant to succeed must not time out on a loaded CI
    # machine. A fetch meant to fail tightens them first (_tighten_time_limits).
    settings.PEER_FETCH_CONNECT_TIMEOUT_SECONDS = 5
    settings.PEER_FETCH_READ_TIMEOUT_SECONDS = 10
    settings.PEER_FETCH_TOTAL_SECONDS = 20
    settings.PEER_FETCH_MAX_BYTES = 64 * 1024
    # The stand-in speaks plain http on loopback; production allows neither (tested below).
    settings.PEER_FEED_ALLOW_HTTP = True
    settings.PEER_FEED_ALLOW_PRIVATE = True


@pytest.fixture
def peer_server():
    server = StandInPeer()
    yield server
    server.stop()


@pytest.fixture
def peer(peer_server):
    return PeerInstallation.objects.create(name="Gemeente Vught", feed_url=peer_server.feed_url)


def _tighten_time_limits(settings) -> None:
    """Short limits for a hostile fetch only, so the slow stand-ins outlast them quickly."""
    settings.PEER_FETCH_CONNECT_TIMEOUT_SECONDS = 1
    settings.PEER_FETCH_READ_TIMEOUT_SECONDS = 0.5
    settings.PEER_FETCH_TOTAL_SECONDS = 1


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
        assert kept.url == "http://127.0.0.1/verhalen/7/"
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
        "geen JSON",
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
        "stuurt ons door",
    ),
    "a server error": (lambda: json_answer(b"{}", status=500), "HTTP 500"),
    "compressed against our wish": (
        lambda: json_answer(b"{}", headers={"Content-Encoding": "gzip"}),
        "ingepakt",
    ),
}


class TestAHostileFeed:
    @pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
    def test_keeps_the_stories_and_records_the_problem(self, peer, peer_server, case, settings):
        assert services.peer_fetch(peer=peer) is True  # the good fetch, with normal limits
        peer.refresh_from_db()
        succeeded_at = peer.last_success_at
        make_answer, words = HOSTILE[case]
        peer_server.answer = make_answer()
        _tighten_time_limits(settings)

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

    def test_plain_http_elsewhere_is_not_fetched(self, peer, peer_server, settings):
        settings.PEER_FEED_ALLOW_HTTP = False
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


class TestTheLinkToTheWholeStory:
    """A story's link must lead to the server of the feed the administrator chose: a feed that
    points residents elsewhere (a look-alike page) keeps its story, without the link."""

    def test_a_link_elsewhere_is_dropped_and_the_story_kept(self, peer, peer_server, client):
        peer_server.answer = json_answer(
            feed(
                story("1"),
                story("2", title="Bankje", url="https://dromen-vught.example.com/inloggen/"),
            )
        )
        assert services.peer_fetch(peer=peer) is True
        links = dict(PeerStory.objects.filter(peer=peer).values_list("remote_id", "url"))
        assert links == {"1": "http://127.0.0.1/verhalen/1/", "2": ""}

        page = client.get("/elders-gelukt/").content.decode()
        assert "Bankje" in page
        assert "dromen-vught.example.com" not in page
        assert 'href="http://127.0.0.1/verhalen/1/"' in page
        assert page.count("Lees het hele verhaal bij Gemeente Vught") == 1

    def test_the_feeds_own_installation_address_does_not_count(self, peer, peer_server):
        """The same feed writes installation.url, so it cannot vouch for its links."""
        elsewhere = "https://elders.example/verhalen/1/"
        peer_server.answer = json_answer(
            feed(story("1", url=elsewhere)) | {"installation": {"name": "V", "url": elsewhere}}
        )
        services.peer_fetch(peer=peer)
        assert PeerStory.objects.get(peer=peer).url == ""

    @pytest.mark.parametrize(
        ("url", "kept"),
        [
            ("https://dromen.vught.nl/verhalen/1/", True),
            ("http://dromen.vught.nl:8443/verhalen/1/", True),  # the same server, any port
            ("https://DROMEN.vught.nl/verhalen/1/", True),
            ("https://dromen.vught.nl.evil.example/verhalen/1/", False),
            ("https://evil.example/?https://dromen.vught.nl/", False),
            ("https://dromen.vught.nl@evil.example/", False),
            ("https://vught.nl/verhalen/1/", False),
        ],
    )
    def test_the_host_must_be_the_feeds(self, url, kept):
        from initiatives.peer_feed_format import story_link

        feed_url = "https://dromen.vught.nl/api/v1/stories/"
        assert story_link(url, feed_url=feed_url) == (url if kept else "")


class TestWhatThePeerSaysStaysOut:
    """The administrator reads last_error: what a server answers beyond its status number is
    not shown there, or adding a "peer" would be a way to read other servers' answers."""

    def test_a_redirect_does_not_show_where_to(self, peer, peer_server):
        peer_server.answer = redirect_answer("http://10.0.0.7:8080/admin?token=geheim")
        services.peer_fetch(peer=peer)
        peer.refresh_from_db()
        assert "stuurt ons door" in peer.last_error
        assert "10.0.0.7" not in peer.last_error and "geheim" not in peer.last_error

    def test_a_content_type_is_not_shown(self, peer, peer_server):
        peer_server.answer = json_answer(b"x", content_type="text/x-internal-secret-service")
        services.peer_fetch(peer=peer)
        peer.refresh_from_db()
        assert "geen JSON" in peer.last_error
        assert "secret" not in peer.last_error


@pytest.fixture
def dns(monkeypatch):
    """Name servers at the edge: NAMES maps a name to the addresses each lookup answers, one
    list per lookup in turn (the last repeats); every other name is looked up as usual."""
    real = socket.getaddrinfo
    names: dict[str, list[list[str]]] = {}
    lookups: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in names:
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        answers = names[host]
        addresses = answers.pop(0) if len(answers) > 1 else answers[0]
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names, lookups


class TestTheAddressItResolvesTo:
    def test_a_name_on_this_machine_is_refused(self, peer, peer_server, settings, dns):
        settings.PEER_FEED_ALLOW_PRIVATE = False
        names, _lookups = dns
        names["dromen.vught.example"] = [["127.0.0.1"]]
        peer.feed_url = f"http://dromen.vught.example:{peer_server.port}/api/v1/stories/"
        peer.save()
        assert services.peer_fetch(peer=peer) is False
        peer.refresh_from_db()
        assert "niet op internet" in peer.last_error
        assert peer_server.requests == 0

    def test_one_private_address_among_public_ones_is_enough_to_refuse(
        self, peer, peer_server, settings, dns
    ):
        settings.PEER_FEED_ALLOW_PRIVATE = False
        names, _lookups = dns
        names["dromen.vught.example"] = [["93.184.216.34", "10.1.2.3"]]
        peer.feed_url = "https://dromen.vught.example/api/v1/stories/"
        peer.save()
        assert services.peer_fetch(peer=peer) is False
        peer.refresh_from_db()
        assert "niet op internet" in peer.last_error

    def test_it_connects_to_the_address_it_checked(self, peer, peer_server, dns):
        """DNS rebinding: a name that answers a checked address first and another one later
        must not get the second lookup's address; the request still names the host."""
        names, lookups = dns
        # 192.0.2.1 (documentation range) answers nothing: a fetch that went there fails.
        names["dromen.vught.example"] = [["127.0.0.1"], ["192.0.2.1"]]
        peer.feed_url = f"http://dromen.vught.example:{peer_server.port}/api/v1/stories/"
        peer.save()
        assert services.peer_fetch(peer=peer) is True
        assert lookups == ["dromen.vught.example"]
        assert peer_server.hosts == [f"dromen.vught.example:{peer_server.port}"]
        assert _titles(peer) == ["Speeltuin De Hoef 1"]


class TestHttps:
    """Over https the fetch connects to the checked address, yet sends the feed's name (SNI)
    and checks the certificate against that name, not against the address."""

    @pytest.fixture
    def tls_peer(self, tmp_path, monkeypatch, dns):
        ca, certificate, key = certificates(tmp_path, "dromen.vught.example")
        monkeypatch.setattr(certifi, "where", lambda: str(ca))  # trust the test's own CA only
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate, key)
        server = StandInPeer(tls=context)
        names, _lookups = dns
        names["dromen.vught.example"] = [["127.0.0.1"]]
        names["elders.vught.example"] = [["127.0.0.1"]]
        yield server
        server.stop()

    def _peer(self, name: str, port: int) -> PeerInstallation:
        return PeerInstallation.objects.create(
            name="Gemeente Vught", feed_url=f"https://{name}:{port}/api/v1/stories/"
        )

    def test_a_certificate_for_the_feeds_name(self, tls_peer):
        peer = self._peer("dromen.vught.example", tls_peer.port)
        assert services.peer_fetch(peer=peer) is True, PeerInstallation.objects.get().last_error
        assert tls_peer.hosts == [f"dromen.vught.example:{tls_peer.port}"]
        assert _titles(peer) == ["Speeltuin De Hoef 1"]

    def test_a_certificate_for_another_name_is_refused(self, tls_peer):
        peer = self._peer("elders.vught.example", tls_peer.port)
        assert services.peer_fetch(peer=peer) is False
        peer.refresh_from_db()
        assert "SSLError" in peer.last_error
        assert tls_peer.requests == 0
        assert _titles(peer) == []


class TestTheFeedAddress:
    @pytest.fixture(autouse=True)
    def _production(self, settings):
        settings.PEER_FEED_ALLOW_HTTP = False
        settings.PEER_FEED_ALLOW_PRIVATE = False

    def test_allowed(self):
        assert (
            services.peer_feed_url_refusal("https://dromen.vught.example/api/v1/stories/") is None
        )

    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:8001/api/v1/stories/",
            "http://localhost:8001/api/v1/stories/",
            "http://[::1]:8001/api/v1/stories/",
            "https://127.0.0.1:8001/api/v1/stories/",
            "https://localhost/api/v1/stories/",
            "https://[::1]/api/v1/stories/",
            "https://10.0.0.5/api/v1/stories/",
            "https://192.168.1.1/api/v1/stories/",
            "https://169.254.169.254/latest/meta-data/",
            "https://[fd00::1]/api/v1/stories/",
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

    def test_this_machine_when_both_settings_allow_it(self, settings):
        settings.PEER_FEED_ALLOW_HTTP = settings.PEER_FEED_ALLOW_PRIVATE = True
        assert services.peer_feed_url_refusal("http://127.0.0.1:8001/api/v1/stories/") is None

    def test_the_reasons(self):
        assert "https://" in services.peer_feed_url_refusal("http://dromen.vught.example/")
        assert "niet op internet" in services.peer_feed_url_refusal("https://10.0.0.5/")


def test_the_schema_file_and_the_stand_in_agree():
    """The stand-in's good feed is what the published schema describes (else every test above
    that expects success would test nothing)."""
    from initiatives.peer_feed_format import feed_stories

    assert [s.remote_id for s in feed_stories(json.dumps(feed(story("1"))).encode())] == ["1"]
