"""Exports of all dreams found: asked for on the list, made by a worker (here in-process),
downloaded when complete, by the person who asked only, deleted when they expire.

The real worker, and a worker killed halfway, are in tests/initiatives/test_export_worker.py.
"""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from initiatives import services
from initiatives.models import AuditEntry, DreamExport
from initiatives.services import exports
from initiatives.statuses import Status
from tests.factories import DreamFactory, NeighbourhoodFactory, UserFactory
from tests.staff.conftest import make_staff

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
State = DreamExport.State


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """Ask for an export as USER with QUERY_STRING; tasks run in-process after the commit."""

    def ask(user, query_string: str = "") -> DreamExport:
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/medewerkers/dromen/export/", {"query_string": query_string})
        assert response.status_code == 302, response
        export = DreamExport.objects.latest("pk")
        assert response["Location"] == f"/medewerkers/exports/{export.pk}/"
        return export

    return ask


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert response["Content-Length"] == str(len(body))
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def _media(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def test_the_file_holds_every_dream_found_in_the_list_order(client, enabler, ask):
    vlijmen = NeighbourhoodFactory(name="Vlijmen")
    found = [DreamFactory(neighbourhood=vlijmen, title=f"Vlijmen {n}") for n in range(40)]
    DreamFactory(title="Elders")
    DreamFactory(neighbourhood=vlijmen, status=Status.UNCONFIRMED)

    export = ask(enabler, f"neighbourhood={vlijmen.pk}&sort=title&pagina=2")
    export.refresh_from_db()
    assert export.state == State.READY
    assert (export.rows_written, export.rows_expected) == (40, 40)
    assert export.query_string == f"neighbourhood={vlijmen.pk}&sort=title"  # not the page
    assert export.file.startswith("exports/") and _media(export.file).stat().st_size == export.size
    assert not list(_media("exports").glob("*.part"))

    page = client.get(f"/medewerkers/exports/{export.pk}/").content.decode()
    assert "Het bestand is klaar." in page
    assert "Download het bestand (40 dromen," in page
    assert "We bewaren het bestand 24 uur" in page
    assert "hx-trigger" not in page  # finished: nothing polls any more

    response = client.get(f"/medewerkers/exports/{export.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Length"] == str(export.size)
    rows = _rows(response)
    assert rows[0][:2] == ["Nummer", "Titel"]
    assert [row[1] for row in rows[1:]] == sorted(d.title for d in found)


def test_asking_and_downloading_are_in_the_audit_log(client, enabler, ask):
    DreamFactory()
    export = ask(enabler, "status=submitted")
    client.get(f"/medewerkers/exports/{export.pk}/download/")
    entries = [(e.action, e.target, e.status) for e in AuditEntry.objects.order_by("pk")]
    assert entries == [
        ("ask for export (CSV)", "filters status=submitted", 302),
        ("download export (CSV)", f"export {export.pk}", 200),
    ]


def test_wrong_filters_ask_for_nothing(client, enabler):
    client.force_login(enabler)
    response = client.post("/medewerkers/dromen/export/", {"query_string": "theme=abc"})
    assert response.status_code == 302
    assert response["Location"] == "/medewerkers/dromen/?theme=abc"
    assert not DreamExport.objects.exists()


def test_only_the_person_who_asked_may_see_or_download_it(client, enabler, ask, resident):
    DreamFactory()
    export = ask(enabler)
    urls = [f"/medewerkers/exports/{export.pk}/", f"/medewerkers/exports/{export.pk}/download/"]
    colleague = make_staff("MogelijkMaker", email="piet@heusden.example")
    manager = make_staff("Manager", email="els@heusden.example")
    comms = make_staff("Communicatieadviseur", email="com@heusden.example")
    for url in urls:
        for other, status in ((colleague, 404), (manager, 404), (comms, 403), (resident, 404)):
            client.force_login(other)
            response = client.get(url)
            assert response.status_code == status, (other, url)
            assert not getattr(response, "streaming", False)
        client.logout()
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/medewerkers/inloggen/")


def test_an_unfinished_export_is_refused_and_its_page_polls(client, enabler):
    export = DreamExport.objects.create(requested_by=enabler, state=State.QUEUED)
    client.force_login(enabler)
    page = client.get(f"/medewerkers/exports/{export.pk}/").content.decode()
    assert 'hx-trigger="every 3s"' in page
    assert f'href="/medewerkers/exports/{export.pk}/"' in page  # without JavaScript: reload
    assert 'role="status"' in page

    # A worker has it, halfway: its part file holds rows, but nothing serves them.
    claimed = exports._claim(export.pk)
    part = _media(claimed.file + exports.PART_SUFFIX)
    part.parent.mkdir(parents=True)
    part.write_text("1;Half\r\n")
    DreamExport.objects.filter(pk=export.pk).update(rows_expected=10, rows_written=5)
    response = client.get(f"/medewerkers/exports/{export.pk}/download/")
    assert response.status_code == 409
    assert not getattr(response, "streaming", False)
    assert "Half" not in response.content.decode()
    assert "het is niet compleet" in response.content.decode()

    poll = client.get(f"/medewerkers/exports/{export.pk}/?was=queued", headers=HTMX)
    fragment = poll.content.decode()
    assert "<html" not in fragment
    assert "5 van 10 dromen." in fragment
    assert 'hx-swap-oob="innerHTML"' in fragment  # the state changed: the live region is told
    assert "Het bestand wordt gemaakt." in fragment
    again = client.get(f"/medewerkers/exports/{export.pk}/?was=building", headers=HTMX)
    assert "hx-swap-oob" not in again.content.decode()  # only the count changed
    assert "HX-Request" in poll["Vary"]


def test_a_file_changed_on_disk_is_not_sent_as_the_export(client, enabler, ask):
    DreamFactory.create_batch(3)
    export = ask(enabler)
    path = _media(export.file)
    path.write_bytes(path.read_bytes()[:-10])  # cut short, as a full disk might
    response = client.get(f"/medewerkers/exports/{export.pk}/download/")
    assert response.status_code == 410
    path.unlink()
    assert client.get(f"/medewerkers/exports/{export.pk}/download/").status_code == 410


def test_a_stopped_worker_is_followed_by_a_second_attempt_then_failure(client, enabler):
    DreamFactory.create_batch(3)
    export = DreamExport.objects.create(requested_by=enabler, state=State.QUEUED)
    dead = exports._claim(export.pk)  # a worker claimed it, wrote a little, and was killed
    left = _media(dead.file + exports.PART_SUFFIX)
    left.parent.mkdir(parents=True)
    left.write_text("half")
    later = timezone.now() + timedelta(seconds=settings.EXPORT_LEASE_SECONDS + 1)

    assert services.exports_sweep() == {}  # the lease still holds: nothing happens
    with time_machine.travel(later):
        # In-process the sweep builds the second attempt at once.
        assert services.exports_sweep() == {"queued_again": 1, "started": 1}
    export.refresh_from_db()
    assert (export.state, export.attempts, export.rows_written) == (State.READY, 2, 3)
    assert not left.exists()  # the dead attempt's rows went

    # A second death: marked failed, the page says so and offers to ask again.
    DreamExport.objects.filter(pk=export.pk).update(state=State.QUEUED, file="")
    dead = exports._claim(export.pk)
    with time_machine.travel(later + timedelta(seconds=settings.EXPORT_LEASE_SECONDS + 1)):
        # (The orphan: the first attempt's file, which the line above disowned.)
        assert services.exports_sweep() == {"failed": 1, "orphan_files": 1}
    export.refresh_from_db()
    assert export.state == State.FAILED and export.file == ""
    client.force_login(enabler)
    page = client.get(f"/medewerkers/exports/{export.pk}/").content.decode()
    assert "Het maken van het bestand is gestopt voordat het klaar was." in page
    assert "Opnieuw aanvragen" in page
    assert client.get(f"/medewerkers/exports/{export.pk}/download/").status_code == 409


def test_an_attempt_taken_back_writes_nothing_more(enabler):
    DreamFactory.create_batch(3)
    export = DreamExport.objects.create(requested_by=enabler, state=State.QUEUED)
    attempt = exports._claim(export.pk)
    DreamExport.objects.filter(pk=export.pk).update(state=State.QUEUED)  # as the sweep does
    with pytest.raises(exports._AttemptOver):
        exports._renew(attempt, rows_written=1)
    part = _media(attempt.file + exports.PART_SUFFIX)
    final = _media(attempt.file)
    part.parent.mkdir(parents=True)
    part.write_text("x")
    with pytest.raises(exports._AttemptOver):
        exports._finish(attempt, part, final, rows=3, size=1)
    assert not final.exists()
    export.refresh_from_db()
    assert export.state == State.QUEUED


def test_files_expire_and_the_page_says_so(client, enabler, ask):
    DreamFactory.create_batch(2)
    export = ask(enabler)
    path = _media(export.file)
    with time_machine.travel(timezone.now() + timedelta(hours=23)):
        services.exports_sweep()
    assert path.exists()
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        assert services.exports_sweep()["expired"] == 1
    assert not path.exists()
    export.refresh_from_db()
    assert (export.state, export.file) == (State.EXPIRED, "")
    client.force_login(enabler)
    assert client.get(f"/medewerkers/exports/{export.pk}/download/").status_code == 409
    page = client.get(f"/medewerkers/exports/{export.pk}/").content.decode()
    assert "Het bestand is verwijderd. We bewaren bestanden maar een korte tijd." in page


def test_an_orphaned_file_is_deleted_by_the_sweep(enabler):
    folder = _media("exports")
    folder.mkdir(parents=True)
    orphan = folder / "0123.csv.part"
    orphan.write_text("rows of nobody")
    services.exports_sweep()
    assert orphan.exists()  # young: it may be a worker's that has not renewed yet
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.EXPORT_LEASE_SECONDS + 5)):
        assert services.exports_sweep() == {"orphan_files": 1}
    assert not orphan.exists()


def test_erasing_a_resident_deletes_every_export_file(
    client, enabler, ask, django_capture_on_commit_callbacks
):
    resident = UserFactory()
    DreamFactory(resident=resident, title="Jeu-de-boulesbaan Zonnebloemstraat")
    export = ask(enabler)
    path = _media(export.file)
    assert "Zonnebloemstraat" in path.read_text(encoding="utf-8-sig")
    waiting = DreamExport.objects.create(requested_by=enabler, state=State.QUEUED)

    with django_capture_on_commit_callbacks(execute=True):  # the files go once committed
        services.resident_erase(resident=resident)

    assert not path.exists()
    export.refresh_from_db()
    assert (export.state, export.file) == (State.EXPIRED, "")
    assert DreamExport.objects.get(pk=waiting.pk).state == State.QUEUED  # made after: clean
    client.force_login(enabler)
    page = client.get(f"/medewerkers/exports/{export.pk}/").content.decode()
    assert "Een bewoner heeft zijn gegevens laten verwijderen" in page


def test_a_large_ticked_selection_is_refused_with_a_message(client, enabler, monkeypatch):
    # The cap is 1,000, as many fields as Django accepts in one POST; a smaller one here.
    monkeypatch.setattr("staff.views.IMMEDIATE_MAX_DREAMS", 1000 // 200)
    client.force_login(enabler)
    ids = [str(n) for n in range(1, 7)]
    response = client.post("/medewerkers/dromen/selectie/", {"action": "export", "dream": ids})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Selecteer maximaal 5 dromen, of download alle gevonden dromen." in page


def test_a_failing_build_is_marked_failed_and_leaves_no_file(enabler, ask, monkeypatch):
    DreamFactory.create_batch(2)

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exports.os, "fsync", full_disk)  # the disk, not the code under test
    export = ask(enabler)
    export.refresh_from_db()
    assert export.state == State.FAILED
    assert export.file == ""
    assert not list(_media("exports").iterdir())
    assert export.error == exports.FAILED_TEXT  # stored untranslated, shown translated
