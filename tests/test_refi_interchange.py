"""REFI-QDA files that other tools read back: offsets, memos, GUIDs, folders, users (issue 20)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import select

from kodebog.cli import main
from kodebog.exchange.refi import export_qdc, export_qdpx, import_qdpx
from kodebog.project import current_codebook, init_project
from kodebog.store import Store, open_project
from kodebog.store.models import Coder, Coding, RefiGuid

from .test_export_refi import REFI, coded, snapshot

__all__ = ["coded"]  # the fixture, shared with the export tests

NS = "urn:QDA-XML:project:1.0"
Q = {"q": NS}
GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


# An independent reader, written from the REFI-QDA standard (Project.xsd and its text):
# a TextSource's plainTextPath "internal://NAME" is sources/NAME in the ZIP; startPosition and
# endPosition count characters of that file's text, as the target tool counts them.


def read_qdpx(path: Path) -> tuple[ET.Element, dict[str, bytes]]:
    """The parsed project.qde and every other entry of a .qdpx."""
    with zipfile.ZipFile(path) as archive:
        root = ET.fromstring(archive.read("project.qde"))
        files = {n: archive.read(n) for n in archive.namelist() if n != "project.qde"}
    return root, files


def selected_texts(path: Path, offsets: str) -> list[tuple[str, str, str]]:
    """(selection name, the text at its positions, its Description) for every selection."""
    root, files = read_qdpx(path)
    out = []
    for source in root.iter(f"{{{NS}}}TextSource"):
        name = source.get("plainTextPath", "").removeprefix("internal://")
        raw = files[f"sources/{name}"].decode("utf-8")
        units = raw.encode("utf-16-le") if offsets == "utf16" else None
        for selection in source.iterfind("q:PlainTextSelection", Q):
            start = int(selection.get("startPosition", ""))
            end = int(selection.get("endPosition", ""))
            text = (units[2 * start : 2 * end].decode("utf-16-le") if units is not None
                    else raw[start:end])
            description = selection.findtext("q:Description", "", Q)
            out.append((selection.get("name", ""), text, description))
    return out


def every_guid(path: Path) -> set[str]:
    """Every GUID a project.qde declares (guid attributes), as written."""
    root, _ = read_qdpx(path)
    return {e.get("guid", "") for e in root.iter() if e.get("guid")}


def coded_texts(store: Store) -> list[str]:
    with store.read() as session:
        return sorted(c.text for c in session.scalars(select(Coding)))


# Export: offsets, line endings, memos, key quotes


@pytest.mark.parametrize(("offsets", "endings"), [("codepoints", "lf"), ("utf16", "lf"),
                                                  ("codepoints", "crlf"), ("utf16", "crlf")])
def test_independent_reader_finds_every_selection(coded: Store, tmp_path: Path, offsets: str,
                                                   endings: str) -> None:
    out = tmp_path / "p.qdpx"
    report = export_qdpx(coded, out, offsets=offsets, line_endings=endings)
    found = selected_texts(out, offsets)
    assert len(found) == 10  # 7 codings, 1 unit memo and 2 survey answers (cases)
    for name, text, _ in found:
        assert " ".join(text.split()) == name
    assert any(name == "😡" for name, _, _ in found)
    _, files = read_qdpx(out)
    texts = [data.decode("utf-8") for data in files.values()]
    assert all(("\r\n" in t) == (endings == "crlf") for t in texts if "\n" in t)
    assert all("\r\r" not in t for t in texts)
    if (offsets, endings) != ("codepoints", "lf"):
        assert any("positions in" in note for note in report.notes)


def test_the_emoji_offsets_differ_between_modes(coded: Store, tmp_path: Path) -> None:
    def positions(offsets: str) -> list[tuple[str, str]]:
        export_qdpx(coded, tmp_path / f"{offsets}.qdpx", offsets=offsets)
        root, _ = read_qdpx(tmp_path / f"{offsets}.qdpx")
        return [(s.get("startPosition", ""), s.get("endPosition", ""))
                for s in root.iter(f"{{{NS}}}PlainTextSelection")]

    cp, utf16 = positions("codepoints"), positions("utf16")
    assert cp != utf16
    assert len(cp) == len(utf16)


def test_bad_offsets_choice_is_refused(coded: Store, tmp_path: Path) -> None:
    from kodebog.errors import KodebogError

    with pytest.raises(KodebogError, match="--offsets bytes"):
        export_qdpx(coded, tmp_path / "p.qdpx", offsets="bytes")
    assert not (tmp_path / "p.qdpx").exists()


def test_memo_key_quote_and_valence_in_the_selection_description(coded: Store,
                                                                tmp_path: Path) -> None:
    out = tmp_path / "p.qdpx"
    export_qdpx(coded, out)
    descriptions = [d for _, _, d in selected_texts(out, "codepoints") if d]
    assert "Føler sig overset – vigtigt 😡" in descriptions  # the memo, as QualCoder reads it
    assert "Nøglecitat / key quote" in descriptions
    root, _ = read_qdpx(out)
    memo = next(s for s in root.iter(f"{{{NS}}}PlainTextSelection")
                if s.findtext("q:Description", "", Q).startswith("Føler"))
    assert memo.find("q:NoteRef", Q) is not None  # NVivo and ATLAS.ti read the note
    # back in kodebog: the memo once, not twice; the key quote as a flag
    import_qdpx(out, tmp_path / "back.kodebog")
    store = open_project(tmp_path / "back.kodebog")
    try:
        with store.read() as session:
            codings = list(session.scalars(select(Coding)))
        assert sorted(c.memo for c in codings if c.memo) == ["Føler sig overset – vigtigt 😡"]
        assert [c.text for c in codings if c.key_quote] == ["sagsbehandler"]
    finally:
        store.dispose()


def test_selection_description_form() -> None:
    from kodebog.exchange.refi_description import pack_selection, unpack_selection

    packed = pack_selection("Vigtigt.\n\nTo afsnit.", True, "negative")
    assert packed == ("Vigtigt.\n\nTo afsnit.\n\nNøglecitat / key quote\n"
                      "Valens / Valence: negative")
    assert unpack_selection(packed) == ("Vigtigt.\n\nTo afsnit.", True, "negative")
    assert unpack_selection("Tekst\n\nValens: Positiv") == ("Tekst", False, "positive")
    # an unknown valence word is not a mark: the whole text stays the memo
    assert unpack_selection("Tekst\n\nValence: meh") == ("Tekst\n\nValence: meh", False, None)
    assert unpack_selection("Nøglecitat / key quote") == ("", True, None)  # the old form
    assert unpack_selection("En note om et nøglecitat") == ("En note om et nøglecitat", False,
                                                            None)
    assert pack_selection(None, False, None) == ""


def test_no_code_id_in_descriptions_unless_needed(coded: Store, tmp_path: Path) -> None:
    export_qdc(coded, tmp_path / "c.qdc")
    text = (tmp_path / "c.qdc").read_text(encoding="utf-8")
    # these codes' ids differ from their labels' slugs, so the ids must travel...
    assert text.count("Kode-id / Code id") == 4
    # ...but where the importer makes the same id from the name, none is written
    codebook = tmp_path / "plain.yaml"
    codebook.write_text("language: da\ncodes:\n  - id: oekonomi\n    label: Økonomi\n"
                        "    description: Penge og regninger.\n", encoding="utf-8")
    store = init_project(tmp_path / "plain.kodebog", codebook)
    try:
        export_qdc(store, tmp_path / "plain.qdc")
        export_qdpx(store, tmp_path / "plain.qdpx")
        root, _ = read_qdpx(tmp_path / "plain.qdpx")
    finally:
        store.dispose()
    assert "Code id" not in (tmp_path / "plain.qdc").read_text(encoding="utf-8")
    assert [c.findtext("q:Description", "", Q) for c in root.iter(f"{{{NS}}}Code")] == [
        "Penge og regninger."]
    import_qdpx(tmp_path / "plain.qdpx", tmp_path / "back.kodebog")
    back = open_project(tmp_path / "back.kodebog")
    try:
        with back.read() as session:
            assert list(current_codebook(session).ids) == ["oekonomi"]
    finally:
        back.dispose()


def test_guids_are_lowercase(coded: Store, tmp_path: Path) -> None:
    export_qdpx(coded, tmp_path / "p.qdpx")
    root, _ = read_qdpx(tmp_path / "p.qdpx")
    values = [v for e in root.iter() for k, v in e.attrib.items()
              if k == "guid" or k.endswith(("GUID", "User"))]
    assert values and all(GUID.fullmatch(v) and v == v.lower() for v in values)


# Round trips keep every GUID


def test_round_trip_keeps_every_guid(coded: Store, tmp_path: Path) -> None:
    first = tmp_path / "first.qdpx"
    export_qdpx(coded, first)
    import_qdpx(first, tmp_path / "back.kodebog")
    back = open_project(tmp_path / "back.kodebog")
    try:
        export_qdpx(back, tmp_path / "second.qdpx")
        before, after = snapshot(coded), snapshot(back)
    finally:
        back.dispose()
    guids = every_guid(first)
    assert len(guids) > 20
    assert every_guid(tmp_path / "second.qdpx") == guids
    assert before["codings"] == after["codings"]


FOREIGN = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Fremmed" origin="NVivo 15"
         creatingUserGUID="{AAAAAAAA-0000-0000-0000-000000000001}">
  <Users>
    <User guid="{AAAAAAAA-0000-0000-0000-000000000001}" name="Vera"/>
    <User guid="AAAAAAAA-0000-0000-0000-000000000002" name="Ulla uden kodninger"/>
  </Users>
  <CodeBook><Codes>
    <Code guid="BBBBBBBB-0000-0000-0000-000000000001" name="Temaer" isCodable="false">
      <Code guid="BBBBBBBB-0000-0000-0000-000000000002" name="Økonomi" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="EEEEEEEE-0000-0000-0000-000000000001" name="alder" typeOfVariable="Text"/>
  </Variables>
  <Cases>
    <Case guid="FFFFFFFF-0000-0000-0000-000000000001" name="Borger 1">
      <VariableValue>
        <VariableRef targetGUID="EEEEEEEE-0000-0000-0000-000000000001"/>
        <TextValue>34</TextValue>
      </VariableValue>
      <SourceRef targetGUID="CCCCCCCC-0000-0000-0000-000000000001"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="CCCCCCCC-0000-0000-0000-000000000001" name="interview.txt"
                plainTextPath="internal://interview.txt">
      <PlainTextSelection guid="DDDDDDDD-0000-0000-0000-000000000001" name="pengene"
          startPosition="{start}" endPosition="{end}"
          creatingUser="AAAAAAAA-0000-0000-0000-000000000001">
        <Coding guid="DDDDDDDD-0000-0000-0000-0000000000C1"
                creatingUser="AAAAAAAA-0000-0000-0000-000000000001">
          <CodeRef targetGUID="BBBBBBBB-0000-0000-0000-000000000002"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>"""
INTERVIEW = "Interviewer: Hvordan gik det?\n\nBorger 1: Vi havde ikke pengene til huslejen."


def foreign_qdpx(path: Path) -> Path:
    start = INTERVIEW.index("pengene")
    qde = FOREIGN.replace("{start}", str(start)).replace("{end}", str(start + 7))
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/interview.txt", INTERVIEW.encode("utf-8"))
    return path


def test_foreign_guids_folders_and_users_survive(tmp_path: Path) -> None:
    report = import_qdpx(foreign_qdpx(tmp_path / "nvivo.qdpx"), tmp_path / "p.kodebog")
    store = open_project(tmp_path / "p.kodebog")
    try:
        with store.read() as session:
            coders = set(session.scalars(select(Coder.name)))
            kept = {(r.kind, r.key): r.guid for r in session.scalars(select(RefiGuid))}
        assert {"Vera", "Ulla uden kodninger"} <= coders  # a user without codings is kept
        assert kept[("user", "Ulla uden kodninger")] == "aaaaaaaa-0000-0000-0000-000000000002"
        assert kept[("case", "interview:Borger 1")] == "ffffffff-0000-0000-0000-000000000001"
        assert report.counts["GUIDs kept"] >= 9
        export_qdpx(store, tmp_path / "back.qdpx")
    finally:
        store.dispose()
    root, _ = read_qdpx(tmp_path / "back.qdpx")
    codes = {c.get("name"): c for c in root.iter(f"{{{NS}}}Code")}
    assert codes["Temaer"].get("isCodable") == "false"  # the folder stays a folder
    assert codes["Temaer"].get("guid") == "bbbbbbbb-0000-0000-0000-000000000001"
    assert codes["Økonomi"].get("isCodable") == "true"
    written = every_guid(tmp_path / "back.qdpx")
    original = {g.strip("{}").lower() for g in GUID.findall(FOREIGN)}
    assert original - written == set()  # every GUID of the file is written back
    users = {u.get("name"): u.get("guid") for u in root.iter(f"{{{NS}}}User")}
    assert users["Ulla uden kodninger"] == "aaaaaaaa-0000-0000-0000-000000000002"
    descriptions = "".join(c.findtext("q:Description", "", Q) for c in codes.values())
    assert "Code id" not in descriptions


def test_two_codes_on_one_selection_stay_one_selection(tmp_path: Path) -> None:
    qdpx = foreign_qdpx(tmp_path / "nvivo.qdpx")
    with zipfile.ZipFile(qdpx) as archive:
        qde = archive.read("project.qde").decode("utf-8")
    qde = qde.replace(
        "</Coding>\n      </PlainTextSelection>",
        '</Coding>\n        <Coding guid="DDDDDDDD-0000-0000-0000-0000000000C2" '
        'creatingUser="AAAAAAAA-0000-0000-0000-000000000001"><CodeRef '
        'targetGUID="BBBBBBBB-0000-0000-0000-000000000001"/></Coding>\n'
        "      </PlainTextSelection>")
    with zipfile.ZipFile(tmp_path / "two.qdpx", "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/interview.txt", INTERVIEW.encode("utf-8"))
    import_qdpx(tmp_path / "two.qdpx", tmp_path / "p.kodebog")
    store = open_project(tmp_path / "p.kodebog")
    try:
        assert coded_texts(store) == ["pengene", "pengene"]
        export_qdpx(store, tmp_path / "back.qdpx")
    finally:
        store.dispose()
    root, _ = read_qdpx(tmp_path / "back.qdpx")
    selections = list(root.iter(f"{{{NS}}}PlainTextSelection"))
    assert [s.get("guid") for s in selections] == ["dddddddd-0000-0000-0000-000000000001"]
    assert {c.get("guid") for c in selections[0].iterfind("q:Coding", Q)} == {
        "dddddddd-0000-0000-0000-0000000000c1", "dddddddd-0000-0000-0000-0000000000c2"}


# Containers as real tools write them


def test_bare_qde_beside_capital_sources_folder(tmp_path: Path) -> None:
    start = INTERVIEW.index("pengene")
    qde = FOREIGN.replace("{start}", str(start)).replace("{end}", str(start + 7))
    (tmp_path / "Sources").mkdir()
    (tmp_path / "Sources" / "interview.txt").write_text(INTERVIEW, encoding="utf-8")
    (tmp_path / "project.qde").write_text(qde, encoding="utf-8")
    import_qdpx(tmp_path / "project.qde", tmp_path / "p.kodebog")
    store = open_project(tmp_path / "p.kodebog")
    try:
        assert coded_texts(store) == ["pengene"]
    finally:
        store.dispose()


def test_bare_relative_source_path(tmp_path: Path) -> None:
    start = INTERVIEW.index("pengene")
    qde = (FOREIGN.replace("{start}", str(start)).replace("{end}", str(start + 7))
           .replace("internal://interview.txt", "board_2017.txt"))
    with zipfile.ZipFile(tmp_path / "qc.qdpx", "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/board_2017.txt", INTERVIEW.encode("utf-8"))
    import_qdpx(tmp_path / "qc.qdpx", tmp_path / "p.kodebog")
    store = open_project(tmp_path / "p.kodebog")
    try:
        assert coded_texts(store) == ["pengene"]
    finally:
        store.dispose()


def test_bare_relative_path_cannot_climb_out(tmp_path: Path) -> None:
    from kodebog.errors import SourceError

    qde = (FOREIGN.replace("{start}", "0").replace("{end}", "1")
           .replace("internal://interview.txt", "../board_2017.txt"))
    with zipfile.ZipFile(tmp_path / "qc.qdpx", "w") as archive:
        archive.writestr("project.qde", qde)
    with pytest.raises(SourceError, match="outside the project"):
        import_qdpx(tmp_path / "qc.qdpx", tmp_path / "p.kodebog", partial=True)
    assert not (tmp_path / "p.kodebog").exists()


def test_sources_without_codes_are_imported(tmp_path: Path) -> None:
    qde = re.sub(r"<CodeBook>.*</CodeBook>", "", FOREIGN, flags=re.S)
    qde = re.sub(r"<PlainTextSelection.*</PlainTextSelection>", "", qde, flags=re.S)
    with zipfile.ZipFile(tmp_path / "bare.qdpx", "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/interview.txt", INTERVIEW.encode("utf-8"))
    report = import_qdpx(tmp_path / "bare.qdpx", tmp_path / "p.kodebog")
    assert report.counts["sources"] == 1
    assert any("no codes" in w for w in report.warnings)
    store = open_project(tmp_path / "p.kodebog")
    store.dispose()


def test_lost_codings_refuse_the_import_unless_partial(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    start = INTERVIEW.index("pengene")
    qde = FOREIGN.replace("{start}", str(start)).replace("{end}", str(start + 7))
    with zipfile.ZipFile(tmp_path / "missing.qdpx", "w") as archive:
        archive.writestr("project.qde", qde)  # the source's text file is missing
    target = tmp_path / "p.kodebog"
    assert main(["import-refi", str(tmp_path / "missing.qdpx"), str(target)]) != 0
    err = capsys.readouterr().err
    assert "1 codings of the file cannot be imported" in err
    assert "interview.txt" in err and "--partial" in err
    assert not target.exists()
    assert main(["import-refi", str(tmp_path / "missing.qdpx"), str(target), "--partial"]) == 0
    assert target.exists()


# Offsets: thin evidence, the file's convention, flags


EMOJI_TEXT = ("Interviewer: Hej 😀 og velkommen. Hvordan gik det?\n\n"
              "Borger 1: 😡 Det gik godt. Slut.")


def utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def selection_xml(n: int, start: int, end: int, name: str | None, code: str) -> str:
    named = f' name="{name}"' if name is not None else ""
    return (f'<PlainTextSelection guid="44444444-4444-4444-4444-{n:012d}"{named} '
            f'startPosition="{start}" endPosition="{end}">'
            f'<Coding guid="55555555-5555-5555-5555-{n:012d}"><CodeRef targetGUID="{code}"/>'
            "</Coding></PlainTextSelection>")


def two_source_qdpx(path: Path, thick: str, thin_selection: str) -> Path:
    code = "11111111-1111-1111-1111-111111111111"
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="T" origin="tests">
  <CodeBook><Codes><Code guid="{code}" name="Tema" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <TextSource guid="33333333-0000-0000-0000-000000000001" name="a.txt"
        plainTextPath="internal://a.txt">{thick}</TextSource>
    <TextSource guid="33333333-0000-0000-0000-000000000002" name="b.txt"
        plainTextPath="internal://b.txt">{thin_selection}</TextSource>
  </Sources>
</Project>"""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/a.txt", THICK_TEXT.encode("utf-8"))
        archive.writestr("sources/b.txt", EMOJI_TEXT.encode("utf-8"))
    return path


THICK_TEXT = "Interviewer: 😀 Fortæl 😀 om jobcentret.\n\nBorger 2: 😡 Sagsbehandleren 😡 ringede."
CODE = "11111111-1111-1111-1111-111111111111"


def thick_selections() -> str:
    """Named selections in UTF-16 code units: the file's convention is plain to see."""
    parts = []
    for n, word in enumerate(("Fortæl", "jobcentret", "Sagsbehandleren", "ringede")):
        i = THICK_TEXT.index(word)
        parts.append(selection_xml(n, utf16(THICK_TEXT, i), utf16(THICK_TEXT, i + len(word)),
                                   word, CODE))
    return "".join(parts)


def imported_codings(path: Path, tmp_path: Path) -> tuple[list[Coding], list[str], list[str]]:
    report = import_qdpx(path, tmp_path / "p.kodebog")
    store = open_project(tmp_path / "p.kodebog")
    try:
        with store.read() as session:
            rows = list(session.scalars(select(Coding).order_by(Coding.id)))
            session.expunge_all()
    finally:
        store.dispose()
    return rows, report.notes, report.warnings


def test_thin_source_takes_the_files_convention(tmp_path: Path) -> None:
    i = EMOJI_TEXT.index("Det gik godt.")
    # one selection without a name, in UTF-16 code units; read as code points it would be
    # "et gik godt. " (boundaries plausible too), so on its own evidence it is a guess
    thin = selection_xml(9, utf16(EMOJI_TEXT, i), utf16(EMOJI_TEXT, i + 13), None, CODE)
    rows, notes, warnings = imported_codings(
        two_source_qdpx(tmp_path / "f.qdpx", thick_selections(), thin), tmp_path)
    assert [r.text for r in rows if r.text.startswith(("Det", "et"))] == ["Det gik godt."]
    assert all(r.import_flag is None for r in rows)
    assert any("b: too few selections" in n and "UTF-16" in n for n in notes)
    assert not warnings


def test_ambiguous_selection_is_kept_and_flagged(tmp_path: Path) -> None:
    i = EMOJI_TEXT.index("Det gik godt.")
    thin = selection_xml(9, utf16(EMOJI_TEXT, i), utf16(EMOJI_TEXT, i + 13), None, CODE)
    code = "11111111-1111-1111-1111-111111111111"
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="T" origin="tests">
  <CodeBook><Codes><Code guid="{code}" name="Tema" isCodable="true"/></Codes></CodeBook>
  <Sources><TextSource guid="33333333-0000-0000-0000-000000000002" name="b.txt"
        plainTextPath="internal://b.txt">{thin}</TextSource></Sources>
</Project>"""
    with zipfile.ZipFile(tmp_path / "one.qdpx", "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/b.txt", EMOJI_TEXT.encode("utf-8"))
    rows, _, warnings = imported_codings(tmp_path / "one.qdpx", tmp_path)
    assert len(rows) == 1  # kept
    assert rows[0].text in ("Det gik godt.", "et gik godt. ")
    assert rows[0].import_flag is not None and "uncertain" in rows[0].import_flag
    assert len(warnings) == 1
    assert "source 'b.txt'" in warnings[0]
    assert "44444444-4444-4444-4444-000000000009" in warnings[0]  # names the selection
    assert "flagged for review" in warnings[0]


def test_named_selection_is_never_flagged(tmp_path: Path) -> None:
    i = EMOJI_TEXT.index("Det gik godt.")
    named = selection_xml(9, utf16(EMOJI_TEXT, i), utf16(EMOJI_TEXT, i + 13), "Det gik godt.",
                          CODE)
    rows, _, warnings = imported_codings(
        two_source_qdpx(tmp_path / "f.qdpx", "", named), tmp_path)
    assert [r.text for r in rows] == ["Det gik godt."]
    assert rows[0].import_flag is None
    assert not warnings


# The codebook's language


def language_of(tmp_path: Path, qde: str, text: str) -> str:
    with zipfile.ZipFile(tmp_path / "l.qdpx", "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/interview.txt", text.encode("utf-8"))
    import_qdpx(tmp_path / "l.qdpx", tmp_path / "l.kodebog", partial=True)
    store = open_project(tmp_path / "l.kodebog")
    try:
        with store.read() as session:
            return current_codebook(session).language
    finally:
        store.dispose()
        (tmp_path / "l.kodebog").unlink()


def test_codebook_language_from_the_file_or_the_text(tmp_path: Path) -> None:
    english = ("Interviewer: How was it?\n\nBorger 1: It was not good and they were "
               "never there when we called, but the people at the centre have been kind.")
    plain = FOREIGN.replace("{start}", "0").replace("{end}", "1")
    assert language_of(tmp_path, plain, INTERVIEW + " Det var ikke godt, og de har aldrig "
                                                    "svaret.") == "da"
    assert language_of(tmp_path, plain, english) == "en"
    declared = plain.replace('origin="NVivo 15"', 'origin="NVivo 15" xml:lang="de-DE"')
    assert language_of(tmp_path, declared, english) == "de"
    packed = plain.replace("<Users>", "<Description>Sprog / Language: sv</Description><Users>")
    assert language_of(tmp_path, packed, english) == "sv"


# What we write still follows the schema


def test_written_back_projects_validate(tmp_path: Path) -> None:
    import xmlschema

    schema = xmlschema.XMLSchema(str(REFI / "Project.xsd"))
    qdpx = foreign_qdpx(tmp_path / "nvivo.qdpx")
    with zipfile.ZipFile(qdpx) as archive:
        qde = archive.read("project.qde").decode("utf-8")
    # two codes on one selection, with a description (memo) and a note
    qde = qde.replace(
        "</Coding>\n      </PlainTextSelection>",
        '</Coding>\n        <Coding guid="DDDDDDDD-0000-0000-0000-0000000000C2" '
        'creatingUser="AAAAAAAA-0000-0000-0000-000000000001"><CodeRef '
        'targetGUID="BBBBBBBB-0000-0000-0000-000000000001"/></Coding>\n'
        '        <NoteRef targetGUID="99999999-0000-0000-0000-000000000001"/>\n'
        "      </PlainTextSelection>")
    qde = qde.replace('creatingUser="AAAAAAAA-0000-0000-0000-000000000001">\n        <Coding',
                      'creatingUser="AAAAAAAA-0000-0000-0000-000000000001">\n'
                      "        <Description>Husleje!\n\nNøglecitat / key quote</Description>"
                      "\n        <Coding", 1)
    qde = qde.replace("</Sources>", '</Sources><Notes><Note guid="99999999-0000-0000-0000-'
                      '000000000001" name="n"><PlainTextContent>En note.</PlainTextContent>'
                      "</Note></Notes>")
    with zipfile.ZipFile(tmp_path / "memo.qdpx", "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/interview.txt", INTERVIEW.encode("utf-8"))
    schema.validate(qde)  # the input itself is valid
    import_qdpx(tmp_path / "memo.qdpx", tmp_path / "p.kodebog")
    store = open_project(tmp_path / "p.kodebog")
    try:
        with store.read() as session:
            rows = list(session.scalars(select(Coding)))
        assert [r.memo for r in rows] == ["Husleje!\n\nEn note."] * 2
        assert all(r.key_quote for r in rows)
        for offsets, endings in (("codepoints", "lf"), ("utf16", "crlf")):
            out = tmp_path / f"{offsets}.qdpx"
            export_qdpx(store, out, offsets=offsets, line_endings=endings)
            with zipfile.ZipFile(out) as archive:
                schema.validate(archive.read("project.qde").decode("utf-8"))
    finally:
        store.dispose()
    root, _ = read_qdpx(tmp_path / "codepoints.qdpx")
    selection = next(root.iter(f"{{{NS}}}PlainTextSelection"))
    assert [child.tag.rpartition("}")[2] for child in selection] == [
        "Description", "Coding", "Coding", "NoteRef"]
    assert selection.find("q:NoteRef", Q).get("targetGUID") == (
        "99999999-0000-0000-0000-000000000001")


def test_export_command_offsets_and_line_endings(coded: Store, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    project = str(coded.url) if not coded.is_sqlite else str(coded.url.database)
    out = tmp_path / "nvivo.qdpx"
    assert main(["export", project, "-o", str(out), "--offsets", "utf16",
                 "--line-endings", "crlf", "--allow-personal-data"]) == 0
    assert "positions in UTF-16 code units, line breaks CRLF" in capsys.readouterr().out
    for name, text, _ in selected_texts(out, "utf16"):
        assert " ".join(text.split()) == name
    assert main(["export", project, "-o", str(tmp_path / "r.md"), "--offsets", "utf16"]) != 0
    assert "--offsets applies only to a .qdpx export" in capsys.readouterr().err
    assert not (tmp_path / "r.md").exists()
