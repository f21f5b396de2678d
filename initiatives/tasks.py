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


@shared_task(bind=True, acks_late=True)
def mail_deliver_batch(self, outbox_ids: list[int]) -> None:
    """Send outbox mails OUTBOX_IDS over one connection; each failed one retries on its own.

    A failed mail continues as mail_deliver would after as many tries (its first retry,
    after a first try): it waits as long, and is given up after as many retries. Mails the
    batch had no time for go out again as a batch. Both go where this batch came from.
    """
    outcome = services.outbox_mails_send(outbox_ids=outbox_ids)
    route = _same_route(self.request)
    for outbox_id, failure in outcome.failed.items():
        retries = failure.attempts  # the retry count goes in the message (apply_async passes it)
        if retries > MAX_RETRIES:
            services.outbox_mail_mark_failed(outbox_id=outbox_id, error=failure.error)
        else:
            countdown = RETRY_BASE_SECONDS * 2 ** (retries - 1)
            mail_deliver.apply_async((outbox_id,), countdown=countdown, retries=retries, **route)
    if outcome.untried:
        self.apply_async((outcome.untried,), **route)


def _same_route(request) -> dict:
    """Return the options that send a task where REQUEST's came from, as Task.retry does."""
    info = request.delivery_info or {}
    if info.get("exchange") == "" and info.get("routing_key"):
        return {"queue": info["routing_key"]}
    return {name: info[name] for name in ("exchange", "routing_key") if info.get(name)}


@shared_task
def outbox_sweep() -> int:
    """Enqueue again what was written but never reached a worker (every minute)."""
    ids = services.outbox_sweep()
    notifications.mail_enqueue_batch(ids)
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


@shared_task(acks_late=True)
def sign_in_link_send(email: str, next_url: str = "", language: str = "") -> None:
    """Look EMAIL up and mail it a sign-in link (services.sign_in_link_request says why here)."""
    services.sign_in_link_send(email=email, next_url=next_url, language=language)
