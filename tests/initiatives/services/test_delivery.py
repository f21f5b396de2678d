"""Sending outbox mail (services/delivery.py)."""

import pytest
from django.core import mail

from initiatives import services
from initiatives.models import OutboxMail

pytestmark = pytest.mark.django_db


class TestOutbox:
    def test_sending_twice_sends_once(self, resident, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            services.sign_in_link_send(email=resident.email)
        row = OutboxMail.objects.get()
        services.outbox_mail_send(outbox_id=row.pk)
        row.refresh_from_db()
        assert row.state == OutboxMail.State.SENT
        assert row.attempts == 1
        assert len(mail.outbox) == 1

    def test_a_failing_mail_server_leaves_the_row_pending_then_failed(self, resident, settings):
        settings.MAILERS = {
            "default": {"BACKEND": "tests.initiatives.failing_mail.AlwaysFailingBackend"}
        }
        services.sign_in_link_send(email=resident.email)  # no commit here: nothing enqueued
        row = OutboxMail.objects.get()
        with pytest.raises(services.MailDeliveryFailed):
            services.outbox_mail_send(outbox_id=row.pk)
        row.refresh_from_db()
        assert (row.state, row.attempts) == (OutboxMail.State.PENDING, 1)
        assert "refused" in row.last_error
        services.outbox_mail_mark_failed(outbox_id=row.pk, error="gave up")
        row.refresh_from_db()
        assert row.state == OutboxMail.State.FAILED
