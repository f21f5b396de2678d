"""Is the portal able to do its work? Three answers, for three readers.

- GET /health/live/: the process answers. For a container's healthcheck: it does not depend
  on the database or mail, so an outage elsewhere does not get a working web process killed.
- GET /health/: public, for anyone (a load balancer, a status page): only "up" (200) or
  "down" (503). Down when the database or the broker is away, or mail is failing or stuck:
  residents are kept informed by mail, so without it the portal is not doing its work.
  No counts and no reasons: those are for the municipality, not the world.
- GET /health/details/ with "Authorization: Bearer <HEALTH_TOKEN>": the figures and a short
  reason, status "ok", "degraded" (mail failing or waiting) or "down" (database or broker),
  for monitoring. Without HEALTH_TOKEN set it does not exist (404).

Cheap on purpose: a few indexed queries, one Redis ping.
"""

import hmac

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from initiatives import selectors

# Mail waiting longer than this means delivery is stuck (beat's dispatch runs every minute).
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


def _report() -> dict:
    database = _database()
    report = {"database": database, "broker": _broker(), "outbox": _outbox(database["ok"])}
    if not (database["ok"] and report["broker"]["ok"]):
        report["status"] = "down"
    elif not report["outbox"]["ok"]:
        report["status"] = "degraded"
    else:
        report["status"] = "ok"
    if report["status"] != "ok":
        report["reason"] = _reason(report)
    return report


@never_cache
@require_safe
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "up"})


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    up = _report()["status"] == "ok"
    return JsonResponse({"status": "up" if up else "down"}, status=200 if up else 503)


def _token_given(request: HttpRequest) -> bool:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    expected = settings.HEALTH_TOKEN
    return scheme.lower() == "bearer" and hmac.compare_digest(token.encode(), expected.encode())


@never_cache
@require_safe
def details(request: HttpRequest) -> JsonResponse:
    if not settings.HEALTH_TOKEN:
        raise Http404
    if not _token_given(request):
        response = JsonResponse({"status": "token required"}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="health"'
        return response
    report = _report()
    status = 200 if report["status"] == "ok" else 503
    return JsonResponse(report, status=status, json_dumps_params={"indent": 2})
