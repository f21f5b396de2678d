"""GET /health/: is the portal able to do its work? For load balancers and monitoring.

Cheap on purpose (a few indexed queries, one Redis ping): it answers 503 with a short
"reason" when the database or broker is away, mail waits too long, or mail is failing.
"""

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from initiatives import selectors

# Mail waiting longer than this means delivery is stuck (the sweeper retries every minute).
OUTBOX_MAX_AGE_SECONDS = 15 * 60


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}


def _broker() -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "mode": "in-process"}
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
        return {"ok": True, "mode": "redis"}
    except Exception as exc:
        return {"ok": False, "mode": "redis", "error": type(exc).__name__}


def _outbox(database_ok: bool) -> dict:
    if not database_ok:
        return {"ok": False, "error": "database unavailable"}
    oldest = selectors.outbox_oldest_pending()
    age = int((timezone.now() - oldest).total_seconds()) if oldest else 0
    failing = selectors.outbox_failing_count()
    return {
        "ok": age <= OUTBOX_MAX_AGE_SECONDS and not failing,
        "oldest_pending_seconds": age,
        "failing": failing,
        "failed": selectors.outbox_failed_count(),
    }


def _reason(report: dict) -> str:
    """Return in a few words what is wrong, for the person reading a monitoring alert."""
    reasons = []
    if not report["database"]["ok"]:
        reasons.append("database unavailable")
    if not report["broker"]["ok"]:
        reasons.append("broker unreachable")
    outbox = report["outbox"]
    if outbox.get("failing"):
        reasons.append(f"mail failing ({outbox['failing']} mails, see /beheer/ outgoing mail)")
    if outbox.get("oldest_pending_seconds", 0) > OUTBOX_MAX_AGE_SECONDS:
        reasons.append(f"mail waiting over {OUTBOX_MAX_AGE_SECONDS // 60} minutes")
    return "; ".join(reasons)


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    database = _database()
    report = {"database": database, "broker": _broker(), "outbox": _outbox(database["ok"])}
    healthy = all(part["ok"] for part in report.values())
    report["status"] = "ok" if healthy else "unhealthy"
    if not healthy:
        report["reason"] = _reason(report)
    return JsonResponse(report, status=200 if healthy else 503, json_dumps_params={"indent": 2})
