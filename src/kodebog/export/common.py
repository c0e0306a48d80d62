"""What every export shares: checked input, Danish report wording and atomic writing."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from kodebog.errors import ProjectError
from kodebog.export import ExportOptions
from kodebog.export.outbound import material_items
from kodebog.findings import (
    ROLE,
    Findings,
    GroupCount,
    Material,
    Scope,
    Theme,
    load_material,
    summarise,
)
from kodebog.privacy.outbound import guard
from kodebog.store import Store
from kodebog.tempfiles import temp_beside

if TYPE_CHECKING:
    from kodebog.export.blocks import Report
    from kodebog.export.facts import Facts
    from kodebog.export.report import ReportOptions
    from kodebog.privacy.outbound import Outbound

NO_STATEMENT = "Ingen konklusion skrevet endnu"
RECOMMENDATION = "Skriv en anbefaling, der følger af fundet."
RECOMMENDATIONS = "Anbefalinger"
NO_RECOMMENDATIONS = ("Ingen temaer har en konklusion endnu; skriv dem med "
                      "`kodebog finding PROJEKT KODE --text ...`.")
DEFINITIONS = "Bilag: Temaernes definitioner"
CO_OCCURRING_SHOWN = 5

_KINDS = {
    "focus_group": ("fokusgruppe", "fokusgrupper"),
    "interview": ("interview", "interview"),
    "survey": ("spørgeskema", "spørgeskemaer"),
    "document": ("dokument", "dokumenter"),
}


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
        raise ProjectError("--publish never exports personal data, so it cannot be combined "
                           "with --allow-personal-data; remove the data first "
                           "(kodebog privacy redact) or leave out --publish")
    if options.publish and options.memos:
        raise ProjectError("--memos adds the analysts' working notes; leave it out of a "
                           "publication (--publish)")
    if options.threshold < 1:
        raise ProjectError(f"--threshold {options.threshold}: give 1 or more")
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
                where = f"coding {quote.coding_id} at {quote.citation} ({theme.code.id})"
                yield Outbound(Field.QUOTE, where, quote.text)
    for rec in facts.recommendations:
        yield Outbound(Field.STATEMENT, f"recommendation {rec.number}", rec.title)
        yield Outbound(Field.STATEMENT, f"recommendation {rec.number}", rec.text)
    for memo in facts.memos:
        field = Field.CODING_MEMO if memo.theme else Field.UNIT_MEMO
        yield Outbound(field, f"the memo at {memo.citation}", memo.text)


def table_material(store: Store, options: ExportOptions, fmt: str) -> Material:
    """The material of a table export in ``fmt``, checked for personal data."""
    with store.read() as session:
        material = load_material(session, options.filters)
    guard(material_items(material), fmt, allow=options.allow_personal_data)
    return material


# --- wording ---------------------------------------------------------------------------------


def percent(part: int, whole: int) -> str:
    """``19 %`` (Danish: space before %, decimal comma below 1 %)."""
    if whole <= 0:
        return "– %"
    share = 100 * part / whole
    if 0 < share < 1:
        return f"{share:.1f}".replace(".", ",") + " %"
    return f"{int(share + 0.5)} %"


def plural(count: int, one: str, many: str) -> str:
    """``1 kilde``, ``3 kilder``."""
    return f"{count} {one if count == 1 else many}"


def join(items: Sequence[str]) -> str:
    """``a, b og c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]


def dimension_label(dimension: str) -> str:
    """``Rolle`` for the role, else the attribute's own name."""
    return "Rolle" if dimension == ROLE else dimension


def method_line(findings: Findings) -> str:
    """``Grundlag: 5 kilder (2 fokusgrupper, 1 spørgeskema), 619 udsagn ...``."""
    scope = findings.scope
    kinds: dict[str, int] = {}
    for source in scope.sources:
        kinds[source.kind] = kinds.get(source.kind, 0) + 1
    parts = [plural(n, *_KINDS.get(kind, (kind, kind))) for kind, n in kinds.items()]
    text = (f"Grundlag: {plural(len(scope.sources), 'kilde', 'kilder')}"
            + (f" ({', '.join(parts)})" if parts else "")
            + f", {scope.units} udsagn fra {plural(scope.participants, 'deltager', 'deltagere')}")
    coders = list(scope.coders)
    text += f"; kodet af {join(coders)}." if coders else "; intet er kodet endnu."
    chosen = _filter_text(scope)
    return text + (f" Udvalg: {chosen}." if chosen else "") + agreed_text(scope)


def agreed_text(scope: Scope) -> str:
    """`` Analysen bygger på den aftalte kodning ...`` with the open disputes; empty if not."""
    if scope.agreed is None:
        return ""
    from kodebog.agreed import RULE_DA

    open_disputes = len(scope.agreed.unsettled)
    return (f" {RULE_DA} Kodérne er {join(list(scope.agreed.coders))}"
            + (f"; {plural(open_disputes, 'uenighed', 'uenigheder')} er endnu ikke afgjort."
               if open_disputes else "; alle uenigheder er afgjort."))


def _filter_text(scope: Scope) -> str:
    filters = scope.filters
    parts = []
    if filters.coder:
        parts.append(f"kun {filters.coder}s kodninger")
    if filters.sources:
        parts.append(f"kilderne {join(list(filters.sources))}")
    if filters.codes:
        parts.append(f"temaerne {join(list(filters.codes))}")
    if filters.where:
        parts.append("deltagere med " + join([f"{k}={v}" for k, v in filters.where.items()]))
    return "; ".join(parts)


def prevalence(theme: Theme, scope: Scope) -> str:
    """``Temaet optræder i 23 af 118 udsagn (19 %) fra 7 af 9 deltagere i 2 af 5 kilder.``"""
    if theme.units == 0:
        return "Temaet er ikke kodet i det valgte materiale."
    return (f"Temaet optræder i {theme.units} af {scope.units} udsagn "
            f"({percent(theme.units, scope.units)}) fra {theme.participants} af "
            f"{plural(scope.participants, 'deltager', 'deltagere')} i {theme.sources} af "
            f"{plural(len(scope.sources), 'kilde', 'kilder')}.")


def co_occurring(theme: Theme) -> str:
    """``Optræder oftest sammen med: X (12 udsagn), Y (8 udsagn).``; empty if none."""
    shown = theme.co_occurring[:CO_OCCURRING_SHOWN]
    if not shown:
        return ""
    return "Optræder oftest sammen med: " + ", ".join(
        f"{c.label} ({c.units} udsagn)" for c in shown) + "."


def group_rows(theme: Theme) -> list[tuple[str, str, str, GroupCount]]:
    """Table rows (group, units, participants, count) of a theme, kept short.

    Every role is shown (the interviewer only if they said it); of the attributes only the
    values where the theme occurs. The xlsx sheet "Krydstabel" has every group.
    """
    return [
        (f"{dimension_label(g.dimension)}: {g.value}",
         f"{g.units} af {g.units_total} ({percent(g.units, g.units_total)})",
         f"{g.participants} af {g.participants_total} "
         f"({percent(g.participants, g.participants_total)})", g)
        for g in theme.groups
        if g.units or (g.dimension == ROLE and g.value != "interviewer")
    ]


def rows_left_out(theme: Theme) -> bool:
    """Whether ``group_rows`` left out groups without the theme."""
    return len(group_rows(theme)) < sum(
        1 for g in theme.groups if not (g.dimension == ROLE and g.value == "interviewer"))


LEFT_OUT = "Grupper, hvor temaet ikke forekommer, er udeladt."


GROUP_HEADER = ("Gruppe", "Udsagn med temaet", "Deltagere med temaet")


def with_statement(findings: Findings) -> list[Theme]:
    """The themes that have a written finding."""
    return [t for t in findings.themes if t.statement is not None and t.statement.text.strip()]


def definition_lines(theme: Theme) -> list[str]:
    """The code's description and what belongs or not, as short lines."""
    code = theme.code
    lines = [code.description.strip()] if code.description.strip() else []
    if code.include:
        lines.append("Hører til: " + "; ".join(code.include) + ".")
    if code.exclude:
        lines.append("Hører ikke til: " + "; ".join(code.exclude) + ".")
    return lines


# --- writing ---------------------------------------------------------------------------------


@contextmanager
def atomic_output(output: Path) -> Iterator[Path]:
    """A temporary path beside ``output``, renamed onto it only if the block succeeds."""
    if output.is_dir():
        raise ProjectError(f"{output}: is a folder; give a file name with --output")
    if not output.parent.is_dir():
        raise ProjectError(f"{output}: folder {output.parent} does not exist")
    temporary = temp_beside(output)  # a killed run's file is removed by the next run
    try:
        with temporary.open("xb"):
            pass
        yield temporary
        os.replace(temporary, output)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise ProjectError(f"{output}: cannot write ({error.strerror or error})") from None
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
    """``wrote report.docx (docx): 12 themes, 48 quotes``."""
    return (f"wrote {output} ({fmt}): {plural(report.themes, 'theme', 'themes')}, "
            f"{plural(report.quotes, 'quote', 'quotes')}"
            + (" (publication)" if report.publish else ""))


def summary(fmt: str, output: Path, findings: Findings) -> str:
    """``wrote report.md (md): 12 themes, 48 quotes``."""
    quotes = sum(len(t.quotes) for t in findings.themes)
    return (f"wrote {output} ({fmt}): {plural(len(findings.themes), 'theme', 'themes')}, "
            f"{plural(quotes, 'quote', 'quotes')}")
