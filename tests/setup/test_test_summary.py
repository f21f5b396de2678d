"""scripts/test_summary.py: after `make test`'s last pytest line, what did not run and why.

Each test runs a real pytest on a small generated test file and reads back its JUnit report.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SCRIPT = ROOT / "scripts" / "test_summary.py"


def _summary(tmp_path: Path, source: str) -> list[str]:
    test_file = tmp_path / "test_sample.py"
    test_file.write_text(textwrap.dedent(source))
    report = tmp_path / "report.xml"
    subprocess.run(  # noqa: S603 - our own interpreter on a file we just wrote
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:django",
            f"--junitxml={report}",
            "--rootdir",
            str(tmp_path),
            str(test_file),
        ],
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
        check=False,
    )
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(SCRIPT), str(report)], capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


def test_everything_ran(tmp_path):
    assert _summary(tmp_path, "def test_one():\n    pass\n") == ["Everything ran."]


def test_skips_grouped_by_reason_most_first(tmp_path):
    lines = _summary(
        tmp_path,
        """
        import pytest

        def test_runs():
            pass

        @pytest.mark.skip(reason="no Chromium")
        def test_browser_a():
            pass

        @pytest.mark.skip(reason="no Chromium")
        def test_browser_b():
            pass

        def test_pdf():
            pytest.skip("no pdftotext")

        @pytest.mark.xfail(reason="known bug 12")
        def test_known_bug():
            assert False
        """,
    )
    assert lines == [
        "Not run: 4 tests, by reason:",
        "  2 skipped: no Chromium  (test_sample.py)",
        "  1 skipped: no pdftotext  (test_sample.py)",
        "  1 expected to fail: known bug 12  (test_sample.py)",
    ]


def test_failures_are_named_and_no_tests_is_not_everything(tmp_path):
    assert _summary(tmp_path, "def test_one():\n    assert False\n") == [
        "1 failed, 0 errors: see above.",
        "Everything ran.",
    ]
    assert _summary(tmp_path, "x = 1\n") == ["No tests ran: see pytest's output above."]


def test_no_report_says_so(tmp_path):
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(SCRIPT), str(tmp_path / "missing.xml")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "No test report was written" in done.stdout


def test_make_test_prints_the_summary_after_pytest_and_keeps_its_status():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\ntest: system-packages-test $(STAMP)\n", 1)[1].split("\n\n", 1)[0]
    assert "--junitxml=$(JUNIT_XML)" in recipe
    assert recipe.index("-m pytest") < recipe.index("scripts/test_summary.py $(JUNIT_XML)")
    assert "exit $$status" in recipe
