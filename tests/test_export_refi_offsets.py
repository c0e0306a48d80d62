"""REFI-QDA import: offset conventions detected per source, selections re-anchored on text."""

from __future__ import annotations

import codecs
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from sqlalchemy import select

from kodebog.exchange.refi import import_qdpx
from kodebog.exchange.refi_common import RefiReport
from kodebog.store import open_project
from kodebog.store.models import Coding

CODE = "11111111-1111-1111-1111-111111111111"
USER = "22222222-2222-2222-2222-222222222222"
SOURCE = "33333333-3333-3333-3333-333333333333"

LINES = [
    "Interviewer: Hvordan gik det? 😀",
    "",
    "Borger 1: Det gik skidt 😡 med sagsbehandleren på jobcentret.",
    "",
    "Borger 1: Vi fik aldrig svar på vores spørgsmål 🙁 om ydelsen.",
]
WORDS = ("sagsbehandleren", "jobcentret", "spørgsmål", "ydelsen")


def qde(selections: str, *, source_path: str = f"internal://{SOURCE}.txt", extra: str = "") -> str:
    """A minimal project.qde with one user, one code and one text source."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Test" origin="tests">
  <Users><User guid="{USER}" name="Vendor Vera"/></Users>
  <CodeBook><Codes><Code guid="{CODE}" name="Tema" isCodable="true"/></Codes></CodeBook>
  {extra}
  <Sources>
    <TextSource guid="{SOURCE}" name="interview.docx" plainTextPath={quoteattr(source_path)}>
      {selections}
    </TextSource>
  </Sources>
</Project>"""


def selection(n: int, start: int, end: int, name: str | None) -> str:
    named = f" name={quoteattr(name)}" if name is not None else ""
    return (
        f'<PlainTextSelection guid="44444444-4444-4444-4444-{n:012d}"{named} '
        f'startPosition="{start}" endPosition="{end}" creatingUser="{USER}">'
        f'<Coding guid="55555555-5555-5555-5555-{n:012d}" creatingUser="{USER}">'
        f'<CodeRef targetGUID="{CODE}"/></Coding></PlainTextSelection>'
    )


def make_qdpx(path: Path, project_qde: str, files: dict[str, bytes]) -> Path:
    """Write a .qdpx with ``project.qde`` and ``sources/NAME`` entries."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", project_qde.encode("utf-8"))
        for name, data in files.items():
            archive.writestr(f"sources/{name}", data)
    return path


def imported(tmp_path: Path, project_qde: str, data: bytes) -> tuple[list[str], RefiReport]:
    """Import a one-source project; the coded texts in order and the report."""
    qdpx = make_qdpx(tmp_path / "in.qdpx", project_qde, {f"{SOURCE}.txt": data})
    report = import_qdpx(qdpx, tmp_path / "out.kodebog", partial=True)
    store = open_project(tmp_path / "out.kodebog")
    try:
        with store.read() as session:
            texts = [c.text for c in session.scalars(select(Coding).order_by(Coding.unit_id,
                                                                                Coding.start))]
    finally:
        store.dispose()
    return texts, report


Positions = Callable[[str, int], int]


def code_points(text: str, index: int) -> int:
    return index


def utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def utf8(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def crlf_as_two(text: str, index: int) -> int:
    return len(text[:index].replace("\n", "\r\n"))


def crlf_as_one(text: str, index: int) -> int:
    return len(text[:index].replace("\r\n", "\n"))


CASES: Sequence[tuple[str, str, bytes, Positions, str | None]] = [
    # name, newline in file, BOM, how positions count, what the report says
    ("code points", "\n", b"", code_points, None),
    ("UTF-16 units", "\n", b"", utf16, "UTF-16 code units"),
    ("UTF-8 bytes", "\n", b"", utf8, "UTF-8 bytes"),
    ("CRLF file counted as two", "\r\n", b"", code_points, "CRLF as two"),
    ("CRLF file counted as one", "\r\n", b"", crlf_as_one, None),
    ("LF file counted as CRLF", "\n", b"", crlf_as_two, "every line break as two"),
    ("CRLF file, UTF-16, CRLF as two", "\r\n", b"", utf16, "UTF-16 code units, CRLF as two"),
    ("BOM counted", "\n", codecs.BOM_UTF8, lambda t, i: i + 1, "BOM counted"),
    ("BOM not counted", "\n", codecs.BOM_UTF8, code_points, None),
]


@pytest.mark.parametrize("named", [True, False], ids=["names", "no names"])
@pytest.mark.parametrize(("label", "newline", "bom", "positions", "said"), CASES,
                         ids=[case[0] for case in CASES])
def test_offset_convention_is_detected_per_source(
    tmp_path: Path, label: str, newline: str, bom: bytes, positions: Positions,
    said: str | None, named: bool,
) -> None:
    text = newline.join(LINES)
    parts = []
    for n, word in enumerate(WORDS):
        at = text.index(word)
        start, end = positions(text, at), positions(text, at + len(word))
        parts.append(selection(n, start, end, word if named else None))
    texts, report = imported(tmp_path, qde("".join(parts)), bom + text.encode("utf-8"))
    assert texts == list(WORDS)
    notes = " ".join(report.notes)
    if said is not None and (named or "BOM" not in label):
        assert said in notes
    assert "re-anchored" not in notes
    assert report.warnings == []


def anchors(text: str) -> str:
    """Two selections whose numbers are right in code points, fixing the convention."""
    return "".join(
        selection(90 + n, text.index(word), text.index(word) + len(word), word)
        for n, word in enumerate(("sagsbehandleren", "ydelsen"))
    )


def test_selection_whose_numbers_disagree_with_its_text_is_re_anchored(tmp_path: Path) -> None:
    text = "\n".join(LINES)
    start = text.index("jobcentret") + 4  # off by four, as if the text had been edited
    project = qde(anchors(text) + selection(1, start, start + len("jobcentret"), "jobcentret"))
    texts, report = imported(tmp_path, project, text.encode("utf-8"))
    assert texts == ["sagsbehandleren", "jobcentret", "ydelsen"]
    assert "interview: 1 selections re-anchored on their text" in report.notes


def test_truncated_name_re_anchors_on_its_prefix(tmp_path: Path) -> None:
    text = "\n".join(LINES)
    quote = "Vi fik aldrig svar på vores spørgsmål"
    start = text.index(quote) + 5
    project = qde(anchors(text) + selection(1, start, start + len(quote), "Vi fik aldrig svar…"))
    texts, _ = imported(tmp_path, project, text.encode("utf-8"))
    assert texts == ["sagsbehandleren", quote, "ydelsen"]


def test_selection_that_cannot_be_placed_is_reported(tmp_path: Path) -> None:
    text = "\n".join(LINES)
    start = text.index("skidt")
    parts = selection(1, start, start + 5, "skidt") + selection(2, 900, 950, "findes ikke")
    texts, report = imported(tmp_path, qde(parts), text.encode("utf-8"))
    assert texts == ["skidt"]
    assert len(report.warnings) == 1
    assert "'findes ikke' (900-950) cannot be placed" in report.warnings[0]


def test_selection_across_turns_is_split_at_unit_boundaries(tmp_path: Path) -> None:
    text = "\n".join(LINES)
    start, end = text.index("jobcentret"), text.index("aldrig") + len("aldrig")
    texts, report = imported(tmp_path, qde(selection(1, start, end, None)), text.encode("utf-8"))
    assert texts == ["jobcentret.", "Vi fik aldrig"]
    assert report.counts["selections split at unit boundaries"] == 1
    assert report.counts["codings"] == 2


def test_selection_of_a_speaker_label_only_is_reported(tmp_path: Path) -> None:
    text = "\n".join(LINES)
    start = text.index("Borger 1")
    _, report = imported(tmp_path, qde(selection(1, start, start + 9, "Borger 1:")),
                         text.encode("utf-8"))
    assert report.counts.get("codings", 0) == 0
    assert any("covers no unit text" in warning for warning in report.warnings)
