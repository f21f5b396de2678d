"""Clean logs (config/logging.py): what a request really writes to standard error.

Each test configures logging as Django does at start-up (Django's DEFAULT_LOGGING first,
then LOGGING on top), so lines doubled by Django's own handlers would show here.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils.log import configure_logging

from config.logging import build_logging

ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def log_output(settings, capsys):
    """Return a function that runs REQUESTS with logging in LOG_FORMAT and gives back the
    lines written to standard error."""
    settings.ROOT_URLCONF = "tests.config.logging_urls"

    def run(log_format: str, *paths: str) -> list[str]:
        configure_logging(settings.LOGGING_CONFIG, build_logging(log_format=log_format))
        capsys.readouterr()
        client = Client(raise_request_exception=False)
        statuses = [client.get(path, secure=True).status_code for path in paths]
        err = capsys.readouterr().err
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
        return statuses, err.splitlines()

    yield run
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_json_one_line_per_refused_or_failed_request_traceback_only_for_500(
    log_output, settings, debug
):
    settings.DEBUG = debug  # Django's own console handler only printed with DEBUG on
    statuses, lines = log_output(
        "json", "/test-logging/forbidden/", "/no-such-page/", "/test-logging/broken/"
    )
    assert statuses == [403, 404, 500]
    assert len(lines) == 3, lines
    forbidden, missing, broken = (json.loads(line) for line in lines)

    assert forbidden["levelname"] == "WARNING"
    assert forbidden["message"] == "Forbidden (Permission denied): /test-logging/forbidden/"
    assert forbidden["status_code"] == 403
    assert missing["message"] == "Not Found: /no-such-page/"
    assert missing["status_code"] == 404
    assert broken["levelname"] == "ERROR"
    assert broken["status_code"] == 500

    assert "exc_info" not in forbidden and "exc_info" not in missing
    assert "Traceback" in broken["exc_info"] and "a bug on purpose" in broken["exc_info"]
    request_ids = [entry["request_id"] for entry in (forbidden, missing, broken)]
    assert all(len(request_id) == 32 for request_id in request_ids), request_ids
    assert len(set(request_ids)) == 3
    assert all("timestamp" in entry for entry in (forbidden, missing, broken))


@pytest.mark.django_db
def test_text_format_is_one_readable_line_without_traceback_for_403(log_output, settings):
    settings.DEBUG = True
    statuses, lines = log_output("text", "/test-logging/forbidden/", "/no-such-page/")
    assert statuses == [403, 404]
    assert len(lines) == 2, lines
    assert re.search(
        r" WARNING django\.request \[[0-9a-f]{32}\] Forbidden \(Permission denied\): "
        r"/test-logging/forbidden/$",
        lines[0],
    ), lines[0]
    assert "Traceback" not in "\n".join(lines)


@pytest.mark.django_db
def test_request_id_comes_from_the_proxy_and_is_returned(log_output, settings):
    settings.ROOT_URLCONF = "tests.config.logging_urls"
    response = Client().get("/no-such-page/", secure=True, headers={"x-request-id": "abc123"})
    assert response["X-Request-ID"] == "abc123"


def _django(code: str, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_URL"))}
    return subprocess.run(  # noqa: S603 - our own interpreter on our own code
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def test_production_logs_json_and_a_laptop_text_unless_told():
    show = "from django.conf import settings; print(settings.LOG_FORMAT)"
    production = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "test-only"}
    assert _django(show, **production).stdout.strip() == "json"
    assert _django(show).stdout.strip() == "text"
    assert _django(show, DJANGO_LOG_FORMAT="text", **production).stdout.strip() == "text"
    with pytest.raises(subprocess.CalledProcessError) as refused:
        _django(show, DJANGO_LOG_FORMAT="xml")
    assert "DJANGO_LOG_FORMAT must be json or text, not 'xml'" in refused.value.stderr


def test_no_kombu_warning_on_the_embedded_default():
    """The in-process broker of the embedded default: kombu complained about its missing
    host name at every connection ("No hostname was supplied")."""
    done = _django(
        "from config.celery import app\n"
        "with app.connection_for_write() as connection: connection.info()\n"
        "print(app.conf.broker_url)"
    )
    assert done.stdout.strip().startswith("memory://")
    assert "hostname" not in done.stderr, done.stderr
    assert done.stderr == ""
