"""What a container, the public and monitoring see of the portal's health (config/health.py).

Issue 13, item 9: /health/ used to be public and show the failed-mail count; now the public
answer is only up or down, and the details need the monitoring token."""

import os
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from initiatives import services
from initiatives.models import OutboxMail
from initiatives.outbox.dispatch import dispatch
from tests.initiatives.outbox.retries import dispatch_at_each_retry, given_up

pytestmark = pytest.mark.django_db

T0 = timezone.make_aware(datetime(2026, 11, 16, 12))


TOKEN = "monitoring-secret-for-tests"


def _health(client, expected_status: int) -> dict:
    """The details (with the token); the public answer must agree with them."""
    response = client.get("/health/details/", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == expected_status, response.content
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    report = response.json()
    public = client.get("/health/")
    assert public.json() == {"status": "up" if report["status"] == "ok" else "down"}
    assert public.status_code == (200 if report["status"] == "ok" else 503)
    return report


@pytest.fixture
def in_process(settings):
    settings.REDIS_URL = ""
    settings.HEALTH_TOKEN = TOKEN


def test_the_public_answer_is_up_or_down_and_nothing_more(client, in_process):
    response = client.get("/health/")
    assert response.json() == {"status": "up"}


def test_details_need_the_token(client, in_process, settings):
    assert client.get("/health/details/").status_code == 401
    wrong = client.get("/health/details/", headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401
    assert "failing" not in wrong.content.decode()
    settings.HEALTH_TOKEN = ""
    assert client.get("/health/details/").status_code == 404


def test_liveness_does_not_depend_on_anything(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # a broker that is not there
    response = client.get("/health/live/")
    assert response.status_code == 200
    assert response.json() == {"status": "up"}


def test_all_well(client, in_process):
    report = _health(client, 200)
    assert report["status"] == "ok"
    assert report["database"] == {"ok": True, "vendor": connection.vendor}
    assert report["broker"] == {"ok": True, "mode": "in-process"}
    assert report["outbox"] == {
        "ok": True,
        "oldest_pending_seconds": 0,
        "failing": 0,
        "failed": 0,
    }
    assert "reason" not in report


def test_it_needs_no_sign_in_and_only_answers_get(client, in_process):
    assert client.get("/health/").status_code == 200  # anonymous
    assert client.post("/health/").status_code == 405


def test_mail_waiting_longer_than_fifteen_minutes_is_unhealthy(client, in_process, resident):
    with time_machine.travel(T0, tick=False):
        services.sign_in_link_send(email=resident.email)  # written; its task never ran
    assert OutboxMail.objects.get().state == OutboxMail.State.PENDING

    with time_machine.travel(T0 + timedelta(minutes=15), tick=False):
        report = _health(client, 200)
    assert report["outbox"]["ok"] is True
    assert report["outbox"]["oldest_pending_seconds"] == 15 * 60

    with time_machine.travel(T0 + timedelta(minutes=15, seconds=1), tick=False):
        report = _health(client, 503)
    assert report["status"] == "degraded"
    assert report["outbox"]["ok"] is False
    assert report["outbox"]["oldest_pending_seconds"] == 15 * 60 + 1
    assert report["reason"] == "mail waiting over 15 minutes"
    assert report["database"]["ok"] is True
    assert report["broker"]["ok"] is True

    # Once it is sent, all is well again.
    dispatch(in_process=True)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        report = _health(client, 200)
    assert report["outbox"]["oldest_pending_seconds"] == 0


def test_old_mail_that_is_not_waiting_does_not_count(client, in_process, resident):
    with time_machine.travel(T0, tick=False):
        services.sign_in_link_send(email=resident.email)
        row = OutboxMail.objects.get()
    given_up(row, error="gave up")
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        report = _health(client, 200)
    assert report["outbox"] == {"ok": True, "oldest_pending_seconds": 0, "failing": 0, "failed": 1}


def test_mail_that_is_failing_is_unhealthy_with_a_reason(client, in_process, resident, settings):
    settings.MAILERS = {
        "default": {"BACKEND": "tests.initiatives.failing_mail.AlwaysFailingBackend"}
    }
    with time_machine.travel(T0, tick=False):
        services.sign_in_link_send(email=resident.email)
        row = OutboxMail.objects.get()
        dispatch(in_process=True)  # one try failed, a retry waits
        report = _health(client, 503)
    assert report["status"] == "degraded"
    assert report["outbox"]["failing"] == 1
    assert report["reason"].startswith("mail failing (1 mails")

    # Given up on after its last try (about 15 minutes on): still failing for an hour after
    # it was written, then for staff only.
    row.refresh_from_db()
    dispatch_at_each_retry(row, start=row.next_attempt_at)
    assert row.state == OutboxMail.State.FAILED
    with time_machine.travel(T0 + timedelta(minutes=59), tick=False):
        assert _health(client, 503)["outbox"]["failing"] == 1
    with time_machine.travel(T0 + timedelta(minutes=61), tick=False):
        report = _health(client, 200)
    assert report["outbox"]["failing"] == 0
    assert report["outbox"]["failed"] == 1


def test_the_health_check_stays_cheap(client, in_process, django_assert_max_num_queries):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with django_assert_max_num_queries(4):  # SELECT 1, oldest pending, failing, failed
        assert client.get("/health/details/", headers=auth).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get("/health/").status_code == 200
    with django_assert_max_num_queries(0):
        assert client.get("/health/live/").status_code == 200


def test_an_unreachable_broker_is_unhealthy(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.HEALTH_TOKEN = TOKEN
    report = _health(client, 503)
    assert report["status"] == "down"
    assert report["broker"]["ok"] is False
    assert report["broker"]["mode"] == "redis"
    assert report["broker"]["error"]
    assert report["database"]["ok"] is True
    assert report["outbox"]["ok"] is True


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: no Redis to reach"
)
def test_a_reachable_redis_is_healthy(client, settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    settings.HEALTH_TOKEN = TOKEN
    report = _health(client, 200)
    assert report["broker"] == {"ok": True, "mode": "redis"}
