"""The Danish catalogue is complete, compiled, consistent, and used where users read text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kodebog.i18n import LANGUAGES, formats, language, language_from, set_language
from kodebog.i18n.tools import (
    EXTERNAL_AREAS,
    PACKAGE,
    calls_inside_fstrings,
    compiled,
    extract,
    import_time_calls,
    missing,
    non_literal_calls,
    placeholders,
    po_files,
    read_catalogue,
    source_files,
    translated_ids,
    untranslated_literals,
)

PENDING = Path(__file__).resolve().parent / "i18n_pending"
UNTRANSLATED_MODULES: frozenset[str] = frozenset(
    line.strip() for path in sorted(PENDING.glob("*.txt"))
    for line in path.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#"))
"""Modules whose user-facing text is not yet all in the catalogue, one file per area under
tests/i18n_pending/ (issue 14 empties them)."""


def test_every_marked_string_has_a_danish_translation() -> None:
    absent = [f"{m.path.relative_to(PACKAGE)}:{m.line}: {m.msgid!r}" for m in missing()]
    assert absent == [], ("translate these in an area's .po under src/kodebog/locale/da "
                          "(python -m kodebog.i18n.tools update AREA PATH), then compile:\n"
                          + "\n".join(absent[:40]))


def test_compiled_catalogues_match_their_po_files() -> None:
    stale = [po.name for po in po_files() if not po.with_suffix(".mo").exists()
             or po.with_suffix(".mo").read_bytes() != compiled(po)]
    assert stale == [], f"run python -m kodebog.i18n.tools compile: {stale} changed"


def test_no_fuzzy_or_obsolete_entries() -> None:
    marked = {m.msgid for m in extract()}
    problems = []
    for po in po_files():
        for message in read_catalogue(po):
            if not message.id:
                continue
            key = tuple(message.id) if isinstance(message.id, (list, tuple)) else message.id
            if message.fuzzy:
                problems.append(f"{po.name}: fuzzy {key!r}")
            if po.stem not in EXTERNAL_AREAS and key not in marked:
                problems.append(f"{po.name}: no longer in the code {key!r}")
    assert problems == []


def test_translations_keep_every_placeholder() -> None:
    wrong = []
    for msgid, (area, string) in translated_ids().items():
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        strings = string if isinstance(string, (tuple, list)) else (string,)
        for text in strings:
            if placeholders(text) != placeholders(ids[-1]) and placeholders(text) != \
                    placeholders(ids[0]):
                wrong.append(f"{area}: {ids[0]!r} -> {text!r}")
    assert wrong == []


def test_the_same_string_is_translated_the_same_way_everywhere() -> None:
    seen: dict[object, tuple[str, object]] = {}
    clashes = []
    for po in po_files():
        for message in read_catalogue(po):
            if not message.id or not message.string:
                continue
            key = tuple(message.id) if isinstance(message.id, (list, tuple)) else message.id
            string = tuple(message.string) if isinstance(message.string, (list, tuple)) \
                else message.string
            if key in seen and seen[key][1] != string:
                clashes.append(f"{key!r}: {seen[key][0]} and {po.name} differ")
            seen.setdefault(key, (po.name, string))
    assert clashes == []


def test_translated_calls_take_one_literal() -> None:
    assert non_literal_calls() == [], "_() needs a literal: _('{n} units').format(n=n)"


def test_no_translated_call_hides_inside_an_f_string() -> None:
    assert calls_inside_fstrings() == [], (
        "Babel cannot extract _() inside an f-string: build the text with .format()")


def test_nothing_is_translated_at_import_time() -> None:
    assert import_time_calls() == [], (
        "mark module and class level text with N_() and translate(text) where it is shown")


def test_user_facing_text_goes_through_the_catalogue() -> None:
    untranslated = {}
    for path in source_files():
        name = path.relative_to(PACKAGE).as_posix()
        if name.startswith("i18n/") or name in UNTRANSLATED_MODULES:
            continue
        if hits := untranslated_literals(path):
            untranslated[name] = hits
    assert untranslated == {}, "wrap these in _() and translate them"


def test_the_list_of_untranslated_modules_only_shrinks() -> None:
    names = {p.relative_to(PACKAGE).as_posix(): p for p in source_files()}
    clean = sorted(name for name in UNTRANSLATED_MODULES
                   if name not in names or not untranslated_literals(names[name]))
    assert clean == [], f"take these off UNTRANSLATED_MODULES: {clean}"


def test_language_comes_from_option_then_environment_then_settings(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KODEBOG_LANG", raising=False)
    assert language_from() == "da"
    assert language_from(settings_language="en") == "en"
    monkeypatch.setenv("KODEBOG_LANG", "da_DK.UTF-8")
    assert language_from(settings_language="en") == "da"
    assert language_from("en-GB", settings_language="da") == "en"
    assert set(LANGUAGES) == {"da", "en"}


def test_an_unknown_language_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from kodebog.errors import KodebogError

    monkeypatch.setenv("KODEBOG_LANG", "sv")
    with pytest.raises(KodebogError, match="KODEBOG_LANG sv"):
        language_from()


@pytest.mark.usefixtures("danish")
def test_danish_numbers_dates_and_order() -> None:
    assert formats.number(4061) == "4.061"
    assert formats.percent(3.5) == "3,5\u00a0%"
    assert formats.decimal(0.825, 2) == "0,82" or formats.decimal(0.825, 2) == "0,83"
    assert formats.date(dt.date(2026, 12, 6)) == "6. december 2026"
    assert formats.datetime(dt.datetime(2026, 12, 6, 14, 5)) == "6. december 2026 kl. 14.05"
    words = ["Åse", "zebra", "Ærø", "Øster", "abe", "Émile"]
    assert sorted(words, key=formats.sort_key) == ["abe", "Émile", "zebra", "Ærø", "Øster",
                                                   "Åse"]


def test_english_numbers_and_dates() -> None:
    before = language()
    set_language("en")
    try:
        assert formats.number(4061) == "4,061"
        assert formats.percent(3.5) == "3.5%"
        assert formats.date(dt.date(2026, 12, 6)) == "6 December 2026"
    finally:
        set_language(before)


def _glossary_avoided_words() -> dict[str, str]:
    glossary = Path(__file__).resolve().parents[1] / "docs" / "glossary.md"
    avoided = {}
    for line in glossary.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[2] and cells[0] not in ("English", "---"):
            for word in cells[2].split(","):
                avoided[word.strip().casefold()] = cells[1]
    return avoided


def test_danish_text_keeps_to_the_glossary() -> None:
    import re

    avoided = _glossary_avoided_words()
    assert avoided, "docs/glossary.md lists words to avoid"
    wrong = []
    for area, string in translated_ids().values():
        strings = string if isinstance(string, (tuple, list)) else (string,)
        for text in strings:
            for word, use in avoided.items():
                if re.search(rf"\b{re.escape(word)}", text.casefold()):
                    wrong.append(f"{area}: {text!r} says {word!r}; write {use!r}")
    assert wrong == []


@pytest.mark.usefixtures("danish")
def test_sources_are_listed_in_danish_alphabetical_order(tmp_path: Path) -> None:
    from kodebog.project import init_project
    from kodebog.queries import list_sources

    from .conftest import SMALL_CODEBOOK

    codebook = tmp_path / "codebook.yaml"
    codebook.write_text(SMALL_CODEBOOK, encoding="utf-8")
    store = init_project(tmp_path / "p.kodebog", codebook)
    try:
        from kodebog.importing import import_parsed
        from kodebog.sources import read_source

        for name in ("Århus", "Zealand", "ærø", "Odense", "Østerbro", "aalborg_x"):
            path = tmp_path / f"{name}.txt"
            path.write_text("Interviewer: Hej.\nBorger: Hej.\n", encoding="utf-8")
            import_parsed(store, read_source(path))
        with store.read() as session:
            names = [info.name for info in list_sources(session)]
    finally:
        store.dispose()
    assert names == ["aalborg_x", "Odense", "Zealand", "ærø", "Østerbro", "Århus"]
