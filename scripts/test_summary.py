"""Print what did not run in the last test run, and why: after pytest's last line, where
a person reads it (`make test`). Reads pytest's JUnit XML report.

    python scripts/test_summary.py var/test-results.xml
"""

import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path


def not_run(report: Path) -> dict[tuple[str, str], list[str]]:
    """Return {(kind, reason): [test file, ...]} for every test that was skipped or xfailed."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for case in ET.parse(report).iter("testcase"):  # noqa: S314 - our own pytest's report
        skipped = case.find("skipped")
        if skipped is None:
            continue
        kind = "expected to fail" if skipped.get("type") == "pytest.xfail" else "skipped"
        reason = (skipped.get("message") or "no reason given").strip()
        reason = reason.removeprefix("Skipped: ").removeprefix("reason: ")
        test_file = case.get("classname", "").split(".")
        # classname is the module path plus the test class, if any: keep the module.
        while test_file and test_file[-1][:1].isupper():
            test_file.pop()
        groups[(kind, reason)].append("/".join(test_file) + ".py")
    return groups


def summary(report: Path) -> list[str]:
    """Return the lines of the summary for REPORT."""
    if not report.exists():
        return ["No test report was written (pytest stopped early): see its output above."]
    suite = ET.parse(report).find(".//testsuite")  # noqa: S314 - our own pytest's report
    counts = {key: int(suite.get(key, 0)) for key in ("tests", "failures", "errors")}
    if counts["tests"] == 0:
        return ["No tests ran: see pytest's output above."]
    lines = []
    if counts["failures"] or counts["errors"]:
        lines.append(f"{counts['failures']} failed, {counts['errors']} errors: see above.")
    groups = not_run(report)
    if not groups:
        return [*lines, "Everything ran."]
    total = sum(len(files) for files in groups.values())
    lines.append(f"Not run: {total} test{'s' if total != 1 else ''}, by reason:")
    for (kind, reason), files in sorted(groups.items(), key=lambda item: -len(item[1])):
        where = ", ".join(sorted(set(files)))
        lines.append(f"  {len(files)} {kind}: {reason}  ({where})")
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    print("\n".join(summary(Path(argv[1]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
