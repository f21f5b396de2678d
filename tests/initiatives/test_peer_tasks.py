"""The scheduled fetch of every active peer (initiatives.peer_tasks): one task each, an
inactive peer left alone, and nothing raised out of a task whatever goes wrong."""

import pytest
from django.conf import settings

from initiatives import peer_tasks
from initiatives.peer_models import PeerInstallation, PeerStory
from tests.stand_in_peer import StandInPeer, closed_port_url, feed, json_answer, story

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _peer_on_this_machine(settings):
    # The stand-in answers over plain http on loopback.
    settings.PEER_FEED_ALLOW_HTTP = settings.PEER_FEED_ALLOW_PRIVATE = True


@pytest.fixture
def peer_server():
    server = StandInPeer()
    yield server
    server.stop()


def test_it_is_scheduled_every_half_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["peers-fetch"]
    assert entry == {"task": "initiatives.peer_tasks.peers_fetch", "schedule": 1800.0}
    assert peer_tasks.peers_fetch.name == entry["task"]


def test_every_active_peer_is_fetched(peer_server):
    peer_server.answer = json_answer(feed(story("1")))
    active = PeerInstallation.objects.create(name="Vught", feed_url=peer_server.feed_url)
    PeerInstallation.objects.create(
        name="Capelle", feed_url=peer_server.feed_url + "?oud", active=False
    )
    broken = PeerInstallation.objects.create(name="Boxtel", feed_url=closed_port_url())

    assert peer_tasks.peers_fetch.delay().get() == 2

    assert list(PeerStory.objects.values_list("peer__name", flat=True)) == ["Vught"]
    assert peer_server.requests == 1
    active.refresh_from_db()
    broken.refresh_from_db()
    assert active.last_error == ""
    assert "niet bereiken" in broken.last_error


def test_nothing_is_raised_out_of_the_task(peer_server, monkeypatch):
    """Whatever breaks beyond the feed (here the storing itself) is recorded, not raised."""
    peer = PeerInstallation.objects.create(name="Vught", feed_url=peer_server.feed_url)

    def broken_store(**kwargs):
        raise RuntimeError("database away")

    monkeypatch.setattr("initiatives.services.peers._stories_replace", broken_store)
    assert peer_tasks.peer_fetch.delay(peer.pk).get() is False
    peer.refresh_from_db()
    assert peer.last_error == "Het ophalen ging bij ons mis. We proberen het later opnieuw."


def test_a_removed_peer_is_skipped():
    assert peer_tasks.peer_fetch.delay(987654).get() is False
