"""Codings for Excel and SPSS: all codings, a units x codes matrix, crosstab, co-occurrence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

from kodebog import i18n
from kodebog.export import ExportOptions
from kodebog.export.common import table_material, write_with
from kodebog.export.labels import attribute_label, group_label, valence_word
from kodebog.export.language import _, ngettext, number, translate
from kodebog.export.sheets import Percent, Sheet, Value, write_xlsx
from kodebog.findings import ROLE, CodingRecord, Findings, Material, summarise
from kodebog.findings.quotes import merged_valence
from kodebog.i18n import N_, formats
from kodebog.store import Store

CODING_HEADER = (N_("Coding"), N_("Source"), N_("Reference"), N_("Unit"), N_("Timestamp"),
                 N_("Speaker"), N_("Participant"), N_("Role"))
CODING_TAIL = (N_("Code"), N_("Theme"), N_("Coder"), N_("Start"), N_("End"), N_("Text"),
               N_("Memo"), N_("Key quote"), N_("Origin"), N_("Valence"))


def attribute_names(material: Material) -> list[str]:
    """The participant attributes in scope, in first-seen order (the role excluded)."""
    return [d for d in material.dimensions if d != ROLE]


def coding_header(material: Material, *, labels: bool = True) -> list[str]:
    """Column names of one coding row in the report's language; attributes by label (or, for
    SPSS, by key)."""
    names = attribute_names(material)
    return [*map(translate, CODING_HEADER),
            *([attribute_label(a) for a in names] if labels else names),
            *map(translate, CODING_TAIL)]


def fitted(header: Sequence[Value], widths: Sequence[float]) -> list[float]:
    """Column widths at least as wide as their header (plus room for the filter button)."""
    return [max(w, min(len(str(h or "")) + 4, 60)) for h, w in zip(header, widths, strict=False)]


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
                   c.text, c.memo, int(c.key_quote), c.origin,
                   valence_word(c.valence) if c.valence else None]


def _codings_sheet(material: Material) -> Sheet:
    header = coding_header(material)
    attrs = len(attribute_names(material))
    widths = [9, 28, 26, 7, 11, 18, 18, 13, *[16] * attrs, 22, 28, 10, 7, 7, 80, 30, 11, 11, 9]
    return Sheet(_("Codings"), _with_header(header, coding_rows(material)),
                 n_rows=len(material.reported_codings) + 1, n_cols=len(header),
                 widths=fitted(header, widths),
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
    header: list[Value] = [_("Source"), _("Unit"), _("Reference"), _("Participant"), _("Role"),
                           *[attribute_label(a) for a in attributes], *codes]

    def rows() -> Iterator[list[Value]]:
        for unit in material.units:
            person = unit.participant
            attrs = person.attributes if person else {}
            has = present.get(unit.id, set())
            yield [unit.source.name, unit.ordinal, unit.citation,
                   person.label if person else None, person.role if person else None,
                   *[attrs.get(a) for a in attributes], *[int(c in has) for c in codes]]

    widths = [28, 7, 26, 18, 13, *[16] * len(attributes), *[max(8, len(c) + 2) for c in codes]]
    return Sheet(_("Matrix"), _with_header(header, rows()), n_rows=len(material.units) + 1,
                 n_cols=len(header), widths=fitted(header, widths), freeze_rows=1,
                 freeze_cols=3)


def _crosstab_sheet(findings: Findings) -> Sheet:
    """Per theme and group: statements, and the share of the group's people next to them.

    Interviewers are left out (their turns are questions, not evidence).
    """
    groups = [g for g in findings.scope.groups
              if not (g.dimension == ROLE and g.value == "interviewer")]
    labels = [group_label(g.dimension, g.value) for g in groups]
    header: list[Value] = [_("Code"), _("Theme"), _("Statements in all")]
    for label in labels:
        header += [_("{group}, statements").format(group=label),
                   _("{group}, share of participants").format(group=label)]
    rows: list[list[Value]] = [header]
    for theme in findings.themes:
        counts = {(g.dimension, g.value): g for g in theme.groups}
        row: list[Value] = [theme.code.id, theme.code.label, theme.units]
        for g in groups:
            found = counts.get((g.dimension, g.value))
            row += [found.units if found else 0,
                    Percent(found.participants / g.participants
                            if found and g.participants else 0)]
        rows.append(row)
    total: list[Value] = ["", _("Size of the group"), findings.scope.units]
    for g in groups:
        total += [g.units, ngettext("{n} participant", "{n} participants", g.participants)
                  .format(n=number(g.participants))]
    rows.append(total)
    widths = [22, 30, 12, *[max(12, min(len(str(h)) + 2, 40)) for h in header[3:]]]
    return Sheet(_("Crosstab"), rows, n_rows=len(rows), n_cols=len(header), widths=widths,
                 freeze_rows=1, freeze_cols=2, autofilter=False)


def _quote_bank(material: Material, findings: Findings) -> Sheet:
    """One row per distinct quote (coders merged): themes, valence, who, key quote, used."""
    attributes = attribute_names(material)
    labels = {c.id: c.label for c in material.all_codes.values()}
    used = {(q.source, q.unit, q.start, q.end)
            for theme in findings.themes
            for q in (*theme.quotes, *(q for side in theme.sides for q in side.quotes))}
    spans: dict[tuple[int, int, int], list[CodingRecord]] = defaultdict(list)
    for coding in material.reported_codings:
        spans[(coding.unit.id, coding.start, coding.end)].append(coding)
    header: list[Value] = [_("Quote"), _("Themes"), _("Valence"), _("Role"), _("Participant"),
                           _("Reference"), *[attribute_label(a) for a in attributes],
                           _("Key quote"), _("Used in the report"), _("Coders"), _("Memo")]

    def rows() -> Iterator[list[Value]]:
        for group in spans.values():
            first = group[0]
            unit = first.unit
            person = unit.participant
            attrs = person.attributes if person else {}
            valence = merged_valence(c.valence for c in group)
            themes = list(dict.fromkeys(labels.get(c.code, c.code) for c in group))
            yield [first.text, "; ".join(themes),
                   valence_word(valence) if valence else None,
                   person.role if person else None, person.label if person else None,
                   unit.citation, *[attrs.get(a) for a in attributes],
                   int(any(c.key_quote for c in group)),
                   int((unit.source.name, unit.ordinal, first.start, first.end) in used),
                   ", ".join(sorted({c.coder for c in group})),
                   next((c.memo for c in group if c.memo), None)]

    widths = [80, 34, 10, 13, 18, 26, *[16] * len(attributes), 12, 18, 16, 30]
    return Sheet(_("Quote bank"), _with_header(header, rows()), n_rows=len(spans) + 1,
                 n_cols=len(header), widths=fitted(header, widths), freeze_rows=1,
                 freeze_cols=1)


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
    rows: list[list[Value]] = [[_("Code"), _("Theme"), *codes]]
    rows += [[a, labels[a], *[pairs.get((a, b), 0) for b in codes]] for a in codes]
    return Sheet(_("Co-occurrence"), rows, n_rows=len(rows), n_cols=len(codes) + 2,
                 widths=[22, 30, *[max(8, len(c) + 2) for c in codes]], freeze_rows=1,
                 freeze_cols=2, autofilter=False)


def export(store: Store, output: Path, options: ExportOptions) -> str:
    """Write the workbook; nothing is written if a check fails."""
    material = table_material(store, options, "xlsx")
    findings = summarise(material, quotes=options.quotes)
    present = codes_by_unit(material.codings)
    sheets = [_quote_bank(material, findings), _codings_sheet(material),
              _matrix_sheet(material, present), _crosstab_sheet(findings),
              _cooccurrence_sheet(material, present)]
    write_with(output, lambda path: write_xlsx(path, sheets, title=findings.title))
    codings = len(material.reported_codings)
    return i18n._("wrote {path} (xlsx): {codings}, {units} x {codes}").format(
        path=output,
        codings=i18n.ngettext("{n} coding", "{n} codings", codings).format(
            n=formats.number(codings)),
        units=i18n.ngettext("{n} unit", "{n} units", len(material.units)).format(
            n=formats.number(len(material.units))),
        codes=i18n.ngettext("{n} code", "{n} codes", len(material.codes)).format(
            n=formats.number(len(material.codes))))
