"""`make licences` (scripts/licences.py): every dependency's licence against AGPL-3.0-or-later.

The policy is tested on made-up packages; the real check runs on the installed packages
(what CI runs), so a dependency with a licence that does not fit fails the suite too.
"""

import importlib.util
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


@pytest.fixture(scope="module")
def licences():
    spec = importlib.util.spec_from_file_location(
        "licences_script", ROOT / "scripts" / "licences.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def package(name: str, licence: str, text: str = "") -> dict:
    return {"Name": name, "Version": "1.0", "License": licence, "LicenseText": text}


def test_the_project_is_agpl_and_ci_checks_the_licences():
    assert (ROOT / "LICENSE").read_text().startswith("GNU AFFERO GENERAL PUBLIC LICENSE")
    assert 'license = "AGPL-3.0-or-later"' in (ROOT / "pyproject.toml").read_text()
    assert "\nlicences: $(STAMP)\n\t$(PY) scripts/licences.py\n" in (ROOT / "Makefile").read_text()
    assert "\nmake licences\n" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.parametrize(
    "licence",
    [
        "MIT",
        "MIT License",
        "BSD License",
        "Apache Software License; BSD License",
        "Apache-2.0 OR BSD-3-Clause",
        "BSD-3-Clause AND 0BSD AND MIT AND Zlib AND CC0-1.0",
        "LGPL-3.0-only",
        "MPL-2.0",
        "GPL-3.0-or-later",
        "GPL-2.0-or-later",
    ],
)
def test_licences_that_fit(licences, licence):
    assert licences.problem(package("somepackage", licence)) is None


@pytest.mark.parametrize(
    "licence",
    [
        "GPL-2.0-only",
        "SSPL-1.0",
        "BUSL-1.1",
        "CC-BY-NC-4.0",
        "MIT AND GPL-2.0-only",
        "UNKNOWN",
        "Proprietary",
        "MIT License; Mozilla Public License 1.1 (MPL 1.1)",
    ],
)
def test_licences_that_do_not_fit_are_refused(licences, licence):
    assert licences.problem(package("somepackage", licence))


def test_an_override_is_checked_against_the_licence_file(licences):
    gpl = "GNU GENERAL PUBLIC LICENSE\n Version 3, 29 June 2007"
    assert licences.problem(package("sortition-algorithms", "UNKNOWN", gpl)) is None
    changed = licences.problem(package("sortition-algorithms", "UNKNOWN", "Proprietary terms"))
    assert "look again" in changed


def test_every_installed_package_fits(licences):
    refused = [(p["Name"], licences.problem(p)) for p in licences.installed()]
    assert [entry for entry in refused if entry[1]] == []


@pytest.mark.django_db
def test_every_page_says_the_licence_and_links_the_source_when_set(client, settings):
    settings.SOURCE_CODE_URL = "https://code.example.nl/dromen-doen"
    html = client.get("/").content.decode()
    assert "AGPL-3.0-or-later" in html
    assert 'href="https://code.example.nl/dromen-doen"' in html
