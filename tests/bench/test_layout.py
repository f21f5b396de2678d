"""The benchmark is an app of its own: its commands are found there, and the domain and the
resident and staff sides never import it (nor does the domain import the sides)."""

import importlib
import importlib.util
from pathlib import Path

from django.core.management import get_commands
from django.urls import resolve

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("import_graph", ROOT / "scripts" / "import_graph.py")
import_graph = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(import_graph)


def _graph() -> dict[str, dict[str, bool]]:
    known = import_graph.project_modules()
    return {name: import_graph.imports_of(name, path, known) for name, path in known.items()}


def test_the_commands_live_in_the_bench_app():
    commands = get_commands()
    assert commands["bench"] == "bench"
    assert commands["bench_seed"] == "bench"
    assert commands["bench_photos"] == "bench"


def test_its_settings_and_urls_load_from_the_bench_app():
    bench_settings = importlib.import_module("bench.settings")
    assert bench_settings.CELERY_TASK_DEFAULT_QUEUE == bench_settings.BENCH_QUEUE
    assert all(
        value == "1000000/h" for name, value in vars(bench_settings).items() if "_PER_" in name
    )
    assert resolve("/bench/bare/", urlconf="bench.urls").url_name == "bench_bare"


def test_no_app_imports_the_benchmark_and_the_domain_imports_no_side():
    graph = _graph()
    assert graph["bench.pages"]  # the reader works: the benchmark itself imports the domain
    wrong = {
        (module, target)
        for module, targets in graph.items()
        for target in targets
        if (not module.startswith("bench") and target.startswith("bench"))
        or (module.startswith("initiatives") and target.split(".")[0] in {"residents", "staff"})
    }
    assert not wrong
