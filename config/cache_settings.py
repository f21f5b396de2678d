"""The shared cache, which holds the rate-limit counters of the resident forms.

When Redis cannot be reached, resident forms keep working: django-redis gives up after a
quarter of a second, ignores the error and logs a warning (DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS),
and django-ratelimit then lets the request through (RATELIMIT_FAIL_OPEN). That is the choice
a municipal service wants: during an outage a resident can still sign in and hand in a dream;
the per-IP and per-address limits on those forms lapse until Redis is back. Staff password
sign-in stays throttled, since django-axes counts failures in PostgreSQL.
"""

# Seconds to connect to Redis and to wait for an answer. A frozen Redis (it accepts the
# connection but never answers) costs a request at most about this much per cache call.
CACHE_TIMEOUT_SECONDS = 0.25


def caches(redis_url: str) -> dict:
    """Return Django's CACHES for REDIS_URL, or a process-local cache without one."""
    if not redis_url:
        # The embedded default is one process: its own memory is the whole "shared" cache.
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_url,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": CACHE_TIMEOUT_SECONDS,
                "SOCKET_TIMEOUT": CACHE_TIMEOUT_SECONDS,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
