"""A bounded load test on loopback: gunicorn with 2 workers, simulated residents and staff.

Each simulated user is a thread with its own signed-in session that requests a page, waits
a little (think time) and requests the next, until the time is up or it has made its
maximum number of requests. Only 127.0.0.1 is ever contacted.
"""

import asyncio
import contextlib
import http.client
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count
from django.utils.crypto import get_random_string

from accounts.models import User
from bench import EMAIL_SUFFIX, SLUG_PREFIX
from bench.open_data import OPEN_LOOP_PAGES as OPEN_DATA_LOAD_PAGES
from bench.pages import dream_form_data, percentile, signed_in_client
from initiatives.models import Dream, Neighbourhood
from initiatives.statuses import OPEN, Status

HOST = "127.0.0.1"
BENCH_SETTINGS = "bench.settings"
MAX_REQUESTS_PER_USER = 5000
SEARCH_WORDS = ["speeltuin", "moestuin", "bankje", "buurtfeest", "fruitbomen", "skatebaan"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def bench_env(**extra) -> dict:
    """The environment for the benchmark's own processes: this one's, with its settings."""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = BENCH_SETTINGS
    env.update(extra)
    return env


def stop(process: subprocess.Popen, *, grace: float = 15.0) -> None:
    """Stop a process this benchmark started (and its children), by its own group id."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=grace)
    except ProcessLookupError:
        pass


@dataclass
class Sample:
    name: str
    seconds: float
    ok: bool
    detail: str = ""


@dataclass
class LoadResult:
    users: int
    seconds: float
    requests: int = 0
    errors: int = 0
    rps: float = 0.0
    median: float | None = None
    p95: float | None = None
    p99: float | None = None
    per_page: dict = field(default_factory=dict)
    error_examples: list = field(default_factory=list)
    error: str = ""


class SimulatedUser:
    """One simulated person: a session cookie and what they do."""

    def __init__(self, *, role: str, cookie: str, csrf: str, port: int, rng):
        self.role = role
        self.cookie = cookie
        self.csrf = csrf
        self.port = port
        self.rng = rng
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)

    def request(self, method: str, path: str, body: bytes | None = None) -> int:
        headers = {
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={self.cookie}; "
            f"{settings.CSRF_COOKIE_NAME}={self.csrf}",
            # As a TLS-terminating proxy would say (production settings trust it).
            "X-Forwarded-Proto": "https",
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://{HOST}:{self.port}{path}"
        for attempt in range(2):  # gunicorn's sync workers close the connection after each
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.connection.close()
                return response.status
            except (http.client.HTTPException, ConnectionError, OSError):
                self.connection.close()
                if attempt:
                    raise
        return 0


def _plan(users: int, rng: random.Random) -> tuple[list[dict], list[dict]]:
    """Return who the simulated residents and staff are, with what they may request."""
    n_staff = max(1, round(users * 0.4))
    n_residents = max(1, users - n_staff)
    residents = list(
        User.objects.filter(email__endswith=EMAIL_SUFFIX, is_staff=False)
        .filter(dreams__status__in=OPEN)
        .annotate(n=Count("dreams"))
        .order_by("-n", "pk")[:n_residents]
    )
    staff = list(
        User.objects.filter(
            email__endswith=EMAIL_SUFFIX, is_staff=True, groups__name="MogelijkMaker"
        ).order_by("email")[:n_staff]
    )
    dream_ids = list(
        Dream.objects.exclude(status=Status.UNCONFIRMED)
        .order_by("?")
        .values_list("pk", flat=True)[:500]
    )
    open_ids = list(
        Dream.objects.filter(status__in=OPEN, contact__isnull=False)
        .order_by("?")
        .values_list("pk", flat=True)[:200]
    )
    neighbourhoods = list(
        Neighbourhood.objects.filter(slug__startswith=SLUG_PREFIX).values_list("pk", flat=True)
    )
    form = urlencode(dream_form_data(), doseq=True)
    resident_plans = []
    for person in residents:
        own = list(person.dreams.values_list("pk", flat=True))
        resident_plans.append({"user": person, "own": own, "form": form})
    staff_plans = [
        {"user": person, "dreams": dream_ids, "open": open_ids, "neighbourhoods": neighbourhoods}
        for person in staff
    ]
    return resident_plans, staff_plans


def _resident_step(user: SimulatedUser, plan: dict) -> tuple[str, str, str, bytes | None, int]:
    rng = user.rng
    roll = rng.random()
    if roll < 0.35:
        return "my_dreams", "GET", "/mijn-dromen/", None, 200
    if roll < 0.80:
        return "my_dream", "GET", f"/mijn-dromen/{rng.choice(plan['own'])}/", None, 200
    if roll < 0.92:
        return "home", "GET", "/", None, 200
    body = f"{plan['form']}&csrfmiddlewaretoken={user.csrf}".encode()
    return "dream_post", "POST", "/dromen/nieuw/", body, 302


def _staff_step(user: SimulatedUser, plan: dict) -> tuple[str, str, str, bytes | None, int]:
    rng = user.rng
    roll = rng.random()
    if roll < 0.25:
        return "triage", "GET", "/medewerkers/nieuwe-dromen/", None, 200
    if roll < 0.45:
        page = rng.randint(1, 5)
        return "list", "GET", f"/medewerkers/dromen/?pagina={page}", None, 200
    if roll < 0.55:
        nb = rng.choice(plan["neighbourhoods"])
        path = f"/medewerkers/dromen/?neighbourhood={nb}&status=in_progress"
        return "list_filtered", "GET", path, None, 200
    if roll < 0.62:
        path = f"/medewerkers/dromen/?q={rng.choice(SEARCH_WORDS)}"
        return "list_search", "GET", path, None, 200
    if roll < 0.95:
        path = f"/medewerkers/dromen/{rng.choice(plan['dreams'])}/"
        return "workspace", "GET", path, None, 200
    dream = rng.choice(plan["open"])
    body = urlencode(
        {
            "note-body": "Benchmark: even gebeld, volgende week verder.",
            "csrfmiddlewaretoken": user.csrf,
        }
    ).encode()
    return "note", "POST", f"/medewerkers/dromen/{dream}/notitie/", body, 302


def _session_cookie(person: User) -> str:
    client = signed_in_client(person)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


GUNICORN_LOG = "bench-gunicorn.log"


@contextlib.contextmanager
def running_gunicorn():
    """Gunicorn on a free port for the block, stopped after it: its port, or None when it did
    not answer within 30 s."""
    port = free_port()
    server = start_gunicorn(port)
    try:
        yield port if _wait_ready(port, server, timeout=30) else None
    finally:
        stop(server)


def start_gunicorn(port: int) -> subprocess.Popen:
    """gunicorn with 2 sync workers, as deployed, on PORT of 127.0.0.1 (stop() ends it)."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log_path = Path(settings.BASE_DIR) / "var" / GUNICORN_LOG
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as server_log:
        return subprocess.Popen(  # noqa: S603 - our own gunicorn, on loopback
            [
                str(gunicorn),
                "config.wsgi:application",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                "2",
                "--timeout",
                "60",
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=bench_env(),
            stdout=server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def run_load(*, users: int, seconds: float, think: float, log=print) -> LoadResult:
    """Start gunicorn (2 workers) on a free loopback port and run the mixed closed-loop test:
    simulated people who read and write (hand in dreams, add notes) with pauses between."""
    rng = random.Random(7)
    result = LoadResult(users=users, seconds=seconds)
    resident_plans, staff_plans = _plan(users, rng)
    if not resident_plans or not staff_plans:
        result.error = "no generated residents or staff to sign in as"
        return result
    with running_gunicorn() as port:
        if port is None:
            result.error = f"gunicorn did not start (see var/{GUNICORN_LOG})"
            return result
        people = []
        for plan in resident_plans:
            people.append(("resident", plan))
        for plan in staff_plans:
            people.append(("staff", plan))
        simulated = []
        for index, (role, plan) in enumerate(people):
            cookie = _session_cookie(plan["user"])
            simulated.append(
                (
                    SimulatedUser(
                        role=role,
                        cookie=cookie,
                        csrf=get_random_string(32),
                        port=port,
                        rng=random.Random(index),
                    ),
                    plan,
                )
            )
        # Warm up: every kind of request once per worker, not counted.
        for user, plan in simulated[:2] + simulated[-2:]:
            step = _resident_step if user.role == "resident" else _staff_step
            for _ in range(6):
                _name, method, path, body, _expected = step(user, plan)
                user.request(method, path, body)
        samples: list[Sample] = []
        lock = threading.Lock()
        deadline = time.monotonic() + seconds

        def run(user: SimulatedUser, plan: dict) -> None:
            step = _resident_step if user.role == "resident" else _staff_step
            mine = []
            for _ in range(MAX_REQUESTS_PER_USER):
                if time.monotonic() >= deadline:
                    break
                name, method, path, body, expected = step(user, plan)
                started = time.perf_counter()
                try:
                    status = user.request(method, path, body)
                    ok, detail = status == expected, f"HTTP {status} {method} {path}"
                except Exception as exc:  # counted as an error, never raised
                    ok, detail = False, f"{type(exc).__name__} {method} {path}"
                mine.append(Sample(name, time.perf_counter() - started, ok, "" if ok else detail))
                pause = user.rng.uniform(0, 2 * think)
                time.sleep(max(0.0, min(pause, deadline - time.monotonic())))
            with lock:
                samples.extend(mine)

        started = time.monotonic()
        threads = [
            threading.Thread(target=run, args=(user, plan), daemon=True) for user, plan in simulated
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 60)
        elapsed = time.monotonic() - started
    times = [s.seconds for s in samples]
    result.requests = len(samples)
    result.errors = sum(1 for s in samples if not s.ok)
    result.error_examples = sorted({s.detail for s in samples if not s.ok})[:5]
    result.rps = len(samples) / elapsed if elapsed else 0.0
    if times:
        result.median = statistics.median(times)
        result.p95 = percentile(times, 0.95)
        result.p99 = percentile(times, 0.99)
    for name in sorted({s.name for s in samples}):
        own = [s.seconds for s in samples if s.name == name]
        result.per_page[name] = {
            "count": len(own),
            "median": statistics.median(own),
            "p95": percentile(own, 0.95),
            "errors": sum(1 for s in samples if s.name == name and not s.ok),
        }
    log(
        f"  {result.requests:,} requests in {elapsed:.0f} s: {result.rps:.1f}/s, "
        f"median {(result.median or 0) * 1000:.0f} ms, p95 {(result.p95 or 0) * 1000:.0f} ms, "
        f"{result.errors} errors"
    )
    for example in result.error_examples:
        log(f"    error: {example}")
    return result


@dataclass
class OpenLoopResult:
    capacities: list = field(default_factory=list)  # openloop.Capacity, the bare view first
    generator: object = None  # openloop.Capacity against the static 204 server
    load_start: str = ""
    load_end: str = ""
    error: str = ""


# (name, label, the in-process page whose time guesses the first rate)
OPEN_LOOP_PAGES = [
    ("bare", "Bare Django view", "bare"),
    ("list", "Staff dream list, pages 1-5", "list"),
    ("search_common", "List, search a common word, pages 1-3", "list_search_common"),
    ("triage", "Triage queue", "triage"),
    # The lists' data comes from a cache until anything is written (initiatives/list_cache.py):
    # the same pages with a write before every request (open_data.COLD_HEADER), so read anew.
    ("list_cold", "Staff dream list, pages 1-5, a write before each", "list"),
    ("search_common_cold", "List, search a common word, a write before each", "list_search_common"),
    ("triage_cold", "Triage queue, a write before each", "triage"),
    ("workspace", "Workspace, 200 events", "workspace"),
    ("resident", "Resident: my dreams and a dream", "my_dream"),
    # They come from the cache too (config/cached_pages.py): read anew here.
    ("workspace_cold", "Workspace, 200 events, a write before each", "workspace"),
    ("resident_cold", "Resident: my dreams and a dream, a write before each", "my_dream"),
    ("home", "Home page, an anonymous visitor", "home"),
    *OPEN_DATA_LOAD_PAGES,  # issue 19: the API's dream list and figures, the gallery
]


def _open_loop_paths(who, listed: int) -> dict[str, list[tuple[str, str]]]:
    """(path, session cookie) per page, rotating over dreams, pages and people."""
    from bench import texts as T

    cookie_name = settings.SESSION_COOKIE_NAME
    staff = [client.cookies[cookie_name].value for client in who.staff]
    lst = "/medewerkers/dromen/"

    def by_staff(paths):
        return [(path, staff[i % len(staff)]) for i, path in enumerate(paths)]

    resident = []
    for client, own in who.residents:
        cookie = client.cookies[cookie_name].value
        resident.append(("/mijn-dromen/", cookie))
        resident += [(f"/mijn-dromen/{pk}/", cookie) for pk in own]
    return {
        "bare": by_staff(["/bench/bare/"]),
        "list": by_staff([f"{lst}?pagina={n}" for n in range(1, 6)]),
        "search_common": by_staff([f"{lst}?q={T.COMMON_WORD}&pagina={n}" for n in (1, 2, 3)]),
        "triage": by_staff(["/medewerkers/nieuwe-dromen/"]),
        "list_cold": by_staff([f"{lst}?pagina={n}" for n in range(1, 6)]),
        "search_common_cold": by_staff([f"{lst}?q={T.COMMON_WORD}&pagina={n}" for n in (1, 2, 3)]),
        "triage_cold": by_staff(["/medewerkers/nieuwe-dromen/"]),
        "workspace": by_staff([f"{lst}{pk}/" for pk in who.heavy_ids]),
        "resident": resident,
        "workspace_cold": by_staff([f"{lst}{pk}/" for pk in who.heavy_ids]),
        "resident_cold": resident,
        "home": [("/", "")],  # anonymous: no cookie
    }


def start_rate(median: float | None, workers: int = 2) -> float:
    """A first rate well below what WORKERS could serve at the page's in-process time."""
    if not median:
        return 5.0
    return max(1.0, 0.3 * workers / median)


def run_open_loop(
    page_run, *, seconds: float, log=print, only: set[str] | None = None
) -> OpenLoopResult:
    """Capacity per page beside the bare view's, against gunicorn (2 sync workers), and the
    generator's own against a static 204 server; all in this run, one after the other. ONLY:
    the in-process pages whose open-loop pages are measured (the bare view always is)."""
    from django.test.utils import override_settings

    from bench import open_data, openloop
    from bench.pages import BENCH_URLCONF, subjects

    result = OpenLoopResult(load_start=_load())
    with override_settings(ROOT_URLCONF=BENCH_URLCONF):
        who = subjects()
    paths = _open_loop_paths(who, page_run.listed)
    paths.update(
        {
            name: [(path, "") for path in rotation]  # anonymous: the open data needs no cookie
            for name, rotation in open_data.open_loop_paths(page_run.open_data_paths).items()
        }
    )
    pages = [
        page for page in OPEN_LOOP_PAGES if only is None or page[0] == "bare" or page[2] in only
    ]

    port = free_port()
    static = subprocess.Popen(  # noqa: S603 - our own yardstick server, on loopback
        [sys.executable, "-m", "bench.static204", str(port)],
        cwd=settings.BASE_DIR,
        start_new_session=True,
    )
    try:
        if not _wait_ready(port, static, timeout=10, path="/"):
            result.error = "the static 204 server did not start"
            return result
        log("  the generator against a static 204 server:")
        raw = [openloop.request_bytes("/", port=port)]
        result.generator = openloop.measure_capacity(
            "static 204",
            "Static 204 (the generator's yardstick)",
            port,
            raw,
            start_rate=300,
            seconds=seconds,
            expected=(204,),
            log=log,
        )
    finally:
        stop(static)

    with running_gunicorn() as port:
        if port is None:
            result.error = f"gunicorn did not start (see var/{GUNICORN_LOG})"
            return result
        measurements = page_run.measurements
        for name, label, page_key in pages:
            cookie_name = settings.SESSION_COOKIE_NAME
            cold = open_data.is_cold(name)
            headers = {open_data.COLD_HEADER: open_data.COLD_VALUE} if cold else None
            raw = [
                openloop.request_bytes(
                    path,
                    port=port,
                    cookie=f"{cookie_name}={cookie}" if cookie else "",
                    headers=headers,
                )
                for path, cookie in paths[name]
            ]
            # Warm both workers up on every kind of URL; the cached open data on every URL,
            # so that each answer is in the cache before the first step.
            warm = raw if page_key in open_data.KEYS and not cold else raw[:20]
            for request in warm:
                openloop_warm(port, request)
            measured = measurements.get(page_key)
            log(f"  {label}:")
            result.capacities.append(
                openloop.measure_capacity(
                    name,
                    label,
                    port,
                    raw,
                    start_rate=start_rate(measured.median if measured else None),
                    seconds=seconds,
                    log=log,
                )
            )
    result.load_end = _load()
    return result


def openloop_warm(port: int, raw: bytes) -> None:
    from bench import openloop

    for _ in range(2):
        with contextlib.suppress(OSError):
            asyncio.run(openloop.fetch(port, raw))


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _wait_ready(port: int, server: subprocess.Popen, *, timeout: float, path="/health/") -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", path, headers={"X-Forwarded-Proto": "https"})
            connection.getresponse().read()
            connection.close()
            return True
        except OSError:
            time.sleep(0.2)
    return False
