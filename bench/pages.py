"""Server time and query count per page, in-process with django.test.Client.

Each page is requested a few times to warm up, once with the queries counted, then
REPEAT times timed. The time is the whole request through every middleware: what the
server spends, without the network.
"""

import gc
import math
import os
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from accounts.models import User
from bench import (
    BENCH_RESIDENT_EMAIL,
    EMAIL_SUFFIX,
    HEAVY_TITLE,
    SLUG_PREFIX,
)
from bench.settings import lifted_rate_limits
from initiatives.models import Dream, Neighbourhood
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


def measure(key: str, request: Callable[[], None], *, warmup: int, repeat: int) -> Measurement:
    result = Measurement(key=key)
    try:
        for _ in range(warmup):
            request()
        with CaptureQueriesContext(connection) as queries:
            request()
        result.queries = len(queries)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            request()
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


def staff_user(role: str = "MogelijkMaker") -> User:
    return (
        User.objects.filter(email__endswith=EMAIL_SUFFIX, is_staff=True, groups__name=role)
        .order_by("email")
        .first()
    )


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

    staff: Client
    resident: Client
    newcomer: Client  # hands in dreams, so that the resident's own list stays the same
    heavy_id: int
    typical_id: int
    neighbourhood_id: int
    listed_count: int  # the dreams the staff list shows: what the export downloads


def subjects() -> Subjects:
    enabler = staff_user()
    resident = User.objects.get(email=BENCH_RESIDENT_EMAIL)
    newcomer = (
        User.objects.filter(email__endswith=EMAIL_SUFFIX, is_staff=False)
        .exclude(pk=resident.pk)
        .order_by("pk")
        .first()
    )
    heavy = Dream.objects.get(title=HEAVY_TITLE, resident=resident)
    typical = Dream.objects.filter(resident=resident, status=Status.REALISED).order_by("pk").first()
    neighbourhood = Neighbourhood.objects.filter(slug__startswith=SLUG_PREFIX).order_by("pk")[0]
    return Subjects(
        staff=signed_in_client(enabler),
        resident=signed_in_client(resident),
        newcomer=signed_in_client(newcomer),
        heavy_id=heavy.pk,
        typical_id=typical.pk,
        neighbourhood_id=neighbourhood.pk,
        listed_count=Dream.objects.exclude(status=Status.UNCONFIRMED).count(),
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
    ("list", "Dreams list, first page", "list"),
    ("list_filtered", "Dreams list, neighbourhood + status", "list"),
    ("list_sorted", "Dreams list, sorted by title", "list"),
    ("list_search", "Dreams list, full-text search", "list"),
    ("list_page_500", "Dreams list, page 500", "list"),
    ("workspace", "Dream workspace, 200 events (the newest 50 shown)", "workspace"),
    ("workspace_all", "Dream workspace, 200 events, whole history", "workspace"),
    ("my_dreams", "Resident: /mijn-dromen/", "resident"),
    ("my_dream", "Resident: /mijn-dromen/<id>/", "resident"),
    ("my_dream_heavy", "Resident: /mijn-dromen/<id>/, 200 events", "resident"),
    ("dream_post", "Dream form POST /dromen/nieuw/", "post"),
    ("weekly_report", "Weekly report build (last week)", "report"),
    ("export", "CSV export of all dreams (download all found)", "export"),
]


def run_pages(*, warmup: int, repeat: int, log=print) -> dict[str, Measurement]:
    """Measure every page of PAGES against the data now in the database."""
    from initiatives import services

    results: dict[str, Measurement] = {}
    with override_settings(ROOT_URLCONF=BENCH_URLCONF, **lifted_rate_limits(dir(settings))):
        who = subjects()
        staff, resident = who.staff, who.resident
        nb = who.neighbourhood_id
        requests = {
            "bare": _get(staff, "/bench/bare/"),
            "triage": _get(staff, "/medewerkers/nieuwe-dromen/"),
            "list": _get(staff, "/medewerkers/dromen/"),
            "list_filtered": _get(
                staff, f"/medewerkers/dromen/?neighbourhood={nb}&status=in_conversation"
            ),
            "list_sorted": _get(staff, "/medewerkers/dromen/?sort=title"),
            "list_search": _get(staff, "/medewerkers/dromen/?q=speeltuin"),
            "list_page_500": _get(staff, "/medewerkers/dromen/?pagina=500"),
            "workspace": _get(staff, f"/medewerkers/dromen/{who.heavy_id}/"),
            "workspace_all": _get(staff, f"/medewerkers/dromen/{who.heavy_id}/?geschiedenis=alle"),
            "my_dreams": _get(resident, "/mijn-dromen/"),
            "my_dream": _get(resident, f"/mijn-dromen/{who.typical_id}/"),
            "my_dream_heavy": _get(resident, f"/mijn-dromen/{who.heavy_id}/"),
        }
        form = dream_form_data()

        def post_dream():
            response = who.newcomer.post("/dromen/nieuw/", form, secure=True)
            _check(response, (302,))

        requests["dream_post"] = post_dream
        for key, request in requests.items():
            results[key] = measure(key, request, warmup=warmup, repeat=repeat)
            log(_line(results[key]))

        # The report reads days counted once (the nightly task does it in production); count
        # them here first, outside the measured builds, which are rolled back.
        started = time.monotonic()
        counted = services.report_days_store()
        log(f"  report days: {counted:,} counted in {time.monotonic() - started:.1f} s")

        def build_report():
            with transaction.atomic():
                services.weekly_report_build(monday=services.last_monday())
                transaction.set_rollback(True)  # measured, not kept

        results["weekly_report"] = measure(
            "weekly_report", build_report, warmup=1, repeat=max(3, repeat // 4)
        )
        log(_line(results["weekly_report"]))
        results["export"] = measure_export(who, repeat=3)
        log(_line(results["export"]))
    return results


def measure_export(who: Subjects, *, repeat: int) -> Measurement:
    """Download every dream with the list's "download all found" link, reading the CSV as
    it streams: time, and the peak memory it takes."""
    client = who.staff
    path = "/medewerkers/dromen/export.csv"
    counted = {}

    def export():
        response = client.get(path, secure=True)
        _check(response)
        if not response.streaming:
            raise BenchError("the export did not stream")
        size = lines = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
        counted.update(bytes=size, rows=lines - 1)

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
        f"  {result.key:16} median {result.median * 1000:8.1f} ms  p95 "
        f"{result.p95 * 1000:8.1f} ms  {result.queries:4d} queries{extra}"
    )
