"""On CI the suite must run against the real services, never quietly without them."""

import os

import pytest
from django.conf import settings
from django.db import connection

REQUIRED = os.environ.get("DROMEN_REQUIRE_SERVICES") == "1"


@pytest.mark.skipif(not REQUIRED, reason="only CI demands PostgreSQL and Redis")
def test_ci_runs_on_postgresql(db):
    assert connection.vendor == "postgresql"


@pytest.mark.skipif(not REQUIRED, reason="only CI demands PostgreSQL and Redis")
def test_ci_reaches_redis():
    import redis

    assert settings.REDIS_URL, "REDIS_URL is not set"
    assert redis.Redis.from_url(settings.REDIS_URL).ping()
