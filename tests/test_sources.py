"""Importers: encodings, transcripts, Word, subtitles and surveys, always with valid spans."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kodebog.errors import SourceError
from kodebog.sources import ParsedSource, read_source
from kodebog.sources.encoding import decode_bytes, normalize_text
from kodebog.sources.model import KINDS
from kodebog.sources.roles import infer_role


def assert_valid(source: ParsedSource) -> list[str]:
    """Check every invariant a stored source relies on; return the unit texts."""
    text = source.text
    assert "\r" not in text
    assert not text.startswith("\ufeff")
    assert unicodedata.is_normalized("NFC", text)
    assert source.kind in KINDS
    keys = [p.key for p in source.participants]
    assert len(keys) == len(set(keys))
    previous_end = 0
    texts = []
    for unit in source.units:
        assert previous_end <= unit.start < unit.end <= len(text), unit
        piece = text[unit.start : unit.end]
        assert piece == piece.strip(), unit
        if unit.participant_key is not None:
            assert unit.participant_key in keys
        previous_end = unit.end
        texts.append(piece)
    used = {u.participant_key for u in source.units}
    assert set(keys) <= used, "every participant speaks at least once"
    return texts


def write(folder: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    """Write ``content`` (text encoded as ``encoding``, or raw bytes) to ``folder/name``."""
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def read(path: Path, **options: object) -> tuple[ParsedSource, list[str]]:
    """Read a source and check its invariants."""
    source = read_source(path, **options)  # type: ignore[arg-type]
    return source, assert_valid(source)


# --- encoding ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "codec"),
    [
        (codecs.BOM_UTF8 + "Rådgiver: „Hej“ 😀".encode(), "utf-8"),
        (codecs.BOM_UTF16_LE + "Rådgiver: „Hej“ 😀".encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + "Rådgiver: „Hej“ 😀".encode("utf-16-be"), "utf-16-be"),
        ("Rådgiver: „Hej“ 😀".encode("utf-16-le"), "utf-16-le"),
        ("Rådgiver: „Hej“ 😀".encode(), "utf-8"),
        ("Rådgiver: „Hej“ – ærø".encode("cp1252"), "cp1252"),
    ],
)
def test_decode_bytes_detects_the_encoding(data: bytes, codec: str) -> None:
    text, found = decode_bytes(data, "fil.txt")
    assert found == codec
    assert text.startswith("Rådgiver: „Hej“")


def test_decode_bytes_reads_dos_nordic_files() -> None:
    data = "Jeg følte mig hørt på jobcentret. ØSTERGÅRD".encode("cp865")
    text, codec = decode_bytes(data, "dos.txt")
    assert codec == "cp865"
    assert text == "Jeg følte mig hørt på jobcentret. ØSTERGÅRD"


def test_decode_bytes_prefers_windows_1252_for_danish_text() -> None:
    sample = "Sagsbehandleren var sød, men ventetiden på svar var for lang. Æbler og øl."
    assert decode_bytes(sample.encode("cp1252"), "x.txt") == (sample, "cp1252")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "x.txt: is empty"),
        (b" \r\n\t\n", "x.txt: is empty"),
        (b"Borger: hej\x00med dig", "x.txt: looks like a binary file, not text"),
        (bytes(range(32)) * 10, "x.txt: looks like a binary file, not text"),
        (b"PK\x03\x04\x14\x00", "ZIP file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", ".doc/.xls"),
        (codecs.BOM_UTF8 + b"Borger: \xe6", "not valid UTF-8"),
    ],
)
def test_decode_bytes_refuses_what_is_not_text(data: bytes, message: str) -> None:
    with pytest.raises(SourceError, match=re.escape(message)):
        decode_bytes(data, "x.txt")


def test_normalize_text_changes_only_line_ends_bom_and_composition() -> None:
    decomposed = "\ufeffBorger 1: Pa\u030a jobcentret\r\nlinje to\rlinje tre\u2028\x0b „ok“ 😀\t"
    assert normalize_text(decomposed) == (
        "Borger 1: På jobcentret\nlinje to\nlinje tre\u2028\x0b „ok“ 😀\t"
    )


# --- roles -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("Borger", "borger"),
        ("Borger 2", "borger"),
        ("DELTAGER 7", "borger"),
        ("Citizen", "borger"),
        ("Sagsbehandler (Team Nord)", "medarbejder"),
        ("Jobkonsulent", "medarbejder"),
        ("Virksomhedskonsulent 1", "medarbejder"),
        ("Socialrådgiver", "medarbejder"),
        ("Mentor", "medarbejder"),
        ("Medarbejder B", "medarbejder"),
        ("Vejleder", "medarbejder"),
        ("Afdelingsleder", "leder"),
        ("Teamleder (Ydelse)", "leder"),
        ("Jobcenterchef", "leder"),
        ("Chef", "leder"),
        ("Interviewer", "interviewer"),
        ("Moderator", "interviewer"),
        ("Facilitator 2", "interviewer"),
        ("Int.", "interviewer"),
        ("I", "interviewer"),
        ("I1", "interviewer"),
        ("Anna (borger)", "borger"),
        ("Anna", None),
        ("Det var sådan", None),
        ("I dag", None),
    ],
)
def test_infer_role(label: str, role: str | None) -> None:
    assert infer_role(label) == role


# --- plain-text transcripts --------------------------------------------------------------

FOCUS_GROUP = """\
Fokusgruppe, Jobcenter Nord
Dato: 12. marts 2024

[00:00:05] Interviewer: Velkommen. Hvordan var jeres første møde?
[00:00:12] Borger 1: Det var sådan: jeg ventede længe.
Og så kom der en sagsbehandler.

Jeg følte mig ikke hørt.
[00:01:02] Borger 2: Kl. 10:30 mødte jeg op – „det var fint“ 😀
(01:02:03) Borger 3 (kvinde, 45): Se https://jobnet.dk for det.
Interviewer:
[12:03] borger 1: Igen.
"""


def test_transcript_turns_exclude_labels_and_timestamps(tmp_path: Path) -> None:
    source, texts = read(write(tmp_path, "fokusgruppe.txt", FOCUS_GROUP))
    assert texts == [
        "Fokusgruppe, Jobcenter Nord\nDato: 12. marts 2024",
        "Velkommen. Hvordan var jeres første møde?",
        "Det var sådan: jeg ventede længe.\nOg så kom der en sagsbehandler.\n\n"
        "Jeg følte mig ikke hørt.",
        "Kl. 10:30 mødte jeg op – „det var fint“ 😀",
        "Se https://jobnet.dk for det.",
        "Igen.",
    ]
    assert [u.timestamp for u in source.units] == [
        None, "00:00:05", "00:00:12", "00:01:02", "01:02:03", "00:12:03"
    ]
    assert [u.participant_key for u in source.units] == [
        None, "Interviewer", "Borger 1", "Borger 2", "Borger 3 (kvinde, 45)", "Borger 1"
    ]
    assert source.units[-1].speaker == "borger 1"
    assert [(p.label, p.role) for p in source.participants] == [
        ("Interviewer", "interviewer"),
        ("Borger 1", "borger"),
        ("Borger 2", "borger"),
        ("Borger 3 (kvinde, 45)", "borger"),
    ]
    assert source.kind == "focus_group"
    assert source.name == "fokusgruppe"
    assert source.filename == "fokusgruppe.txt"
    assert "turns without text skipped: 1" in source.notes


def test_transcript_crlf_and_cp1252_keep_offsets_exact(tmp_path: Path) -> None:
    raw = "Interviewer: Hvad så?\r\n\r\nBorger: Jeg fik „svar“ – endelig.\r\nSlut.\r\n"
    source, texts = read(write(tmp_path, "gammel.txt", raw, "cp1252"))
    assert source.encoding == "cp1252"
    assert "read as Windows-1252 (not valid UTF-8)" in source.notes
    assert texts == ["Hvad så?", "Jeg fik „svar“ – endelig.\nSlut."]
    assert source.kind == "interview"


def test_transcript_decomposed_letters_are_composed(tmp_path: Path) -> None:
    _, texts = read(write(tmp_path, "nfd.txt", "Borger 1: Pa\u030a Ga\u030aden\n"))
    assert texts == ["På Gåden"]


def test_transcript_utf16_with_bom(tmp_path: Path) -> None:
    data = codecs.BOM_UTF16_LE + "Leder: Vi har travlt.\r\nBorger: Ja.".encode("utf-16-le")
    source, texts = read(write(tmp_path, "u16.txt", data))
    assert texts == ["Vi har travlt.", "Ja."]
    assert source.participants[0].role == "leder"
    assert "read as UTF-16" in source.notes


def test_false_speakers_stay_text(tmp_path: Path) -> None:
    text = (
        "Borger 1: Jeg sagde til hende:\n"
        "Det var sådan: man venter.\n"
        "Kl. 10:30 kom hun.\n"
        "Tidligere har jeg: prøvet alt, hvad de sagde.\n"
        "Se også: https://jobnet.dk\n"
        "Leder af afdelingen sagde: nej.\n"
        "Borger 2 sagde: ja.\n"
        "hun sagde: nej.\n"
    )
    source, texts = read(write(tmp_path, "guard.txt", text))
    assert len(texts) == 1
    assert texts[0].endswith("hun sagde: nej.")
    assert [p.key for p in source.participants] == ["Borger 1"]
    assert any("read as text, not as speakers" in note for note in source.notes)


def test_recurring_names_are_speakers_but_a_single_one_is_not(tmp_path: Path) -> None:
    text = (
        "Anna: Hej.\nBo: Hej med dig.\nAnna: Hvordan går det?\n"
        "Bo: Tak.\nOpsummering: Det gik godt.\n"
    )
    source, texts = read(write(tmp_path, "navne.txt", text))
    assert [(p.key, p.role) for p in source.participants] == [("Anna", None), ("Bo", None)]
    assert texts == ["Hej.", "Hej med dig.", "Hvordan går det?", "Tak.\nOpsummering: Det gik godt."]


def test_markdown_bold_labels_and_trailing_timestamps(tmp_path: Path) -> None:
    text = "# Interview\n\n**Interviewer:** Hvordan?\n\n**Borger 4** [00:03:10]: Sådan.\n"
    source, texts = read(write(tmp_path, "interview.md", text))
    assert texts == ["# Interview", "Hvordan?", "Sådan."]
    assert source.units[2].timestamp == "00:03:10"
    assert source.units[2].participant_key == "Borger 4"


def test_text_without_speakers_is_cut_into_paragraphs(tmp_path: Path) -> None:
    text = "\n\nFørste afsnit\nfortsætter her.\n\n\n  Andet afsnit: ingen taler.  \n\nTredje 😀"
    source, texts = read(write(tmp_path, "notat.txt", text))
    assert texts == [
        "Første afsnit\nfortsætter her.",
        "Andet afsnit: ingen taler.",
        "Tredje 😀",
    ]
    assert source.kind == "document"
    assert source.participants == []
    assert all(u.participant_key is None for u in source.units)


def test_labels_without_any_text_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"labels\.txt: has speaker labels but no spoken text"):
        read_source(write(tmp_path, "labels.txt", "Interviewer:\nBorger 1:\n"))


def test_interview_kind_with_two_speakers(tmp_path: Path) -> None:
    text = "Interviewer: Ja?\nBorger 1: Nej.\nInterviewer: Tak.\n"
    source, _ = read(write(tmp_path, "i.txt", text))
    assert source.kind == "interview"


def test_overrides_name_kind_and_roles(tmp_path: Path) -> None:
    path = write(tmp_path, "i.txt", "Anna: Ja.\nBo: Nej.\nAnna: Tak.\nBo: Farvel.\n")
    source, _ = read(path, name="Interview 3", kind="focus_group", roles={"anna": "leder"})
    assert source.name == "Interview 3"
    assert source.kind == "focus_group"
    assert [(p.key, p.role) for p in source.participants] == [("Anna", "leder"), ("Bo", None)]
    with pytest.raises(SourceError, match="unknown role 'chef'"):
        read_source(path, roles={"Anna": "chef"})
    with pytest.raises(SourceError, match="unknown kind"):
        read_source(path, kind="roman")
    notes = read_source(path, roles={"Carl": "borger"}).notes
    assert "no speaker called 'Carl' in this file" in notes


def test_unknown_extension_missing_file_and_wrong_options(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"unknown file type '\.pdf'"):
        read_source(write(tmp_path, "rapport.pdf", b"%PDF-1.4"))
    with pytest.raises(SourceError, match="no such file"):
        read_source(tmp_path / "findes_ikke.txt")
    with pytest.raises(SourceError, match="apply only to"):
        read_source(write(tmp_path, "a.txt", "Borger: hej"), text_columns=["svar"])


# --- Word ----------------------------------------------------------------------------------


def make_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.add_paragraph("")
    document.save(str(path))
    return path


def test_docx_paragraphs_are_read_like_a_transcript(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "fokus.docx",
        [
            "Fokusgruppe med borgere",
            "",
            "[00:00:03] Moderator: Velkommen til alle.",
            "Borger 1: Jeg kom til et „informationsmøde“.",
            "Det var lidt kaotisk.",
            "Borger 2: Enig 👍",
            "Sagsbehandler (Maria): Vi gør vores bedste.",
        ],
    )
    source, texts = read(path)
    assert texts == [
        "Fokusgruppe med borgere",
        "Velkommen til alle.",
        "Jeg kom til et „informationsmøde“.\n\nDet var lidt kaotisk.",
        "Enig 👍",
        "Vi gør vores bedste.",
    ]
    assert source.units[1].timestamp == "00:00:03"
    assert [p.role for p in source.participants] == [
        "interviewer", "borger", "borger", "medarbejder"
    ]
    assert source.kind == "focus_group"
    assert source.encoding == "utf-8"


def test_docx_line_breaks_and_tables(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Interviewer: Første linje")
    paragraph.add_run().add_break()
    paragraph.add_run("anden linje")
    grid = document.add_table(rows=2, cols=3)
    for r, row in enumerate([["00:01:00", "Borger 1", "Svar i tabel."], ["", "Borger 1", "Mere."]]):
        for c, value in enumerate(row):
            grid.cell(r, c).text = value
    path = tmp_path / "tabel.docx"
    document.save(str(path))
    source, texts = read(path)
    assert texts == ["Første linje\nanden linje", "Svar i tabel.", "Mere."]
    assert source.units[1].timestamp == "00:01:00"
    assert "read 2 table rows as paragraphs" in source.notes


def test_docx_without_text_and_damaged_docx(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="has no text"):
        read_source(make_docx(tmp_path / "tom.docx", []))
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(SourceError, match=r"broken\.docx: is not a valid \.docx"):
        read_source(broken)


def test_xlsx_renamed_to_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "forkert.docx"
    openpyxl.Workbook().save(path)
    with pytest.raises(SourceError, match=r"forkert\.docx: is not a valid \.docx"):
        read_source(path)


# --- subtitles ------------------------------------------------------------------------------

VTT = """\
WEBVTT
Kind: captions

NOTE Transskriberet automatisk
med to linjer

STYLE
::cue { color: yellow }

1
00:00:01.000 --> 00:00:03.500 align:start position:10%
<v Interviewer>Hvordan var <i>mødet</i>?

2
00:00:04.000 --> 00:00:06.000
<v Borger 1>Det var &amp; er stadig
<c.gul>forvirrende</c> <00:00:05.000>synes jeg.

3
00:00:06.000 --> 00:00:08.000
<v Borger 1>Rigtig forvirrende.</v>

00:01:02.000 --> 00:01:04.000
<v.loud Interviewer>Tak 🙏
"""


def test_vtt_voices_are_merged_into_turns(tmp_path: Path) -> None:
    source, texts = read(write(tmp_path, "møde.vtt", VTT))
    assert texts == [
        "Hvordan var mødet?",
        "Det var & er stadig forvirrende synes jeg. Rigtig forvirrende.",
        "Tak 🙏",
    ]
    assert source.text.split("\n\n") == [
        "Interviewer: Hvordan var mødet?",
        "Borger 1: Det var & er stadig forvirrende synes jeg. Rigtig forvirrende.",
        "Interviewer: Tak 🙏",
    ]
    assert [u.timestamp for u in source.units] == ["00:00:01", "00:00:04", "00:01:02"]
    assert [u.participant_key for u in source.units] == ["Interviewer", "Borger 1", "Interviewer"]
    assert "merged 4 cues into 3 turns" in source.notes
    assert source.metadata["duration"] == "00:01:04"
    assert source.kind == "interview"


SRT = """\
1
00:00:01,000 --> 00:00:02,000
Interviewer: Velkommen.

2
00:00:02,500 --> 00:00:04,000
Borger 1: Tak. Jeg har
ventet længe.

3
00:00:04,000 --> 00:00:05,000
Det er frustrerende.

4
01:00:05,000 --> 01:00:07,000
Jobkonsulent: Det forstår jeg.
"""


def test_srt_names_in_text_and_continuation_cues(tmp_path: Path) -> None:
    source, texts = read(write(tmp_path, "opkald.srt", SRT.replace("\n", "\r\n"), "cp1252"))
    assert texts == [
        "Velkommen.",
        "Tak. Jeg har ventet længe. Det er frustrerende.",
        "Det forstår jeg.",
    ]
    assert [u.timestamp for u in source.units] == ["00:00:01", "00:00:02", "01:00:05"]
    assert [p.role for p in source.participants] == ["interviewer", "borger", "medarbejder"]
    assert source.encoding == "cp1252"


def test_subtitles_without_speakers_break_at_pauses(tmp_path: Path) -> None:
    srt = (
        "1\n00:00:01,000 --> 00:00:02,000\nFørste sætning\n\n"
        "2\n00:00:02,100 --> 00:00:03,000\nfortsætter.\n\n"
        "3\n00:00:09,000 --> 00:00:10,000\nNy tanke efter en pause.\n"
    )
    source, texts = read(write(tmp_path, "lyd.srt", srt))
    assert texts == ["Første sætning fortsætter.", "Ny tanke efter en pause."]
    assert source.participants == []
    assert source.kind == "document"


def test_subtitles_without_cues_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"tom\.vtt: no subtitle cues found"):
        read_source(write(tmp_path, "tom.vtt", "WEBVTT\n\nNOTE intet her\n"))


# --- surveys -------------------------------------------------------------------------------


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


SURVEY_ROWS = [
    ["respondent_id", "ydelsesgruppe", "forløbslængde", "kommentar"],
    ["R0001", "Dagpenge", "Under 1 år", "Min sagsbehandler var god.\r\nMen ventetiden var lang."],
    ["R0002", "Kontanthjælp", "Over 2 år", ""],
    ["R0003", "Sygedagpenge", "", "Jeg blev aldrig ringet op 😞 – „det var skidt“"],
]


def test_csv_survey_with_quoted_newlines(tmp_path: Path) -> None:
    source, texts = read(write(tmp_path, "svar.csv", csv_text(SURVEY_ROWS)))
    assert texts == [
        "Min sagsbehandler var god.\nMen ventetiden var lang.",
        "Jeg blev aldrig ringet op 😞 – „det var skidt“",
    ]
    assert source.text == "\n\n".join(texts)
    assert source.kind == "survey"
    assert [u.participant_key for u in source.units] == ["R0001", "R0003"]
    assert [u.question for u in source.units] == ["kommentar", "kommentar"]
    first, second = source.participants
    assert (first.key, first.label, first.role) == ("R0001", "Respondent R0001", "borger")
    assert first.attributes == {"ydelsesgruppe": "Dagpenge", "forløbslængde": "Under 1 år"}
    assert second.attributes == {"ydelsesgruppe": "Sygedagpenge"}
    assert "skipped 1 empty answers" in source.notes
    assert "respondent id column 'respondent_id'" in source.notes
    assert source.metadata["respondents"] == "3"


def test_csv_with_semicolons_in_cp1252(tmp_path: Path) -> None:
    exported = csv_text(SURVEY_ROWS, ";").replace("😞 ", "")
    source, texts = read(write(tmp_path, "eksport.csv", exported, "cp1252"))
    assert texts[1] == "Jeg blev aldrig ringet op – „det var skidt“"
    assert source.encoding == "cp1252"
    assert "columns separated by ';'" in source.notes


def test_tsv_and_explicit_columns(tmp_path: Path) -> None:
    rows = [
        ["løbenr", "kommune", "godt", "mindre godt"],
        ["1", "Randers", "Venlige medarbejdere", "Lang ventetid"],
        ["2", "Randers", "", "Breve jeg ikke forstår"],
    ]
    path = write(tmp_path, "svar.tsv", csv_text(rows, "\t"))
    source, texts = read(
        path, id_column="LØBENR", text_columns=["godt", "mindre godt"], attribute_columns=[]
    )
    assert texts == ["Venlige medarbejdere", "Lang ventetid", "Breve jeg ikke forstår"]
    assert [u.question for u in source.units] == ["godt", "mindre godt", "mindre godt"]
    assert [p.attributes for p in source.participants] == [{}, {}]
    assert read(path, text_columns="godt")[1] == ["Venlige medarbejdere"]


def test_two_free_text_columns_are_detected(tmp_path: Path) -> None:
    rows = [["id", "tilfredshed", "hvad virker godt", "hvad virker mindre godt"]]
    for n in range(30):
        rows.append(
            [
                str(n),
                ["Meget tilfreds", "Tilfreds", "Utilfreds"][n % 3],
                f"Jeg er glad for min jobkonsulent, nummer {n}, og møderne",
                f"Ventetiden på svar fra jobcentret er alt for lang, især i sag {n}",
            ]
        )
    source, _ = read(write(tmp_path, "to.csv", csv_text(rows)))
    assert source.metadata["text_columns"] == "hvad virker godt, hvad virker mindre godt"
    assert source.participants[0].attributes == {"tilfredshed": "Meget tilfreds"}


def test_rows_without_id_column_are_numbered(tmp_path: Path) -> None:
    rows = [["Kommentar"], ["Første svar her"], [""], ["Tredje svar her"]]
    source, _ = read(write(tmp_path, "uden.csv", csv_text(rows)))
    assert [p.key for p in source.participants] == ["1", "2"]
    assert "no respondent id column; respondents are numbered by row" in source.notes


def test_ragged_rows(tmp_path: Path) -> None:
    short = "id,gruppe,kommentar\n1,Dagpenge\n2,Fleksjob,Godt forløb\n"
    _, texts = read(write(tmp_path, "kort.csv", short))
    assert texts == ["Godt forløb"]
    trailing = "id;kommentar\n1;Fint;;\n"
    assert read(write(tmp_path, "tom_hale.csv", trailing))[1] == ["Fint"]
    long = "id,kommentar\n1,Fint\n2,Dårligt,ekstra\n"
    with pytest.raises(SourceError, match=r"lang\.csv: line 3 has 3 cells but the header has 2"):
        read_source(write(tmp_path, "lang.csv", long))


def test_survey_errors_name_the_file_and_what_to_do(tmp_path: Path) -> None:
    path = write(tmp_path, "svar.csv", csv_text(SURVEY_ROWS))
    with pytest.raises(SourceError) as caught:
        read_source(path, text_columns=["svar"])
    assert str(caught.value) == (
        f"{path}: no column 'svar'; columns are: respondent_id, ydelsesgruppe, "
        "forløbslængde, kommentar"
    )
    duplicate = "id,kommentar\nR1,Hej\r\nR2,\"To\nlinjer\"\nR1,Igen\n"
    with pytest.raises(SourceError, match="id 'R1' appears on line 2 and line 5"):
        read_source(write(tmp_path, "dobbelt.csv", duplicate))
    with pytest.raises(SourceError, match="header row but no answers"):
        read_source(write(tmp_path, "kun_header.csv", "id,kommentar\n\n"))
    with pytest.raises(SourceError, match="no free-text column found"):
        read_source(write(tmp_path, "tal.csv", "id,alder\n1,34\n2,51\n"))
    with pytest.raises(SourceError, match="no answers in column"):
        empty_answers = write(tmp_path, "tomme.csv", "id,kommentar\n1,\n2, \n")
        read_source(empty_answers, text_columns="kommentar")
    with pytest.raises(SourceError, match="line 3 has answers but no id"):
        read_source(write(tmp_path, "uden_id.csv", "id,kommentar\n1,Hej\n,Hej igen\n"))
    with pytest.raises(SourceError, match="column name 'id' appears twice"):
        read_source(write(tmp_path, "navne.csv", "id,id,kommentar\n1,2,Hej\n"))


def test_xlsx_survey(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet.append(["Respondent", "Alder", "Kommune", "Kommentar"])
    sheet.append([101, 34.0, "Aarhus", "Jeg fik hurtigt svar 👍\nTak for det."])
    sheet.append([None, None, None, None])
    sheet.append([102, 51.5, None, "Min sag_x000D_\nvarede for længe"])
    sheet.append([103, 28, "Odense", None])
    other = workbook.create_sheet("Baggrund")
    other.append(["id", "note"])
    other.append(["x", "Andet ark med en meget lang kommentar"])
    path = tmp_path / "svar.xlsx"
    workbook.save(path)
    source, texts = read(path)
    assert texts == ["Jeg fik hurtigt svar 👍\nTak for det.", "Min sag\nvarede for længe"]
    assert [p.key for p in source.participants] == ["101", "102"]
    assert source.participants[0].attributes == {"Alder": "34", "Kommune": "Aarhus"}
    assert source.participants[1].attributes == {"Alder": "51.5"}
    assert "read sheet 'Data' of 2: Data, Baggrund" in source.notes
    _, named_texts = read(path, sheet="Baggrund")
    assert named_texts == ["Andet ark med en meget lang kommentar"]
    with pytest.raises(SourceError, match="no sheet 'Ark1'; sheets are: Data, Baggrund"):
        read_source(path, sheet="Ark1")
    sheet.append([102, 1, "Aalborg", "Dublet"])
    workbook.save(path)
    with pytest.raises(SourceError, match="id '102' appears on row 4 and row 6"):
        read_source(path)


def test_many_survey_answers_parse_in_order(tmp_path: Path) -> None:
    """Parsing time for 100,000 answers is measured in ``bench/parsing.py``."""
    rows = [["id", "ydelsesgruppe", "kommune", "kommentar"]]
    for n in range(5_000):
        rows.append(
            [f"R{n:06d}", "Dagpenge", "Randers", f"Svar nummer {n}: ventetiden var „lang“ 😞"]
        )
    path = write(tmp_path, "stor.csv", csv_text(rows, ";"))
    source = read_source(path)
    assert len(source.units) == 5_000
    assert source.text[source.units[-1].start :].startswith("Svar nummer 4999:")


# --- fuzzing: bytes in, a ParsedSource or a SourceError out ----------------------------------

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LABELS = st.sampled_from(["Borger 1", "Interviewer", "Det var sådan", "I", "Kl. 10", "**Leder**"])
TEXTLIKE = st.lists(
    st.one_of(
        st.text(max_size=40),
        st.builds(lambda label, text: f"{label}: {text}", LABELS, st.text(max_size=30)),
        st.sampled_from(["", "\r\n", "\r", "00:00:01,000 --> 00:00:02,000", "WEBVTT", '"', ";"]),
    ),
    max_size=20,
).map("\n".join)
ENCODED = st.tuples(TEXTLIKE, st.sampled_from(["utf-8", "cp1252", "utf-16", "utf-8-sig"])).map(
    lambda pair: pair[0].encode(pair[1], errors="ignore")
)


def _read_or_refuse(path: Path) -> None:
    """A valid source or one clear line, and nothing left beside the file either way."""
    try:
        source = read_source(path)
    except SourceError as error:
        assert "\n" not in str(error)
        source = None
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
    if source is not None:
        assert_valid(source)


@pytest.mark.parametrize("suffix", [".txt", ".md", ".vtt", ".srt", ".csv", ".tsv"])
@FUZZ
@given(data=st.one_of(st.binary(max_size=300), ENCODED))
def test_fuzz_text_readers(tmp_path: Path, suffix: str, data: bytes) -> None:
    _read_or_refuse(write(tmp_path, f"fuzz{suffix}", data))


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
@FUZZ
@given(data=st.binary(max_size=300), wrap=st.booleans())
def test_fuzz_office_readers(tmp_path: Path, suffix: str, data: bytes, wrap: bool) -> None:
    if wrap:
        part = "word/document.xml" if suffix == ".docx" else "xl/workbook.xml"
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", data[:50])
            archive.writestr(part, data)
        data = buffer.getvalue()
    _read_or_refuse(write(tmp_path, f"fuzz{suffix}", data))
