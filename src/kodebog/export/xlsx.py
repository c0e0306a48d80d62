"""Codings for Excel and SPSS: all codings, a units x codes matrix, crosstab, co-occurrence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

from kodebog.export import ExportOptions
from kodebog.export.common import dimension_label, plural, table_material, write_with
from kodebog.export.sheets import Percent, Sheet, Value, write_xlsx
from kodebog.findings import ROLE, CodingRecord, Findings, Material, summarise
from kodebog.store import Store

CODING_HEADER = ("Kodning", "Kilde", "Henvisning", "Enhed", "Tidsstempel", "Taler", "Deltager",
                 "Rolle")
CODING_TAIL = ("Kode", "Tema", "Koder", "Start", "Slut", "Tekst", "Memo", "Nøglecitat",
               "Oprindelse")


def attribute_names(material: Material) -> list[str]:
    """The participant attributes in scope, in first-seen order (the role excluded)."""
    return [d for d in material.dimensions if d != ROLE]


def coding_header(material: Material) -> list[str]:
    """Column names of one coding row."""
    return [*CODING_HEADER, *attribute_names(material), *CODING_TAIL]


def coding_rows(material: Material) -> Iterator[list[Value]]:
    """One row per coding of the reported codes, in source, unit and position order."""
    attributes = attribute_names(material)
    labels = {c.id: c.label for c in material.all_codes.values()}
    by_unit: dict[int, list[CodingRecord]] = defaultdict(list)
    for coding in material.reported_codings:
        by_unit[coding.unit.id].append(coding)
    for unit in material.units:
        codings = by_unit.get(unit.id)
        if not codings:
            continue
        if len(codings) > 1:
            codings.sort(key=lambda c: (c.start, c.code, c.coder))
        person = unit.participant
        head: list[Value] = [unit.source.name, unit.citation, unit.ordinal, unit.timestamp,
                             unit.speaker, person.label if person else None,
                             person.role if person else None]
        if person:
            head += [person.attributes.get(a) for a in attributes]
        else:
            head += [None] * len(attributes)
        for c in codings:
            yield [c.id, *head, c.code, labels.get(c.code, c.code), c.coder, c.start, c.end,
                   c.text, c.memo, int(c.key_quote), c.origin]


def _codings_sheet(material: Material) -> Sheet:
    header = coding_header(material)
    attrs = len(attribute_names(material))
    widths = [9, 28, 26, 7, 11, 18, 18, 13, *[16] * attrs, 22, 28, 10, 7, 7, 80, 30, 11, 11]
    return Sheet("Kodninger", _with_header(header, coding_rows(material)),
                 n_rows=len(material.reported_codings) + 1, n_cols=len(header), widths=widths,
                 freeze_rows=1, freeze_cols=2)


def _with_header(header: Sequence[Value], rows: Iterator[list[Value]]) -> Iterator[list[Value]]:
    yield list(header)
    yield from rows


def codes_by_unit(codings: Sequence[CodingRecord]) -> dict[int, set[str]]:
    """The codes on each coded unit."""
    present: dict[int, set[str]] = defaultdict(set)
    for coding in codings:
        present[coding.unit.id].add(coding.code)
    return present


def _matrix_sheet(material: Material, present: dict[int, set[str]]) -> Sheet:
    attributes = attribute_names(material)
    codes = [c.id for c in material.codes]
    header: list[Value] = ["Kilde", "Enhed", "Henvisning", "Deltager", "Rolle", *attributes,
                           *codes]

    def rows() -> Iterator[list[Value]]:
        for unit in material.units:
            person = unit.participant
            attrs = person.attributes if person else {}
            has = present.get(unit.id, set())
            yield [unit.source.name, unit.ordinal, unit.citation,
                   person.label if person else None, person.role if person else None,
                   *[attrs.get(a) for a in attributes], *[int(c in has) for c in codes]]

    widths = [28, 7, 26, 18, 13, *[16] * len(attributes), *[max(8, len(c) + 2) for c in codes]]
    return Sheet("Matrix", _with_header(header, rows()), n_rows=len(material.units) + 1,
                 n_cols=len(header), widths=widths, freeze_rows=1, freeze_cols=3)


def _crosstab_sheet(findings: Findings) -> Sheet:
    groups = list(findings.scope.groups)
    labels = [f"{dimension_label(g.dimension)}: {g.value}" for g in groups]
    rows: list[list[Value]] = [["Kode", "Tema", "Udsagn i alt", *labels]]
    for theme in findings.themes:
        counts = {(g.dimension, g.value): g.units for g in theme.groups}
        rows.append([theme.code.id, theme.code.label, theme.units,
                     *[counts.get((g.dimension, g.value), 0) for g in groups]])
    rows.append(["", "Udsagn i gruppen", findings.scope.units, *[g.units for g in groups]])
    rows.append([])
    share_header = len(rows)
    rows.append(["Kode", "Andel af gruppens udsagn", "I alt", *labels])
    for theme in findings.themes:
        counts = {(g.dimension, g.value): g.units for g in theme.groups}
        rows.append([theme.code.id, theme.code.label,
                     Percent(theme.units / findings.scope.units if findings.scope.units else 0),
                     *[Percent(counts.get((g.dimension, g.value), 0) / g.units
                               if g.units else 0) for g in groups]])
    return Sheet("Krydstabel", rows, n_rows=len(rows), n_cols=len(labels) + 3,
                 widths=[22, 30, 12, *[14] * len(labels)], freeze_rows=1, freeze_cols=2,
                 autofilter=False, header_rows=frozenset({0, share_header}))


def _cooccurrence_sheet(material: Material, present: dict[int, set[str]]) -> Sheet:
    codes = [c.id for c in material.codes]
    wanted = set(codes)
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for has in present.values():
        inside = sorted(has & wanted)
        for a in inside:
            for b in inside:
                pairs[(a, b)] += 1
    labels = {c.id: c.label for c in material.codes}
    rows: list[list[Value]] = [["Kode", "Tema", *codes]]
    rows += [[a, labels[a], *[pairs.get((a, b), 0) for b in codes]] for a in codes]
    return Sheet("Samforekomst", rows, n_rows=len(rows), n_cols=len(codes) + 2,
                 widths=[22, 30, *[max(8, len(c) + 2) for c in codes]], freeze_rows=1,
                 freeze_cols=2, autofilter=False)


def export(store: Store, output: Path, options: ExportOptions) -> str:
    """Write the workbook; nothing is written if a check fails."""
    material = table_material(store, options, "xlsx")
    findings = summarise(material, quotes=0)
    present = codes_by_unit(material.codings)
    sheets = [_codings_sheet(material), _matrix_sheet(material, present),
              _crosstab_sheet(findings), _cooccurrence_sheet(material, present)]
    write_with(output, lambda path: write_xlsx(path, sheets, title=findings.title))
    return (f"wrote {output} (xlsx): {plural(len(material.reported_codings), 'coding', 'codings')}"
            f", {len(material.units)} units x {len(material.codes)} codes")
