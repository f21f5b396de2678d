"""demo_data and demo_code create or reveal known credentials: not with DEBUG off unless told
so in so many words (issue 11)."""

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User

pytestmark = pytest.mark.django_db

FLAG = "--i-know-this-is-not-production"


def test_demo_data_refuses_with_debug_off_and_says_why(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError) as refused:
        call_command("demo_data", stdout=io.StringIO())
    message = str(refused.value)
    assert "DJANGO_DEBUG is off" in message
    assert "public password" in message
    assert FLAG in message
    assert not User.objects.filter(is_staff=True).exists()  # nothing was created


def test_demo_data_runs_with_debug_off_when_told(settings):
    settings.DEBUG = False
    call_command("demo_data", FLAG, "--quiet-accounts", stdout=io.StringIO())
    assert User.objects.filter(email="beheer@heusden.example", is_superuser=True).exists()


def test_demo_data_runs_on_a_developers_machine(settings):
    settings.DEBUG = True
    call_command("demo_data", "--quiet-accounts", stdout=io.StringIO())
    assert User.objects.filter(is_staff=True).count() == 5


def test_demo_code_refuses_with_debug_off_and_runs_when_told(settings):
    settings.DEBUG = True
    call_command("demo_data", "--quiet-accounts", stdout=io.StringIO())
    settings.DEBUG = False
    with pytest.raises(CommandError, match=FLAG):
        call_command("demo_code", "sanne.devries@heusden.example", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_code", "sanne.devries@heusden.example", FLAG, stdout=out)
    assert out.getvalue().strip().isdigit()


def test_from_the_command_line_it_stops_with_the_message(tmp_path):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="test-only-" + "x" * 50,
        EMAIL_HOST="smtp.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "demo_data"],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "DJANGO_DEBUG is off" in result.stderr
    assert FLAG in result.stderr
