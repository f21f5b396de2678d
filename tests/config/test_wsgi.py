"""The WSGI module freezes what loading the application made (config/wsgi.py)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_loading_the_application_freezes_its_objects_out_of_the_garbage_collector():
    script = (
        "import gc, config.wsgi\n"
        "from django.urls import get_resolver\n"
        'print(gc.get_freeze_count(), "url_patterns" in vars(get_resolver()))\n'
    )
    env = {**os.environ, "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "test-key")}
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    frozen, populated = result.stdout.split()
    assert int(frozen) > 20_000  # Django, the apps and their models: the bulk of the heap
    assert populated == "True"  # the URLconf was loaded before the freeze, not by a request
