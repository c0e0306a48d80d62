"""Exports: the Markdown golden file, docx/xlsx/html/csv/json read back, checks and the CLI."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pytest
from docx import Document
from sqlalchemy import text

from kodebog.cli.report import register
from kodebog.coding import apply_code
from kodebog.export import EXPORTERS, ExportOptions, export
from kodebog.export.blocks import Report
from kodebog.export.common import report_input
from kodebog.export.markdown import render
from kodebog.export.report import ReportOptions, build_report
from kodebog.findings import PersonalDataError, QuoteError
from kodebog.project import init_project
from kodebog.store import Store, open_project

from .conftest import ROOT, make_parsed
from .test_findings import (
    CODINGS,
    FG,
    STATEMENT,
    SURVEY,
    Fixed,
    apply_fixed,
    build_fixture_project,
    findings_of,
    open_fixture_copy,
    unit_id,
)

GOLDEN = ROOT / "tests" / "golden" / "demo_findings.md"
SCHEMA = ROOT / "docs" / "findings.schema.json"
FORMATS = ("md", "docx", "html", "xlsx", "csv", "json")


@pytest.fixture
def project(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Iterator[Store]:
    """A private copy of the fixture project (see test_findings), open."""
    store = open_fixture_copy(tmp_path_factory, tmp_path)
    yield store
    store.dispose()


def report_of(store: Store, **options: Any) -> Report:
    """The report of a project, as every report format renders it."""
    findings, facts = report_input(store, ExportOptions(), "md")
    return build_report(findings, facts, ReportOptions(**options))


def files_in(folder: Path) -> list[str]:
    """Every file name in a folder (temporary files included)."""
    return sorted(p.name for p in folder.iterdir())


# --- Markdown --------------------------------------------------------------------------------


def test_markdown_matches_the_golden_file(project: Store) -> None:
    rendered = render(report_of(project))
    if os.environ.get("KODEBOG_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(rendered, encoding="utf-8")
    assert rendered == GOLDEN.read_text(encoding="utf-8"), (
        "the Markdown findings changed; if intended, rerun with KODEBOG_UPDATE_GOLDEN=1")


@pytest.mark.pg
def test_markdown_is_the_same_on_postgresql(pg_url: str) -> None:
    build_fixture_project(pg_url)
    store = open_project(pg_url)
    try:
        assert render(report_of(store)) == GOLDEN.read_text(encoding="utf-8")
    finally:
        store.dispose()


def test_markdown_report_has_the_seeds_shape(project: Store, tmp_path: Path) -> None:
    output = tmp_path / "fund.md"
    message = export(project, output, ExportOptions())
    assert message.startswith(f"wrote {output} (md): 12 themes,")
    report = output.read_text(encoding="utf-8")
    chapters = re.findall(r"^## (.+)$", report, re.M)
    assert chapters == ["Overblik", "Metode og datagrundlag", "Temaer", "Anbefalinger",
                        "Bilag: Temaernes definitioner"]
    assert ("Analysen bygger på 5 kilder: 2 fokusgrupper, 2 interview og 1 spørgeskema, i alt "
            "552 udsagn fra 355 deltagere." in report)
    assert ("4 interviewere stillede spørgsmålene og tæller ikke med i nogen andel."
            in report)
    assert "336 af 354 respondenter har skrevet et fritekstsvar" in report
    assert "forløbslængde" in report and "forloebslaengde" not in report
    assert "### Mødet med sagsbehandleren\n" in report
    assert "#### Det første møde og velkomsten\n\n" + STATEMENT in report
    assert report.count("_Konklusionen er endnu ikke skrevet_") == 11
    assert ("6 af 355 deltagere (2 %) giver udtryk for temaet i 7 udsagn fra 4 af 5 kilder."
            in report)
    assert "| Rolle: leder | 1 af 1 | 100 % | 1 |" in report
    assert "|---|---:|---:|---:|" in report  # numbers right-aligned
    assert "> — Borger 1, fokusgruppe borgere aarhus · FG-borgere-aarhus:13 [00:03:49]" in report
    assert "> […] At møderne bliver kortere, end de burde. […]" in report
    assert "> \\- 9 sagsbehandlere på 6 år\\" in report  # a list line stays quoted text
    assert "_Der er endnu ikke skrevet anbefalinger" in report
    for code in ("first_meeting", "caseworker_relation", "contact_center"):
        assert code not in report


# --- docx ------------------------------------------------------------------------------------


def test_docx_has_headings_quotes_tables_and_a_toc(project: Store, tmp_path: Path) -> None:
    output = tmp_path / "fund.docx"
    export(project, output, ExportOptions())
    document = Document(str(output))
    styles = [(p.style.name if p.style else "", p.text) for p in document.paragraphs]
    assert styles[0] == ("Title", "Borgernes oplevelse af jobcentret")
    assert ("Heading 1", "Overblik") in styles and ("Heading 1", "Temaer") in styles
    assert ("Heading 2", "Mødet med sagsbehandleren") in styles
    assert ("Heading 3", "Det første møde og velkomsten") in styles
    assert ("Heading 1", "Anbefalinger") in styles
    quotes = [t for s, t in styles if s == "Citat"]
    assert "[…] At møderne bliver kortere, end de burde. […]" in quotes
    citat = document.styles["Citat"]
    assert citat.font.italic and citat.paragraph_format.left_indent > 0
    assert any(s == "Citatkilde" and t.startswith("— Borger 1, fokusgruppe borgere aarhus")
               for s, t in styles)
    # overview, agreement, and the coded themes' group tables
    assert len(document.tables) == 2 + 8
    assert {t.style.name if t.style else "" for t in document.tables} == {"Light List Accent 1"}
    assert document.tables[2].rows[0].cells[0].text == "Gruppe"
    body = document.element.xml
    assert 'TOC \\o "1-3"' in body and 'w:fldCharType="begin"' in body
    assert "w:updateFields" in document.settings.element.xml
    assert document.core_properties.title == "Borgernes oplevelse af jobcentret"


# --- xlsx ------------------------------------------------------------------------------------


def test_xlsx_sheets_and_a_correct_matrix(project: Store, tmp_path: Path) -> None:
    output = tmp_path / "kodninger.xlsx"
    export(project, output, ExportOptions())
    book = openpyxl.load_workbook(output)
    assert book.sheetnames == ["Citatbank", "Kodninger", "Matrix", "Krydstabel", "Samforekomst"]
    bank = book["Citatbank"]
    bheader = [c.value for c in bank[1]]
    assert bheader[:6] == ["Citat", "Temaer", "Vurdering", "Rolle", "Deltager", "Henvisning"]
    assert "Forløbslængde" in bheader and "forloebslaengde" not in bheader
    assert bheader[-4:] == ["Nøglecitat", "Brugt i rapporten", "Kodere", "Memo"]
    quotes = [dict(zip(bheader, r, strict=True)) for r in bank.iter_rows(min_row=2,
                                                                         values_only=True)]
    spans = {(c.source, c.unit, c.phrase) for c in CODINGS}
    assert len(quotes) == len(spans)  # one row per distinct quote, not per coder
    assert any(q["Brugt i rapporten"] == 1 for q in quotes)
    assert any(q["Brugt i rapporten"] == 0 for q in quotes)
    for index, name in enumerate(bheader):
        width = bank.column_dimensions[openpyxl.utils.get_column_letter(index + 1)].width
        assert width >= len(name), name
    codings = book["Kodninger"]
    header = [c.value for c in codings[1]]
    assert header[:8] == ["Kodning", "Kilde", "Henvisning", "Enhed", "Tidsstempel", "Taler",
                          "Deltager", "Rolle"]
    assert "Kommune" in header and header[-4:] == ["Memo", "Nøglecitat", "Oprindelse", "Vurdering"]
    assert codings.max_row == len(CODINGS) + 1
    assert codings.freeze_panes == "C2" and codings.auto_filter.ref == f"A1:V{len(CODINGS) + 1}"
    assert codings["A1"].font.b
    rows = [dict(zip(header, (c.value for c in row), strict=True))
            for row in codings.iter_rows(min_row=2)]
    span = next(r for r in rows if r["Henvisning"] == "FG-borgere-aarhus:14 [00:04:16]")
    assert span["Tekst"] == "Det er jo fint nok, når man er heldig." and span["Start"] == 0
    memo = next(r for r in rows if r["Memo"])
    assert memo["Memo"] == "Godt eksempel på tillid" and memo["Nøglecitat"] == 1
    assert any("\n- 9 sagsbehandlere" in (r["Tekst"] or "") for r in rows)

    matrix = book["Matrix"]
    mheader = [c.value for c in matrix[1]]
    assert matrix.max_row == 620 and matrix.freeze_panes == "D2"
    table = {(r[0], r[1]): dict(zip(mheader, r, strict=True))
             for r in matrix.iter_rows(min_row=2, values_only=True)}
    assert table[(FG, 13)]["first_meeting"] == 1 and table[(FG, 13)]["meeting_time"] == 0
    assert table[(FG, 24)]["caseworker_relation"] == 1 and table[(FG, 24)]["meeting_time"] == 1
    assert table[(SURVEY, 9)]["physical_setting"] == 1
    assert table[(SURVEY, 9)]["Kommune"] == "Rødovre"
    assert table[(SURVEY, 2)]["physical_setting"] == 0
    coded = {(c.source, c.unit, c.code) for c in CODINGS}
    codes = mheader[9:]
    assert sum(v for row in table.values() for k, v in row.items() if k in codes) == len(coded)

    cross = book["Krydstabel"]
    cheader = [c.value for c in cross[1]]
    assert not any("interviewer" in str(h) for h in cheader)
    first = next(r for r in cross.iter_rows(min_row=2, values_only=True) if r[0] ==
                 "first_meeting")
    assert first[2] == 7 and first[cheader.index("Rolle: leder, udsagn")] == 1
    assert first[cheader.index("Rolle: leder, andel af deltagerne")] == pytest.approx(1.0)
    assert first[cheader.index("Rolle: medarbejder, andel af deltagerne")] == pytest.approx(1 / 8)
    together = book["Samforekomst"]
    sheader = [c.value for c in together[1]]
    physical = next(r for r in together.iter_rows(min_row=2, values_only=True)
                    if r[0] == "physical_setting")
    assert physical[sheader.index("physical_setting")] == 3
    assert physical[sheader.index("first_meeting")] == 1


# --- html ------------------------------------------------------------------------------------


class Page(HTMLParser):
    """Collects tags, attributes and text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Page:
    """The page parsed."""
    page = Page()
    page.feed(html)
    page.close()
    return page


def test_html_is_one_self_contained_danish_page(project: Store, tmp_path: Path) -> None:
    output = tmp_path / "fund.html"
    export(project, output, ExportOptions())
    page = parse(output.read_text(encoding="utf-8"))
    tags = [tag for tag, _ in page.tags]
    assert ("html", {"lang": "da"}) in page.tags
    assert "svg" in tags and "style" in tags
    for tag, attrs in page.tags:
        assert "src" not in attrs, tag
        assert (attrs.get("href") or "#").startswith("#"), attrs
        assert tag not in ("script", "link", "img", "iframe")
    body = "".join(page.text)
    assert "[…] At møderne bliver kortere, end de burde. […]" in body
    charts = re.findall(r"<svg.*?</svg>", output.read_text(encoding="utf-8"), re.S)
    assert len(charts) == 1  # the overview
    for chart in charts:
        svg = ElementTree.fromstring(chart)  # well-formed XML
        assert svg.find("{http://www.w3.org/2000/svg}title") is not None
    assert "— Borger 1, fokusgruppe borgere aarhus · FG-borgere-aarhus:13 [00:03:49]" in body


def test_html_escapes_quotes(tmp_path: Path, codebook_file: Path) -> None:
    store = init_project(tmp_path / "p.kodebog", codebook_file, coder="anna")
    from kodebog.importing import import_parsed

    hostile = '<script>alert("x")</script> & <b>fed</b> «citat»'
    import_parsed(store, make_parsed("fg1", [("Interviewer", "Hvad siger du?"),
                                             ("Borger 1", hostile)]))
    apply_code(store, "anna", unit_id(store, "fg1", 2), "contact_center")
    output = tmp_path / "fund.html"
    export(store, output, ExportOptions())
    html = output.read_text(encoding="utf-8")
    store.dispose()
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)" in html
    page = parse(html)
    assert "script" not in [tag for tag, _ in page.tags]
    assert hostile in "".join(page.text)


# --- csv and json ----------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_comma_separated_and_quoted(project: Store, tmp_path: Path) -> None:
    output = tmp_path / "kodninger.csv"
    assert export(project, output, ExportOptions()).endswith(f"{len(CODINGS)} codings")
    raw = output.read_bytes()
    assert raw.startswith(b'\xef\xbb\xbf"Kodning","Kilde","Henvisning",')
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(CODINGS)
    multi = next(r for r in rows if r["Henvisning"] == "SP-kommentarer:83")
    assert multi["Tekst"].startswith("Det her er min oplevelse:\n- 9 sagsbehandlere")
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())
    assert multi["ydelsesgruppe"] and multi["Kode"] == "activities_and_offers"


def _check(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str) -> None:
    """A small JSON Schema check: $ref, type, const, enum, required, properties, items."""
    if "$ref" in schema:
        node: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        _check(value, node, root, path)
        return
    types: dict[str, type | tuple[type, ...]] = {
        "string": str, "integer": int, "number": (int, float), "boolean": bool,
        "null": type(None), "array": list, "object": dict}
    wanted = schema.get("type")
    if wanted:
        names = wanted if isinstance(wanted, list) else [wanted]
        ok = any(isinstance(value, types[n]) and not (n in ("integer", "number")
                                                      and isinstance(value, bool))
                 for n in names)
        assert ok, f"{path}: {value!r} is not {wanted}"
    if "const" in schema:
        assert value == schema["const"], path
    if "enum" in schema:
        assert value in schema["enum"], f"{path}: {value!r}"
    if "minimum" in schema and isinstance(value, int | float):
        assert value >= schema["minimum"], path
    if "maximum" in schema and isinstance(value, int | float):
        assert value <= schema["maximum"], path
    if isinstance(value, dict):
        for key in schema.get("required", []):
            assert key in value, f"{path}: missing {key}"
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in properties:
                _check(item, properties[key], root, f"{path}.{key}")
            elif extra is False:
                raise AssertionError(f"{path}: unexpected {key}")
            elif isinstance(extra, dict):
                _check(item, extra, root, f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            _check(item, schema["items"], root, f"{path}[{i}]")


def test_json_follows_the_documented_schema(project: Store, tmp_path: Path) -> None:
    output = tmp_path / "fund.json"
    export(project, output, ExportOptions(quotes=3))
    data = json.loads(output.read_text(encoding="utf-8"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    _check(data, schema, schema, "$")
    try:
        import jsonschema  # type: ignore[import-untyped]
    except ImportError:
        pass
    else:
        jsonschema.validate(data, schema)
    first = next(t for t in data["themes"] if t["code"] == "first_meeting")
    assert first["finding"]["statement"] == STATEMENT and first["finding"]["version"] == 1
    assert len(first["quotes"]) == 3 and first["units"] == 7
    with pytest.raises(AssertionError, match="unexpected surprise"):
        _check({**data, "surprise": 1}, schema, schema, "$")


# --- checks before writing -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_tampered_quote_stops_the_export_and_writes_nothing(project: Store, tmp_path: Path,
                                                              fmt: str) -> None:
    with project.write() as session:
        session.execute(text("UPDATE coding SET text = 'Hun er guld værd.' WHERE id = "
                             "(SELECT MIN(id) FROM coding WHERE code_id = 'physical_setting')"))
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(QuoteError, match="is not verbatim in the source text"):
        export(project, folder / f"fund.{fmt}", ExportOptions())
    assert files_in(folder) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_phone_number_stops_the_export_unless_allowed(project: Store, tmp_path: Path,
                                                        fmt: str) -> None:
    apply_fixed(project, (Fixed("anna", SURVEY, 32, "contact_center", key=True),))
    folder = tmp_path / "out"
    folder.mkdir()
    output = folder / f"fund.{fmt}"
    with pytest.raises(PersonalDataError, match=r"SP-kommentarer:32 .*phone number") as caught:
        export(project, output, ExportOptions())
    assert "12 34 56 78" not in str(caught.value)
    assert files_in(folder) == []
    export(project, output, ExportOptions(allow_personal_data=True))
    assert output.stat().st_size > 0


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(project: Store,
                                                                  tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch
                                                                  ) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    output = folder / "fund.docx"
    output.write_bytes(b"old")

    def broken_save(self: Any, path: str) -> None:
        Path(path).write_bytes(b"PK half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("docx.document.Document.save", broken_save)
    with pytest.raises(Exception, match="cannot write") as caught:
        export(project, output, ExportOptions())
    assert "\n" not in str(caught.value)
    assert output.read_bytes() == b"old"
    assert files_in(folder) == ["fund.docx"]


# --- the CLI ---------------------------------------------------------------------------------


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    """Run ``kodebog ARGS`` in-process, with ``finding`` and ``export`` registered."""
    from kodebog import cli as module

    original = module.build_parser

    def build() -> argparse.ArgumentParser:
        parser = original()
        commands = next(a for a in parser._actions
                        if isinstance(a, argparse._SubParsersAction))
        if "export" not in commands.choices:

            def command(name: str, handler: Any, help_text: str) -> argparse.ArgumentParser:
                sub: argparse.ArgumentParser = commands.add_parser(name, help=help_text)
                sub.set_defaults(handler=handler)
                return sub

            register(command)
        return parser

    monkeypatch.setattr(module, "build_parser", build)

    def run(*args: str) -> tuple[int, str, str]:
        code = module.main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def project_path(store: Store) -> str:
    """The file of an open SQLite project."""
    return str(store.url.database)


def test_cli_finding_sets_then_updates_a_statement(project: Store, cli: Any) -> None:
    path = project_path(project)
    code, out, _ = cli("finding", path, "meeting_time", "--text", "Møderne er for korte.",
                       "--coder", "anna")
    assert (code, out) == (0, "meeting_time: finding written (version 1)\n")
    code, out, _ = cli("finding", path, "meeting_time", "--text", "Møderne opleves korte.",
                       "--coder", "bo")
    assert (code, out) == (0, "meeting_time: finding updated (version 2)\n")
    with project.read() as session:
        events = session.execute(text(
            "SELECT e.before, e.after, c.name FROM event e JOIN coder c ON c.id = e.coder_id "
            "WHERE e.action = 'finding.update' AND e.entity_id = 'meeting_time' "
            "ORDER BY e.id")).all()
    assert len(events) == 2 and events[1][2] == "bo"
    assert json.loads(events[1][0])["statement"] == "Møderne er for korte."
    assert json.loads(events[1][1])["version"] == 2
    code, out, err = cli("finding", path, "nope", "--text", "x")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert err.startswith("kodebog: unknown code 'nope'") and "Traceback" not in err


def test_cli_export_with_filters(project: Store, cli: Any, tmp_path: Path) -> None:
    output = tmp_path / "fund.json"
    code, out, err = cli("export", project_path(project), "--output", str(output),
                         "--where", "role=borger", "--code", "first_meeting", "physical_setting",
                         "--source", FG, "--source", SURVEY, "--quotes", "2", "--coder", "anna")
    assert code == 0, err
    assert out == f"wrote {output} (json): 2 themes, 4 quotes\n"
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["scope"]["filters"] == {"coder": "anna", "codes": ["first_meeting",
                                        "physical_setting"], "sources": [FG, SURVEY],
                                        "where": {"role": "borger"}, "agreed": False,
                                        "coders": []}
    expected = findings_of(project, sources=[FG, SURVEY], where={"role": "borger"})
    assert data["scope"]["units"] == expected.scope.units < 336 + 118  # no interviewer turns
    first = data["themes"][0]
    assert (first["code"], first["units"], first["codings"]) == ("first_meeting", 3, 3)
    assert all(q["role"] == "borger" for t in data["themes"] for q in t["quotes"])


def test_cli_errors_are_one_line(project: Store, cli: Any, tmp_path: Path) -> None:
    path = project_path(project)
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    cases = [
        (["--output", str(tmp_path / "x.txt")], "cannot tell the format; pass --format"),
        (["--output", str(tmp_path / "no" / "x.md")], "does not exist"),
        (["--output", str(tmp_path / "x.md"), "--where", "kommune"], "write it as ATTR=VALUE"),
        (["--output", str(tmp_path / "x.md"), "--quotes", "-1"], "--quotes -1: give 0 or more"),
        (["--output", str(tmp_path / "x.md"), "--code", "nope"], "unknown code 'nope'"),
        (["--output", str(tmp_path / "x.md"), "--coder", "carl"], "no coder named 'carl'"),
    ]
    for extra, expected in cases:
        code, out, err = cli("export", path, *extra)
        assert code == 1 and out == "", (extra, err)
        assert err.count("\n") == 1 and expected in err and "Traceback" not in err, err
    assert files_in(tmp_path) == []


def test_cli_personal_data_guard(project: Store, cli: Any, tmp_path: Path) -> None:
    apply_fixed(project, (Fixed("anna", SURVEY, 32, "contact_center", key=True),))
    output = tmp_path / "fund.md"
    code, _, err = cli("export", project_path(project), "-o", str(output))
    assert code == 1 and err.count("\n") == 1 and "--allow-personal-data" in err
    assert not output.exists()
    code, _, _ = cli("export", project_path(project), "-o", str(output),
                     "--allow-personal-data")
    assert code == 0 and "12 34 56 78" in output.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
def test_cli_exports_every_format(project: Store, cli: Any, tmp_path: Path, fmt: str) -> None:
    output = tmp_path / "ud.bin"
    code, out, err = cli("export", project_path(project), "--format", fmt, "-o", str(output))
    assert code == 0 and out.startswith(f"wrote {output} ({fmt}):"), err
    if fmt in ("docx", "xlsx"):
        assert zipfile.is_zipfile(output)


def test_exporters_are_a_registry_and_importing_it_is_light() -> None:
    assert set(FORMATS) <= set(EXPORTERS)
    probe = ("import sys, kodebog.cli.report\n"
             "print([m for m in ('sqlalchemy', 'docx', 'openpyxl') if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


# --- the real demo ---------------------------------------------------------------------------


@pytest.mark.slow
def test_the_demo_project_exports_in_every_format(tmp_path: Path) -> None:
    from kodebog.demo import build_demo

    path = build_demo(tmp_path / "demo.kodebog")
    store = open_project(path)
    try:
        for fmt in FORMATS:
            output = tmp_path / f"demo.{fmt}"
            message = export(store, output, ExportOptions(allow_personal_data=True))
            assert message.startswith(f"wrote {output} ({fmt})")
            assert output.stat().st_size > 1000
    finally:
        store.dispose()
    report = (tmp_path / "demo.md").read_text(encoding="utf-8")
    assert len(re.findall(r"^#{3,4} ", report, re.M)) >= 12 and "## Anbefalinger" in report
    sheets = openpyxl.load_workbook(tmp_path / "demo.xlsx").sheetnames
    assert sheets[:3] == ["Citatbank", "Kodninger", "Matrix"]
