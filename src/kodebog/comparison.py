"""Project-level coder comparison: per-code agreement tables and the disagreements behind them.

Which units count: a source is compared when every chosen coder has coded it, that is, has
marked it done or has at least one coding in it. Coders work through a source in order, so a
coder who has not marked a source done is taken to have read it up to the last unit they
coded; the units compared are those every chosen coder has read (a unit none of them coded
counts as agreement on absence).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from kodebog.agreement import Stat, cohen_kappa, krippendorff_alpha, percent_agreement
from kodebog.double_coded import read_up_to, shared_units
from kodebog.errors import ProjectError
from kodebog.i18n import N_, _, translate
from kodebog.store.models import Code, Coder, Coding, Source, Unit

RULE = N_("a source counts when every chosen coder has marked it done or coded at least one "
        "unit in it; its units are compared up to the last unit every coder has read "
        "(all units once marked done, else up to the last unit each coded)")
"""The rule of which units are compared (marked: ``translate`` it where it is shown)."""


def _value(stat: Stat) -> float | None:
    return None if math.isnan(stat.value) else round(stat.value, 4)


@dataclass
class CodeAgreement:
    """Agreement on one code (or, for ``code == "*"``, pooled over all codes)."""

    code: str
    label: str
    units: int
    counts: dict[str, int]
    percent: float | None
    kappa: dict[str, float | None]
    alpha: float | None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return asdict(self)


@dataclass
class CharacterAgreement:
    """NVivo-style character-level agreement of two coders on one code in one source."""

    code: str
    source: str
    coders: tuple[str, str]
    characters: int
    a_only: int
    b_only: int
    both: int
    percent: float
    kappa: float

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return asdict(self)


@dataclass
class Comparison:
    """The result of ``kodebog agree``."""

    coders: list[str]
    sources: list[str]
    rule: str
    by: str
    codes: list[CodeAgreement] = field(default_factory=list)
    overall: CodeAgreement | None = None
    characters: list[CharacterAgreement] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "coders": self.coders, "sources": self.sources, "rule": self.rule, "by": self.by,
            "codes": [c.to_dict() for c in self.codes],
            "overall": self.overall.to_dict() if self.overall else None,
            "characters": [c.to_dict() for c in self.characters],
        }


@dataclass(frozen=True)
class Scope:
    """What to compare: coder ids by name, the shared sources, their units and the codes."""

    coder_ids: dict[str, int]
    sources: dict[int, str]
    unit_ids: list[int]
    codes: list[tuple[str, str]]  # (id, label) in codebook order


def resolve_scope(
    session: Session, coders: list[str], sources: list[str] | None = None,
    codes: list[str] | None = None,
) -> Scope:
    """Check the names and find the sources every coder has coded."""
    if len(coders) < 2 or len(set(coders)) != len(coders):
        raise ProjectError(_("--coders needs two or more different coder names, e.g. anna,bo"))
    found = dict(session.execute(select(Coder.name, Coder.id).where(Coder.name.in_(coders))).all())
    missing = [c for c in coders if c not in found]
    if missing:
        known = ", ".join(session.scalars(select(Coder.name).order_by(Coder.name)))
        raise ProjectError(_("unknown coder(s) {missing}; the project has: {known}").format(
            missing=", ".join(missing), known=known))
    all_sources = dict(session.execute(select(Source.name, Source.id)).all())
    if sources:
        unknown = [s for s in sources if s not in all_sources]
        if unknown:
            raise ProjectError(_("no source named {names}; the project has: {known}").format(
                names=", ".join(unknown), known=", ".join(sorted(all_sources))))
        candidates = {all_sources[s] for s in sources}
    else:
        candidates = set(all_sources.values())
    coder_ids = set(found.values())
    shared = {sid: last for sid, last in read_up_to(session, coder_ids).items()
              if sid in candidates}
    names = {sid: name for name, sid in all_sources.items() if sid in shared}
    unit_ids = shared_units(session, shared)
    code_rows: list[tuple[str, str]] = [
        (code_id, label) for code_id, label in session.execute(
            select(Code.id, Code.label).where(Code.retired.is_(False)).order_by(Code.position)
        )
    ]
    if codes:
        known_codes = {c for c, _label in code_rows}
        unknown = [c for c in codes if c not in known_codes]
        if unknown:
            raise ProjectError(_("unknown code(s) {codes}; the codebook has: {known}").format(
                codes=", ".join(unknown), known=", ".join(sorted(known_codes))))
        code_rows = [(c, label) for c, label in code_rows if c in codes]
    return Scope({c: found[c] for c in coders}, names, unit_ids, list(code_rows))


def presence(session: Session, scope: Scope) -> dict[str, np.ndarray]:
    """Per code, a coders x units 0/1 matrix: did the coder apply the code to the unit."""
    codes = {code: i for i, (code, _label) in enumerate(scope.codes)}
    coder_row = {coder_id: i for i, coder_id in enumerate(scope.coder_ids.values())}
    cube = np.zeros((len(codes), len(coder_row), len(scope.unit_ids)), dtype=np.int8)
    if scope.unit_ids and codes:
        query = (
            select(Coding.unit_id, Coding.code_id, Coding.coder_id)
            .join(Unit, Unit.id == Coding.unit_id)
            .where(Unit.source_id.in_(scope.sources), Coding.coder_id.in_(coder_row))
        )
        rows = session.connection().execute(query).all()
        if rows:
            unit_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            code_index = np.fromiter((codes.get(r[1], -1) for r in rows), dtype=np.int64,
                                     count=len(rows))
            coder_index = np.fromiter((coder_row[r[2]] for r in rows), dtype=np.int64,
                                      count=len(rows))
            order = np.asarray(scope.unit_ids, dtype=np.int64)
            sorter = np.argsort(order)
            position = np.searchsorted(order, unit_ids, sorter=sorter)
            position = np.clip(position, 0, len(order) - 1)
            column = sorter[position]
            keep = (order[column] == unit_ids) & (code_index >= 0)
            cube[code_index[keep], coder_index[keep], column[keep]] = 1
    return {code: cube[i] for code, i in codes.items()}


def binary_stats(matrix: np.ndarray) -> tuple[Stat, list[Stat], Stat] | None:
    """Percent agreement, pairwise Cohen's kappa and nominal alpha for complete 0/1 data.

    Closed forms over counts (numbers equal to the general functions in ``agreement``, which
    a test checks); None when the general functions are needed instead (no variation, or
    fewer than two units), so their reasons are kept.
    """
    coders, units = matrix.shape
    ones = int(matrix.sum())
    total = coders * units
    if units < 2 or ones in (0, total):
        return None
    per_unit = matrix.sum(axis=0, dtype=np.int64)
    agree = int(np.count_nonzero((per_unit == 0) | (per_unit == coders)))
    percent = Stat(agree / units, None, units, total)
    kappas = []
    for i, j in combinations(range(coders), 2):
        x, y = matrix[i].astype(bool), matrix[j].astype(bool)
        both = int(np.count_nonzero(x & y))
        x_ones, y_ones = int(np.count_nonzero(x)), int(np.count_nonzero(y))
        neither = units - x_ones - y_ones + both
        observed = (both + neither) / units
        expected = (x_ones * y_ones + (units - x_ones) * (units - y_ones)) / (units * units)
        if expected >= 1.0:
            return None
        kappas.append(Stat((observed - expected) / (1 - expected), None, units, 2 * units))
    disagreeing = float(np.sum(per_unit * (coders - per_unit)))
    zeros = total - ones
    alpha = 1 - (total - 1) * disagreeing / ((coders - 1) * zeros * ones)
    return percent, kappas, Stat(alpha, None, units, total)


def _agreement(code: str, label: str, matrix: np.ndarray, coders: list[str]) -> CodeAgreement:
    pairs = [f"{a}|{b}" for a, b in combinations(coders, 2)]
    fast = binary_stats(matrix)
    if fast is not None:
        percent, kappas, alpha = fast
    else:
        percent = percent_agreement(matrix)
        kappas = [cohen_kappa(matrix[[i, j]]) for i, j in combinations(range(len(coders)), 2)]
        alpha = krippendorff_alpha(matrix, "nominal")
    notes = [f"kappa {pair}: {stat.reason}" for pair, stat in zip(pairs, kappas, strict=True)
             if stat.reason]
    if alpha.reason:
        notes.append(f"alpha: {alpha.reason}")
    return CodeAgreement(
        code=code, label=label, units=int(matrix.shape[1]),
        counts={c: int(matrix[i].sum()) for i, c in enumerate(coders)},
        percent=_value(percent),
        kappa={pair: _value(stat) for pair, stat in zip(pairs, kappas, strict=True)},
        alpha=_value(alpha), notes=notes,
    )


def compare_coders(
    session: Session, coders: list[str], sources: list[str] | None = None,
    codes: list[str] | None = None, by: str = "unit",
) -> Comparison:
    """Agreement per code over the shared sources, plus a pooled overall line."""
    scope = resolve_scope(session, coders, sources, codes)
    result = Comparison(coders=coders, sources=sorted(scope.sources.values()),
                        rule=translate(RULE), by=by)
    if by == "character":
        result.characters = character_agreement(session, scope)
        return result
    matrices = presence(session, scope)
    for code, label in scope.codes:
        result.codes.append(_agreement(code, label, matrices[code], coders))
    if matrices:
        pooled = np.concatenate([matrices[c] for c, _label in scope.codes], axis=1)
        result.overall = _agreement("*", "alle koder", pooled, coders)
    return result


def _merged(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    total = i = j = 0
    while i < len(a) and j < len(b):
        low, high = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        total += max(0, high - low)
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def character_kappa(length: int, a_len: int, b_len: int, both: int) -> tuple[float, float]:
    """(percent agreement, kappa) over ``length`` characters, as NVivo computes them.

    When chance agreement is total (neither or both coders coded everything), kappa is 1,
    as NVivo reports it.
    """
    if length <= 0:
        return 100.0, 1.0
    a_only, b_only = a_len - both, b_len - both
    neither = length - both - a_only - b_only
    observed = (both + neither) / length
    expected = (a_len * b_len + (length - a_len) * (length - b_len)) / (length * length)
    kappa = 1.0 if expected >= 1.0 else (observed - expected) / (1.0 - expected)
    return round(observed * 100, 2), round(kappa, 4)


def character_agreement(session: Session, scope: Scope) -> list[CharacterAgreement]:
    """Per code, source and pair of coders, NVivo's character-level comparison."""
    spans: dict[tuple[str, int, int], list[tuple[int, int]]] = {}
    query = (
        select(Coding.code_id, Unit.source_id, Coding.coder_id,
               Unit.start + Coding.start, Unit.start + Coding.end)
        .join(Unit, Unit.id == Coding.unit_id)
        .where(Unit.source_id.in_(scope.sources), Coding.coder_id.in_(scope.coder_ids.values()))
    )
    for code, source_id, coder_id, start, end in session.execute(query):
        spans.setdefault((code, source_id, coder_id), []).append((start, end))
    lengths = dict(session.execute(
        select(Source.id, Source.text).where(Source.id.in_(scope.sources))).all())
    results = []
    names = list(scope.coder_ids)
    for code, _label in scope.codes:
        for source_id, source_name in sorted(scope.sources.items(), key=lambda s: s[1]):
            length = len(lengths[source_id])
            for a, b in combinations(names, 2):
                first = _merged(spans.get((code, source_id, scope.coder_ids[a]), []))
                second = _merged(spans.get((code, source_id, scope.coder_ids[b]), []))
                a_len = sum(e - s for s, e in first)
                b_len = sum(e - s for s, e in second)
                both = _overlap(first, second)
                percent, kappa = character_kappa(length, a_len, b_len, both)
                results.append(CharacterAgreement(
                    code=code, source=source_name, coders=(a, b), characters=length,
                    a_only=a_len - both, b_only=b_len - both, both=both,
                    percent=percent, kappa=kappa,
                ))
    return results


@dataclass
class Disagreement:
    """A unit where the coders differ on a code, with what each of them applied."""

    code: str
    source: str
    unit: int
    unit_id: int
    text: str
    speaker: str | None
    has_code: dict[str, bool]
    codings: dict[str, list[dict[str, Any]]]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return asdict(self)


def disagreements(
    session: Session, coders: list[str], codes: list[str] | None = None,
    sources: list[str] | None = None,
) -> list[Disagreement]:
    """Units of the shared sources where the coders do not all agree on a code."""
    scope = resolve_scope(session, coders, sources, codes)
    matrices = presence(session, scope)
    disputed: dict[int, list[str]] = {}
    for code, _label in scope.codes:
        matrix = matrices[code]
        differ = np.nonzero(matrix.min(axis=0) != matrix.max(axis=0))[0]
        for column in differ:
            disputed.setdefault(scope.unit_ids[int(column)], []).append(code)
    if not disputed:
        return []
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(disputed)))}
    by_coder = {v: k for k, v in scope.coder_ids.items()}
    details: dict[tuple[int, str], dict[str, list[dict[str, Any]]]] = {}
    for coding in session.scalars(
        select(Coding).where(Coding.unit_id.in_(disputed),
                             Coding.coder_id.in_(scope.coder_ids.values()))
        .order_by(Coding.start)
    ):
        entry = details.setdefault((coding.unit_id, coding.code_id), {c: [] for c in coders})
        entry[by_coder[coding.coder_id]].append(
            {"start": coding.start, "end": coding.end, "text": coding.text, "memo": coding.memo})
    result = []
    order = {code: i for i, (code, _l) in enumerate(scope.codes)}
    for unit_id, codes_here in disputed.items():
        unit = units[unit_id]
        for code in codes_here:
            entry = details.get((unit_id, code), {c: [] for c in coders})
            result.append(Disagreement(
                code=code, source=scope.sources[unit.source_id], unit=unit.ordinal,
                unit_id=unit_id, text=unit.text, speaker=unit.speaker,
                has_code={c: bool(entry[c]) for c in coders}, codings=entry,
            ))
    result.sort(key=lambda d: (order[d.code], d.source, d.unit))
    return result
