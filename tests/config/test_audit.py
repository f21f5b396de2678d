"""`make audit` (scripts/audit.py): pip-audit on the lock file and bandit on our code, in CI.

pip-audit's answers are faked here (the real one needs a vulnerability service on the
network): a vulnerability fails, no reachable service only warns, loudly. bandit runs for real.
"""

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


@pytest.fixture(scope="module")
def audit():
    spec = importlib.util.spec_from_file_location("audit_script", ROOT / "scripts" / "audit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_audit_runs_the_script_and_ci_runs_make_audit():
    makefile = (ROOT / "Makefile").read_text()
    assert "\naudit: $(STAMP)\n\t$(PY) scripts/audit.py\n" in makefile
    assert "\nmake audit\n" in (ROOT / ".ci" / "run").read_text()
    pyproject = (ROOT / "pyproject.toml").read_text()
    lock = (ROOT / "requirements-dev.lock").read_text()
    for tool in ("pip-audit", "bandit"):
        assert f'"{tool}>=' in pyproject
        assert f"\n{tool}==" in lock


def _fake_pip_audit(monkeypatch, audit, answers: dict):
    """Answer pip-audit per service: a report (dict) written as JSON, or (exit code, stderr)."""
    real_run = subprocess.run

    def run(args, **kwargs):
        if not str(args[0]).endswith("pip-audit"):
            return real_run(args, **kwargs)
        service = args[args.index("--vulnerability-service") + 1]
        answer = answers[service]
        if isinstance(answer, dict):
            Path(args[args.index("--output") + 1]).write_text(json.dumps(answer))
            code = 1 if any(d.get("vulns") for d in answer["dependencies"]) else 0
            return subprocess.CompletedProcess(args, code, "", "")
        return subprocess.CompletedProcess(args, answer[0], "", answer[1])

    monkeypatch.setattr(audit.subprocess, "run", run)


CLEAN = {"dependencies": [{"name": "django", "version": "6.1.3", "vulns": []}], "fixes": []}
VULNERABLE = {
    "dependencies": [
        {"name": "django", "version": "6.1.3", "vulns": []},
        {
            "name": "pillow",
            "version": "9.0.0",
            "vulns": [{"id": "PYSEC-2022-10", "fix_versions": ["9.0.1"]}],
        },
    ],
    "fixes": [],
}
ALL_SKIPPED = {
    "dependencies": [
        {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"}
    ],
    "fixes": [],
}
NO_NETWORK = (
    1,
    "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev', port=443):"
    " Max retries exceeded (NameResolutionError)",
)


def test_a_known_vulnerability_fails_the_audit(monkeypatch, audit, capsys):
    _fake_pip_audit(monkeypatch, audit, {"pypi": VULNERABLE, "osv": CLEAN})
    assert audit.audit_dependencies() == 1
    out = capsys.readouterr().out
    assert "VULNERABLE pillow 9.0.0: PYSEC-2022-10 (fixed in: 9.0.1)" in out
    assert "2 locked packages audited, 1 with known vulnerabilities" in out


def test_a_clean_lock_file_passes(monkeypatch, audit, capsys):
    _fake_pip_audit(monkeypatch, audit, {"pypi": CLEAN, "osv": VULNERABLE})
    assert audit.audit_dependencies() == 0
    assert "0 with known vulnerabilities" in capsys.readouterr().out


def test_osv_is_asked_when_pypi_answers_for_no_package(monkeypatch, audit, capsys):
    _fake_pip_audit(monkeypatch, audit, {"pypi": ALL_SKIPPED, "osv": VULNERABLE})
    assert audit.audit_dependencies() == 1
    assert "pip-audit (osv)" in capsys.readouterr().out


def test_without_a_reachable_service_the_audit_warns_loudly_but_does_not_fail(
    monkeypatch, audit, capsys
):
    _fake_pip_audit(monkeypatch, audit, {"pypi": ALL_SKIPPED, "osv": NO_NETWORK})
    assert audit.audit_dependencies() == audit.NOT_AUDITED
    out = capsys.readouterr().out
    assert "COULD NOT REACH A VULNERABILITY SERVICE" in out
    assert "NOT AUDITED" in out
    assert "NameResolutionError" in out


def test_a_broken_pip_audit_fails(monkeypatch, audit):
    _fake_pip_audit(monkeypatch, audit, {"pypi": (2, "error: invalid requirement"), "osv": CLEAN})
    assert audit.audit_dependencies() == 2


def test_bandit_fails_on_a_high_severity_finding(audit, tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "fine.py").write_text("import hashlib\n\nhashlib.sha256(b'x')\n")
    assert audit.audit_code(root=tmp_path, apps=["app"]) == 0
    (app / "weak.py").write_text("import hashlib\n\nhashlib.md5(b'x')\n")  # B324: high
    assert audit.audit_code(root=tmp_path, apps=["app"]) == 1
    (app / "tests").mkdir()  # tests and migrations are not read
    (app / "tests" / "test_weak.py").write_text("import hashlib\n\nhashlib.md5(b'x')\n")
    (app / "weak.py").unlink()
    assert audit.audit_code(root=tmp_path, apps=["app"]) == 0


def test_our_code_has_no_high_severity_bandit_finding(audit):
    assert audit.audit_code() == 0


def test_bandit_reads_every_package_of_the_project(audit):
    """A new app (neighbourhoods/ in issue 16, partners/ in issue 17) is scanned without
    anyone remembering to list it; only the tests are left out."""
    packages = {path.parent.name for path in audit.ROOT.glob("*/__init__.py")}
    assert set(audit.APPS) == packages - {"tests"}
    assert {"neighbourhoods", "partners", "initiatives"} <= set(audit.APPS)
