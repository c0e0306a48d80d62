"""Hostile input: crafted ZIP containers, XML entity attacks, binary and oversized files."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from kodebog.errors import SourceError
from kodebog.privacy import safety
from kodebog.privacy.safety import check_zip, parse_xml
from kodebog.sources import read_source
from kodebog.sources.segment import MAX_UNIT

HOSTILE = Path(__file__).parent / "hostile"


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_hostile", HOSTILE / "make_hostile.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_hostile = _load_generator()


def _refused(path: Path, *words: str) -> str:
    """Read ``path``; assert one clear line naming the file and containing ``words``."""
    with pytest.raises(SourceError) as caught:
        read_source(path)
    message = str(caught.value)
    assert "\n" not in message
    assert path.name in message
    for word in words:
        assert word in message
    return message


def test_committed_hostile_files_match_the_generator() -> None:
    committed = {p.name for p in HOSTILE.iterdir() if p.name != "make_hostile.py"}
    committed.discard("__pycache__")
    assert committed == set(make_hostile.HOSTILE)
    for path in HOSTILE.iterdir():
        assert path.stat().st_size < 100 * 1024, path.name


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("traversal.docx", ["'..'", "../../evil.txt"]),
        ("absolute.xlsx", ["absolute path"]),
        ("symlink.docx", ["symbolic link"]),
        ("bomb.docx", ["ZIP bomb"]),
        ("billion_laughs.docx", ["DTD"]),
        ("external_entity.docx", ["DTD"]),
        ("external_entity.xlsx", ["DTD"]),
        ("not_a_zip.docx", ["not a valid .docx (not a ZIP file)"]),
        ("not_a_zip.xlsx", ["not a valid .xlsx (not a ZIP file)"]),
        ("nul_bytes.txt", ["looks like a binary file, not text"]),
        ("binary.txt", ["looks like a binary file, not text"]),
        ("binary.csv", ["binary"]),
        ("binary.vtt", ["binary"]),
        ("pdf.txt", ["PDF"]),
        ("empty.txt", ["is empty"]),
        ("not_utf8_or_cp1252.txt", ["neither UTF-8 nor Windows-1252"]),
    ],
)
def test_each_hostile_file_is_refused_with_one_clear_line(name: str, words: list[str]) -> None:
    _refused(HOSTILE / name, *words)


def test_zip_with_too_many_entries_is_refused() -> None:
    with pytest.raises(SourceError, match="has 500 entries"):
        check_zip(HOSTILE / "many_entries.docx", max_entries=100)
    _refused(HOSTILE / "many_entries.docx", "not a valid .docx")


def test_zip_expanding_beyond_the_total_limit_is_refused() -> None:
    with pytest.raises(SourceError, match="more than 5 MB"):
        check_zip(HOSTILE / "bomb.docx", max_total=5 * safety.MB, max_ratio=10_000)


def test_zip_entry_over_the_entry_limit_is_refused() -> None:
    with pytest.raises(SourceError, match="would expand to 10 MB"):
        check_zip(HOSTILE / "bomb.docx", max_entry=2 * safety.MB, max_ratio=10_000)


def test_small_highly_compressible_entries_are_not_bombs(tmp_path: Path) -> None:
    path = tmp_path / "ok.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>" + " " * 500_000)
    check_zip(path)


def test_windows_absolute_and_backslash_traversal_are_refused(tmp_path: Path) -> None:
    for entry in ("C:/evil.txt", "word\\..\\..\\evil.txt"):
        path = tmp_path / "x.xlsx"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(entry, b"x")
        with pytest.raises(SourceError):
            check_zip(path)


def test_missing_zip_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot be read"):
        check_zip(tmp_path / "missing.docx")


def test_parse_xml_returns_an_element() -> None:
    root = parse_xml("<kodebog><kode id='a'>Første møde</kode></kodebog>".encode())
    assert root.find("kode") is not None
    assert root.find("kode").text == "Første møde"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "data",
    [
        make_hostile.BILLION_LAUGHS,
        make_hostile.EXTERNAL_ENTITY,
        b'<?xml version="1.0"?><!DOCTYPE a SYSTEM "http://example.invalid/a.dtd"><a/>',
    ],
)
def test_parse_xml_refuses_dtds_and_entities(data: bytes) -> None:
    with pytest.raises(SourceError, match=r"REFI\.qde"):
        parse_xml(data, source="REFI.qde")


def test_parse_xml_refuses_broken_xml() -> None:
    with pytest.raises(SourceError, match="not well-formed"):
        parse_xml(b"<a><b></a>")


def test_text_file_over_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "stor.txt"
    path.write_bytes(b"Borger 1: " + b"a" * 2000)
    monkeypatch.setattr(safety, "MAX_TEXT_BYTES", 1000)
    with pytest.raises(SourceError, match="the limit is"):
        read_source(path)


def test_a_directory_is_not_a_text_file(tmp_path: Path) -> None:
    folder = tmp_path / "mappe.txt"
    folder.mkdir()
    with pytest.raises(SourceError, match="not a regular file"):
        read_source(folder)


def test_a_50_mb_single_line_gives_a_clean_result(tmp_path: Path) -> None:
    """Its parsing time is measured in ``bench/parsing.py``."""
    path = tmp_path / "en_linje.txt"
    path.write_bytes(b"Borger 1: " + b"hej med dig " * (50 * 1024 * 1024 // 12))
    source = read_source(path)
    # One 50 MB line is cut into units at sentence ends or spaces (sources/segment.py).
    assert len(source.units) > 1
    assert all(u.end - u.start <= MAX_UNIT for u in source.units)
    assert source.units[-1].end == len(source.text.rstrip())


def test_a_50_mb_single_line_csv_gives_a_clear_error(tmp_path: Path) -> None:
    """Its parsing time is measured in ``bench/parsing.py``."""
    path = tmp_path / "en_linje.csv"
    path.write_bytes(b"id,kommentar\n1," + b"x" * (50 * 1024 * 1024))
    with pytest.raises(SourceError, match="line 2"):
        read_source(path)
