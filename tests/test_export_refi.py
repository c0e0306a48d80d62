"""REFI-QDA export: schema-valid .qdpx and .qdc, stable bytes, and the round trip back."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import xmlschema
from sqlalchemy import select

from kodebog.coding import apply_code_in, set_unit_memo
from kodebog.exchange.refi import export_qdc, export_qdpx, import_qdpx
from kodebog.importing import import_parsed
from kodebog.project import current_codebook, init_project
from kodebog.sources.model import ParsedParticipant, ParsedSource, ParsedUnit
from kodebog.store import Store, open_project
from kodebog.store.models import Coder, Coding, Participant, Source, Unit, UnitMemo

from .conftest import DATA, make_parsed

REFI = DATA / "refi"


@pytest.fixture(scope="module")
def project_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(REFI / "Project.xsd"))


@pytest.fixture(scope="module")
def codebook_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(REFI / "Codebook.xsd"))


def survey() -> ParsedSource:
    """Two answers (the second of two paragraphs) by respondents, without speaker labels."""
    text = "Jeg ringede tre gange 📞 uden svar.\n\nGod og venlig sagsbehandler.\n\nMen travl."
    second = text.index("God")
    return ParsedSource(
        name="survey", kind="survey", text=text,
        units=[ParsedUnit(0, text.index("\n"), participant_key="R1"),
               ParsedUnit(second, len(text), participant_key="R2")],
        participants=[ParsedParticipant("R1", "R1", "borger", {"alder": "34", "køn": "k"}),
                      ParsedParticipant("R2", "R2", "borger", {"alder": "61"})],
        encoding="utf-8", filename="survey.csv",
    )


def units_of(store: Store, source: str) -> list[Unit]:
    with store.read() as session:
        return list(session.scalars(
            select(Unit).join(Source).where(Source.name == source).order_by(Unit.ordinal)))


@pytest.fixture
def coded(project_location: str, codebook_file: Path) -> Iterator[Store]:
    """Two coders on a focus group (spans, a memo, a key quote, an emoji) and a survey."""
    store = init_project(project_location, codebook_file)
    import_parsed(store, make_parsed())
    import_parsed(store, survey())
    fg, sv = units_of(store, "fg1"), units_of(store, "survey")
    emoji = fg[3].text.index("😡")
    with store.write() as session:
        apply_code_in(session, "anna", fg[1].id, "caseworker_relation",
                      memo="Føler sig overset – vigtigt 😡")
        apply_code_in(session, "bo", fg[1].id, "caseworker_relation", (4, 17), key_quote=True)
        apply_code_in(session, "bo", fg[2].id, "caseworker_change")
        apply_code_in(session, "anna", fg[3].id, "contact_center", (emoji, emoji + 1))
        apply_code_in(session, "bo", fg[3].id, "contact_center", (4, emoji + 1))
        apply_code_in(session, "anna", sv[0].id, "contact_center", (22, 23))
        apply_code_in(session, "bo", sv[1].id, "caseworker_relation", (4, 11))
    set_unit_memo(store, "anna", fg[2].id, "Fire sagsbehandlere på et år!")
    yield store
    store.dispose()


def snapshot(store: Store) -> dict[str, Any]:
    """Everything the round trip must keep, keyed by names rather than row ids."""
    with store.read() as session:
        codings = sorted(
            (c.unit.source.name, c.unit.ordinal, c.code_id, c.coder.name, c.start, c.end,
             c.text, c.memo, c.key_quote)
            for c in session.scalars(select(Coding)))
        memos = sorted(tuple(row) for row in session.execute(
            select(Source.name, Unit.ordinal, Coder.name, UnitMemo.text)
            .join(Unit, Unit.id == UnitMemo.unit_id).join(Source, Source.id == Unit.source_id)
            .join(Coder, Coder.id == UnitMemo.coder_id)))
        units = [(u.source.name, u.ordinal, u.start, u.end, u.text,
                  u.participant.label if u.participant else None)
                 for u in session.scalars(select(Unit).order_by(Unit.source_id, Unit.ordinal))]
        people = sorted((p.key, p.label, p.role, sorted(p.attributes.items()))
                        for p in session.scalars(select(Participant)))
        texts = {s.name: s.text for s in session.scalars(select(Source))}
        codebook = current_codebook(session)
    return {"codings": codings, "memos": memos, "units": units, "people": people,
            "texts": texts, "codes": list(codebook.walk())}


def test_qdpx_validates_against_project_xsd(
    coded: Store, tmp_path: Path, project_schema: xmlschema.XMLSchema
) -> None:
    report = export_qdpx(coded, tmp_path / "p.qdpx")
    with zipfile.ZipFile(tmp_path / "p.qdpx") as archive:
        names = archive.namelist()
        project_schema.validate(archive.read("project.qde").decode("utf-8"))
        texts = [archive.read(n).decode("utf-8") for n in names if n.startswith("sources/")]
    assert names[0] == "project.qde"
    assert all(n.startswith("sources/") and n.endswith(".txt") for n in names[1:])
    assert any("😡" in text for text in texts)
    assert report.counts["codings"] == 7
    assert report.counts["users"] == 2
    assert report.counts["sources"] == 2
    assert report.counts["cases"] == 5


def test_qdc_validates_against_codebook_xsd(
    coded: Store, tmp_path: Path, codebook_schema: xmlschema.XMLSchema
) -> None:
    report = export_qdc(coded, tmp_path / "codes.qdc")
    codebook_schema.validate(str(tmp_path / "codes.qdc"))
    assert report.counts["codes"] == 4


def test_positions_count_code_points_of_the_stored_text(coded: Store, tmp_path: Path) -> None:
    export_qdpx(coded, tmp_path / "p.qdpx")
    with zipfile.ZipFile(tmp_path / "p.qdpx") as archive:
        qde = archive.read("project.qde").decode("utf-8")
        files = {n: archive.read(n).decode("utf-8") for n in archive.namelist()[1:]}
    ns = {"q": "urn:QDA-XML:project:1.0"}
    root = ET.fromstring(qde)
    for source in root.iterfind(".//q:TextSource", ns):
        text = files["sources/" + source.get("plainTextPath", "").removeprefix("internal://")]
        for selection in source.iterfind("q:PlainTextSelection", ns):
            start = int(selection.get("startPosition", ""))
            end = int(selection.get("endPosition", ""))
            assert " ".join(text[start:end].split()) == selection.get("name")
    emoji = [s for s in root.iterfind(".//q:PlainTextSelection", ns) if s.get("name") == "😡"]
    assert len(emoji) == 1
    assert int(emoji[0].get("endPosition", "")) - int(emoji[0].get("startPosition", "")) == 1


def test_re_export_is_byte_identical(coded: Store, tmp_path: Path) -> None:
    export_qdpx(coded, tmp_path / "one.qdpx")
    export_qdpx(coded, tmp_path / "two.qdpx")
    export_qdc(coded, tmp_path / "one.qdc")
    export_qdc(coded, tmp_path / "two.qdc")
    assert (tmp_path / "one.qdpx").read_bytes() == (tmp_path / "two.qdpx").read_bytes()
    assert (tmp_path / "one.qdc").read_bytes() == (tmp_path / "two.qdc").read_bytes()
    with zipfile.ZipFile(tmp_path / "one.qdpx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert not list(tmp_path.glob(".*.tmp"))


def test_round_trip_keeps_codings_memos_units_and_cases(coded: Store, tmp_path: Path) -> None:
    export_qdpx(coded, tmp_path / "p.qdpx")
    report = import_qdpx(tmp_path / "p.qdpx", tmp_path / "back.kodebog")
    back = open_project(tmp_path / "back.kodebog")
    try:
        before, after = snapshot(coded), snapshot(back)
    finally:
        back.dispose()
    assert after["texts"] == before["texts"]
    assert after["units"] == before["units"]
    assert after["codings"] == before["codings"]
    assert after["memos"] == before["memos"]
    assert after["people"] == before["people"]
    assert after["codes"] == before["codes"]
    assert report.counts["codings"] == 7
    assert report.counts["unit memos"] == 1
    assert report.warnings == []


def test_export_of_one_coder_keeps_only_their_work(coded: Store, tmp_path: Path) -> None:
    report = export_qdpx(coded, tmp_path / "anna.qdpx", coder="anna")
    assert report.counts["users"] == 1
    assert report.counts["codings"] == 3
    import_qdpx(tmp_path / "anna.qdpx", tmp_path / "anna.kodebog")
    back = open_project(tmp_path / "anna.kodebog")
    try:
        coders = {row[3] for row in snapshot(back)["codings"]}
    finally:
        back.dispose()
    assert coders == {"anna"}


def test_export_of_an_unknown_coder_is_refused(coded: Store, tmp_path: Path) -> None:
    from kodebog.errors import ProjectError

    with pytest.raises(ProjectError, match="no coder called 'carl'"):
        export_qdpx(coded, tmp_path / "x.qdpx", coder="carl")
    assert not (tmp_path / "x.qdpx").exists()


def test_qdpx_export_refuses_personal_data_unless_allowed(tmp_path: Path) -> None:
    from kodebog.cli import main
    from kodebog.demo import build_demo

    demo = build_demo(tmp_path / "demo.kodebog")
    target = tmp_path / "demo.qdpx"
    assert main(["export", str(demo), "--format", "qdpx", "-o", str(target)]) == 1
    assert not target.exists()
    assert main(["export", str(demo), "--format", "qdpx", "-o", str(target),
                 "--allow-personal-data"]) == 0
    assert target.exists()
