"""The panel draw computed by a real Celery worker process (issue 18), on real Redis and
PostgreSQL, as in production: performing fixes the seed and queues the computation; the
staff page says the draw is being computed until the worker has stored the panel.

The set-up is the outbox's (tests/initiatives/outbox/test_worker.py): this process publishes
to a Redis queue of its own, a `celery worker` subprocess consumes it against the test
database.
"""

import time

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.roles import Role
from config import cache_settings
from initiatives import services
from initiatives.assembly_models import Assembly, Participant, PublicDraw
from tests.assemblies.panel_world import WITNESS_VALUE, WITNESSES, ready_assembly
from tests.factories import StaffFactory
from tests.initiatives.outbox.test_worker import delivery, live_services  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)  # the worker only sees committed rows


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _shared_cache(settings):
    """The worker's cache, Redis, instead of this process's own: the mark of a draw queued
    or being computed is shared between them, as in production."""
    settings.CACHES = cache_settings.caches(settings.REDIS_URL)
    yield
    cache.delete_pattern("assembly-draw-computing:*")


def test_a_worker_computes_the_panel_after_the_witnesses(delivery):  # noqa: F811
    enabler = StaffFactory(email="sanne@heusden.example", roles=[Role.ENABLER])
    assembly = ready_assembly(enabler, people=40)
    draw = services.panel_draw_announce(by=enabler, assembly=assembly)
    client = Client()
    client.force_login(enabler)
    page_url = f"/medewerkers/burgerberaad/{assembly.pk}/panel/"

    data = {"witness_value": WITNESS_VALUE, "witnesses": WITNESSES, "confirmed": "1"}
    response = client.post(page_url + "loten/", data)
    assert response.status_code == 302
    draw.refresh_from_db()
    assert draw.seed and draw.result == {}  # the seed at once, the panel not yet
    assert delivery.published == ["initiatives.tasks.assembly_draw_compute"]
    page = client.get(page_url).content.decode()
    assert "De loting wordt berekend" in page and draw.seed in page
    assert "Opnieuw starten" not in page  # it was queued: nobody starts it twice

    delivery.start_worker()
    start = time.monotonic()
    delivery.wait_for("the panel to be computed", lambda: _result(draw), 120)
    delivery.report("panel of 6 from 40 by a worker", seconds=time.monotonic() - start)

    draw.refresh_from_db()
    panel = assembly.participants.filter(state=Participant.State.SELECTED)
    assert sorted(p.pseudonym for p in panel) == draw.result["selected"]
    assert len(draw.result["selected"]) == 6
    assert Assembly.objects.get(pk=assembly.pk).stage == Assembly.Stage.MEETING
    # The worker clears its mark just after it commits: nothing to start again.
    delivery.wait_for("the mark to go", lambda: not services.draw_compute_running(draw), 10)
    page = client.get(page_url).content.decode()
    assert "De loting wordt berekend" not in page
    assert "Het panel voldoet aan elk quotum." in page


def _result(draw: PublicDraw) -> dict:
    return PublicDraw.objects.get(pk=draw.pk).result
