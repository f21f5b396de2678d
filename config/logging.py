"""
The LOGGING setting: one line per event, on standard error.

- ``json`` (the default when DEBUG is off): one JSON object per line, for the log
  collector of the municipality's platform; ``text`` (the default with DEBUG on): one
  readable line. Both carry the request id (django-log-request-id), so every line of one
  request can be found together.
- Django's own loggers send to the one root handler and nowhere else: Django's default
  configuration gives "django" and "django.server" handlers of their own, which printed
  every line twice.
- A refused request (4xx) is one warning line, without the traceback Django attaches to
  it; a traceback is only worth its lines for a server error (5xx).
"""

import logging

from pythonjsonlogger.core import RESERVED_ATTRS

LOG_FORMATS = ("json", "text")

TEXT_FORMAT = "{asctime} {levelname} {name} [{request_id}] {message}"
JSON_FIELDS = ["levelname", "name", "message", "request_id"]
# Record attributes that are objects, not facts for a log line (Django passes the request
# and, for runserver, the socket along with each line).
NOT_LOGGED = [*RESERVED_ATTRS, "request", "server_time"]


class NoTracebackBelow500(logging.Filter):
    """Drop the traceback of a line about a response below 500 (403, 404, 400, ...).

    Django logs those with the exception that caused them; that they were refused is
    the whole event, the traceback of PermissionDenied or Http404 says nothing more.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status_code = getattr(record, "status_code", None)
        if isinstance(status_code, int) and status_code < 500:
            record.exc_info = None
            record.exc_text = None
        return True


class CacheOutageAsWarning(logging.Filter):
    """Make django-redis's line about a cache error it ignored one WARNING line, no traceback.

    With Redis away the portal keeps working without its cache (rate limits fail open,
    config/cache_settings.py), and django-redis says so with logger.exception on every cache
    call: several ERROR tracebacks per request that would bury the one fact worth knowing.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("django_redis") and record.levelno >= logging.ERROR:
            error = record.exc_info[1] if record.exc_info else None
            record.msg = f"Cache unreachable, going on without it: {type(error).__name__}: {error}"
            record.args = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = None
            record.exc_text = None
        return True


def build_logging(*, log_format: str, level: str = "INFO") -> dict:
    """Return the LOGGING dict for LOG_FORMAT ("json" or "text") at LEVEL."""
    if log_format not in LOG_FORMATS:
        choices = " or ".join(LOG_FORMATS)
        raise ValueError(f"DJANGO_LOG_FORMAT must be {choices}, not {log_format!r}.")
    formatters = {
        "text": {"format": TEXT_FORMAT, "style": "{"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "reserved_attrs": NOT_LOGGED,
            "timestamp": True,  # ISO 8601 in UTC, whatever TIME_ZONE says
        },
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "log_request_id.filters.RequestIDFilter"},
            "no_traceback_below_500": {"()": "config.logging.NoTracebackBelow500"},
            "cache_outage_as_warning": {"()": "config.logging.CacheOutageAsWarning"},
        },
        "formatters": {log_format: formatters[log_format]},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_id", "no_traceback_below_500", "cache_outage_as_warning"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Named here so their handlers from Django's DEFAULT_LOGGING are replaced by
            # none: they reach the console through the root logger, once.
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.server": {"handlers": [], "level": level, "propagate": True},
            "django.db.backends": {"level": "INFO"},
            # WeasyPrint (the weekly report's PDF) tells every layout step at INFO.
            "weasyprint.progress": {"level": "WARNING"},
            # django-sesame names the user (their full name) at DEBUG for every link checked.
            "sesame": {"level": "INFO"},
        },
    }
