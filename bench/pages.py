"""Server time, Python time and query count per page, in-process with django.test.Client.

Each page is requested a few times to warm up, once with the queries counted, then
REPEAT times timed. The time is the whole request through every middleware: what the
server spends, without the network. Beside it the process's CPU time for the request: the
Python (Django, templates, the database driver) a web worker spends, without the time it
waits for PostgreSQL. Most pages rotate over several URLs (dreams, pages, filters, people),
so that no figure is one cached row requested twenty times.
"""

import gc
import math
import os
import statistics
import threading
import time
import tracemalloc
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from accounts.models import User
from bench import (
    BENCH_RESIDENT_EMAIL,
    EMAIL_SUFFIX,
    HEAVY_MARK,
    HEAVY_TITLE,
    SLUG_PREFIX,
    open_data,
)
from bench import texts as T
from bench.settings import lifted_rate_limits
from initiatives.models import Dream, Fund, Neighbourhood
from initiatives.statuses import Status

BENCH_URLCONF = "bench.urls"
HOST = "localhost"


@dataclass
class Measurement:
    key: str
    median: float | None = None  # seconds
    p95: float | None = None
    queries: int | None = None
    samples: int = 0
    cpu_median: float | None = None  # seconds of this process's CPU per request
    cpu_p95: float | None = None
    urls: int = 1  # how many different requests it rotated over
    error: str = ""
    extra: dict = field(default_factory=dict)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the value below which SHARE of the samples lie."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class BenchError(Exception):
    pass


def _check(response, expected=(200,)) -> None:
    if response.status_code not in expected:
        location = response.get("Location", "")
        raise BenchError(f"HTTP {response.status_code} {location}".strip())


def rotating(*requests: Callable[[], None]) -> Callable[[], None]:
    """One request after the other, round and round: a different one each call."""
    turn = iter(range(10**9))

    def request():
        requests[next(turn) % len(requests)]()

    request.count = len(requests)
    return request


def measure(
    key: str,
    request: Callable[[], None],
    *,
    warmup: int,
    repeat: int,
    budget: float | None = None,
) -> Measurement:
    """Time REPEAT calls of REQUEST (after WARMUP), wall and CPU; stop early when BUDGET
    seconds are spent (at least 3 timed calls then), so a page that takes seconds at a million
    dreams does not hold the run for minutes."""
    result = Measurement(key=key, urls=getattr(request, "count", 1))
    spent_from = time.monotonic()
    try:
        for _ in range(warmup):
            request()
        with CaptureQueriesContext(connection) as queries:
            request()
        result.queries = len(queries)
        times, cpu = [], []
        for index in range(repeat):
            if budget is not None and index >= 3 and time.monotonic() - spent_from > budget:
                break
            started, started_cpu = time.perf_counter(), time.process_time()
            request()
            cpu.append(time.process_time() - started_cpu)
            times.append(time.perf_counter() - started)
    except BenchError as exc:
        result.error = str(exc)
        return result
    except Exception as exc:  # a page that fails is a finding, not the end of the run
        result.error = f"{type(exc).__name__}: {exc}"[:300]
        return result
    result.samples = len(times)
    result.median = statistics.median(times)
    result.p95 = percentile(times, 0.95)
    result.cpu_median = statistics.median(cpu)
    result.cpu_p95 = percentile(cpu, 0.95)
    return result


def _verified(client: Client, user: User) -> None:
    """Give the staff session its second factor, as the code page would after a right code."""
    if not getattr(settings, "STAFF_REQUIRE_2FA", False):
        return
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="benchmark", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def signed_in_client(user: User) -> Client:
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    if user.is_staff:
        _verified(client, user)
    return client


def dream_form_data() -> dict:
    """Return a valid hand-in form for a signed-in resident, whatever fields it has now."""
    from residents.forms import DreamForm

    form = DreamForm(signed_in=True)
    neighbourhood = Neighbourhood.objects.filter(slug__startswith=SLUG_PREFIX).first()
    data = {}
    texts = {
        "title": "Een jeu-de-boulesbaan bij het buurthuis",
        "story": "Wij willen graag een jeu-de-boulesbaan bij het buurthuis, zodat buren "
        "elkaar vaker zien. Veel ouderen zitten te veel thuis.",
        "own_contribution": "Wij leggen de baan samen aan en houden hem bij.",
        "needs_from_municipality": "Toestemming voor de plek en een kleine bijdrage.",
        "location": "Kerkstraat 12",
        "contact_name": "Bente Benchmark",
        "contact_phone": "06 12345678",
    }
    for name, field_ in form.fields.items():
        html_name = form[name].html_name
        if isinstance(field_, forms.FileField):
            continue
        if isinstance(field_, forms.ModelChoiceField):
            queryset = field_.queryset
            if neighbourhood is not None and queryset.model is Neighbourhood:
                data[html_name] = neighbourhood.pk
            else:
                pick = queryset.filter(slug__startswith=SLUG_PREFIX).first() or queryset.first()
                data[html_name] = pick.pk
        elif isinstance(field_, forms.BooleanField):
            if field_.required:
                data[html_name] = "on"
        elif isinstance(field_, forms.ChoiceField):
            data[html_name] = next(value for value, _label in field_.choices if value)
        elif isinstance(field_, forms.EmailField):
            if field_.required:
                data[html_name] = BENCH_RESIDENT_EMAIL
        else:
            data[html_name] = texts.get(name, "Benchmark")
    return data


@dataclass
class Subjects:
    """Who and what the pages are measured with."""

    staff: list[Client]  # several MogelijkMakers, in turn
    manager: Client  # reads the fund overview
    fund_ids: list[int]  # this year's funds (the bench's own fund, the demo's are not here)
    resident: Client  # the benchmark's own resident, with the long-timeline dream
    residents: list[tuple[Client, list[int]]]  # other residents, each with their dreams
    newcomer: Client  # hands in dreams, so that the resident's own list stays the same
    heavy_id: int
    heavy_ids: list[int]  # every dream with HEAVY_EVENTS events
    typical_ids: list[int]  # dreams picked at random
    neighbourhood_ids: list[int]
    listed_count: int  # the dreams the staff list shows: what the export downloads
    deep_days: list[str]  # the days handed in 10%, 30% ... 90% of the way down the newest first


def _random_dream_ids(count: int) -> list[int]:
    """COUNT listed dreams at random (a sample of the table's pages: no sort of a million)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM initiatives_dream TABLESAMPLE SYSTEM (5) REPEATABLE (7) "
            "WHERE status <> %s ORDER BY id LIMIT 5000",
            [Status.UNCONFIRMED],
        )
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) < count:  # a small table: the sample may hold too few
        ids = list(Dream.objects.exclude(status=Status.UNCONFIRMED).values_list("pk", flat=True))
    step = max(1, len(ids) // count)
    return ids[::step][:count]


def deep_days(listed: int) -> list[str]:
    """The days on which the dreams 10%, 30%, 50%, 70% and 90% of the way down the list
    (newest first) were handed in: where a deep jump lands (one OFFSET each, at setup only)."""
    listed_dreams = Dream.objects.exclude(status=Status.UNCONFIRMED).order_by("-submitted_at")
    days = []
    for share in (0.1, 0.3, 0.5, 0.7, 0.9):
        moment = listed_dreams.values_list("submitted_at", flat=True)[int(listed * share)]
        days.append(timezone.localdate(moment).isoformat())
    return days


def subjects(*, residents: int = 10, staff: int = 5, typical: int = 50) -> Subjects:
    enablers = list(
        User.objects.filter(
            email__endswith=EMAIL_SUFFIX, is_staff=True, groups__name="MogelijkMaker"
        ).order_by("email")[:staff]
    )
    resident = User.objects.get(email=BENCH_RESIDENT_EMAIL)
    newcomer = (
        User.objects.filter(email__endswith=EMAIL_SUFFIX, is_staff=False)
        .exclude(pk=resident.pk)
        .order_by("pk")
        .first()
    )
    heavy = Dream.objects.get(title=HEAVY_TITLE, resident=resident)
    heavy_ids = [
        heavy.pk,
        *Dream.objects.filter(title__endswith=HEAVY_MARK).values_list("pk", flat=True),
    ]
    typical_ids = _random_dream_ids(typical)
    owners = {}
    for dream in Dream.objects.filter(pk__in=typical_ids).exclude(
        resident__in=[resident, newcomer]
    ):
        owners.setdefault(dream.resident_id, []).append(dream.pk)
        if len(owners) >= residents:
            break
    people = User.objects.in_bulk(list(owners))
    listed = Dream.objects.exclude(status=Status.UNCONFIRMED).count()
    manager = (
        User.objects.filter(email__endswith=EMAIL_SUFFIX, is_staff=True, groups__name="Manager")
        .order_by("email")
        .first()
    )
    return Subjects(
        staff=[signed_in_client(person) for person in enablers],
        manager=signed_in_client(manager or enablers[0]),
        fund_ids=list(
            Fund.objects.filter(year=timezone.localdate().year)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        resident=signed_in_client(resident),
        residents=[(signed_in_client(people[pk]), own) for pk, own in owners.items()],
        newcomer=signed_in_client(newcomer),
        heavy_id=heavy.pk,
        heavy_ids=heavy_ids,
        typical_ids=typical_ids,
        neighbourhood_ids=list(
            Neighbourhood.objects.filter(slug__startswith=SLUG_PREFIX)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        listed_count=listed,
        deep_days=deep_days(listed),
    )


def _get(client: Client, path: str, expected=(200,)) -> Callable[[], None]:
    def request():
        response = client.get(path, secure=True)
        _check(response, expected)
        # Read the body, as a browser would; a streamed one chunk by chunk.
        if response.streaming:
            for _chunk in response.streaming_content:
                pass
        else:
            response.content  # noqa: B018

    return request


# (key, label, the targets' group) in the order of the table.
PAGES = [
    ("bare", "Bare Django view (reference)", "bare"),
    ("triage", "Triage queue /medewerkers/nieuwe-dromen/", "list"),
    ("list", "Dreams list, pages 1-5", "list"),
    ("list_filtered", "Dreams list, neighbourhood + status (20 combinations)", "list"),
    ("list_sorted", "Dreams list, sorted by title, oldest, status, silence", "list"),
    ("list_search_common", "Dreams list, search a common word (pages 1-3)", "list"),
    ("list_search_rare", "Dreams list, search a rare word (5 words)", "list"),
    ("list_deep", "Dreams list, deep: jumps to days 10% ... 90% down, letters, statuses", "list"),
    ("workspace", "Dream workspace, 200 events (the newest 50 shown)", "workspace"),
    ("workspace_all", "Dream workspace, 200 events, whole history", "workspace"),
    ("workspace_typical", "Dream workspace, dreams at random", "workspace"),
    ("funds_public", "Funds: /fondsen/ and each fund's page (issue 16)", "resident"),
    ("funds_staff", "Managers' fund overview /medewerkers/fondsen/ (issue 16)", "list"),
    ("home", "Home page / (an anonymous visitor: the newest stories)", "resident"),
    ("my_dreams", "Resident: /mijn-dromen/ (10 residents)", "resident"),
    ("my_dream", "Resident: /mijn-dromen/<id>/ (their dreams)", "resident"),
    ("my_dream_heavy", "Resident: /mijn-dromen/<id>/, 200 events", "resident"),
    # The pages above are measured as the first look after a write (nothing cached). These
    # are the looks after it, until the next write: their data or page from the cache
    # (initiatives/list_cache.py, config/cached_pages.py).
    ("list_cached", "Dreams list, pages 1-5 (cached)", "list"),
    ("triage_cached", "Triage queue (cached)", "list"),
    ("workspace_cached", "Dream workspace, 200 events (cached)", "workspace"),
    ("my_dreams_cached", "Resident: /mijn-dromen/ (cached)", "resident"),
    ("my_dream_cached", "Resident: /mijn-dromen/<id>/ (cached)", "resident"),
    *open_data.PAGES,  # issue 19: each cached and cold
    ("dream_post", "Dream form POST /dromen/nieuw/", "post"),
    ("weekly_report", "Weekly report build (last week)", "report"),
    ("export", "CSV export of all dreams (ask, file made, download)", "export"),
]
LIST = "/medewerkers/dromen/"
# Pages measured a second time with the cache on (PAGES: "<key>_cached").
CACHED = ("list", "triage", "workspace", "my_dreams", "my_dream")
# `bench --pages`: which pages a run measures (in-process and under the load test). The bare
# view is always measured: every ratio is to it.
PAGE_SETS = {
    "all": None,
    open_data.PAGE_SET: {"bare", *open_data.KEYS},
}
# Pages that PostgreSQL may take seconds over at a million dreams: timed until this many
# seconds are spent (at least 3 requests), and the weekly report cancelled after REPORT_BUDGET.
PAGE_BUDGET = 60.0
REPORT_BUDGET = 120.0


def page_requests(who: Subjects) -> dict[str, Callable[[], None]]:
    """The GET requests of PAGES, each rotating over its URLs (and staff members)."""
    staff = who.staff

    def by_staff(paths: list[str]) -> Callable[[], None]:
        return rotating(*(_get(staff[i % len(staff)], path) for i, path in enumerate(paths)))

    combinations = [
        (nb, status)
        for status in ("in_conversation", "in_progress", "picked_up", "realised")
        for nb in who.neighbourhood_ids[:5]
    ]
    heavy = who.heavy_ids
    requests = {
        "bare": by_staff(["/bench/bare/"]),
        "triage": by_staff(["/medewerkers/nieuwe-dromen/"]),
        "list": by_staff([f"{LIST}?pagina={n}" for n in range(1, 6)]),
        "list_filtered": by_staff(
            [f"{LIST}?neighbourhood={nb}&status={status}" for nb, status in combinations]
        ),
        "list_sorted": by_staff(
            [f"{LIST}?sort={sort}" for sort in ("title", "oldest", "status", "silent")]
        ),
        "list_search_common": by_staff([f"{LIST}?q={T.COMMON_WORD}&pagina={n}" for n in (1, 2, 3)]),
        "list_search_rare": by_staff([f"{LIST}?q={word}" for word in T.RARE_WORDS]),
        # The list pages by keys (no page numbers past its count cap): staff go deep by
        # jumping to a day, a first letter or a status, then follow "next page".
        "list_deep": by_staff(
            [f"{LIST}?vanaf={day}" for day in who.deep_days]
            + [f"{LIST}?sort=title&vanaf={letter}" for letter in ("K", "S", "W")]
            + [f"{LIST}?sort=status&vanaf={status}" for status in ("in_progress", "realised")]
        ),
        "workspace": by_staff([f"{LIST}{pk}/" for pk in heavy]),
        "workspace_all": by_staff([f"{LIST}{pk}/?geschiedenis=alle" for pk in heavy]),
        "workspace_typical": by_staff([f"{LIST}{pk}/" for pk in who.typical_ids]),
        # An anonymous visitor reads the funds and each fund's page; a manager the overview
        # of every fund's money and decisions (sums over all its grants and applications).
        "funds_public": rotating(
            *(
                _get(Client(HTTP_HOST=HOST), path)
                for path in ["/fondsen/", *(f"/fondsen/{pk}/" for pk in who.fund_ids)]
            )
        ),
        "funds_staff": _get(who.manager, "/medewerkers/fondsen/"),
        "home": _get(Client(HTTP_HOST=HOST), "/"),
        "my_dreams": rotating(*(_get(client, "/mijn-dromen/") for client, _own in who.residents)),
        "my_dream": rotating(
            *(_get(client, f"/mijn-dromen/{pk}/") for client, own in who.residents for pk in own)
        ),
        "my_dream_heavy": _get(who.resident, f"/mijn-dromen/{who.heavy_id}/"),
    }
    for key in CACHED:
        requests[f"{key}_cached"] = requests[key]
    return requests


def word_shares(listed: int) -> dict[str, float]:
    """The share of listed dreams each search word finds (PostgreSQL's own match)."""
    from initiatives.search import SEARCH_CONFIG

    shares = {}
    with connection.cursor() as cursor:
        for word in [T.COMMON_WORD, *T.RARE_WORDS]:
            cursor.execute(
                "SELECT count(*) FROM initiatives_dream WHERE status <> %s AND "
                "search_document @@ websearch_to_tsquery(%s, %s)",
                [Status.UNCONFIRMED, SEARCH_CONFIG, word],
            )
            shares[word] = cursor.fetchone()[0] / listed if listed else 0.0
    return shares


def heavy_spread(ids: list[int]) -> list[int]:
    """On how many heap pages each dream's events lie (as written: no CLUSTER, no VACUUM FULL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT (ctid::text::point)[0]) FROM initiatives_timelineevent "
            "WHERE dream_id = ANY(%s) GROUP BY dream_id ORDER BY 1",
            [ids],
        )
        return [row[0] for row in cursor.fetchall()]


@contextmanager
def cancelled_after(seconds: float):
    """Cancel the running query of this connection after SECONDS (a report that does not
    finish is a finding, not a run that never ends)."""
    connection.ensure_connection()
    raw = connection.connection
    timer = threading.Timer(seconds, raw.cancel_safe)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


@dataclass
class PageRun:
    """The pages at one size, and what the data they ran on was like."""

    measurements: dict[str, Measurement]
    word_shares: dict[str, float]  # search word -> share of listed dreams it finds
    heavy_pages: list[int]  # heap pages per 200-event dream, fewest first
    listed: int
    # Issue 19: each open-data endpoint's URLs (for the load test) and what is shared.
    open_data_paths: dict[str, list[str]] = field(default_factory=dict)
    shared: dict[str, int] = field(default_factory=dict)


def shared_counts() -> dict[str, int]:
    """What residents share at this size: publications, withdrawn ones, stories."""
    from django.db.models import Count, Q

    from initiatives.publication_models import Publication

    return Publication.objects.aggregate(
        publications=Count("pk"),
        withdrawn=Count("pk", filter=Q(withdrawn_at__isnull=False)),
        stories=Count("pk", filter=Q(withdrawn_at__isnull=True, story_published_at__isnull=False)),
    )


def run_pages(*, warmup: int, repeat: int, log=print, only: set[str] | None = None) -> PageRun:
    """Measure every page of PAGES (or those in ONLY) against the data now in the database."""

    def wanted(key: str) -> bool:
        return only is None or key in only

    results: dict[str, Measurement] = {}
    # What this process has loaded so far lies outside the garbage collector's walks, as in
    # gunicorn's workers (config/wsgi.py): the Python per request is what a worker spends.
    gc.collect()
    gc.freeze()
    # The staff lists without their cache (initiatives/list_cache.py): each request reads
    # the database, as the first look after a write does; the load test measures both.
    with override_settings(
        ROOT_URLCONF=BENCH_URLCONF, DATA_CACHE_SECONDS=0, **lifted_rate_limits(dir(settings))
    ):
        who = subjects()
        requests = page_requests(who)
        endpoint_paths = open_data.paths(Client(HTTP_HOST=HOST))
        requests.update(open_data.requests(endpoint_paths))
        form = dream_form_data()

        def post_dream():
            response = who.newcomer.post("/dromen/nieuw/", form, secure=True)
            _check(response, (302,))

        requests["dream_post"] = post_dream
        for key, request in requests.items():
            if not wanted(key):
                continue
            warm = warmup
            cached = key.endswith("_cached")
            if cached or (key in open_data.KEYS and not open_data.is_cold(key)):
                warm = max(warmup, request.count)  # every URL's answer in the cache first
            with override_settings(DATA_CACHE_SECONDS=300) if cached else nullcontext():
                results[key] = measure(key, request, warmup=warm, repeat=repeat, budget=PAGE_BUDGET)
            log(_line(results[key]))
        run = PageRun(
            measurements=results,
            word_shares=word_shares(who.listed_count),
            heavy_pages=heavy_spread(who.heavy_ids),
            listed=who.listed_count,
            open_data_paths=endpoint_paths,
            shared=shared_counts(),
        )
        if wanted("weekly_report"):
            _measure_report(run, repeat=repeat, log=log)
        if wanted("export"):
            results["export"] = measure_export(who, repeat=3)
            log(_line(results["export"]))
        log(f"  search words, share of listed dreams: {shares_text(run.word_shares)}")
        log(f"  heap pages per 200-event dream: {run.heavy_pages}")
        log(
            "  shared publicly: {publications:,} publications ({withdrawn:,} withdrawn), "
            "{stories:,} stories".format(**run.shared)
        )
    return run


def _measure_report(run: PageRun, *, repeat: int, log) -> None:
    """The weekly report's build, rolled back each time, into RUN's measurements."""
    from initiatives import services

    results = run.measurements
    # The report reads days counted once (the nightly task does it in production); count
    # them here first, outside the measured builds, which are rolled back.
    started = time.monotonic()
    counted = services.report_days_store()
    log(f"  report days: {counted:,} counted in {time.monotonic() - started:.1f} s")

    def build_report():
        with transaction.atomic(), cancelled_after(REPORT_BUDGET):
            services.weekly_report_build(monday=services.last_monday())
            transaction.set_rollback(True)  # measured, not kept

    results["weekly_report"] = measure(
        "weekly_report",
        build_report,
        warmup=0,
        repeat=max(3, repeat // 4),
        budget=PAGE_BUDGET,
    )
    if "cancel" in results["weekly_report"].error.lower():
        results["weekly_report"].error = f"did not finish in {REPORT_BUDGET:.0f} s"
    log(_line(results["weekly_report"]))


def shares_text(shares: dict[str, float]) -> str:
    return ", ".join(f"{word} {share:.1%}" for word, share in shares.items())


def measure_export(who: Subjects, *, repeat: int) -> Measurement:
    """Ask for every dream with the list's "download all found" button, have the file made,
    and download it: time, and the peak memory it takes.

    The file is made by services.export_build, as a worker does, but in this process (tasks
    eager for the measurement), so that its time and memory are measured here. Each export
    is deleted again afterwards.
    """
    from celery import current_app

    from initiatives.models import DreamExport

    client = who.staff[0]
    counted = {}

    def export():
        response = client.post("/medewerkers/dromen/export/", {"query_string": ""}, secure=True)
        _check(response, (302,))
        made = DreamExport.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/")[-1]))
        if made.state != DreamExport.State.READY:
            raise BenchError(f"the export is {made.state}: {made.error}")
        download = client.get(f"/medewerkers/exports/{made.pk}/download/", secure=True)
        _check(download)
        size = lines = 0
        for chunk in download.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
        if str(size) != download["Content-Length"]:
            raise BenchError("the download is not as long as it said")
        counted.update(bytes=size, rows=lines - 1, made_rows=made.rows_written)
        Path(settings.MEDIA_ROOT, made.file).unlink(missing_ok=True)
        made.delete()

    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    try:
        # The growth of the process's peak resident memory (Linux) in its first export,
        # before freed memory is there to be used again...
        gc.collect()
        rss_before = _rss()
        _reset_peak_rss()
        try:
            export()
        except BenchError as exc:
            return Measurement(key="export", error=str(exc))
        rss_peak = _peak_rss()
        result = measure("export", export, warmup=0, repeat=repeat)
        if result.error:
            return result
        # ...and the peak of what Python allocates for one (tracemalloc's own bookkeeping
        # would inflate the resident memory, so not both in one export).
        gc.collect()
        tracemalloc.start()
        baseline = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        export()
        peak = tracemalloc.get_traced_memory()[1] - baseline
        tracemalloc.stop()
    finally:
        current_app.conf.task_always_eager = eager
    result.extra = {
        "rows": counted.get("rows"),
        "bytes": counted.get("bytes"),
        "listed": who.listed_count,
        "peak_python_mb": peak / 2**20,
        "peak_rss_growth_mb": None if rss_peak is None else max(0, rss_peak - rss_before) / 2**20,
    }
    return result


def _status_kb(field_name: str) -> int | None:
    try:
        with open(f"/proc/{os.getpid()}/status") as status:
            for line in status:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _rss() -> int:
    return _status_kb("VmRSS") or 0


def _reset_peak_rss() -> None:
    try:  # Linux: writing 5 resets the peak resident set size of this process
        with open(f"/proc/{os.getpid()}/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


def _peak_rss() -> int | None:
    return _status_kb("VmHWM")


def _line(result: Measurement) -> str:
    if result.error:
        return f"  {result.key:16} ERROR {result.error}"
    extra = ""
    if result.key == "export" and result.extra:
        extra = (
            f"  rows {result.extra['rows']:,}, peak +{result.extra['peak_python_mb']:.1f} MB "
            f"(Python), RSS +{result.extra['peak_rss_growth_mb'] or 0:.1f} MB"
        )
    return (
        f"  {result.key:18} median {result.median * 1000:8.1f} ms  p95 "
        f"{result.p95 * 1000:8.1f} ms  Python {result.cpu_median * 1000:7.1f} ms  "
        f"{result.queries:4d} queries  {result.urls:3d} URLs{extra}"
    )
