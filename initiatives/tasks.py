from celery import shared_task

from initiatives import services

RETRY_BASE_SECONDS = 30


@shared_task(bind=True, max_retries=5, acks_late=True)
def mail_deliver(self, outbox_id: int) -> None:
    """Send outbox mail OUTBOX_ID once; retry transient failures with growing waits."""
    try:
        services.outbox_mail_send(outbox_id=outbox_id)
    except services.MailDeliveryFailed as exc:
        if self.request.retries >= self.max_retries:
            services.outbox_mail_mark_failed(outbox_id=outbox_id, error=str(exc))
            return
        raise self.retry(exc=exc, countdown=RETRY_BASE_SECONDS * 2**self.request.retries) from exc
