"""Translation hygiene: the .pot is current, and every ar and fr entry is
translated (all plural forms), not fuzzy, and keeps its placeholders."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "app" / "translations"
LANGUAGES = ("ar", "fr")


def load(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def body(path: Path) -> str:
    """The catalog without its header, which holds dates."""
    text = path.read_text(encoding="utf-8")
    return text[text.index("\n\n", text.index('msgid ""')) :]


def test_the_pot_file_is_not_stale(tmp_path: Path) -> None:
    # The Makefile's own target, so that the flags cannot drift from it.
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        ["make", "--silent", "translations-extract", f"POT={fresh}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    assert body(fresh) == body(TRANSLATIONS / "messages.pot"), (
        "app/translations/messages.pot is stale: run `make translations-update` and translate"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_not_fuzzy(language: str) -> None:
    catalog = load(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", language)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif not all(strings):
            problems.append(f"untranslated: {message.id!r}")
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogs_follow_the_template(language: str) -> None:
    template = load(TRANSLATIONS / "messages.pot")
    catalog = load(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", language)
    expected = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    present = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    assert expected - present == set(), "run `make translations-update`"
    assert present - expected == set(), "obsolete entries: run `make translations-update`"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language: str) -> None:
    catalog = load(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", language)
    errors = [(m.id, [str(e) for e in errs]) for m, errs in catalog.check() if errs]
    assert errors == []


def test_arabic_has_its_six_plural_forms() -> None:
    catalog = load(TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.po", "ar")
    assert catalog.num_plurals == 6


def test_every_flashed_notice_has_a_text() -> None:
    """A notice is flashed as a code; a code without a text shows an empty panel."""
    import re
    from pathlib import Path

    from app.web.messages import NOTICES

    root = Path(__file__).resolve().parents[2] / "app"
    flashed = {
        code
        for path in root.rglob("*.py")
        for code in re.findall(r'flash\(\s*"([a-z_]+)"', path.read_text(encoding="utf-8"))
    }
    flashed |= {
        code
        for path in root.rglob("*.py")
        for pair in re.findall(
            r'flash\(\s*"([a-z_]+)" if .+? else "([a-z_]+)"', path.read_text(encoding="utf-8")
        )
        for code in pair
    }
    assert flashed and flashed - set(NOTICES) == set()
