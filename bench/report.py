"""The benchmark's tables: figures at each size side by side, capacity, mail, targets."""

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

import django
from django.conf import settings
from django.db import connection

from bench import open_data, openloop
from bench.pages import PAGES, Measurement, shares_text

START = "<!-- bench:start (written by `make bench`; edit outside these markers) -->"
END = "<!-- bench:end -->"


def markers(section: str = "all") -> tuple[str, str]:
    """Where a run of SECTION's pages goes in BENCHMARKS.md (`bench --pages SECTION`): the
    whole run between START and END, a run of some pages between markers of their own, so
    that it leaves the whole run's tables alone."""
    if section == "all":
        return START, END
    return (
        f"<!-- bench:{section}:start (written by `manage.py bench --pages {section}`; edit "
        "outside these markers) -->",
        f"<!-- bench:{section}:end -->",
    )


# Per group: the most a page may take at 100,000 dreams (median), from the first rounds.
TARGETS = {
    "list": 0.050,
    "workspace": 0.060,
    "resident": 0.030,
    "post": 0.060,
}
# Issue 15: Python per request at 100,000 dreams for these pages; growth from the smallest
# size to the largest for these groups; the weekly report's time at the largest size.
PYTHON_MAX = 0.015
PYTHON_PAGES = {"triage", "list", "list_filtered", "list_sorted", "list_deep", "workspace"}
MAX_GROWTH = 1.5
GROWTH_GROUPS = {"list", "workspace", "report"}
REPORT_MAX = 0.5
EXPORT_MAX_MB = 50
LOAD_MAX_P95 = 0.250
# Issue 15: a worker delivers at least this many mails a second, committed all at once (a
# bulk job) and each in its own transaction (everyday updates).
MAIL_MIN_PER_SECOND = 1_000
MAIL_MIN_PER_SECOND_EACH_COMMITTED = 300
REFERENCE_SIZE = 100_000  # where Python time and the ratio to the bare view are read


def machine() -> dict:
    memory = ""
    try:
        with open("/proc/meminfo") as meminfo:
            kb = int(meminfo.readline().split()[1])
            memory = f"{kb / 2**20:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    redis_version = ""
    if settings.REDIS_URL:
        try:
            import redis

            redis_version = redis.Redis.from_url(settings.REDIS_URL).info("server")["redis_version"]
        except Exception:  # only a label in the report
            redis_version = "?"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "memory": memory,
        "postgres": postgres,
        "redis": redis_version,
        "python": platform.python_version(),
        "django": django.get_version(),
        "debug": settings.DEBUG,
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds >= 1:
        return f"{seconds:,.2f} s"
    return f"{seconds * 1000:.1f} ms"


def _verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("met" if ok else "**missed**")


def _size(dreams: int) -> str:
    if dreams % 1_000_000 == 0:
        return f"{dreams // 1_000_000}M"
    return f"{dreams // 1000}k" if dreams % 1000 == 0 else f"{dreams:,}"


def vacuum_text(made: dict) -> str:
    """ ", VACUUM 2 s (autovacuum is off here: what it would do)" or "" (bench/seed.py)."""
    seconds = made.get("seconds_vacuum")
    if seconds is None:
        return ""
    return f", VACUUM {seconds:.0f} s (autovacuum is off on this server: what it would do)"


def _reference(sizes: list[int]) -> int:
    """The size Python time and ratios are read at: 100,000 if measured, else the largest."""
    return REFERENCE_SIZE if REFERENCE_SIZE in sizes else max(sizes)


def _cell(m: Measurement | None) -> str:
    if m is None:
        return "-"
    if m.error:
        return f"error: {m.error}"
    return f"{_ms(m.median)} ({_ms(m.p95)}) · Py {_ms(m.cpu_median)}"


def targets(key: str, group: str, by_size: dict[int, Measurement]) -> list[tuple[str, bool]]:
    """The targets a page has, each with whether this run met it."""
    sizes = sorted(by_size)
    small, large = by_size[sizes[0]], by_size[sizes[-1]]
    ref_size = _reference(sizes)
    ref = by_size[ref_size]
    if any(m.error for m in by_size.values()):
        return [("runs at every size", False)]
    found = []
    if group in TARGETS:
        limit = TARGETS[group]
        found.append((f"≤ {_ms(limit)} at {_size(ref_size)}", ref.median <= limit))
    if key in PYTHON_PAGES:
        found.append(
            (f"Python ≤ {_ms(PYTHON_MAX)} at {_size(ref_size)}", ref.cpu_median <= PYTHON_MAX)
        )
    if group in GROWTH_GROUPS and len(sizes) > 1 and small.median:
        growth = large.median / small.median
        label = f"growth {_size(sizes[-1])}/{_size(sizes[0])} ≤ {MAX_GROWTH}"
        found.append((label, growth <= MAX_GROWTH))
    if group == "report":
        found.append((f"≤ {_ms(REPORT_MAX)} at {_size(sizes[-1])}", large.median <= REPORT_MAX))
    if group == "export":
        extra = large.extra
        mb = max(extra.get("peak_python_mb") or 0, extra.get("peak_rss_growth_mb") or 0)
        found.append(
            (f"complete file, memory < {EXPORT_MAX_MB} MB (here {mb:.0f})", mb < EXPORT_MAX_MB)
        )
    return found


def page_rows(runs: dict[int, dict[str, Measurement]]) -> list[list[str]]:
    sizes = sorted(runs)
    ref_size = _reference(sizes)
    bare = runs[ref_size].get("bare")
    rows = []
    for key, label, group in PAGES:
        by_size = {size: runs[size][key] for size in sizes if key in runs[size]}
        if len(by_size) != len(sizes):
            continue
        small, large, ref = by_size[sizes[0]], by_size[sizes[-1]], by_size[ref_size]
        ok = not any(m.error for m in by_size.values())
        growth = large.median / small.median if ok and small.median else None
        queries = "/".join("-" if m.queries is None else str(m.queries) for m in by_size.values())
        if key == "bare":
            ratio, found = "1x", "reference"
        else:
            usable = ok and bare is not None and not bare.error and bare.cpu_median
            ratio = f"{ref.cpu_median / bare.cpu_median:.0f}x" if usable else "-"
            found = "; ".join(
                f"{text}: {_verdict(met)}" for text, met in targets(key, group, by_size)
            )
        rows.append(
            [
                label,
                str(ref.urls),
                *(_cell(by_size[size]) for size in sizes),
                queries,
                f"{growth:.2f}" if growth else "-",
                ratio,
                found,
            ]
        )
    return rows


def table(rows: list[list[str]], sizes: list[int]) -> str:
    ref = _size(_reference(sizes))
    head = [
        "page",
        "URLs",
        *(f"{_size(size)}: median (p95) · Python" for size in sizes),
        "queries " + "/".join(_size(size) for size in sizes),
        f"growth {_size(sizes[-1])}/{_size(sizes[0])}",
        f"Python x bare ({ref})",
        "targets",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def growing(runs: dict[int, dict[str, Measurement]]) -> list[str]:
    """The pages whose median grows more than MAX_GROWTH from the smallest size to the largest."""
    sizes = sorted(runs)
    found = []
    for key, label, _group in PAGES:
        small, large = runs[sizes[0]].get(key), runs[sizes[-1]].get(key)
        if small is None or large is None or key == "bare":
            continue
        if large.error:
            found.append(f"{label}: {large.error} at {_size(sizes[-1])}")
        elif not small.error and small.median and large.median / small.median > MAX_GROWTH:
            found.append(
                f"{label}: {_ms(small.median)} → {_ms(large.median)} "
                f"({large.median / small.median:.1f}x)"
            )
    return found


def capacity_rows(result) -> list[list[str]]:
    bare = next((c for c in result.capacities if c.name == "bare"), None)
    rows = []
    for cap in result.capacities:
        if cap is bare:
            share = "100%" if cap.rps else "-"
        else:
            share = f"{cap.rps / bare.rps:.1%}" if cap.rps and bare and bare.rps else "-"
        at = f"{_ms(cap.best.p50)} / {_ms(cap.best.p95)}" if cap.best else "-"
        failed = cap.failed
        after = (
            f"{failed.rate:.1f} → {failed.throughput:.1f}/s, p95 {_ms(failed.p95)}, "
            f"{failed.errors} errors"
            if failed
            else "(not reached)"
        )
        rps = f"**{cap.rps:.1f} req/s**" if cap.rps else "below the lowest rate tried"
        rows.append([cap.label, str(cap.urls), rps, share, at, after])
    return rows


def open_loop_lines(size: int, result) -> list[str]:
    if result is None:
        return []
    head = (
        f"Capacity at {size:,} dreams (load average {result.load_start} at the start, "
        f"{result.load_end} at the end)"
    )
    if result.error:
        return [f"{head}: **error** {result.error}", ""]
    columns = [
        "page",
        "URLs",
        "capacity",
        "share of the bare view",
        "at capacity: p50 / p95",
        "lowest rate that failed: offered → answered, p95, errors",
    ]
    lines = [head + ":", "", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(row) + " |" for row in capacity_rows(result)]
    gen = result.generator
    bare = next((c for c in result.capacities if c.name == "bare"), None)
    if gen is not None and gen.best is not None:
        text = (
            f"- The generator itself: against a server that answers 204 at once it kept "
            f"**{gen.rps:,.0f} req/s** (p95 {_ms(gen.best.p95)}, its CPU {gen.best.cpu_share:.0%} "
            f"of a core)"
        )
        if gen.failed is None:
            text += ", and more was not tried"
        if bare is not None and bare.best is not None:
            text += (
                f"; at the bare view's capacity it used {bare.best.cpu_share:.0%} of a core and "
                f"started requests {bare.best.lag_p95 * 1000:.1f} ms late (p95)"
            )
        lines += [
            "",
            text + ". It shares the 2 cores with gunicorn and PostgreSQL, so every page pays "
            "for it, the bare view (the highest rate) most.",
        ]
    lines.append("")
    return lines


def load_lines(load) -> list[str]:
    if load is None:
        return []
    if load.error:
        return [f"- Load test: **error** {load.error}"]
    ok = load.errors == 0 and load.p95 is not None and load.p95 <= LOAD_MAX_P95
    lines = [
        f"- Load test (gunicorn, 2 workers, loopback; {load.users} users, 60% residents and "
        f"40% staff, {load.seconds:.0f} s): **{load.rps:.1f} requests/s**, median "
        f"{_ms(load.median)}, p95 **{_ms(load.p95)}**, p99 {_ms(load.p99)}, "
        f"**{load.errors} errors** in {load.requests:,} requests. "
        f"Target 0 errors, p95 ≤ {_ms(LOAD_MAX_P95)}: {_verdict(ok)}."
    ]
    parts = ", ".join(f"{name} {_ms(v['p95'])} ({v['count']})" for name, v in load.per_page.items())
    lines.append(f"  - p95 per request (count): {parts}.")
    if load.error_examples:
        lines.append("  - Errors, for example: " + "; ".join(load.error_examples) + ".")
    return lines


def mail_lines(mail) -> list[str]:
    how = (
        "each mail committed in a transaction of its own, as everyday updates are"
        if mail.separate_commits
        else "all mails committed in one transaction, as a bulk job such as the daily email"
    )
    if mail.per_second is None:
        return [f"- Mail throughput ({how}, {mail.mail_server}): **error** {mail.error}"]
    target = MAIL_MIN_PER_SECOND_EACH_COMMITTED if mail.separate_commits else MAIL_MIN_PER_SECOND
    ok = not mail.error and mail.per_second >= target
    if mail.separate_commits:
        rate = mail.mails / mail.write_seconds if mail.write_seconds else 0
        written = (
            f"{mail.writers} processes stored and committed them one by one (rendered "
            f"beforehand) in "
            f"{_ms(mail.write_seconds)}, {rate:.0f}/s, inside that span"
        )
    else:
        written = (
            f"writing them took {_ms(mail.write_seconds)}, enqueueing at commit "
            f"{_ms(mail.enqueue_seconds)}"
        )
    server = "SMTP server on loopback (aiosmtpd)" if mail.mail_server == "smtp" else "mailbox"
    return [
        f"- Mail throughput, {how} (one Celery worker, prefork concurrency {mail.concurrency}, "
        f"Redis, {server}): {mail.delivered:,} of {mail.mails:,} mails delivered "
        f"{_ms(mail.seconds)} after the first commit: **{mail.per_second:.0f} mails/s**; from "
        f"its commit to delivered median {_ms(mail.latency_median)}, p95 "
        f"{_ms(mail.latency_p95)} ({written}); the worker used {_ms(mail.worker_cpu_per_mail)} "
        f"of CPU a mail. Target ≥ {target:,} mails/s: "
        f"{_verdict(ok)}." + (f" {mail.error}." if mail.error else "")
    ]


def _times_bare(m: Measurement | None, bare: Measurement | None) -> str:
    if m is None or m.error or bare is None or bare.error or not bare.median:
        return "-"
    ratio = m.median / bare.median
    return f"{ratio:.1f}x" if ratio < 10 else f"{ratio:.0f}x"  # a cached answer: near 1


def _open_data_cell(m: Measurement | None, bare: Measurement | None) -> str:
    if m is None:
        return "-"
    if m.error:
        return f"error: {m.error}"
    return f"{_ms(m.median)} ({_ms(m.p95)}) · {m.queries} queries · {_times_bare(m, bare)} bare"


def _capacity_cell(result, name: str) -> str:
    if result is None or result.error:
        return "-"
    bare = next((c for c in result.capacities if c.name == "bare"), None)
    cap = next((c for c in result.capacities if c.name == name), None)
    if cap is None:
        return "-"
    if not cap.rps:
        return "below the lowest rate tried"
    share = f" ({cap.rps / bare.rps:.1%} of the bare view)" if bare and bare.rps else ""
    return f"{cap.rps:.1f} req/s{share}"


def open_data_lines(step: dict) -> list[str]:
    """Issue 19's pages at one size: cached and cold beside each other, as ratios to the bare
    view measured in the same run, and their capacity under the load test."""
    measurements = step["pages"].measurements
    if not any(key in measurements for key in open_data.KEYS):
        return []
    bare = measurements.get("bare")
    shared = step["pages"].shared
    lines = [
        f"Open data (issue 19) at {step['size']:,} dreams: "
        f"{shared.get('publications', 0):,} dreams shared by their residents "
        f"({shared.get('withdrawn', 0):,} of them withdrawn again), "
        f"{shared.get('stories', 0):,} stories in the gallery; no photos (the seed makes none). "
        "Median (p95), queries, and the median as a multiple of the bare view's "
        f"({_ms(bare.median if bare else None)}); capacity under the load test as a share of "
        "the bare view's in the same run. Cached: the open-data version unchanged, every URL "
        "asked once before the timing. Cold: the version raised before each request (one "
        "Redis write, timed with it), so every answer is computed.",
        "",
        "| endpoint | URLs | cached | cold | capacity cached | capacity cold |",
        "|---|---|---|---|---|---|",
    ]
    load_names = {
        endpoints[0]: name for name, _label, endpoints in open_data.LOAD
    }  # the load test's page that starts with this endpoint
    figures = next(endpoints for name, _l, endpoints in open_data.LOAD if len(endpoints) > 1)
    result = step.get("open_loop")
    for key, label in open_data.ENDPOINTS:
        cached, cold = measurements.get(key), measurements.get(key + open_data.COLD)
        if cached is None and cold is None:
            continue
        name = load_names.get(key)
        if name is not None:
            capacities = [
                _capacity_cell(result, name),
                _capacity_cell(result, name + open_data.COLD),
            ]
            if key in figures and result is not None:
                capacities = [f"{cell}; weeks, promises and money in turn" for cell in capacities]
        elif key in figures:
            capacities = ["(in the weeks' figure above)" if result else "-"] * 2
        else:
            capacities = ["-", "-"]
        urls = str((cached or cold).urls)
        lines.append(
            f"| {label} | {urls} | {_open_data_cell(cached, bare)} | "
            f"{_open_data_cell(cold, bare)} | {capacities[0]} | {capacities[1]} |"
        )
    lines.append("")
    return lines


def render(*, info: dict, steps: list, mixed, mail_runs, options: dict, minutes: float) -> str:
    """STEPS: one dict per size: size, seed (the seed's figures), load (at its start and end),
    pages (bench.pages.PageRun), open_loop (bench.load.OpenLoopResult or None)."""
    sizes = [step["size"] for step in steps]
    runs = {step["size"]: step["pages"].measurements for step in steps}
    lines = [
        f"Run on {info['date']}: {info['nproc']} cores (`nproc`), {info['memory']} memory, "
        f"PostgreSQL {info['postgres']}, Redis {info['redis']}, Python {info['python']}, "
        f"Django {info['django']}, DEBUG {'on' if info['debug'] else 'off'}; load average at "
        f"the start {info['load']}. The whole run took {minutes:.1f} minutes."
        + (
            f" Only some pages: `--pages {options['pages']}`."
            if options.get("pages", "all") != "all"
            else ""
        ),
        "",
    ]
    for step in steps:
        made, run = step["seed"], step["pages"]
        heavy = run.heavy_pages
        spread = f"{min(heavy)}-{max(heavy)}" if heavy else "-"
        lines.append(
            f"- **{step['size']:,} dreams**: seeded {made['added_dreams']:,} in "
            f"{made['seconds']:.0f} s (generating {made['seconds_generate']:.0f} s, COPY and "
            f"indexes {made['seconds_copy']:.0f} s, ANALYZE {made['seconds_analyze']:.0f} s"
            f"{vacuum_text(made)}; "
            f"{made['rows'].get('initiatives_timelineevent', 0):,} events added, in time order); "
            f"load average {step['load'][0]} at the start of the step, {step['load'][1]} at its "
            f"end. Search words, share of the {run.listed:,} listed dreams: "
            f"{shares_text(run.word_shares)}. The {len(heavy)} dreams with 200 events have them "
            f"on {spread} heap pages each."
        )
    lines += [
        "",
        f"Server time in-process (django.test.Client, every middleware): median and p95 wall "
        f"time of {options['repeat']} requests after {options['warmup']} to warm up, rotating "
        f"over the URLs counted (dreams, pages, filters, people), and the median Python time "
        f"(this process's CPU: Django, templates, the driver; not PostgreSQL's). The weekly "
        f"report {max(3, options['repeat'] // 4)} builds, the export 3; a page stops after "
        f"60 s of timing (at least 3 requests). Queries counted in one more request. Growth is "
        f"the median at {sizes[-1]:,} dreams over the median at {sizes[0]:,}.",
        "",
        table(page_rows(runs), sizes),
        "",
    ]
    export = runs[sizes[-1]].get("export")
    if export and export.extra:
        lines.append(
            f"- The export asks for all {export.extra['listed']:,} dreams the staff list shows "
            '(every status but unconfirmed) with its "download all found" button, unfiltered; '
            "the file is made by the worker's code (services.export_build), in-process to be "
            "measured, and downloaded with its Content-Length."
        )
    grows = growing(runs)
    if grows:
        lines.append(
            f"- **What still grows** from {sizes[0]:,} to {sizes[-1]:,} dreams (more than "
            f"{MAX_GROWTH}x): " + "; ".join(grows) + "."
        )
    lines.append("")
    for step in steps:
        lines += open_data_lines(step)
    loads = [step for step in steps if step.get("open_loop") is not None]
    for step in loads:
        lines += open_loop_lines(step["size"], step["open_loop"])
    if loads:
        lines += [
            "Open loop: requests start at a fixed rate whether or not earlier ones were "
            "answered (gunicorn, 2 sync workers, loopback), the rate "
            f"x{openloop.FACTOR} per step of {options['load_seconds']:.0f} s until the p95 "
            f"passes {_ms(LOAD_MAX_P95)} or a request fails (confirmed once at the same "
            f"rate), then {openloop.REFINE_STEPS} steps at the geometric mean of the highest "
            "rate kept and the lowest that failed; the capacity is the answered requests per "
            "second of the highest step that kept both, and the page gave at most "
            f"{openloop.FACTOR ** (1 / 2**openloop.REFINE_STEPS) - 1:.0%} above it (the "
            "lowest failing rate is in the last column), so a share of the bare view's is "
            f"exact to about that, either way. Latency counts from the scheduled start.",
            "",
        ]
    lines += load_lines(mixed)
    for run in mail_runs:
        lines += mail_lines(run)
    return "\n".join(lines)


def write(path: Path, text: str, *, section: str = "all") -> None:
    """Put TEXT between SECTION's markers in PATH, keeping what is written around them."""
    start, end = markers(section)
    block = f"{start}\n{text}\n{end}"
    if path.exists():
        current = path.read_text()
        if start in current and end in current:
            pattern = re.escape(start) + r".*?" + re.escape(end)
            path.write_text(re.sub(pattern, lambda _m: block, current, flags=re.S))
            return
        path.write_text(current.rstrip() + "\n\n" + block + "\n")
        return
    path.write_text(f"# Benchmarks\n\n{block}\n")
