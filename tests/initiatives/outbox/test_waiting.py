"""At most one dispatch waits in the queue (initiatives/outbox/waiting.py), with the real
Redis flag; the publishing itself is recorded instead of sent. A real worker delivering
mails committed one by one: tests/initiatives/outbox/test_worker.py."""

import os

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

from config.celery import app
from initiatives.outbox import dispatch as dispatch_module
from initiatives.outbox import waiting
from initiatives.outbox.dispatch import DISPATCH_TASK, dispatch, dispatch_soon
from tests.initiatives.outbox.retries import residents, write

pytestmark = pytest.mark.django_db

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def broker():
    """The broker is the real Redis, tasks go to it (not eager); no dispatch waiting before."""
    if not django_settings.REDIS_URL:
        message = "The waiting-dispatch flag tests need Redis: set REDIS_URL"
        if os.environ.get("DROMEN_REQUIRE_SERVICES") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    saved = app.conf.broker_url
    app.conf.broker_url = django_settings.REDIS_URL
    app.conf.task_always_eager = False
    queue = waiting.default_queue()
    waiting.clear_waiting(queue)
    yield redis.Redis.from_url(django_settings.REDIS_URL), waiting.flag_key(queue)
    waiting.clear_waiting(queue)
    app.conf.task_always_eager = True
    app.conf.broker_url = saved


@pytest.fixture
def published(broker, monkeypatch) -> list[str]:
    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, **options: sent.append(name))
    return sent


def test_kicks_while_a_dispatch_waits_publish_nothing_more(broker, published):
    client, key = broker
    for _ in range(20):  # twenty commits, one after another
        dispatch_soon()
    assert published == [DISPATCH_TASK]
    assert client.get(key) == b"1"
    assert 0 < client.ttl(key) <= waiting.WAITING_FLAG_SECONDS  # a lost dispatch: it expires


def test_a_dispatch_clears_the_flag_before_it_claims_so_a_later_commit_publishes_again(
    broker, published, monkeypatch
):
    client, key = broker
    person = residents(1)[0]
    dispatch_soon()  # the first commit's kick
    seen_at_claim = []
    claim = dispatch_module.claim

    def claim_noting_the_flag(**kwargs):
        seen_at_claim.append(client.exists(key))
        return claim(**kwargs)

    monkeypatch.setattr(dispatch_module, "claim", claim_noting_the_flag)
    write(person)  # committed before the waiting dispatch claims: it sends this mail
    assert dispatch() == {"claimed": 1, "sent": 1}
    assert seen_at_claim[0] == 0  # cleared before the first claim
    dispatch_soon()  # a commit after the dispatch started: a dispatch of its own
    assert published == [DISPATCH_TASK, DISPATCH_TASK]


def test_a_publish_that_fails_leaves_no_flag_behind(broker, monkeypatch):
    client, key = broker

    def unreachable(name, **options):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(app, "send_task", unreachable)
    with pytest.raises(ConnectionRefusedError):
        dispatch_soon()
    assert not client.exists(key)  # the next commit's kick tries again, not skips


def test_a_flag_that_cannot_be_read_means_publish(broker, published, caplog):
    app.conf.broker_url = UNREACHABLE_BROKER  # the flag's Redis is away; send_task recorded
    dispatch_soon()
    dispatch_soon()
    assert published == [DISPATCH_TASK, DISPATCH_TASK]
    assert "publishing a dispatch" in caplog.text


def test_a_countdown_dispatch_for_a_retry_ignores_the_flag(broker, published):
    dispatch_soon()
    dispatch_soon(countdown=30)  # a retry's: not the waiting one, which runs now
    assert published == [DISPATCH_TASK, DISPATCH_TASK]


def test_the_flag_belongs_to_one_queue_and_one_database(broker):
    assert waiting.flag_key("a") != waiting.flag_key("b")
    assert connection.settings_dict["NAME"] in waiting.flag_key("a")


def test_commits_while_a_dispatch_gathers_publish_nothing_and_go_in_its_claim(
    broker, published, monkeypatch
):
    """A started dispatch waits GATHER_SECONDS before it clears the flag and claims: the
    commits of that moment start no dispatch of their own, and it sends their mails."""
    people = residents(4)
    write(people[0])
    dispatch_soon()  # the first commit's kick: published, the flag set

    def commits_meanwhile(seconds):
        assert seconds == dispatch_module.GATHER_SECONDS
        for person in people[1:]:
            write(person)
            dispatch_soon()  # each commit's kick finds the flag still set

    monkeypatch.setattr(dispatch_module, "sleep", commits_meanwhile)
    assert dispatch() == {"claimed": 4, "sent": 4}
    assert published == [DISPATCH_TASK]  # one task for the four commits
