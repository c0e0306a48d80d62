"""The report as a report: the demo's Word file read back, publication mode, template, PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from sqlalchemy import select

from kodebog.coding import set_valence
from kodebog.errors import ProjectError
from kodebog.export import ExportOptions, export
from kodebog.findings.recommendations import add_recommendation
from kodebog.store import Store, open_project
from kodebog.store.models import Code, Coder, Coding

RAW_KEYS = ("forloebslaengde", "ydelsesgruppe:", "tilfredshed:", "kommune:")
PERSON = re.compile(r"\b(Borger|Respondent|Medarbejder|Leder|Deltager|Interviewer) R?\d+")

_DEMO: list[Path] = []


@pytest.fixture
def demo(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Iterator[Store]:
    """A private copy of the demo project with valences and two recommendations."""
    if not _DEMO:
        from kodebog.demo import build_demo

        built = build_demo(tmp_path_factory.mktemp("demo") / "demo.kodebog")
        store = open_project(built)
        try:
            _valences(store)
            add_recommendation(store, "anna", "Én fast sagsbehandler gennem forløbet",
                               "Skift af sagsbehandler skal begrundes og varsles.",
                               ["caseworker_change", "caseworker_relation"])
            add_recommendation(store, "anna", "Længere telefontid", codes=["contact_center"])
        finally:
            store.dispose()
        _DEMO.append(built)
    copy = tmp_path / "demo.kodebog"
    shutil.copyfile(_DEMO[0], copy)
    store = open_project(copy)
    yield store
    store.dispose()


def _valences(store: Store) -> None:
    """anna says what works well or less well on her caseworker and contact codings."""
    with store.read() as session:
        rows = session.execute(
            select(Coding.id, Coding.text).join(Coder).where(
                Coder.name == "anna",
                Coding.code_id.in_(["caseworker_relation", "contact_center"]))
            .order_by(Coding.id)).all()
    for coding_id, text in rows[:40]:
        good = any(w in text for w in ("godt", "guld", "tak", "Tak", "lytter", "sød"))
        set_valence(store, "anna", coding_id, "positive" if good else "negative")


def texts(document: object) -> str:
    """Every text of a Word document: body, tables, headers and footers."""
    doc: object = document
    parts = [p.text for p in doc.paragraphs]  # type: ignore[attr-defined]
    for table in doc.tables:  # type: ignore[attr-defined]
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in doc.sections:  # type: ignore[attr-defined]
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


def code_ids(store: Store) -> list[str]:
    with store.read() as session:
        return list(session.scalars(select(Code.id)))


@pytest.mark.slow
def test_the_demo_word_report_reads_back_as_a_report(demo: Store, tmp_path: Path) -> None:
    output = tmp_path / "rapport.docx"
    export(demo, output, ExportOptions(allow_personal_data=True, memos=True))
    document = Document(str(output))
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert section.header.paragraphs[0].text == "Borgernes oplevelse af jobcentret"
    assert "PAGE" in section.footer._element.xml and "NUMPAGES" in section.footer._element.xml
    first_rows = [t.rows[0]._tr for t in document.tables]
    assert first_rows and all(
        tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None for tr in first_rows)
    numbers = [c.paragraphs[0] for t in document.tables for c in t.rows[1].cells[1:]]
    assert all(p.alignment is not None and int(p.alignment) == 2 for p in numbers)  # right
    quotes = [p for p in document.paragraphs if p.style is not None and p.style.name == "Citat"]
    assert quotes and all(p.paragraph_format.keep_with_next for p in quotes)
    assert len(document.inline_shapes) >= 1  # the overview chart, a picture in the file
    assert any(n.endswith(".png") for n in zipfile.ZipFile(output).namelist())
    text = texts(document)
    for code in code_ids(demo):
        assert not re.search(rf"\b{code}\b", text), code
    for key in RAW_KEYS:
        assert key not in text, key
    headings = [p.text for p in document.paragraphs
                if p.style is not None and p.style.name.startswith("Heading")]
    assert headings.count("Det, der fungerer godt") >= 2
    assert headings.count("Det, der fungerer mindre godt") >= 2
    assert "Anbefaling 1: Én fast sagsbehandler gennem forløbet" in headings
    assert "Se anbefalingerne 1." not in text and "Se anbefaling 1." in text
    assert "Bilag: Analytikernes memoer" in headings
    assert "Metode og datagrundlag" in headings and "336 af 354 respondenter" in text


@pytest.mark.slow
def test_publication_mode_names_roles_only_and_hides_small_groups(demo: Store,
                                                                    tmp_path: Path) -> None:
    output = tmp_path / "offentlig.docx"
    message = export(demo, output, ExportOptions(publish=True))
    assert message.endswith("(publication)")
    document = Document(str(output))
    text = texts(document)
    assert not PERSON.search(text), PERSON.search(text)
    assert "R0" not in text and "FG-borgere" not in text.split("Bilag: Henvisninger")[0]
    attributions = [p.text for p in document.paragraphs
                    if p.style is not None and p.style.name == "Citatkilde"]
    assert attributions and all(re.fullmatch(r"— \w+(, \w+)? \(citat \d+\)", a)
                                for a in attributions), attributions[:3]
    assert not any(a.startswith("— leder") for a in attributions)  # one leader: not named
    for table in document.tables:
        header = [c.text for c in table.rows[0].cells]
        for cell in header:
            n = re.search(r"n = (\d+)", cell)
            assert n is None or int(n.group(1)) >= 5, cell
        if header[0] == "Gruppe":
            for row in table.rows[1:]:
                total = int(row.cells[1].text.split(" af ")[1])
                assert total >= 5, row.cells[0].text
    assert "Leder" not in [c.text.split(" (")[0] for c in document.tables[0].rows[0].cells]
    assert "grupper med færre end 5 deltagere ikke i tabeller og figurer" in text
    appendix = document.tables[-1]
    assert [c.text for c in appendix.rows[0].cells] == ["Citat", "Kilde", "Udsagn"]


def test_publication_refuses_personal_data_overrides_and_memos(demo: Store,
                                                               tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="never exports personal data"):
        export(demo, tmp_path / "x.md", ExportOptions(publish=True, allow_personal_data=True))
    with pytest.raises(ProjectError, match="leave it out of a publication"):
        export(demo, tmp_path / "x.md", ExportOptions(publish=True, memos=True))
    assert list(tmp_path.glob("x.*")) == []


def _template(path: Path) -> Path:
    """A .dotx made like Word makes one: a style, a header, a template content type."""
    from docx.enum.style import WD_STYLE_TYPE

    document = Document()
    style = document.styles.add_style("Kommunens brødtekst", WD_STYLE_TYPE.PARAGRAPH)
    style.font.name = "Arial"
    document.sections[0].header.paragraphs[0].text = "Aarhus Kommune · Beskæftigelse"
    document.add_paragraph("Skabelonens tekst, som rapporten erstatter.")
    saved = path.with_suffix(".docx")
    document.save(str(saved))
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            target.writestr(item, data)
    return path


def test_a_template_gives_its_styles_and_header(demo: Store, tmp_path: Path) -> None:
    template = _template(tmp_path / "kommune.dotx")
    output = tmp_path / "rapport.docx"
    export(demo, output, ExportOptions(template=template, allow_personal_data=True))
    document = Document(str(output))
    assert "Kommunens brødtekst" in [s.name for s in document.styles]
    assert document.sections[0].header.paragraphs[0].text == "Aarhus Kommune · Beskæftigelse"
    assert "Skabelonens tekst" not in texts(document)
    assert document.paragraphs[0].text == "Borgernes oplevelse af jobcentret"
    bad = tmp_path / "ikke.dotx"
    bad.write_text("ingen zip", encoding="utf-8")
    with pytest.raises(ProjectError, match=r"ikke.dotx: not a Word file"):
        export(demo, tmp_path / "y.docx", ExportOptions(template=bad))
    assert not (tmp_path / "y.docx").exists()


def test_markdown_html_and_word_have_the_same_chapters(demo: Store, tmp_path: Path) -> None:
    options = ExportOptions(allow_personal_data=True)
    for fmt in ("md", "html", "docx"):
        export(demo, tmp_path / f"r.{fmt}", options)
    markdown = re.findall(r"^## (.+)$", (tmp_path / "r.md").read_text(encoding="utf-8"), re.M)
    html = re.findall(r"<h2[^>]*>(.+?)</h2>", (tmp_path / "r.html").read_text(encoding="utf-8"))
    word = [p.text for p in Document(str(tmp_path / "r.docx")).paragraphs
            if p.style is not None and p.style.name == "Heading 1"]
    assert markdown == word == [h for h in html if h != "Indholdsfortegnelse"]
    assert word[:4] == ["Overblik", "Metode og datagrundlag", "Temaer", "Anbefalinger"]


@pytest.mark.slow
def test_the_word_report_converts_to_pdf(demo: Store, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs "
                    "libreoffice-writer")
    output = tmp_path / "rapport.docx"
    export(demo, output, ExportOptions(allow_personal_data=True))
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "pdf", "--outdir", str(tmp_path), str(output)],
        capture_output=True, text=True, timeout=300, check=False)
    pdf = tmp_path / "rapport.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages >= 10, pages


def test_publish_and_memos_are_for_reports_only(demo: Store, tmp_path: Path) -> None:
    for options in (ExportOptions(publish=True), ExportOptions(memos=True)):
        with pytest.raises(ProjectError, match="shapes a report; export md, docx or html"):
            export(demo, tmp_path / "x.xlsx", options)
    assert not (tmp_path / "x.xlsx").exists()
