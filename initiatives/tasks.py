"""Celery tasks: thin, they take ids and call a service. Each is safe to run twice."""

from celery import shared_task
from django.conf import settings

from initiatives import notifications, services

RETRY_BASE_SECONDS = settings.MAIL_RETRY_BASE_SECONDS  # 30 unless MAIL_RETRY_BASE_SECONDS says so
MAX_RETRIES = 5
# The longest wait before a retry. It must stay below the broker's visibility timeout,
# or Redis hands the waiting task to a second worker (checked at start-up: config/celery.py).
MAX_COUNTDOWN_SECONDS = RETRY_BASE_SECONDS * 2 ** (MAX_RETRIES - 1)


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def mail_deliver(self, outbox_id: int) -> None:
    """Send outbox mail OUTBOX_ID once; retry transient failures with growing waits."""
    try:
        services.outbox_mail_send(outbox_id=outbox_id)
    except services.MailDeliveryFailed as exc:
        if self.request.retries >= self.max_retries:
            services.outbox_mail_mark_failed(outbox_id=outbox_id, error=str(exc))
            return
        raise self.retry(exc=exc, countdown=RETRY_BASE_SECONDS * 2**self.request.retries) from exc


@shared_task
def outbox_sweep() -> int:
    """Enqueue again what was written but never reached a worker (every minute)."""
    ids = services.outbox_sweep()
    for outbox_id in ids:
        notifications.mail_enqueue(outbox_id)
    return len(ids)


@shared_task
def silence_rule() -> dict:
    return services.silence_rule_apply()


@shared_task
def promises_check() -> dict:
    return services.promises_check()


@shared_task
def daily_digest() -> int:
    return services.outbox_digest_send()


@shared_task
def weekly_report() -> int:
    """Monday morning: build last week's report and mail it to the managers, once."""
    monday = services.last_monday()
    services.weekly_report_build(monday=monday)
    return services.weekly_report_mail(monday=monday)


@shared_task
def retention() -> dict:
    """At night: remove personal data past its retention period (AVG/GDPR), once."""
    return services.retention_apply()
