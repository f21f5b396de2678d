"""The benchmark's report: the sizes side by side, Python time, capacity beside the bare view."""

import pytest
from django.core.management.base import CommandError

from bench import report
from bench.load import OpenLoopResult
from bench.management.commands.bench import parse_sizes
from bench.openloop import Capacity, StepResult
from bench.pages import Measurement, PageRun


def _m(key, ms, cpu_ms, queries=14, urls=5, error=""):
    return Measurement(
        key=key,
        median=ms / 1000,
        p95=ms * 1.2 / 1000,
        cpu_median=cpu_ms / 1000,
        queries=queries,
        samples=20,
        urls=urls,
        error=error,
    )


def _run(list_ms, *, report_error=""):
    measurements = {
        "bare": _m("bare", 1.5, 1.4, queries=4, urls=1),
        "list": _m("list", list_ms, 12),
        "weekly_report": _m("weekly_report", 200, 150, queries=159, urls=1, error=report_error),
    }
    return PageRun(
        measurements=measurements,
        word_shares={"speeltuin": 0.234, "klompenpad": 0.006},
        heavy_pages=[150, 180, 210],
        listed=990,
    )


def _step(size, list_ms, **kwargs):
    seed = {
        "added_dreams": size,
        "seconds": 3.0,
        "seconds_generate": 1.0,
        "seconds_copy": 1.5,
        "seconds_analyze": 0.5,
        "rows": {"initiatives_timelineevent": size * 10},
    }
    return {
        "size": size,
        "seed": seed,
        "pages": _run(list_ms, **kwargs),
        "open_loop": None,
        "load": ("1.00 0.90 0.80", "2.00 1.50 1.00"),
    }


def _capacity(name, label, rate, urls=1):
    ok = StepResult(rate=rate, seconds=10, sent=rate * 10, ok=rate * 10, p50=0.02, p95=0.1)
    over = StepResult(rate=rate * 1.5, seconds=10, sent=rate * 15, ok=rate * 15, p50=0.3, p95=0.9)
    return Capacity(name=name, label=label, steps=[ok, over], best=ok, failed=over, urls=urls)


OPTIONS = {"repeat": 20, "warmup": 3, "load_seconds": 10}
INFO = {
    "date": "2026-12-06 12:00 UTC",
    "nproc": 2,
    "memory": "23.5 GiB",
    "postgres": "15",
    "redis": "7",
    "python": "3.12",
    "django": "6",
    "debug": False,
    "load": "1.00 0.90 0.80",
}


def _render(steps):
    return report.render(
        info=INFO, steps=steps, mixed=None, mail_runs=[], options=OPTIONS, minutes=12.5
    )


def test_the_sizes_stand_side_by_side_with_python_time_and_what_grows():
    steps = [_step(1_000, 30), _step(100_000, 33), _step(1_000_000, 60, report_error="x")]
    text = _render(steps)
    header = next(line for line in text.splitlines() if line.startswith("| page | URLs"))
    assert "1k: median (p95) · Python" in header
    assert "100k: median (p95) · Python" in header
    assert "1M: median (p95) · Python" in header
    row = next(line for line in text.splitlines() if line.startswith("| Dreams list, pages 1-5"))
    assert "30.0 ms (36.0 ms) · Py 12.0 ms" in row
    assert "| 2.00 |" in row  # growth 1M/1k
    assert "| 9x |" in row  # Python 12 ms against the bare view's 1.4 ms at 100k
    assert "Python ≤ 15.0 ms at 100k: met" in row
    assert "growth 1M/1k ≤ 1.5: **missed**" in row
    assert "load average 1.00 0.90 0.80 at the start of the step, 2.00 1.50 1.00" in text
    assert "speeltuin 23.4%, klompenpad 0.6%" in text
    grows = next(line for line in text.splitlines() if "What still grows" in line)
    assert "Dreams list, pages 1-5: 30.0 ms → 60.0 ms (2.0x)" in grows
    assert "Weekly report build (last week): x at 1M" in grows


def test_capacity_is_shown_beside_the_bare_views():
    step = _step(100_000, 33)
    step["open_loop"] = OpenLoopResult(
        capacities=[
            _capacity("bare", "Bare Django view", 400),
            _capacity("list", "Staff dream list, pages 1-5", 80, urls=5),
        ],
        generator=_capacity("static 204", "Static 204", 2000),
        load_start="3.00 2.00 1.00",
        load_end="4.00 3.00 2.00",
    )
    text = _render([_step(1_000, 30), step])
    assert "Capacity at 100,000 dreams (load average 3.00 2.00 1.00 at the start" in text
    row = next(line for line in text.splitlines() if line.startswith("| Staff dream list"))
    assert "| 5 | **80.0 req/s** | 20.0% |" in row
    assert "120.0 → 120.0/s, p95 900.0 ms, 0 errors" in row
    assert "**2,000 req/s**" in text  # what the generator itself can offer
    # The method as run: steps x1.5, then two bisections, so a capacity is exact to ~11%.
    method = next(line for line in text.splitlines() if line.startswith("Open loop:"))
    assert "x1.5 per step of 10 s" in method
    assert "then 2 steps at the geometric mean" in method
    assert "at most 11% above it" in method
    assert "| lowest rate that failed: offered → answered, p95, errors |" in text


def test_sizes_default_and_the_million_step():
    assert parse_sizes("1000,100000") == [1_000, 100_000]
    assert parse_sizes("1000,100000", million=True) == [1_000, 100_000, 1_000_000]
    assert parse_sizes("100000,1_000") == [1_000, 100_000]
    with pytest.raises(CommandError, match="whole numbers"):
        parse_sizes("1k")
