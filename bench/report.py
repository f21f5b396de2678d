"""The benchmark's table: figures at 1,000 and 100,000 dreams against the targets."""

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

import django
from django.conf import settings
from django.db import connection

from bench.pages import PAGES, Measurement

START = "<!-- bench:start (written by `make bench`; edit outside these markers) -->"
END = "<!-- bench:end -->"

# Per group: the most a page may take at the large size (median), and whether its query
# count must be the same at both sizes and its time grow at most 1.5 times.
TARGETS = {
    "list": (0.050, True),
    "workspace": (0.060, False),
    "resident": (0.030, False),
    "post": (0.060, False),
    "report": (0.5, False),  # issue 15: under 0.5 s at 1,000,000 dreams
}
MAX_GROWTH = 1.5
EXPORT_MAX_MB = 50
LOAD_MAX_P95 = 0.250
MAIL_MIN_PER_SECOND = 200


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


def page_rows(small: dict[str, Measurement], large: dict[str, Measurement]) -> list[list[str]]:
    bare_large = large.get("bare")
    rows = []
    for key, label, group in PAGES:
        s, big = small.get(key), large.get(key)
        if s is None or big is None:
            continue
        if s.error or big.error:
            rows.append(
                [
                    label,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    f"error: {s.error or big.error}",
                    _verdict(False),
                ]
            )
            continue
        growth = big.median / s.median if s.median else None
        ratio = big.median / bare_large.median if bare_large and bare_large.median else None
        target, verdict = _target(group, key, s, big, growth)
        rows.append(
            [
                label,
                _ms(s.median),
                _ms(s.p95),
                str(s.queries),
                _ms(big.median),
                _ms(big.p95),
                str(big.queries),
                f"{growth:.2f}" if growth else "-",
                f"{ratio:.0f}x" if ratio and key != "bare" else ("1x" if key == "bare" else "-"),
                target,
                verdict,
            ]
        )
    return rows


def _target(group: str, key: str, s: Measurement, big: Measurement, growth) -> tuple[str, str]:
    if group == "bare":
        return "reference", "-"
    if group == "export":
        mb = max(big.extra.get("peak_python_mb") or 0, big.extra.get("peak_rss_growth_mb") or 0)
        ok = mb < EXPORT_MAX_MB
        text = (
            f"streams, peak memory growth < {EXPORT_MAX_MB} MB (here {mb:.0f} MB: Python "
            f"{big.extra.get('peak_python_mb', 0):.0f}, RSS {big.extra.get('peak_rss_growth_mb') or 0:.0f}; "
            f"{big.extra.get('rows', 0):,} rows)"
        )
        return text, _verdict(ok)
    limit, strict = TARGETS[group]
    ok = big.median <= limit
    text = f"median ≤ {_ms(limit)}"
    if strict:
        ok = ok and s.queries == big.queries and growth is not None and growth <= MAX_GROWTH
        text += f", same queries, growth ≤ {MAX_GROWTH}"
    return text, _verdict(ok)


def _size(dreams: int) -> str:
    return f"{dreams // 1000}k" if dreams % 1000 == 0 else f"{dreams:,}"


def table(rows: list[list[str]], small: int = 1000, large: int = 100_000) -> str:
    a, b = _size(small), _size(large)
    head = [
        "page",
        f"{a} median",
        f"{a} p95",
        f"{a} queries",
        f"{b} median",
        f"{b} p95",
        f"{b} queries",
        f"growth {b}/{a}",
        f"x bare view ({b})",
        "target",
        "",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


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
        return [f"- Mail throughput ({how}): **error** {mail.error}"]
    ok = not mail.error and mail.per_second >= MAIL_MIN_PER_SECOND
    written = (
        f"writing and committing them one by one took {_ms(mail.write_seconds)}, inside that span"
        if mail.separate_commits
        else f"writing them took {_ms(mail.write_seconds)}, enqueueing at commit "
        f"{_ms(mail.enqueue_seconds)}"
    )
    return [
        f"- Mail throughput, {how} (one Celery worker, prefork concurrency {mail.concurrency}, "
        f"Redis, mailbox backend): {mail.delivered:,} of {mail.mails:,} mails delivered "
        f"{_ms(mail.seconds)} after the first commit: **{mail.per_second:.0f} mails/s**; from "
        f"its commit to delivered median {_ms(mail.latency_median)}, p95 "
        f"{_ms(mail.latency_p95)} ({written}). Target ≥ {MAIL_MIN_PER_SECOND} mails/s: "
        f"{_verdict(ok)}." + (f" {mail.error}." if mail.error else "")
    ]


def render(*, info: dict, seeds: list[str], small, large, load, mail_runs, sizes, minutes) -> str:
    lines = [
        f"Run on {info['date']}: {info['nproc']} cores (`nproc`), {info['memory']} memory, "
        f"PostgreSQL {info['postgres']}, Redis {info['redis']}, Python {info['python']}, "
        f"Django {info['django']}, DEBUG {'on' if info['debug'] else 'off'}; load average at "
        f"the start {info['load']}. The whole run took {minutes:.1f} minutes.",
        "",
        *[f"- {line}" for line in seeds],
        "",
        f"Server time in-process (django.test.Client, every middleware; median and p95 of "
        f"{sizes['repeat']} requests after {sizes['warmup']} to warm up; the weekly report "
        f"{max(3, sizes['repeat'] // 4)} builds, the export 3). Queries counted in one "
        f"more request. Growth is the median at {sizes['large']:,} dreams over the median at "
        f"{sizes['small']:,}.",
        "",
        table(page_rows(small, large), sizes["small"], sizes["large"]),
        "",
    ]
    export = large.get("export")
    if export and export.extra:
        lines.append(
            f"- The export downloads all {export.extra['listed']:,} dreams the staff list shows "
            '(every status but unconfirmed) with its "download all found" link, unfiltered.'
        )
    lines += load_lines(load)
    for run in mail_runs:
        lines += mail_lines(run)
    return "\n".join(lines)


def write(path: Path, text: str) -> None:
    """Put TEXT between the markers in PATH, keeping what is written around them."""
    block = f"{START}\n{text}\n{END}"
    if path.exists():
        current = path.read_text()
        if START in current and END in current:
            pattern = re.escape(START) + r".*?" + re.escape(END)
            path.write_text(re.sub(pattern, lambda _m: block, current, flags=re.S))
            return
        path.write_text(current.rstrip() + "\n\n" + block + "\n")
        return
    path.write_text(f"# Benchmarks\n\n{block}\n")
