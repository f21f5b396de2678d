"""Check every installed dependency's licence against the project's (make licences, CI).

Dromen.Doen is AGPL-3.0-or-later (LICENSE). A dependency may be used when its licence lets
the whole be conveyed under the AGPL: permissive licences, the weak copylefts whose terms
allow it (LGPL, MPL-2.0), and GPL-3.0 (the AGPL's section 13 allows combining with it, which
is why the panel selection's sortition-algorithms, GPL-3.0, may be used). GPL-2.0-only,
non-free and "unknown" licences are refused: someone must look and add an entry to
OVERRIDES with the reason.

pip-licenses reads what each package declares (its licence expression, else its
classifiers, else its licence field); license-expression parses the SPDX expression.
Classifiers are not SPDX: CLASSIFIERS translates the ones in use. Several classifiers on one
package are read as all applying (AND), the safe reading, unless OVERRIDES says otherwise.
"""

import json
import subprocess
import sys
from pathlib import Path

from license_expression import AND, OR, LicenseSymbol, get_spdx_licensing

PROJECT = "dromen-doen"

# SPDX identifiers a dependency of an AGPL-3.0-or-later work may carry.
ALLOWED = frozenset(
    {
        "0BSD",
        "AGPL-3.0-only",
        "AGPL-3.0-or-later",
        "Apache-2.0",
        "BSD-2-Clause",
        "BSD-3-Clause",
        "CC0-1.0",
        "GPL-2.0-or-later",  # "or later": may be taken as GPL-3.0
        "GPL-3.0-only",
        "GPL-3.0-or-later",
        "HPND",
        "ISC",
        "LGPL-2.0-or-later",
        "LGPL-2.1-or-later",
        "LGPL-3.0-only",
        "LGPL-3.0-or-later",
        "MIT",
        "MIT-0",
        "MIT-CMU",
        "MPL-2.0",  # section 3.3: may be combined with the GNU licences
        "PSF-2.0",
        "Python-2.0",
        "Unlicense",
        "Zlib",
    }
)

# Trove classifiers (and free-text licence fields) seen among the dependencies, as SPDX.
CLASSIFIERS = {
    "Apache 2.0": "Apache-2.0",
    "Apache Software License": "Apache-2.0",
    "BSD License": "BSD-3-Clause",  # the classifier does not say 2 or 3 clauses; both allowed
    "GNU General Public License v2 or later (GPLv2+)": "GPL-2.0-or-later",
    "GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
    "GNU Lesser General Public License v2 or later (LGPLv2+)": "LGPL-2.0-or-later",
    "GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only",
    "ISC License (ISCL)": "ISC",
    "MIT License": "MIT",
    "Mozilla Public License 1.1 (MPL 1.1)": "MPL-1.1",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "Python Software Foundation License": "PSF-2.0",
    "The Unlicense (Unlicense)": "Unlicense",
}

# Packages whose declared licence is missing or misleading, checked by hand. Each names the
# licence, a line its licence file must hold (so that a change upstream is noticed) and why.
OVERRIDES = {
    "sortition-algorithms": (
        "GPL-3.0-only",
        "GNU GENERAL PUBLIC LICENSE",
        "Its metadata names no licence; its LICENSE file is the GPL version 3.",
    ),
    "pyphen": (
        "GPL-2.0-or-later OR LGPL-2.1-or-later OR MPL-1.1",
        "",
        "Tri-licensed: its three classifiers are alternatives, not all at once.",
    ),
}


def installed() -> list[dict]:
    """What pip-licenses reports of the packages installed beside this interpreter."""
    output = subprocess.run(  # noqa: S603 - a fixed command, no user input
        [
            str(Path(sys.executable).with_name("pip-licenses")),
            "--from=mixed",
            "--format=json",
            "--with-license-file",
            "--no-license-path",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output)


def spdx_expression(package: dict) -> str:
    """The package's licence as an SPDX expression (OVERRIDES first)."""
    name = package["Name"].lower().replace("_", "-")
    if name in OVERRIDES:
        return OVERRIDES[name][0]
    declared = package["License"].strip()
    parts = [part.strip() for part in declared.split(";") if part.strip()]
    if len(parts) > 1 or declared in CLASSIFIERS:
        return " AND ".join(f"({CLASSIFIERS.get(part, part)})" for part in parts)
    return declared


def allowed(expression) -> bool:
    """Whether a parsed licence expression can be met with the ALLOWED licences."""
    if isinstance(expression, AND):
        return all(allowed(part) for part in expression.args)
    if isinstance(expression, OR):
        return any(allowed(part) for part in expression.args)
    if isinstance(expression, LicenseSymbol):
        return expression.key in ALLOWED
    return False


def problem(package: dict) -> str | None:
    """Why PACKAGE may not be used, or None when its licence fits."""
    name = package["Name"].lower().replace("_", "-")
    if name == PROJECT:
        return None
    if name in OVERRIDES:
        must_hold = OVERRIDES[name][1]
        if must_hold and must_hold not in package.get("LicenseText", ""):
            return f"its licence file no longer says {must_hold!r}: look again"
    text = spdx_expression(package)
    licensing = get_spdx_licensing()
    if licensing.validate(text).errors:
        return f"licence {package['License']!r} is not one we know: look, then add it"
    if not allowed(licensing.parse(text)):
        return f"licence {text} does not fit AGPL-3.0-or-later"
    return None


def main() -> int:
    packages = installed()
    problems = [(p["Name"], p["Version"], problem(p)) for p in packages]
    refused = [(name, version, why) for name, version, why in problems if why]
    for name, version, why in refused:
        print(f"REFUSED {name} {version}: {why}")
    print(f"{len(packages) - len(refused)} of {len(packages)} packages fit AGPL-3.0-or-later.")
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
