"""REFI-QDA import: vendor projects, codebooks, cases, commands and hostile files."""

from __future__ import annotations

import argparse
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from kodebog.cli import main
from kodebog.codebook import load_codebook
from kodebog.errors import ProjectError, SourceError
from kodebog.exchange.refi import (
    cmd_codebook_from_qdc,
    configure_codebook_from_qdc,
    export_qdc,
    export_qdpx,
    import_qdpx,
    qdc_to_codebook_yaml,
    register,
)
from kodebog.paths import example_codebook
from kodebog.project import current_codebook, init_project
from kodebog.store import open_project
from kodebog.store.models import Coding, Participant, Unit, UnitMemo

from .conftest import DATA, make_parsed
from .test_export_refi_offsets import LINES, SOURCE, USER, make_qdpx, qde, selection

ATLAS = DATA / "refi" / "atlasti-8.4-reference-project.qde"


def test_atlas_reference_project_reports_what_is_missing(tmp_path: Path) -> None:
    from kodebog.exchange.refi_import import PartialImport

    with pytest.raises(PartialImport, match="--partial"):  # its sources are missing
        import_qdpx(ATLAS, tmp_path / "atlas.kodebog")
    assert not (tmp_path / "atlas.kodebog").exists()
    report = import_qdpx(ATLAS, tmp_path / "atlas.kodebog", partial=True)
    missing = [w for w in report.warnings if "is missing" in w]
    assert len(missing) == 8  # six text sources and two PDF text representations
    assert any("Mabel.txt" in w and "3 codings are not imported" in w for w in missing)
    assert any("picture sources: 1" in w and "sets: 16" in w for w in report.warnings)
    assert any("'Research Plan'" in w for w in report.warnings)
    assert report.counts["codes"] == 14
    store = open_project(tmp_path / "atlas.kodebog")
    try:
        with store.read() as session:
            codebook = current_codebook(session)
    finally:
        store.dispose()
    labels = {code.label: code for code in codebook.walk()}
    assert labels['"rushed"'].id == "rushed"
    assert labels["Coke"].description == "the breakfast of champions"
    assert labels["cornflakes"].color == "#dc0000"


def test_bare_qde_reads_sources_from_a_folder_beside_it(tmp_path: Path) -> None:
    text = "\n".join(LINES)
    start = text.index("jobcentret")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / f"{SOURCE}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "project.qde").write_text(qde(selection(1, start, start + 10, "jobcentret")),
                                          encoding="utf-8")
    report = import_qdpx(tmp_path / "project.qde", tmp_path / "p.kodebog")
    assert report.counts["codings"] == 1
    assert report.warnings == []


def test_cases_and_notes_from_another_tool(tmp_path: Path) -> None:
    text = "Jeg er alene med to børn.\n\nMorgenmaden er kaos hver dag."
    start = text.index("kaos")
    var = "66666666-6666-6666-6666-666666666666"
    note = "77777777-7777-7777-7777-777777777777"
    extra = f"""<Variables>
    <Variable guid="{var}" name="alder" typeOfVariable="Integer"/></Variables>
  <Cases><Case guid="88888888-8888-8888-8888-888888888888" name="Mabel">
    <VariableValue><VariableRef targetGUID="{var}"/><IntegerValue>25</IntegerValue></VariableValue>
    <SourceRef targetGUID="{SOURCE}"/></Case></Cases>"""
    memo = (f'<PlainTextSelection guid="99999999-9999-9999-9999-999999999999" name="x" '
            f'startPosition="0" endPosition="5" creatingUser="{USER}">'
            f'<Description>Hvem hjælper hende?</Description></PlainTextSelection>')
    sel = selection(1, start, start + 4, "kaos").replace(
        "</Coding>", f'<NoteRef targetGUID="{note}"/></Coding>')
    notes = (f'<Notes><Note guid="{note}" name="memo"><PlainTextContent>Stress</PlainTextContent>'
             f'</Note></Notes>')
    project = qde(memo + sel, extra=extra).replace("</Sources>", "</Sources>" + notes)
    qdpx = make_qdpx(tmp_path / "m.qdpx", project, {f"{SOURCE}.txt": text.encode("utf-8")})
    report = import_qdpx(qdpx, tmp_path / "m.kodebog")
    assert report.warnings == []
    store = open_project(tmp_path / "m.kodebog")
    try:
        with store.read() as session:
            person = session.scalars(select(Participant)).one()
            units = list(session.scalars(select(Unit).order_by(Unit.ordinal)))
            coding = session.scalars(select(Coding)).one()
            coder = coding.coder.name
            unit_memo = session.scalars(select(UnitMemo)).one()
    finally:
        store.dispose()
    assert (person.key, person.attributes) == ("interview:Mabel", {"alder": "25"})
    assert all(unit.participant_id == person.id for unit in units)
    assert (coding.text, coding.memo, coder) == ("kaos", "Stress", "Vendor Vera")
    assert (unit_memo.unit_id, unit_memo.text) == (units[0].id, "Hvem hjælper hende?")


def test_project_folder_inside_the_zip_and_import_into_either_backend(
    tmp_path: Path, project_location: str
) -> None:
    text = "\n".join(LINES)
    start = text.index("jobcentret")
    path = tmp_path / "folder.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Projekt/project.qde", qde(selection(1, start, start + 10, "jobcentret")))
        archive.writestr(f"Projekt/sources/{SOURCE}.txt", text.encode("utf-8"))
    report = import_qdpx(path, project_location)
    assert (report.counts["codings"], report.warnings) == (1, [])
    store = open_project(project_location)
    try:
        with store.read() as session:
            assert session.scalars(select(Coding.text)).one() == "jobcentret"
    finally:
        store.dispose()


def test_existing_project_is_refused(tmp_path: Path, codebook_file: Path) -> None:
    init_project(tmp_path / "p.kodebog", codebook_file).dispose()
    with pytest.raises(ProjectError, match="already exists"):
        import_qdpx(ATLAS, tmp_path / "p.kodebog")


# Codebooks


def test_qdc_to_yaml_passes_kodebog_validation(tmp_path: Path, codebook_file: Path) -> None:
    store = init_project(tmp_path / "p.kodebog", example_codebook())
    try:
        export_qdc(store, tmp_path / "codes.qdc")
    finally:
        store.dispose()
    report = qdc_to_codebook_yaml(tmp_path / "codes.qdc", tmp_path / "codes.yaml")
    assert main(["codebook", "validate", str(tmp_path / "codes.yaml")]) == 0
    original, back = load_codebook(example_codebook()), load_codebook(tmp_path / "codes.yaml")
    assert report.counts["codes"] == len(original.ids)
    for before, after in zip(original.walk(), back.walk(), strict=True):
        assert after == before.__class__(**{**before.__dict__, "replaces": ()})


FOREIGN_QDC = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo">
  <Codes>
    <Code guid="00000000-0000-0000-0000-000000000001" name="Økonomi" isCodable="false" color="#ABC">
      <Description>Penge og ydelser.

Medtag:
- Kontanthjælp
- Dagpenge, også
  over flere linjer

Tast / Key: q</Description>
      <Code guid="00000000-0000-0000-0000-000000000002" name="Økonomi" isCodable="true">
        <Description>Key: 7</Description>
      </Code>
    </Code>
    <Code guid="00000000-0000-0000-0000-000000000003" name="2019 &lt;3" isCodable="true">
      <Description>Key: 7</Description>
    </Code>
    <Code guid="00000000-0000-0000-0000-000000000004" name="" isCodable="true" color="red"/>
  </Codes>
</CodeBook>"""


def test_foreign_qdc_becomes_valid_yaml(tmp_path: Path) -> None:
    (tmp_path / "nvivo.qdc").write_text(FOREIGN_QDC, encoding="utf-8")
    qdc_to_codebook_yaml(tmp_path / "nvivo.qdc", tmp_path / "nvivo.yaml")
    assert main(["codebook", "validate", str(tmp_path / "nvivo.yaml")]) == 0
    codebook = load_codebook(tmp_path / "nvivo.yaml")
    economy, numbers, unnamed = codebook.codes
    assert (economy.id, economy.color, economy.key) == ("oekonomi", "#aabbcc", None)
    assert economy.include == ("Kontanthjælp", "Dagpenge, også\nover flere linjer")
    assert economy.description == "Penge og ydelser."
    assert (economy.children[0].id, economy.children[0].key) == ("oekonomi_2", "7")
    assert (numbers.id, numbers.key) == ("code_2019_3", None)
    assert (unnamed.label, unnamed.color) == ("Kode", None)


def test_qdc_to_yaml_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "nvivo.qdc").write_text(FOREIGN_QDC, encoding="utf-8")
    (tmp_path / "nvivo.yaml").write_text("keep me", encoding="utf-8")
    with pytest.raises(ProjectError, match="already exists"):
        qdc_to_codebook_yaml(tmp_path / "nvivo.qdc", tmp_path / "nvivo.yaml")
    assert (tmp_path / "nvivo.yaml").read_text(encoding="utf-8") == "keep me"


# Commands


def parser_with_refi() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kodebog")
    commands = parser.add_subparsers(dest="command")

    def command(name: str, handler: Callable[[argparse.Namespace], int],
                help_text: str) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = commands.add_parser(name, help=help_text)
        sub.set_defaults(handler=handler)
        return sub

    register(command)
    configure_codebook_from_qdc(command("from-qdc", cmd_codebook_from_qdc, "from a .qdc"))
    return parser


def test_commands_import_and_convert(tmp_path: Path, codebook_file: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    from kodebog.importing import import_parsed

    store = init_project(tmp_path / "p.kodebog", codebook_file)
    import_parsed(store, make_parsed())
    export_qdpx(store, tmp_path / "p.qdpx")
    export_qdc(store, tmp_path / "p.qdc")
    store.dispose()
    parser = parser_with_refi()
    args = parser.parse_args(["import-refi", str(tmp_path / "p.qdpx"), str(tmp_path / "q.kodebog")])
    assert args.handler(args) == 0
    args = parser.parse_args(["from-qdc", str(tmp_path / "p.qdc"), str(tmp_path / "c.yaml")])
    assert args.handler(args) == 0
    out = capsys.readouterr().out
    assert "q.kodebog: 4 codes" in out
    assert "c.yaml: 4 codes" in out
    assert main(["codebook", "validate", str(tmp_path / "c.yaml")]) == 0


# Hostile files


def refused(path: Path, tmp_path: Path, *words: str,
            run: Callable[[Path, Path], object] = import_qdpx) -> None:
    """The file is refused with one line naming it, and no project is left behind."""
    with pytest.raises(SourceError) as caught:
        run(path, tmp_path / "out.kodebog")
    message = str(caught.value)
    assert "\n" not in message
    assert path.name in message
    for word in words:
        assert word in message
    assert not (tmp_path / "out.kodebog").exists()


def test_zip_entry_escaping_the_archive_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde(""))
        archive.writestr("../../evil.txt", "x")
    refused(path, tmp_path, "'..'")


def test_internal_path_traversal_is_refused(tmp_path: Path) -> None:
    path = make_qdpx(tmp_path / "evil.qdpx",
                     qde("", source_path="internal://../../../etc/passwd"), {})
    refused(path, tmp_path, "outside the project's sources")


def test_entities_in_project_qde_are_refused(tmp_path: Path) -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><Project name="&b;"/>')
    path = make_qdpx(tmp_path / "bomb.qdpx", bomb, {})
    refused(path, tmp_path, "DTD")
    bare = tmp_path / "bomb.qde"
    bare.write_text(bomb, encoding="utf-8")
    refused(bare, tmp_path, "DTD")
    external = ('<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                '<CodeBook><Codes><Code guid="x" name="&x;" isCodable="true"/></Codes></CodeBook>')
    qdc = tmp_path / "external.qdc"
    qdc.write_text(external, encoding="utf-8")
    refused(qdc, tmp_path, "DTD", run=qdc_to_codebook_yaml)


def test_symlinked_sources_folder_beside_a_bare_qde_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / f"{SOURCE}.txt").write_text("Hemmelig tekst", encoding="utf-8")
    (tmp_path / "sources").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "project.qde").write_text(qde(""), encoding="utf-8")
    with pytest.raises(SourceError, match="symbolic link"):
        import_qdpx(tmp_path / "project.qde", tmp_path / "out.kodebog")
    assert not (tmp_path / "out.kodebog").exists()


@pytest.mark.parametrize(("name", "data", "words"), [
    ("not_a_zip.qdpx", b"this is not a zip", ["not a ZIP"]),
    ("truncated.qde", b'<?xml version="1.0"?><Project name="x"><Users>', ["not well-formed"]),
    ("codebook.qde", b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>', ["from-qdc"]),
    ("empty.qdpx", b"PK\x05\x06" + b"\x00" * 18, ["no project.qde"]),
])
def test_corrupt_file_is_one_clear_error(tmp_path: Path, name: str, data: bytes,
                                         words: list[str]) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    refused(path, tmp_path, *words)


def test_bad_position_is_one_clear_error(tmp_path: Path) -> None:
    path = make_qdpx(tmp_path / "bad.qdpx", qde(selection(1, 0, 3, None).replace(
        'startPosition="0"', 'startPosition="zero"')), {f"{SOURCE}.txt": b"Hej med dig"})
    refused(path, tmp_path, "startPosition 'zero'")
