"""The Dutch catalogue is complete, and the compiled .mo matches the .po.

Dutch is the default language, so an untranslated string shows English to residents.
"""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

PO_PATH = Path(settings.LOCALE_PATHS[0]) / "nl" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")\s*$')


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def context(self) -> str | None:
        return self.fields.get("msgctxt")

    @property
    def plural(self) -> str | None:
        return self.fields.get("msgid_plural")

    @property
    def msgstrs(self) -> dict[str, str]:
        return {k: v for k, v in self.fields.items() if k.startswith("msgstr")}

    def __str__(self) -> str:
        ctx = f" (context {self.context!r})" if self.context is not None else ""
        return f"line {self.line}: {self.msgid!r}{ctx}"


def _unquote(literal: str) -> str:
    # A PO string is a double-quoted C string; its escapes (\" \\ \n \t) read the same in Python.
    return ast.literal_eval(literal)


def parse_po(text: str) -> list[Entry]:
    """A small PO reader: entries, their flags and their (joined) strings. Obsolete #~ skipped."""
    entries: list[Entry] = []
    entry: Entry | None = None
    key: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry, key = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := _KEYWORD.match(line):
            key = match.group(1)
            entry.fields[key] = _unquote(match.group(2))
        elif line.startswith('"') and key is not None:
            entry.fields[key] += _unquote(line)
        else:
            raise AssertionError(f"{PO_PATH.name} line {number}: cannot read {raw!r}")
    return [e for e in entries if "msgid" in e.fields]


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_po(PO_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def messages(entries) -> list[Entry]:
    """Every entry except the header."""
    return [e for e in entries if e.msgid]


def test_header_declares_dutch_utf8_and_plural_forms(entries):
    header = entries[0]
    assert header.msgid == ""
    assert "fuzzy" not in header.flags
    text = header.fields["msgstr"]
    assert "Language: nl\n" in text
    assert "charset=UTF-8" in text
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in text


def test_every_string_is_translated(messages):
    assert len(messages) > 200, "the catalogue looks truncated"
    untranslated = [str(e) for e in messages if not all(e.msgstrs.values())]
    assert not untranslated, "Untranslated in nl/django.po:\n" + "\n".join(untranslated)
    if plural_entries := [e for e in messages if e.plural is not None]:
        bad = [str(e) for e in plural_entries if set(e.msgstrs) != {"msgstr[0]", "msgstr[1]"}]
        assert not bad, "Plural entries need msgstr[0] and msgstr[1]:\n" + "\n".join(bad)


def test_no_fuzzy_entries(entries):
    fuzzy = [str(e) for e in entries if "fuzzy" in e.flags]
    assert not fuzzy, "Fuzzy entries in nl/django.po:\n" + "\n".join(fuzzy)


@pytest.mark.parametrize(
    ("english", "dutch"),
    [
        ("Awaiting confirmation", "Wacht op bevestiging"),
        ("Submitted", "Ingediend"),
        ("Picked up", "Opgepakt"),
        ("In conversation", "In gesprek"),
        ("In progress", "Aan de slag"),
        ("Paused", "Gepauzeerd"),
        ("Realised", "Gerealiseerd"),
        ("Not possible", "Niet mogelijk"),
        ("Withdrawn", "Ingetrokken"),
    ],
)
def test_status_labels_are_dutch(english, dutch):
    with translation.override("nl"):
        assert translation.gettext(english) == dutch


def _django_gives(e: Entry) -> dict[str, str]:
    """What Django's gettext machinery returns for this entry, keyed like the .po's msgstrs."""
    if e.plural is None:
        if e.context is None:
            return {"msgstr": translation.gettext(e.msgid)}
        return {"msgstr": translation.pgettext(e.context, e.msgid)}
    # Plural-Forms: plural=(n != 1), so n=1 picks msgstr[0] and n=2 picks msgstr[1].
    if e.context is None:
        return {f"msgstr[{i}]": translation.ngettext(e.msgid, e.plural, n) for i, n in PLURAL_NS}
    return {
        f"msgstr[{i}]": translation.npgettext(e.context, e.msgid, e.plural, n) for i, n in PLURAL_NS
    }


PLURAL_NS = ((0, 1), (1, 2))


def test_compiled_catalogue_matches_the_po(messages):
    """Django, reading the .mo, gives every msgstr of the .po: fails when the .mo is stale."""
    assert MO_PATH.exists(), "run: manage.py compilemessages"
    with translation.override("nl"):
        stale = [
            f"{e}: .po has {e.msgstrs!r}, Django gives {got!r}"
            for e in messages
            if (got := _django_gives(e)) != e.msgstrs
        ]
    assert not stale, "django.mo is out of date; run compilemessages:\n" + "\n".join(stale)


def project_packages() -> list[str]:
    """Every Python package of the project (each app, config, bench): a new app is checked
    from its first string on, without anyone remembering to list it here."""
    base = Path(settings.BASE_DIR)
    return sorted(
        path.parent.name
        for path in base.glob("*/__init__.py")
        if path.parent.name not in {"tests", ".venv"}
    )


def test_every_string_in_the_code_is_in_the_catalogue(settings, tmp_path, monkeypatch):
    """The catalogue can be complete in itself and still miss a string the code gained (a new
    model field's name showed in English): extract the code's strings as `make messages` does,
    from a copy of the code into a copy of the catalogue, and find each of them translated."""
    import shutil

    from django.core.management import call_command

    source = tmp_path / "source"
    for folder in (*project_packages(), "templates"):
        shutil.copytree(
            Path(settings.BASE_DIR) / folder,
            source / folder,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    shutil.copytree(PO_PATH.parents[2], tmp_path / "locale")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["nl"], no_obsolete=True, verbosity=0)
    extracted = parse_po((tmp_path / "locale" / "nl" / "LC_MESSAGES" / "django.po").read_text())
    missing = [
        str(e) for e in extracted if e.msgid and ("fuzzy" in e.flags or not all(e.msgstrs.values()))
    ]
    assert not missing, "In the code, not (or not surely) translated:\n" + "\n".join(missing)


GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext", "npgettext"}


def test_no_translated_string_is_looked_up_inside_an_f_string():
    """makemessages (xgettext) does not read inside f-strings: a `_("...")` there is never
    extracted, and once the catalogue is made again its Dutch is gone (the timeline's
    "Internal" tag, issue 15). Look them up before the f-string instead."""
    found = []
    for folder in project_packages():
        for path in sorted((Path(settings.BASE_DIR) / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.JoinedStr):
                    continue
                for inner in ast.walk(node):
                    if (
                        isinstance(inner, ast.Call)
                        and isinstance(inner.func, ast.Name)
                        and inner.func.id in GETTEXT_NAMES
                    ):
                        found.append(f"{path.relative_to(settings.BASE_DIR)}:{inner.lineno}")
    assert not found, "gettext inside an f-string (not extracted):\n" + "\n".join(found)
