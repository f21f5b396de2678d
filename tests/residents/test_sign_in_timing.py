"""The sign-in form's answer does not depend on whose address it is (issue 13, item 10).

The probe measured answers 16-47 ms faster for staff addresses: a staff address returned
before the link and the mail were made. Now the request only hands the address to a worker;
the work that differs happens there. A timing is no test (this machine is noisy), so this
pins the cause instead: for a resident's, a staff member's and an unknown address the request
runs the same queries and publishes the same one message, and the worker then does the rest.
"""

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from config.celery import app
from initiatives.models import OutboxMail
from initiatives.tasks import sign_in_link_send
from tests.factories import StaffFactory, UserFactory
from tests.initiatives.outbox.test_worker import celery_conf

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_queue():
    """An in-memory broker and a queue of this test's own, with no eager shortcut."""
    queue = f"sign-in-timing-{uuid.uuid4().hex[:8]}"
    with celery_conf(broker_url="memory://", task_always_eager=False, task_default_queue=queue):
        yield queue


def _messages(queue: str) -> list[dict]:
    taken = []
    with app.connection_for_read() as conn:
        simple = conn.SimpleQueue(queue)
        while simple.qsize():
            message = simple.get(block=False)
            taken.append(message)
            message.ack()
        simple.close()
    return taken


def test_every_address_costs_the_request_the_same(broker_queue):
    UserFactory(email="bewoner@example.nl")
    StaffFactory(email="medewerker@heusden.example")
    shapes = {}
    for address in ("bewoner@example.nl", "medewerker@heusden.example", "onbekend@example.nl"):
        client = Client()
        client.get("/inloggen/")
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/inloggen/", {"email": address})
        assert response.status_code == 302
        shapes[address] = [q["sql"].split(" ")[0] for q in queries.captured_queries]
    assert len(set(map(tuple, shapes.values()))) == 1, shapes  # the same queries for each
    assert not OutboxMail.objects.exists()  # nothing looked up or written in the request

    messages = _messages(broker_queue)
    assert [m.headers["task"] for m in messages] == ["initiatives.tasks.sign_in_link_send"] * 3
    for message in messages:  # what the worker then does
        _args, kwargs, _embed = message.payload
        sign_in_link_send(**kwargs)
    assert list(OutboxMail.objects.values_list("to_email", flat=True).order_by("to_email")) == [
        "bewoner@example.nl",
        "onbekend@example.nl",
    ]  # staff sign in with a password: no link for them


def test_without_a_broker_the_link_is_made_in_the_request(settings):
    """And at once: one try to reach the broker, not Celery's seconds of retries."""
    with celery_conf(broker_url="redis://127.0.0.1:1/0", task_always_eager=False):
        response = Client().post("/inloggen/", {"email": "bewoner@example.nl"})
    assert response.status_code == 302
    assert OutboxMail.objects.filter(to_email="bewoner@example.nl").exists()
