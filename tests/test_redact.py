"""Redaction: personal data out of the stored text, every coding's offsets and quote still true."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kodebog import coding
from kodebog.findings import load_material
from kodebog.importing import import_parsed
from kodebog.privacy import NameList, find_personal_data
from kodebog.privacy.redact import move, redact
from kodebog.project import init_project
from kodebog.queries import find_source, find_unit
from kodebog.store import Store, open_project
from kodebog.store.models import Coding, Event, Source, Unit, UnitMemo

from .conftest import make_parsed

TURNS = [
    ("Interviewer", "Hvordan fik du fat i dem?"),
    ("Borger 1", "Jeg ringede til Mette på 12 34 56 78, og hun svarede med det samme."),
    ("Borger 2", "Skriv til mig på borger@example.dk eller ring 87654321 – ikke før kl. 9."),
    ("Borger 1", "Bagefter gik det fint."),
]


@pytest.fixture
def store(project_location: str, codebook_file: Path) -> Iterator[Store]:
    store = init_project(project_location, codebook_file)
    import_parsed(store, make_parsed("fg1", TURNS))
    yield store
    store.dispose()


def unit(store: Store, ordinal: int) -> int:
    with store.read() as session:
        return find_unit(session, find_source(session, "fg1"), ordinal).id


def quotes(store: Store) -> list[tuple[int, str, str, int, int, str]]:
    with store.read() as session:
        return sorted(
            (ordinal, code, coder, start, end, text)
            for ordinal, code, coder, start, end, text in session.execute(
                select(Unit.ordinal, Coding.code_id, Coding.coder_id, Coding.start, Coding.end,
                       Coding.text).join(Unit, Unit.id == Coding.unit_id)))


def test_offsets_move_with_the_placeholders() -> None:
    edits = [(10, 21, 15)]  # 11 characters became 15
    assert [move(o, edits, end=False) for o in (0, 10, 15, 21, 30)] == [0, 10, 10, 25, 34]
    assert [move(o, edits, end=True) for o in (5, 10, 15, 21, 30)] == [5, 10, 25, 25, 34]


def test_redaction_keeps_every_coding_verbatim(store: Store) -> None:
    u2, u3, u4 = unit(store, 2), unit(store, 3), unit(store, 4)
    text2 = TURNS[1][1]
    phone = text2.index("12 34")
    coding.apply_code(store, "anna", u2, "contact_center")  # the whole unit
    coding.apply_code(store, "anna", u2, "caseworker_relation", (0, phone + 5))  # into it
    coding.apply_code(store, "bo", u2, "contact_center", (phone + 13, len(text2)))  # after
    coding.apply_code(store, "anna", u3, "contact_center", memo="Ring 87654321 igen")
    coding.apply_code(store, "anna", u4, "rules_and_system")
    coding.set_unit_memo(store, "bo", u3, "Hun gav sit nummer: 87654321")
    names = NameList.from_names(["Mette"])

    result = redact(store, "rikke", names)

    assert result.kinds == {"phone": 2, "email": 1, "name": 1}
    assert result.units == [("fg1", 2), ("fg1", 3)] and result.memos == 2
    with store.read() as session:
        source = find_source(session, "fg1")
        units = list(session.scalars(select(Unit).where(Unit.source_id == source.id)
                                     .order_by(Unit.ordinal)))
        text = session.scalar(select(Source.text).where(Source.id == source.id))
        assert text is not None
        for row in units:
            assert text[row.start:row.end] == row.text
            assert not find_personal_data(row.text, names)
        assert units[1].text == ("Jeg ringede til [navn] på [telefonnummer], og hun svarede "
                                 "med det samme.")
        assert units[2].text == ("Skriv til mig på [e-mail] eller ring [telefonnummer] – "
                                 "ikke før kl. 9.")
        # every coding of the project still verifies against the source text
        material = load_material(session)
        assert len(material.codings) == 5
        memo = session.scalar(select(UnitMemo.text))
        assert memo == "Hun gav sit nummer: [telefonnummer]"
        event = session.scalars(select(Event).where(Event.action == "privacy.redact")).one()
        assert event.after is not None and "87654321" not in str(event.after)
    got = quotes(store)
    new2 = "Jeg ringede til [navn] på [telefonnummer], og hun svarede med det samme."
    by_code = {(o, c): (s, e, t) for o, c, _coder, s, e, t in got}
    assert by_code[(2, "caseworker_relation")] == (0, new2.index("]", 25) + 1,
                                                   "Jeg ringede til [navn] på [telefonnummer]")
    assert by_code[(4, "rules_and_system")][2] == "Bagefter gik det fint."
    assert any(t == new2 for *_r, t in got)  # the whole-unit coding covers the new text
    # undo cannot reach back past the redaction
    assert coding.undo(store, "anna").event_id is None
    assert redact(store, "rikke", names).describe() == "no personal data found; nothing changed"


@pytest.mark.slow
def test_the_redacted_demo_exports_without_the_override(tmp_path: Path) -> None:
    from kodebog.demo import build_demo
    from kodebog.export import ExportOptions, export
    from kodebog.privacy import PersonalDataError

    store = open_project(build_demo(tmp_path / "demo.kodebog"))
    try:
        with pytest.raises(PersonalDataError):
            export(store, tmp_path / "before.xlsx", ExportOptions())
        result = redact(store, "rikke")
        assert result.kinds and result.event_id is not None
        for fmt in ("md", "docx", "html", "xlsx", "csv", "json", "qdpx"):
            output = tmp_path / f"demo.{fmt}"
            assert str(output) in export(store, output, ExportOptions())
            assert output.stat().st_size > 1000
    finally:
        store.dispose()


def test_cli_privacy_redact(tmp_path: Path, codebook_file: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    from kodebog.cli import main

    location = str(tmp_path / "p.kodebog")
    store = init_project(location, codebook_file)
    import_parsed(store, make_parsed("fg1", TURNS))
    store.dispose()
    names = tmp_path / "navne.yaml"
    names.write_text("- Mette\n", encoding="utf-8")
    assert main(["privacy", "redact", location, "--names", str(names), "--coder", "rikke"]) == 0
    assert capsys.readouterr().out.strip() == (
        "redacted 1 e-mail, 1 name, 2 phone numbers in 2 units (0 codings re-anchored, "
        "0 memos redacted)")
    assert main(["privacy", "scan", location, "--names", str(names)]) == 0
    assert capsys.readouterr().out.strip() == "no personal data found"
