"""Two installations on this machine: a second instance of this very project runs as a
subprocess (runserver on a free loopback port, its own database, its own SITE_URL and
municipality) with one shared story; this one lists it as a peer, runs the scheduled fetch,
and shows the story on "Elders gelukt" with the source named. Then the resident there
withdraws consent, the fetch runs again, and the story is gone here too."""

import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import requests
from django.db import connection

from initiatives import peer_tasks
from initiatives.peer_models import PeerInstallation, PeerStory
from tests.opendata.second_instance import TITLE

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]
MUNICIPALITY = "Gemeente Vught"


@dataclass
class Instance:
    url: str
    env: dict

    def run(self, function: str) -> None:
        """Run FUNCTION of tests/opendata/second_instance.py inside the second instance."""
        code = f"from tests.opendata.second_instance import {function}; {function}()"
        subprocess.run(  # noqa: S603 - this project's own command, a fixed function name
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=PROJECT,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def feed_titles(self) -> list[str]:
        """The titles in its stories feed now."""
        answer = requests.get(f"{self.url}/api/v1/stories/", timeout=10)
        answer.raise_for_status()
        return [story["title"] for story in answer.json()["stories"]]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_database(database: str, statement: str, values: tuple = ()) -> None:
    """Run STATEMENT in DATABASE on the PostgreSQL server the tests use."""
    params = connection.settings_dict
    with psycopg.connect(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        user=params["USER"],
        password=params["PASSWORD"] or None,
        dbname=database,
        autocommit=True,
    ) as server:
        server.execute(statement, values)


def _database_url(name: str) -> str:
    params = connection.settings_dict
    return (
        f"postgres://{params['USER']}@{params['HOST'] or '127.0.0.1'}:"
        f"{params['PORT'] or 5432}/{name}"
    )


def _wait_until_up(url: str, server: subprocess.Popen) -> None:
    """Wait until the stories feed at URL answers 200 with JSON from the second instance itself
    (its municipality's name) while SERVER still runs: anything else on that port (a process
    that took the free port first, an error page) is not it."""
    deadline = time.monotonic() + 30  # a busy machine starts Django slowly
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError("the second instance stopped at its start")
        try:
            answer = requests.get(url, timeout=5)
            if (
                answer.status_code == 200
                and answer.json()["installation"]["name"] == MUNICIPALITY
                and server.poll() is None
            ):
                return
        except (requests.RequestException, ValueError, KeyError, TypeError):
            pass  # not up yet, or not the second instance's feed: ask again
        time.sleep(0.1)
    raise AssertionError("the second instance did not answer with its feed within 30 seconds")


def _wait_until_gone(instance: Instance, title: str) -> None:
    """Wait until the second instance's feed no longer lists TITLE: its cached answer lasts
    OPEN_DATA_CACHE_SECONDS (1) there, as the withdrawal was made by another process."""
    deadline = time.monotonic() + 30
    while title in instance.feed_titles():
        if time.monotonic() > deadline:
            raise AssertionError(f"the second instance still shares {title!r} after 30 seconds")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def second_database(django_db_setup, django_db_blocker):
    """Return the name of a database of its own for the second instance: a copy of the freshly
    migrated test database (what `migrate` makes, in a second instead of half a minute), made
    before any test of this module opens its transaction, and dropped after them."""
    if connection.vendor != "postgresql":
        pytest.fail("the two-instance test needs PostgreSQL (set DATABASE_URL)")
    name = f"peers_second_{secrets.token_hex(4)}"
    with django_db_blocker.unblock():
        migrated = connection.settings_dict["NAME"]
        connection.close()  # PostgreSQL copies a database only while nobody is connected to it
        try:
            _server_database("postgres", f'CREATE DATABASE "{name}" TEMPLATE "{migrated}"')
        except psycopg.errors.ObjectInUse:
            # Another connection to the test database is still open (an earlier test's
            # thread): make the database the long way.
            _server_database("postgres", f'CREATE DATABASE "{name}"')
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "-v0"],
                cwd=PROJECT,
                env={**os.environ, "DATABASE_URL": _database_url(name), "REDIS_URL": ""},
                check=True,
                capture_output=True,
                timeout=300,
            )
    yield name
    _server_database("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def second_instance(tmp_path, second_database):
    params = connection.settings_dict
    name = second_database
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(name),
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": "",  # its own process memory for cache and tasks: nothing shared with us
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "DJANGO_DEBUG": "1",
        "SITE_URL": url,
        "MUNICIPALITY_NAME": MUNICIPALITY,
        # Its cached answers last a second: a withdrawal is in its feed a second later.
        "OPEN_DATA_CACHE_SECONDS": "1",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "MAILBOX_DIR": str(tmp_path / "mailbox"),
    }
    if params["PASSWORD"]:
        env["PGPASSWORD"] = params["PASSWORD"]
    server = log = None
    try:
        instance = Instance(url=url, env=env)
        instance.run("story_publish")
        log = (tmp_path / "second_instance.log").open("w")
        server = subprocess.Popen(  # noqa: S603 - this project's own runserver
            [
                sys.executable,
                "manage.py",
                "runserver",
                "--noreload",
                "--skip-checks",
                f"127.0.0.1:{port}",
            ],
            cwd=PROJECT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        _wait_until_up(f"{url}/api/v1/stories/", server)
        yield instance
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if log is not None:
            log.close()


def test_a_story_shared_there_is_shown_here_until_consent_is_withdrawn(
    client, second_instance, settings
):
    # The second instance answers over plain http on this machine.
    settings.PEER_FEED_ALLOW_HTTP = settings.PEER_FEED_ALLOW_PRIVATE = True
    peer = PeerInstallation.objects.create(
        name=MUNICIPALITY, feed_url=f"{second_instance.url}/api/v1/stories/"
    )

    peer_tasks.peers_fetch.delay().get()

    peer.refresh_from_db()
    assert peer.last_error == ""
    story = PeerStory.objects.get(peer=peer)
    assert story.title == TITLE
    assert story.url.startswith(f"{second_instance.url}/verhalen/")
    page = client.get("/elders-gelukt/").content.decode()
    assert TITLE in page
    assert "Lees het hele verhaal bij Gemeente Vught" in page
    assert f'href="{story.url}"' in page

    second_instance.run("story_withdraw")
    _wait_until_gone(second_instance, TITLE)
    peer_tasks.peers_fetch.delay().get()

    peer.refresh_from_db()
    assert peer.last_error == ""
    assert not PeerStory.objects.filter(peer=peer).exists()
    assert TITLE not in client.get("/elders-gelukt/").content.decode()
