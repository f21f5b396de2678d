"""Resident forms keep working when Redis is gone or frozen (issue 13, item 1).

Before, django-ratelimit's cache.add raised redis.ConnectionError: a 500 on /inloggen/ and
/dromen/nieuw/, and with a frozen Redis a 500 after 5 s. These tests run a Redis server of
their own, point the production cache settings at it, and stop or freeze it between requests.
"""

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
from django.core.cache import caches as django_caches
from django.test import Client

from accounts.models import User
from config import cache_settings
from initiatives.models import Dream
from initiatives.statuses import Status

pytestmark = pytest.mark.django_db

# A guard against a hang, not a speed figure: with the timeouts set a request waits about
# CACHE_TIMEOUT_SECONDS per cache call; without them a frozen Redis would hold it forever.
HANG_GUARD_SECONDS = 3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def own_redis(settings):
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - Debian's redis-server, our own arguments
        [
            shutil.which("redis-server") or "/usr/bin/redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    settings.CACHES = cache_settings.caches(f"redis://127.0.0.1:{port}/0")
    settings.RATELIMIT_SIGN_IN_PER_ADDRESS = "2/h"
    yield server
    if server.poll() is None:
        os.kill(server.pid, signal.SIGCONT)
        server.terminate()
        server.wait(10)
    for cache in django_caches.all(initialized_only=True):
        cache.close()


def _timed_post(url: str, data: dict) -> tuple[int, float]:
    start = time.monotonic()
    response = Client(raise_request_exception=False).post(url, data)
    return response.status_code, time.monotonic() - start


def test_the_limit_counts_in_redis_while_it_is_up(own_redis):
    statuses = [_timed_post("/inloggen/", {"email": "a@example.nl"})[0] for _ in range(3)]
    assert statuses == [302, 302, 429]


@pytest.mark.parametrize("outage", ["stopped", "frozen"])
def test_sign_in_works_during_an_outage(own_redis, outage, caplog):
    assert _timed_post("/inloggen/", {"email": "a@example.nl"})[0] == 302  # a live connection
    if outage == "stopped":
        own_redis.terminate()
        own_redis.wait(10)
    else:
        os.kill(own_redis.pid, signal.SIGSTOP)  # accepts connections, never answers
    with caplog.at_level(logging.WARNING):
        status, seconds = _timed_post("/inloggen/", {"email": "b@example.nl"})
    print(f"sign-in with Redis {outage}: {status} in {seconds:.2f} s")
    assert status == 302
    assert seconds < HANG_GUARD_SECONDS
    assert User.objects.filter(email="b@example.nl").exists()
    warned = [r for r in caplog.records if r.name.startswith("django_redis")]
    assert warned, "the outage must show in the log"


@pytest.mark.parametrize("outage", ["stopped", "frozen"])
def test_a_dream_can_be_handed_in_during_an_outage(own_redis, outage, neighbourhood, theme):
    if outage == "stopped":
        own_redis.terminate()
        own_redis.wait(10)
    else:
        os.kill(own_redis.pid, signal.SIGSTOP)
    status, seconds = _timed_post(
        "/dromen/nieuw/",
        {
            "title": "Bankje bij de vijver",
            "story": "Een plek om te zitten.",
            "own_contribution": "Wij schilderen het bankje.",
            "needs_from_municipality": "Toestemming.",
            "neighbourhood": neighbourhood.pk,
            "theme": theme.pk,
            "email": "c@example.nl",
            "consent": "on",
        },
    )
    print(f"dream with Redis {outage}: {status} in {seconds:.2f} s")
    assert status == 302
    assert seconds < HANG_GUARD_SECONDS
    assert Dream.objects.filter(title="Bankje bij de vijver", status=Status.UNCONFIRMED).exists()


@pytest.mark.parametrize("outage", ["stopped", "frozen"])
def test_sign_in_works_when_the_broker_is_down_too(own_redis, outage, settings):
    """Redis is the cache and the broker: with both gone the link is made in the request."""
    from tests.initiatives.outbox.test_worker import celery_conf

    url = settings.CACHES["default"]["LOCATION"]
    with celery_conf(broker_url=url, task_always_eager=False):
        if outage == "stopped":
            own_redis.terminate()
            own_redis.wait(10)
        else:
            os.kill(own_redis.pid, signal.SIGSTOP)
        status, seconds = _timed_post("/inloggen/", {"email": "d@example.nl"})
    print(f"sign-in with the broker {outage}: {status} in {seconds:.2f} s")
    assert status == 302
    assert seconds < HANG_GUARD_SECONDS
    assert User.objects.filter(email="d@example.nl").exists()


def test_the_outage_is_one_warning_line_per_cache_call_without_traceback(own_redis, capsys):
    """django-redis reports each ignored error with logger.exception: an ERROR traceback per
    cache call. Through the project's logging it is one WARNING line each."""
    from django.conf import settings
    from django.utils.log import configure_logging

    from config.logging import build_logging

    own_redis.terminate()
    own_redis.wait(10)
    configure_logging(settings.LOGGING_CONFIG, build_logging(log_format="json"))
    try:
        capsys.readouterr()
        assert _timed_post("/inloggen/", {"email": "e@example.nl"})[0] == 302
        lines = capsys.readouterr().err.splitlines()
    finally:
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    cache_lines = [json.loads(line) for line in lines if '"django_redis' in line]
    assert cache_lines, lines
    assert {line["levelname"] for line in cache_lines} == {"WARNING"}
    assert all(line["message"].startswith("Cache unreachable") for line in cache_lines)
    assert not [line for line in cache_lines if "exc_info" in line]
    assert "Traceback" not in "\n".join(lines)
