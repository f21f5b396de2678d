"""Issue 19 in the benchmark: the seed shares dreams and tells stories, the API's dream list
and figures and the gallery are measured cached and cold, in-process and under the load
test, and reported as ratios to the bare view; `bench --pages open-data` measures only them."""

import importlib
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory

from bench import open_data, openloop, report
from bench.load import OPEN_LOOP_PAGES, OpenLoopResult
from bench.pages import PAGE_SETS, PageRun, run_pages
from initiatives import open_data_version
from initiatives.models import Dream, EventKind, TimelineEvent
from initiatives.publication_models import Publication, PublicationPhoto
from initiatives.statuses import Status
from tests.bench.test_report import INFO, OPTIONS, _capacity, _m, _step


@pytest.fixture
def postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("bench_seed writes with PostgreSQL's COPY")


@pytest.fixture
def postgresql_autocommit(transactional_db):  # "cold" raises the version at each commit
    if connection.vendor != "postgresql":
        pytest.skip("bench_seed writes with PostgreSQL's COPY")


def test_the_seed_shares_about_three_percent_and_tells_the_realised_ones_as_stories(postgresql):
    call_command("bench_seed", dreams=3_000, staff=10, per_day=5, seed=5)
    handed_in = Dream.objects.exclude(submitted_at=None)
    shared = Publication.objects.all()
    assert 0.02 <= shared.count() / handed_in.count() <= 0.045, shared.count()
    assert not shared.filter(dream__submitted_at=None).exists()
    assert not shared.filter(dream__status=Status.WITHDRAWN).exists()
    stories = shared.filter(withdrawn_at=None, story_published_at__isnull=False)
    assert stories.count() >= 20
    for story in stories.select_related("dream"):  # the first moment shared while realised
        assert story.dream.status == Status.REALISED
        assert story.story_published_at >= story.dream.closed_at - timedelta(seconds=1)
        assert story.title and story.dreamt and story.own_part
    assert not shared.exclude(dream__status=Status.REALISED).exclude(story_published_at=None)
    withdrawn = shared.exclude(withdrawn_at=None)
    assert withdrawn.exists()
    assert not withdrawn.exclude(title="", dreamt="", own_part="", helped_by="").exists()
    # On the timeline, as the services record them: consent given, and withdrawn.
    assert TimelineEvent.objects.filter(kind=EventKind.PUBLISHED).count() == shared.count()
    assert TimelineEvent.objects.filter(kind=EventKind.UNPUBLISHED).count() == withdrawn.count()
    assert not PublicationPhoto.objects.exists()  # the seed makes no photos
    # Growing to a larger size keeps one publication per dream, and a reset removes them.
    call_command("bench_seed", dreams=4_000, staff=10, per_day=5, seed=5)
    assert Publication.objects.count() > shared.count() - 1
    call_command("bench_seed", reset=True)
    assert not Publication.objects.exists()


def test_seeding_raises_the_open_data_version(postgresql_autocommit):
    before = open_data_version.current().token
    call_command("bench_seed", dreams=100, staff=10, per_day=1, seed=5)
    after = open_data_version.current().token
    assert after != before  # no cached answer of the size before survives a seed
    call_command("bench_seed", reset=True)
    assert open_data_version.current().token != after


def test_the_open_data_pages_are_measured_cached_and_cold(postgresql_autocommit):
    call_command("bench_seed", dreams=600, staff=10, per_day=2, seed=5)
    run = run_pages(warmup=1, repeat=2, log=lambda _line: None, only=PAGE_SETS["open-data"])
    measured = run.measurements
    assert set(measured) == PAGE_SETS["open-data"]  # only these, and the bare view
    for key in open_data.KEYS:
        assert not measured[key].error, (key, measured[key].error)
        assert measured[key].samples == 2
    for key, _label in open_data.ENDPOINTS:
        cached, cold = measured[key], measured[key + open_data.COLD]
        # Cached answers come from the cache; cold ones are computed from the database.
        assert cached.queries < cold.queries, (key, cached.queries, cold.queries)
    assert measured["api_dreams"].urls >= 12  # pages, neighbourhoods, themes, statuses
    assert measured["gallery"].urls >= 10  # pages, wijk, thema
    assert run.shared["publications"] > 0
    for name, _label, _page in open_data.OPEN_LOOP_PAGES:  # the load test's URLs
        assert open_data.open_loop_paths(run.open_data_paths)[name]


def test_a_cold_request_to_the_benchmarks_gunicorn_raises_the_version_first(postgresql_autocommit):
    bench_settings = importlib.import_module("bench.settings")
    assert bench_settings.MIDDLEWARE[0] == "bench.open_data.cold_open_data"
    seen = []

    def view(request):
        seen.append(open_data_version.current().token)
        return None

    middleware = open_data.cold_open_data(view)
    factory = RequestFactory()
    middleware(factory.get("/api/v1/dreams/"))
    middleware(factory.get("/api/v1/dreams/"))
    assert seen[0] == seen[1]  # without the header: the version stays, the cache holds
    middleware(factory.get("/api/v1/dreams/", headers={open_data.COLD_HEADER: "cold"}))
    assert seen[2] != seen[1]


def test_the_load_test_measures_the_three_pages_of_the_issue_cached_and_cold():
    names = {name for name, _label, _page in OPEN_LOOP_PAGES}
    for name in ("api_dreams", "api_figures", "gallery"):
        assert {name, name + open_data.COLD} <= names
    raw = openloop.request_bytes(
        "/verhalen/?pagina=2",
        port=8000,
        headers={open_data.COLD_HEADER: open_data.COLD_VALUE},
    )
    assert b"GET /verhalen/?pagina=2 HTTP/1.1\r\n" in raw
    assert b"\r\nX-Bench-Open-Data: cold\r\n" in raw
    assert b"Cookie" not in raw  # the open data needs no session


def _open_data_step(size):
    step = _step(size, 30)
    measurements = step["pages"].measurements
    for key, _label in open_data.ENDPOINTS:
        measurements[key] = _m(key, 3.0, 2.5, queries=0, urls=12)
        measurements[key + open_data.COLD] = _m(key, 15.0, 10.0, queries=4, urls=12)
    step["pages"] = PageRun(
        measurements=measurements,
        word_shares={},
        heavy_pages=[],
        listed=990,
        shared={"publications": 3100, "withdrawn": 190, "stories": 2200},
    )
    return step


def test_the_report_shows_cached_and_cold_as_ratios_to_the_bare_view():
    step = _open_data_step(100_000)
    step["open_loop"] = OpenLoopResult(
        capacities=[
            _capacity("bare", "Bare Django view", 400),
            _capacity("api_dreams", "API dream list (cached)", 200, urls=12),
            _capacity("api_dreams_cold", "API dream list (cold)", 40, urls=12),
            _capacity("api_figures", "API figures (cached)", 300, urls=14),
        ],
        load_start="1.00 1.00 1.00",
        load_end="2.00 2.00 2.00",
    )
    options = {**OPTIONS, "pages": "open-data"}
    text = report.render(
        info=INFO, steps=[step], mixed=None, mail_runs=[], options=options, minutes=4.0
    )
    assert "Only some pages: `--pages open-data`." in text
    assert (
        "3,100 dreams shared by their residents (190 of them withdrawn again), 2,200 stories"
        in (text)
    )
    summary = [line for line in text.splitlines() if "x bare |" in line]  # not the page table
    row = next(line for line in summary if line.startswith("| API dream list /api"))
    # 3 ms cached, 0 queries, twice the bare view's 1.5 ms; cold 15 ms, 4 queries, 10x.
    assert "| 3.0 ms (3.6 ms) · 0 queries · 2.0x bare |" in row
    assert "| 15.0 ms (18.0 ms) · 4 queries · 10x bare |" in row
    assert "| 200.0 req/s (50.0% of the bare view) | 40.0 req/s (10.0% of the bare view) |" in row
    weeks = next(line for line in summary if line.startswith("| API figures per week"))
    assert "300.0 req/s (75.0% of the bare view); weeks, promises and money in turn" in weeks
    assert "Cached: the open-data version unchanged" in text
    assert "Cold: the version raised before each request" in text
    # In the page table too, with their Python time, each labelled cached or cold.
    assert any(
        line.startswith("| Gallery of stories /verhalen/") and "(cold)" in line
        for line in text.splitlines()
    )


def test_a_run_of_some_pages_goes_to_its_own_section(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    report.write(path, "the whole run")
    report.write(path, "open data, first", section="open-data")
    report.write(path, "open data, again", section="open-data")
    text = path.read_text()
    assert "the whole run" in text  # the whole run's tables stay
    assert "open data, first" not in text
    start, end = report.markers("open-data")
    assert text.index(start) < text.index("open data, again") < text.index(end)
    assert text.count(start) == 1


def test_bench_measures_only_the_open_data_when_asked(postgresql_autocommit, settings, tmp_path):
    settings.DEBUG = True  # no collectstatic into the worktree
    output = tmp_path / "BENCHMARKS.md"
    output.write_text(f"{report.START}\nthe whole run\n{report.END}\n")
    call_command(
        "bench",
        "--pages=open-data",
        "--sizes=300",
        "--repeat=2",
        "--warmup=1",
        "--skip-load",
        f"--output={output}",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    text = output.read_text()
    assert "the whole run" in text
    start, end = report.markers("open-data")
    section = text[text.index(start) : text.index(end)]
    assert "| Bare Django view (reference) |" in section
    assert "| Triage queue" not in section  # only the open data, beside the bare view
    assert "Mail throughput" not in section  # mail is not a page
    for _key, label in open_data.ENDPOINTS:
        assert f"| {label} (cached) |" in section
        assert f"| {label} (cold) |" in section
