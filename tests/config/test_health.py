"""GET /health/: what a load balancer or monitoring sees."""

import os
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from initiatives import services
from initiatives.models import OutboxMail

pytestmark = pytest.mark.django_db

T0 = timezone.make_aware(datetime(2026, 11, 16, 12))


def _health(client, expected_status: int) -> dict:
    response = client.get("/health/")
    assert response.status_code == expected_status, response.content
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.json()


@pytest.fixture
def in_process(settings):
    settings.REDIS_URL = ""


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
    assert report["status"] == "unhealthy"
    assert report["outbox"]["ok"] is False
    assert report["outbox"]["oldest_pending_seconds"] == 15 * 60 + 1
    assert report["reason"] == "mail waiting over 15 minutes"
    assert report["database"]["ok"] is True
    assert report["broker"]["ok"] is True

    # Once it is sent, all is well again.
    services.outbox_mail_send(outbox_id=OutboxMail.objects.get().pk)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        report = _health(client, 200)
    assert report["outbox"]["oldest_pending_seconds"] == 0


def test_old_mail_that_is_not_waiting_does_not_count(client, in_process, resident):
    with time_machine.travel(T0, tick=False):
        services.sign_in_link_send(email=resident.email)
        row = OutboxMail.objects.get()
    services.outbox_mail_mark_failed(outbox_id=row.pk, error="gave up")
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
        with pytest.raises(services.MailDeliveryFailed):
            services.outbox_mail_send(outbox_id=row.pk)  # one try failed, a retry waits
        report = _health(client, 503)
    assert report["status"] == "unhealthy"
    assert report["outbox"]["failing"] == 1
    assert report["reason"].startswith("mail failing (1 mails")

    # Given up on: still failing for an hour after it was written, then for staff only.
    services.outbox_mail_mark_failed(outbox_id=row.pk, error="gave up")
    with time_machine.travel(T0 + timedelta(minutes=59), tick=False):
        assert _health(client, 503)["outbox"]["failing"] == 1
    with time_machine.travel(T0 + timedelta(minutes=61), tick=False):
        report = _health(client, 200)
    assert report["outbox"]["failing"] == 0
    assert report["outbox"]["failed"] == 1


def test_the_health_check_stays_cheap(client, in_process, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # SELECT 1, oldest pending, failing, failed
        _health(client, 200)


def test_an_unreachable_broker_is_unhealthy(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    report = _health(client, 503)
    assert report["status"] == "unhealthy"
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
    report = _health(client, 200)
    assert report["broker"] == {"ok": True, "mode": "redis"}
