"""What every export shares: checked input, report wording and atomic writing."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from kodebog import i18n
from kodebog.errors import ProjectError
from kodebog.export import ExportOptions
from kodebog.export import language as speech
from kodebog.export.language import _
from kodebog.export.outbound import material_items
from kodebog.findings import (
    Findings,
    Material,
    Theme,
    load_material,
    summarise,
)
from kodebog.i18n import N_, formats
from kodebog.privacy.outbound import guard
from kodebog.store import Store
from kodebog.tempfiles import temp_beside

if TYPE_CHECKING:
    from kodebog.export.blocks import Report
    from kodebog.export.facts import Facts
    from kodebog.export.report import ReportOptions
    from kodebog.privacy.outbound import Outbound

NO_STATEMENT = N_("No conclusion written yet")
CO_OCCURRING_SHOWN = 5


# --- input -----------------------------------------------------------------------------------


def report_findings(store: Store, options: ExportOptions, fmt: str) -> Findings:
    """Findings for a report export in ``fmt``, verified and checked for personal data."""
    with store.read() as session:
        material = load_material(session, options.filters)
    findings = summarise(material, quotes=options.quotes)
    guard(material_items(material, findings), fmt, allow=options.allow_personal_data)
    return findings


def report_input(store: Store, options: ExportOptions, fmt: str
                 ) -> tuple[Findings, Facts]:
    """Findings and facts of a report, verified and checked for personal data.

    Publication mode never exports personal data (``--allow-personal-data`` is refused with
    it) and has no memos appendix.
    """
    from kodebog.export.facts import Memo, load_facts

    if options.publish and options.allow_personal_data:
        raise ProjectError(i18n._("--publish never exports personal data, so it cannot be "
                                  "combined with --allow-personal-data; remove the data first "
                                  "(kodebog privacy redact) or leave out --publish"))
    if options.publish and options.memos:
        raise ProjectError(i18n._("--memos adds the analysts' working notes; leave it out of a "
                                  "publication (--publish)"))
    if options.threshold < 1:
        raise ProjectError(i18n._("--threshold {value}: give 1 or more").format(
            value=options.threshold))
    with store.read() as session:
        material = load_material(session, options.filters)
        findings = summarise(material, quotes=options.quotes)
        labels = {c.id: c.label for c in material.all_codes.values()}
        coding_memos = [Memo(c.unit.citation, labels.get(c.code, c.code), c.coder, c.memo)
                        for c in material.reported_codings if c.memo and c.memo.strip()]
        facts = load_facts(session, findings, coding_memos, memos=options.memos)
    guard(report_items(material, findings, facts), fmt, allow=options.allow_personal_data)
    return findings, facts


def report_items(material: Material, findings: Findings, facts: Facts) -> Iterator[Outbound]:
    """What a report carries out: the material's items, plus the works well / less well
    quotes, the recommendations and the memos appendix."""
    from kodebog.privacy.outbound import Field, Outbound

    yield from material_items(material, findings)
    for theme in findings.themes:
        for side in theme.sides:
            for quote in side.quotes:
                where = i18n._("coding {id} at {citation} ({code})").format(
                    id=quote.coding_id, citation=quote.citation, code=theme.code.id)
                yield Outbound(Field.QUOTE, where, quote.text)
    for rec in facts.recommendations:
        where = i18n._("recommendation {number}").format(number=rec.number)
        yield Outbound(Field.STATEMENT, where, rec.title)
        yield Outbound(Field.STATEMENT, where, rec.text)
    for memo in facts.memos:
        field = Field.CODING_MEMO if memo.theme else Field.UNIT_MEMO
        yield Outbound(field, i18n._("the memo at {citation}").format(citation=memo.citation),
                       memo.text)


def table_material(store: Store, options: ExportOptions, fmt: str) -> Material:
    """The material of a table export in ``fmt``, checked for personal data."""
    with store.read() as session:
        material = load_material(session, options.filters)
    guard(material_items(material), fmt, allow=options.allow_personal_data)
    return material


# --- wording ---------------------------------------------------------------------------------


def percent(part: int, whole: int) -> str:
    """``19 %`` in a Danish report (decimal comma below 1 %), ``19%`` in an English one."""
    if whole <= 0:
        return speech.percent(0).replace("0", "–")
    share = 100 * part / whole
    if 0 < share < 1:
        return speech.percent(share, 1)
    return speech.percent(int(share + 0.5))


def join(items: Sequence[str]) -> str:
    """``a, b og c`` (the report's language)."""
    return speech.join(tuple(items))


def definition_lines(theme: Theme) -> list[str]:
    """The code's description and what belongs or not, as short lines."""
    code = theme.code
    lines = [code.description.strip()] if code.description.strip() else []
    if code.include:
        lines.append(_("Belongs here: {items}.").format(items="; ".join(code.include)))
    if code.exclude:
        lines.append(_("Does not belong here: {items}.").format(
            items="; ".join(code.exclude)))
    return lines


# --- writing ---------------------------------------------------------------------------------


@contextmanager
def atomic_output(output: Path) -> Iterator[Path]:
    """A temporary path beside ``output``, renamed onto it only if the block succeeds."""
    if output.is_dir():
        raise ProjectError(i18n._("{path}: is a folder; give a file name with --output").format(
            path=output))
    if not output.parent.is_dir():
        raise ProjectError(i18n._("{path}: folder {folder} does not exist").format(
            path=output, folder=output.parent))
    temporary = temp_beside(output)  # a killed run's file is removed by the next run
    try:
        with temporary.open("xb"):
            pass
        yield temporary
        os.replace(temporary, output)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise ProjectError(i18n._("{path}: cannot write ({reason})").format(
            path=output, reason=error.strerror or error)) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_text(output: Path, text: str, *, bom: bool = False) -> None:
    """Write ``text`` as UTF-8 (with a BOM if asked), atomically."""
    with atomic_output(output) as temporary:
        temporary.write_text(text, encoding="utf-8-sig" if bom else "utf-8", newline="")


def write_with(output: Path, save: Callable[[Path], None]) -> None:
    """Let ``save`` write to a temporary path, then rename it onto ``output``."""
    with atomic_output(output) as temporary:
        save(temporary)


def report_options(options: ExportOptions) -> ReportOptions:
    """The report-shaping part of export options."""
    from kodebog.export.report import ReportOptions

    return ReportOptions(publish=options.publish, threshold=options.threshold,
                         memos=options.memos)


def report_summary(fmt: str, output: Path, report: Report) -> str:
    """``wrote report.docx (docx): 12 themes, 48 quotes`` (the user's language)."""
    said = _wrote(fmt, output, report.themes, report.quotes)
    return said + " " + i18n._("(publication)") if report.publish else said


def _wrote(fmt: str, output: Path, themes: int, quotes: int) -> str:
    return i18n._("wrote {path} ({format}): {themes}, {quotes}").format(
        path=output, format=fmt,
        themes=i18n.ngettext("{n} theme", "{n} themes", themes).format(
            n=formats.number(themes)),
        quotes=i18n.ngettext("{n} quote", "{n} quotes", quotes).format(
            n=formats.number(quotes)))


def summary(fmt: str, output: Path, findings: Findings) -> str:
    """``wrote report.md (md): 12 themes, 48 quotes``."""
    quotes = sum(len(t.quotes) for t in findings.themes)
    return _wrote(fmt, output, len(findings.themes), quotes)
