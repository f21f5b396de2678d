"""
Browser tests: Chromium driven by Playwright against pytest-django's live server.

Playwright's own browser download does not work everywhere, so the tests always use the
system Chromium at CHROMIUM_PATH. Without it the tests are skipped, loudly; CI sets
DROMEN_REQUIRE_BROWSER=1 so that a missing browser fails the run instead.
"""

import json
import os
from pathlib import Path

import pytest

CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
INSTALL_HINT = "install it with `apt-get install -y chromium` (Debian/Ubuntu)"

PROJECT_ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE_PATH = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Why the browser could not start, when it could not; read by pytest_terminal_summary.
_browser_unavailable: list[str] = []


def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder as a browser test (conftest pytestmark is not inherited)."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say it out loud when the browser tests did not run, so a green run does not mislead."""
    if not _browser_unavailable:
        return
    not_run = [
        report
        for outcome in ("skipped", "error")
        for report in terminalreporter.stats.get(outcome, [])
        if "browser" in getattr(report, "keywords", {})
    ]
    terminalreporter.write_sep("!", "WARNING: browser tests were NOT run", red=True, bold=True)
    terminalreporter.write_line(
        f"{len(not_run)} browser test(s) not run: {_browser_unavailable[0]}", red=True
    )
    terminalreporter.write_line(f"To run them, {INSTALL_HINT}.", red=True)
    if os.environ.get("DROMEN_REQUIRE_BROWSER") != "1":
        terminalreporter.write_line(
            "They were skipped; set DROMEN_REQUIRE_BROWSER=1 (as CI does) to fail instead.",
            red=True,
        )


def _unavailable(reason: str):
    message = f"Chromium could not start ({reason})."
    _browser_unavailable.append(message)
    if os.environ.get("DROMEN_REQUIRE_BROWSER") == "1":
        pytest.fail(
            f"{message} DROMEN_REQUIRE_BROWSER=1, so the browser tests must run: {INSTALL_HINT}.",
            pytrace=False,
        )
    pytest.skip(f"Browser tests were NOT run: {message} To run them, {INSTALL_HINT}.")


def _launch_error(exc: Exception) -> str:
    """Return the gist of a failed launch: the error and what Chromium said as it died."""
    lines = str(exc).splitlines()
    said = [line.strip(" -") for line in lines if "[err]" in line or "process did exit" in line]
    return "; ".join([lines[0] if lines else repr(exc), *said[-3:]])


@pytest.fixture(scope="session")
def browser():
    """Start Playwright and the system Chromium once per test session."""
    if not CHROMIUM_PATH.exists():
        _unavailable(f"{CHROMIUM_PATH} is missing")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as exc:
        _unavailable(f"Playwright is not installed: {exc}")

    # Playwright's sync API keeps an asyncio loop running in this thread for as long as it
    # lives, and Django's ORM refuses to run while it sees one. The tests (factories, the
    # settings fixture) use the ORM from this thread, so allow it for the browser's lifetime.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        try:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS
            )
        except Error as exc:
            _unavailable(_launch_error(exc))
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see whether it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


PHONE = {"width": 390, "height": 844}  # like an iPhone 12-15: where residents mostly are
DESKTOP = {"width": 1280, "height": 900}  # staff work at a desk


def _new_page(browser, viewport: dict):
    """Return a page in a fresh Dutch context: no cookies or storage shared with others."""
    context = browser.new_context(
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport=viewport,
        device_scale_factor=1,
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def _close_pages(request, pages: list) -> None:
    """Close the pages' contexts; after a failed test, keep a screenshot of each first."""
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        failures = output_dir() / "failures"
        failures.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(pages):
            suffix = f"-{number}" if number else ""
            screenshot(page, failures / f"{request.node.name}{suffix}.png")
    for page in pages:
        page.context.close()


@pytest.fixture
def page(browser, request):
    """Return a fresh page in its own context: no cookies or storage shared between tests.

    A phone (390x844, like an iPhone 12-15) in Dutch: residents mostly come from their phone,
    and the narrow layout is where wrapping headers, tables and forms break first.
    """
    page = _new_page(browser, PHONE)
    yield page
    _close_pages(request, [page])


class Pages:
    """Open pages in fresh contexts of their own: each is another person at another device.

    `errors` collects, from every page opened here, the script errors and what the CSP
    blocked, like the page_errors fixture does for `page`.
    """

    def __init__(self, browser):
        self.browser = browser
        self.opened: list = []
        self.errors: list[str] = []

    def open(self, viewport: dict = PHONE):
        """Return a new page: on a phone (residents) unless VIEWPORT says otherwise."""
        page = _new_page(self.browser, viewport)
        self.opened.append(page)
        watch_errors(page, self.errors)
        return page


@pytest.fixture
def pages(browser, request):
    """Return a Pages, to open a page per person; all are closed after the test."""
    opened = Pages(browser)
    yield opened
    _close_pages(request, opened.opened)


@pytest.fixture
def staff_page(pages):
    """Return a fresh page on a desktop screen (1280x900): staff work at a desk."""
    return pages.open(DESKTOP)


def watch_errors(page, errors: list[str]) -> None:
    """Add PAGE's script errors and what the CSP blocked on it to ERRORS as they happen."""

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))


@pytest.fixture
def page_errors(page) -> list[str]:
    """Return a list, filled as the test goes, of script errors and of what the CSP blocked."""
    errors: list[str] = []
    watch_errors(page, errors)
    return errors


def output_dir() -> Path:
    """Return the folder for screenshots and other test output."""
    return Path(os.environ.get("TEST_OUTPUT_DIR") or PROJECT_ROOT / "test-results")


def screenshot(page, path: Path) -> None:
    """Save a full-page screenshot of PAGE to PATH without changing the page.

    caret="initial": hiding the caret leaves an empty style="" on every input, which htmx
    then copies during a swap and the CSP reports as a blocked inline style.
    """
    page.screenshot(path=path, full_page=True, caret="initial")


def _format_violations(name: str, url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {name!r} ({url}):"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation['impact']}]: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            target = " ".join(json.dumps(part) for part in node["target"])
            lines.append(f"    at {target}")
            if node.get("summary"):
                lines.extend(f"      {line}" for line in node["summary"].splitlines())
    return "\n".join(lines)


def check_accessibility(page, name: str) -> None:
    """Save a screenshot of PAGE as NAME and assert that axe finds no WCAG 2.1 A/AA violation.

    The axe source is injected with page.evaluate(): Playwright evaluates it through the
    DevTools protocol, which the page's Content Security Policy does not govern, so the
    CSP stays on (no bypass_csp) and the page is checked exactly as residents get it.
    """
    screenshots = output_dir() / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    screenshot(page, screenshots / f"{name}.png")

    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE_PATH.read_text(encoding="utf-8"))
    violations = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary})),
            }));
        }""",
        AXE_TAGS,
    )
    assert not violations, _format_violations(name, page.url, violations)
