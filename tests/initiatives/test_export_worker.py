"""
Exports made by a real Celery worker process, on real Redis and PostgreSQL; and a worker
killed (SIGKILL, its whole process group) halfway through a file of 200,000 dreams.

The set-up is the outbox's (tests/initiatives/outbox/test_worker.py): this process publishes
to a Redis queue of its own, a `celery worker` subprocess consumes it against the test
database and writes the files into this test's media folder. The client is Django's test
client in this process, asking and downloading as a browser would.
"""

import csv
import io
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from accounts.models import User
from initiatives.models import DreamExport
from initiatives.services.exports import PART_SUFFIX
from initiatives.statuses import Status
from tests.factories import DreamFactory, NeighbourhoodFactory, ThemeFactory
from tests.initiatives.outbox.test_worker import delivery, live_services  # noqa: F401
from tests.staff.conftest import make_staff

pytestmark = pytest.mark.django_db(transaction=True)  # the worker only sees committed rows

State = DreamExport.State
# The worker's lease in the test that kills one: the sweep may take the export back after it.
SHORT_LEASE_SECONDS = 3
MANY = 200_000  # enough rows that a worker is still writing when it is killed


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _worker_env(**extra) -> dict[str, str]:
    return {"MEDIA_ROOT": str(settings.MEDIA_ROOT), **extra}


def _many_dreams(count: int) -> None:
    """Insert COUNT handed-in dreams in one statement (a factory would take minutes)."""
    resident = User.objects.create(email="veel@example.nl", full_name="Veel Dromen")
    neighbourhood, theme = NeighbourhoodFactory(name="Drunen"), ThemeFactory(name="Groen")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO initiatives_dream (
                resident_id, title, story, own_contribution, needs_from_municipality,
                neighbourhood_id, location, theme_id, show_publicly, contact_name,
                contact_phone, status, created_at, submitted_at, last_public_update_at,
                updated_at, access_link_version)
            SELECT %s, 'Droom ' || n, 'Verhaal', 'Ik help', 'Een vergunning', %s, '', %s,
                   false, '', '', %s, now() - n * interval '1 minute',
                   now() - n * interval '1 minute', now(), now(), 0
            FROM generate_series(1, %s) AS n
            """,
            [resident.pk, neighbourhood.pk, theme.pk, Status.SUBMITTED, count],
        )


def _ask(client: Client, query_string: str = "") -> DreamExport:
    response = client.post("/medewerkers/dromen/export/", {"query_string": query_string})
    assert response.status_code == 302
    return DreamExport.objects.latest("pk")


def _state(export: DreamExport) -> DreamExport:
    return DreamExport.objects.get(pk=export.pk)


def _download(client: Client, export: DreamExport) -> tuple[int, list[list[str]]]:
    response = client.get(f"/medewerkers/exports/{export.pk}/download/")
    if response.status_code != 200:
        return response.status_code, []
    body = b"".join(response.streaming_content)
    # The length is announced, so a browser or curl can tell a transfer that was cut off.
    assert response["Content-Length"] == str(len(body)) == str(_state(export).size)
    return 200, list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_a_worker_makes_the_file_and_the_download_holds_every_row(delivery):  # noqa: F811
    enabler = make_staff("MogelijkMaker", email="sanne@heusden.example")
    vlijmen = NeighbourhoodFactory(name="Vlijmen")
    found = [DreamFactory(neighbourhood=vlijmen, title=f"Vlijmen {n:03}") for n in range(120)]
    DreamFactory(title="Elders")
    client = Client()
    client.force_login(enabler)
    delivery.start_worker(**_worker_env())

    start = time.monotonic()
    export = _ask(client, f"neighbourhood={vlijmen.pk}&sort=title")
    delivery.wait_for("the export to be ready", lambda: _state(export).state == State.READY, 60)
    delivery.report("export by a worker", rows=120, seconds=time.monotonic() - start)

    page = client.get(f"/medewerkers/exports/{export.pk}/").content.decode()
    assert "Het bestand is klaar." in page
    status, rows = _download(client, export)
    assert status == 200
    assert rows[0][:2] == ["Nummer", "Titel"]
    assert [row[0] for row in rows[1:]] == [str(d.pk) for d in found]  # by title: made in order
    assert not list(Path(settings.MEDIA_ROOT, "exports").glob(f"*{PART_SUFFIX}"))


def test_a_worker_killed_halfway_never_offers_its_file_and_the_next_attempt_is_whole(
    delivery,  # noqa: F811
):
    from initiatives import services

    enabler = make_staff("MogelijkMaker", email="sanne@heusden.example")
    _many_dreams(MANY)
    client = Client()
    client.force_login(enabler)
    worker = delivery.start_worker(**_worker_env(EXPORT_LEASE_SECONDS=str(SHORT_LEASE_SECONDS)))

    export = _ask(client)
    delivery.wait_for(
        "the worker to be halfway",  # past its first MB: rows are on the disk by then
        lambda: MANY // 4 <= _state(export).rows_written < MANY,
        120,
    )
    delivery.kill(worker)  # SIGKILL, the worker and its pool: no clean-up runs
    killed = _state(export)
    assert killed.state == State.BUILDING
    assert 0 < killed.rows_written < MANY
    part = Path(settings.MEDIA_ROOT, killed.file + PART_SUFFIX)
    assert part.exists() and not Path(settings.MEDIA_ROOT, killed.file).exists()
    half = part.read_bytes().count(b"\n") - 1
    assert 0 < half < MANY  # rows were on the disk, not all of them
    delivery.report("export worker killed", rows_written=killed.rows_written, rows_in_part=half)

    # The client can tell: no download, and the page says it is not ready.
    assert _download(client, export)[0] == 409
    page = client.get(f"/medewerkers/exports/{export.pk}/").content.decode()
    assert "Het bestand wordt gemaakt." in page
    assert "Download het bestand" not in page

    # Once the lease runs out, beat's sweep takes it back; a new worker makes it whole.
    time.sleep(SHORT_LEASE_SECONDS + 0.5)
    assert services.exports_sweep() == {"queued_again": 1, "started": 1}
    assert not part.exists()  # the dead attempt's rows are gone
    assert _state(export).state == State.QUEUED
    delivery.start_worker(**_worker_env())
    delivery.wait_for("the export to be ready", lambda: _state(export).state == State.READY, 180)

    made = _state(export)
    assert (made.attempts, made.rows_written, made.rows_expected) == (2, MANY, MANY)
    status, rows = _download(client, export)
    assert status == 200
    assert len(rows) == 1 + MANY
    assert len({row[0] for row in rows[1:]}) == MANY  # every dream once
    assert re.fullmatch(r"Droom \d+", rows[1][1])
    assert not list(Path(settings.MEDIA_ROOT, "exports").glob(f"*{PART_SUFFIX}"))
