"""The two lock files (`make lock`): requirements.lock is what production installs,
requirements-dev.lock adds the development tools on top at the very same pins."""

import re
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")
HASH = re.compile(r"--hash=(sha256:[0-9a-f]{64})")
# Named in the issue as what the production image must not carry.
KNOWN_DEV_TOOLS = {
    "pytest",
    "playwright",
    "ruff",
    "bandit",
    "pip-audit",
    "hypothesis",
    "factory-boy",
}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock: Path) -> dict[str, tuple[str, frozenset[str]]]:
    """Return {package: (version, hashes)} for every pin in LOCK."""
    found: dict[str, tuple[str, set[str]]] = {}
    current = None
    for line in lock.read_text().splitlines():
        if match := PIN.match(line):
            current = _canonical(match[1])
            found[current] = (match[2], set())
        if current and (hashes := HASH.findall(line)):
            found[current][1].update(hashes)
        if line.startswith("#") or not line.strip():
            current = None
    return {name: (version, frozenset(hashes)) for name, (version, hashes) in found.items()}


def dev_tools() -> set[str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    requirements = pyproject["project"]["optional-dependencies"]["dev"]
    return {
        _canonical(re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0])
        for requirement in requirements
    }


def test_every_pin_has_hashes():
    for lock in ("requirements.lock", "requirements-dev.lock"):
        for name, (_version, hashes) in pins(ROOT / lock).items():
            assert hashes, f"{lock}: {name} has no --hash"


def test_every_runtime_pin_is_in_the_dev_lock_identically():
    runtime = pins(ROOT / "requirements.lock")
    dev = pins(ROOT / "requirements-dev.lock")
    assert len(runtime) > 30  # the parser found the pins, not nothing
    for name, pin in runtime.items():
        assert dev.get(name) == pin, (
            f"{name}: {pin[0]} in requirements.lock, {dev.get(name)} in dev"
        )


def test_no_dev_tool_in_the_runtime_lock():
    tools = dev_tools()
    assert tools >= KNOWN_DEV_TOOLS
    runtime = pins(ROOT / "requirements.lock")
    assert not tools & runtime.keys()
    assert tools <= pins(ROOT / "requirements-dev.lock").keys()


def test_the_parser_sees_a_changed_hash(tmp_path):
    """The comparison above must notice a hash that differs, not only a version."""
    text = (ROOT / "requirements.lock").read_text()
    first = HASH.search(text)[1]
    changed = tmp_path / "changed.lock"
    changed.write_text(text.replace(first, "sha256:" + "0" * 64, 1))
    assert pins(changed) != pins(ROOT / "requirements.lock")
