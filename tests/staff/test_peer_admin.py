"""The administrator lists peer installations in /beheer/ (PeerInstallationAdmin): only feed
addresses that can be fetched safely, the stories read-only, the last fetch and its problem,
and "Nu ophalen", which fetches from a real server on loopback."""

import html

import pytest

from initiatives.peer_models import PeerInstallation, PeerStory
from tests.stand_in_peer import StandInPeer, feed, json_answer, story

pytestmark = pytest.mark.django_db

ADD = "/beheer/initiatives/peerinstallation/add/"
LIST = "/beheer/initiatives/peerinstallation/"


@pytest.fixture
def admin_client(client, administrator, settings):
    settings.PEER_FEED_ALLOW_HTTP = False  # production's rules
    settings.PEER_FEED_ALLOW_PRIVATE = False
    client.force_login(administrator)
    return client


@pytest.fixture
def peer_server():
    server = StandInPeer()
    yield server
    server.stop()


def _add(admin_client, feed_url: str):
    return admin_client.post(
        ADD,
        {
            "name": "Gemeente Vught",
            "feed_url": feed_url,
            "active": "on",
            "stories-TOTAL_FORMS": "0",  # the read-only stories below the form
            "stories-INITIAL_FORMS": "0",
            "_save": "Opslaan",
        },
    )


class TestTheFeedAddress:
    def test_https_is_kept(self, admin_client):
        response = _add(admin_client, "https://dromen.vught.example/api/v1/stories/")
        assert response.status_code == 302
        assert PeerInstallation.objects.get().feed_url == (
            "https://dromen.vught.example/api/v1/stories/"
        )

    @pytest.mark.parametrize(
        ("url", "message"),
        [
            (
                "http://dromen.vught.example/api/v1/stories/",
                "Gebruik een adres dat begint met https://",
            ),
            ("javascript:alert(1)", "Voer een geldige URL in"),
            ("ftp://dromen.vught.example/stories.json", "Het adres moet beginnen met https://"),
            ("https://192.168.1.10/api/v1/stories/", "Dit adres is niet op internet te bereiken"),
            ("https://localhost:8001/api/v1/stories/", "Dit adres is niet op internet te bereiken"),
        ],
    )
    def test_an_unsafe_address_is_refused_by_its_field(self, admin_client, url, message):
        response = _add(admin_client, url)
        assert response.status_code == 200
        content = html.unescape(response.content.decode())
        assert message in content
        assert f'value="{url}"' in content  # what was typed is kept
        assert not PeerInstallation.objects.exists()


class TestThePeer:
    def test_the_list_shows_the_last_fetch_and_its_problem(self, admin_client):
        PeerInstallation.objects.create(
            name="Gemeente Vught",
            feed_url="https://dromen.vught.example/api/v1/stories/",
            last_error="De feed gaf een foutmelding (HTTP 500).",
        )
        content = admin_client.get(LIST).content.decode()
        assert "Gemeente Vught" in content
        assert "De feed gaf een foutmelding (HTTP 500)." in content

    def test_the_stories_are_shown_and_cannot_be_changed(self, admin_client):
        peer = PeerInstallation.objects.create(
            name="Gemeente Vught", feed_url="https://dromen.vught.example/api/v1/stories/"
        )
        PeerStory.objects.create(peer=peer, remote_id="1", title="<b>Bankje</b> aan de Maas")
        response = admin_client.get(f"/beheer/initiatives/peerinstallation/{peer.pk}/change/")
        content = response.content.decode()
        assert "&lt;b&gt;Bankje&lt;/b&gt; aan de Maas" in content
        assert 'name="stories-0-title"' not in content  # no field to change it in

    def test_fetch_now(
        self, admin_client, peer_server, django_capture_on_commit_callbacks, settings
    ):
        # The stand-in answers over plain http on this machine.
        settings.PEER_FEED_ALLOW_HTTP = settings.PEER_FEED_ALLOW_PRIVATE = True
        peer_server.answer = json_answer(feed(story("4", title="Moestuin De Vlinder")))
        peer = PeerInstallation.objects.create(name="Gemeente Vught", feed_url=peer_server.feed_url)
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                LIST, {"action": "fetch_now", "_selected_action": [str(peer.pk)]}, follow=True
            )
        assert "Laad deze pagina zo opnieuw" in response.content.decode()
        assert list(PeerStory.objects.values_list("title", flat=True)) == ["Moestuin De Vlinder"]
        peer.refresh_from_db()
        assert peer.last_success_at is not None
