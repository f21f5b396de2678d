"""`make audit`: known vulnerabilities in the locked dependencies, and risky code of our own.

1. pip-audit checks every pinned package of requirements-dev.lock (the runtime lock plus
   the development tools) against a vulnerability
   service: PyPI's first, OSV's when PyPI's does not answer. A package with a known
   vulnerability fails the audit.
2. bandit reads our own apps (not the tests, not the migrations) and fails on any finding of
   high severity.

Without a reachable vulnerability service pip-audit cannot tell anything: then the audit says
so loudly, in a block nobody can miss, and does not fail for it. It fails only on what it
really finds (a vulnerability, a bandit finding) or when a tool itself breaks.
Exit status: 0 clean (or not audited for want of network), 1 findings, 2 a tool broke.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOCK = ROOT / "requirements-dev.lock"  # the runtime pins and the tools on top
# Every package of the project but the tests: a new app is scanned without being listed.
APPS = sorted(
    path.parent.name for path in ROOT.glob("*/__init__.py") if path.parent.name != "tests"
)
SERVICES = ["pypi", "osv"]
# What pip-audit prints when a service cannot be reached (or answers for no package at all).
NETWORK_SIGNS = (
    "ConnectionError",
    "NameResolutionError",
    "Name or service not known",
    "Temporary failure in name resolution",
    "Max retries exceeded",
    "timed out",
    "Connection refused",
    "Network is unreachable",
)


def _loud(lines: list[str]) -> None:
    bar = "!" * 78
    print(f"\n{bar}", flush=True)
    for line in lines:
        print(f"!!  {line}", flush=True)
    print(f"{bar}\n", flush=True)


def _pip_audit(service: str, lock: Path) -> tuple[str, dict | None, str]:
    """Run pip-audit against SERVICE; return (outcome, report, message).

    outcome: "ok" (every package audited), "unreachable" (the service could not be asked,
    or answered for none of the packages) or "broken" (pip-audit failed for another reason).
    """
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        args = [
            str(BIN / "pip-audit"),
            "-r",
            str(lock),
            "--require-hashes",
            "--disable-pip",
            "--progress-spinner",
            "off",
            "--vulnerability-service",
            service,
            "--format",
            "json",
            "--output",
            str(out),
        ]
        result = subprocess.run(args, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
        report = json.loads(out.read_text()) if out.exists() and out.stat().st_size else None
    message = (result.stderr or result.stdout).strip()
    if report is None:
        if any(sign in message for sign in NETWORK_SIGNS):
            return "unreachable", None, message.splitlines()[-1] if message else ""
        return "broken", None, message
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    if dependencies and not audited:
        reason = dependencies[0]["skip_reason"]
        return "unreachable", report, f"no package could be audited, e.g.: {reason}"
    return "ok", report, ""


NOT_AUDITED = 3  # audit_dependencies(): no service could be reached; not a failure


def audit_dependencies(lock: Path = LOCK) -> int:
    print(f"== pip-audit: {lock.name}", flush=True)
    tried = []
    for service in SERVICES:
        outcome, report, message = _pip_audit(service, lock)
        if outcome == "broken":
            print(f"pip-audit failed ({service}):\n{message}", file=sys.stderr)
            return 2
        if outcome == "unreachable":
            tried.append(f"{service}: {message}")
            continue
        dependencies = report["dependencies"]
        vulnerable = [d for d in dependencies if d.get("vulns")]
        skipped = [d for d in dependencies if "skip_reason" in d]
        for dependency in vulnerable:
            for vuln in dependency["vulns"]:
                fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
                print(
                    f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']}"
                    f" (fixed in: {fixes})"
                )
        for dependency in skipped:
            print(f"not audited: {dependency['name']}: {dependency['skip_reason']}")
        audited = len(dependencies) - len(skipped)
        print(
            f"pip-audit ({service}): {audited} of {len(dependencies)} locked packages audited,"
            f" {len(vulnerable)} with known vulnerabilities"
        )
        return 1 if vulnerable else 0
    _loud(
        [
            "PIP-AUDIT COULD NOT REACH A VULNERABILITY SERVICE: THE DEPENDENCIES WERE NOT AUDITED.",
            *tried,
            "No vulnerability was found because none could be looked up: run `make audit`",
            "again where pypi.org's JSON API or api.osv.dev can be reached.",
        ]
    )
    return NOT_AUDITED


def audit_code(root: Path = ROOT, apps: list[str] = APPS) -> int:
    print("== bandit: high-severity findings in " + ", ".join(apps), flush=True)
    args = [
        str(BIN / "bandit"),
        "--recursive",
        *apps,
        "--severity-level",
        "high",
        "--exclude",
        "*/migrations/*,*/tests/*",
        "--quiet",
    ]
    result = subprocess.run(args, cwd=root, check=False)  # noqa: S603
    if result.returncode == 0:
        print("bandit: no high-severity findings")
    return 1 if result.returncode == 1 else result.returncode


def main() -> int:
    os.chdir(ROOT)
    dependencies, code = audit_dependencies(), audit_code()
    if dependencies == NOT_AUDITED:
        dependencies = 0
        if code == 0:
            print("audit: no findings in the code; the dependencies were NOT audited (see above)")
            return 0
    worst = max(dependencies, code)
    print("audit: " + ("clean" if worst == 0 else "FAILED"))
    return worst


if __name__ == "__main__":
    sys.exit(main())
