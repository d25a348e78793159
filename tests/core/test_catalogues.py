"""The four catalogues are complete, and the compiled .mo files match the .po sources."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.LOCALE_PATHS[0])
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def po_entries(path: Path) -> list[dict]:
    """A small .po reader: msgctxt/msgid/msgid_plural/msgstr[n] and flags of each live entry."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid") for line in lines):
            continue
        entry: dict = {"flags": set(), "msgstr": {}}
        key = None
        for line in lines:
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                value = _unquote(line)
                if isinstance(key, int):
                    entry["msgstr"][key] += value
                else:
                    entry[key] += value
            else:
                name, _space, rest = line.partition(" ")
                match = re.fullmatch(r"msgstr\[(\d+)\]", name)
                key = int(match.group(1)) if match else name
                if isinstance(key, int):
                    entry["msgstr"][key] = _unquote(rest)
                elif key == "msgstr":
                    entry["msgstr"][0] = _unquote(rest)
                    key = 0
                else:
                    entry[key] = _unquote(rest)
        entries.append(entry)
    return [e for e in entries if e.get("msgid")]


def _unquote(text: str) -> str:
    return text.strip()[1:-1].encode("raw_unicode_escape").decode("unicode_escape")


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete(language):
    entries = po_entries(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert len(entries) > 300
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    empty = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    assert (fuzzy, empty) == ([], [])


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    with open(folder / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in po_entries(folder / "django.po"):
        key = entry["msgid"] if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{entry['msgid']}"
        if "msgid_plural" in entry:
            assert compiled._catalog[(key, 0)] == entry["msgstr"][0], entry["msgid"]
        else:
            assert compiled._catalog[key] == entry["msgstr"][0], entry["msgid"]


def test_same_messages_in_every_language():
    ids = {language: {e["msgid"] for e in po_entries(LOCALE / language / "LC_MESSAGES" / "django.po")}
           for language in LANGUAGES}
    assert all(ids[language] == ids["vi"] for language in LANGUAGES)
