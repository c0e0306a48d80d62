"""Counting: themes per group, co-occurrence, scope totals; ``build_findings`` ties it up."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain

from sqlalchemy.orm import Session

from kodebog.findings.material import load_material
from kodebog.findings.model import (
    MIXED,
    ROLE,
    ROLES,
    WORKS_LESS_WELL,
    WORKS_WELL,
    CodingRecord,
    CoOccurrence,
    Filters,
    Findings,
    GroupCount,
    GroupTotal,
    Material,
    Quote,
    Scope,
    Theme,
    UnitRecord,
    ValenceSide,
    natural,
)
from kodebog.findings.quotes import choose_quotes

_SCALES = (
    ("meget tilfreds", "tilfreds", "hverken eller", "hverken tilfreds eller utilfreds",
     "utilfreds", "meget utilfreds"),
    ("under 1 år", "1-2 år", "over 2 år"),
)
"""Known ordered answer scales; other values sort alphabetically (numbers naturally)."""

def order_values(dimension: str, values: Iterable[str]) -> list[str]:
    """A dimension's values in reading order: roles, known scales, else natural order."""
    distinct = list(dict.fromkeys(values))
    if dimension == ROLE:
        return sorted(distinct, key=lambda v: (ROLES.index(v) if v in ROLES else 99, natural(v)))
    folded = {v: v.casefold() for v in distinct}
    for scale in _SCALES:
        if set(folded.values()) <= set(scale):
            return sorted(distinct, key=lambda v: scale.index(folded[v]))
    return sorted(distinct, key=natural)


def _group_counts(units: Iterable[UnitRecord]) -> tuple[Counter[tuple[str, str]],
                                                       Counter[tuple[str, str]], int]:
    """(units per group, participants per group, participants) of some units."""
    persons = [u.participant for u in units if u.participant is not None]
    distinct = {p.id: p for p in persons}
    groups = {p.profile: p.groups for p in persons}
    return (_expand(Counter(p.profile for p in persons), groups),
            _expand(Counter(p.profile for p in distinct.values()), groups), len(distinct))


def _expand(per_profile: Counter[int], groups: Mapping[int, tuple[tuple[str, str], ...]]
            ) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for profile, n in per_profile.items():
        for group in groups[profile]:
            counts[group] += n
    return counts


def _totals(material: Material) -> list[GroupTotal]:
    units, people, _n = _group_counts(material.units)
    totals = []
    for dim in material.dimensions:
        for value in order_values(dim, (v for d, v in units if d == dim)):
            totals.append(GroupTotal(dim, value, units[(dim, value)], people[(dim, value)]))
    return totals


SIDE_QUOTES = 3
"""Quotes per side (works well / less well) of a theme, at most."""


def _sides(codings: Sequence[CodingRecord], quotes: int) -> tuple[ValenceSide, ...]:
    """Works well / less well of a theme's codings; empty when none has a valence."""
    if not any(c.valence for c in codings):
        return ()
    sides = []
    for valence in (WORKS_WELL, WORKS_LESS_WELL):
        these = [c for c in codings if c.valence in (valence, MIXED)]
        people = {c.unit.participant.id for c in these if c.unit.participant is not None}
        sides.append(ValenceSide(
            valence=valence, units=len({c.unit.id for c in these}), participants=len(people),
            codings=len(these), quotes=tuple(choose_quotes(these, quotes, in_order=True))))
    return tuple(sides)


def _key_quotes_left_out(codings: Sequence[CodingRecord], chosen: Sequence[Quote]) -> int:
    """How many key-quote spans of a theme are not among its chosen quotes."""
    keyed = {(c.unit.source.name, c.unit.ordinal, c.start, c.end) for c in codings
             if c.key_quote}
    shown = {(q.source, q.unit, q.start, q.end) for q in chosen}
    return len(keyed - shown)


def summarise(material: Material, *, quotes: int = 5) -> Findings:
    """Count, compare and quote each reported code of ``material``."""
    totals = _totals(material)
    position = {c: i for i, c in enumerate(material.all_codes)}
    codes_by_unit: dict[int, set[str]] = defaultdict(set)
    by_code: dict[str, list[CodingRecord]] = defaultdict(list)
    for coding in material.codings:
        codes_by_unit[coding.unit.id].add(coding.code)
        by_code[coding.code].append(coding)

    themes = []
    for code in material.codes:
        codings = by_code.get(code.id, [])
        units = {c.unit.id: c.unit for c in codings}
        group_units, group_people, people = _group_counts(units.values())
        together = Counter(chain.from_iterable(codes_by_unit[u] for u in units))
        del together[code.id]
        used_dims = {dim for dim, _value in group_units}
        groups = tuple(
            GroupCount(t.dimension, t.value, group_units[(t.dimension, t.value)],
                       group_people[(t.dimension, t.value)], t.units, t.participants)
            for t in totals if t.dimension in used_dims
        )
        co = tuple(
            CoOccurrence(other, material.all_codes[other].label, n)
            for other, n in sorted(together.items(), key=lambda kv: (-kv[1], position[kv[0]]))
        )
        statement = material.statements.get(code.id)
        chosen = tuple(choose_quotes(codings, quotes, statement.pinned if statement else (),
                                     in_order=True))
        themes.append(Theme(
            code=code, statement=statement, units=len(units), participants=people,
            sources=len({u.source.id for u in units.values()}), codings=len(codings),
            groups=groups, co_occurring=co, quotes=chosen,
            sides=_sides(codings, min(quotes, SIDE_QUOTES)),
            key_quotes_left_out=_key_quotes_left_out(codings, chosen),
        ))
    scope = Scope(
        filters=material.filters,
        sources=tuple(material.sources),
        units=len(material.units),
        participants=len({u.participant.id for u in material.units if u.participant}),
        coders=tuple(material.coders),
        codings=len(material.reported_codings),
        groups=tuple(totals),
        agreed=material.agreed,
    )
    return Findings(title=material.title, scope=scope, themes=tuple(themes))


def build_findings(
    session: Session,
    *,
    coder: str | None = None,
    codes: Sequence[str] | None = None,
    sources: Sequence[str] | None = None,
    where: Mapping[str, str] | None = None,
    quotes: int = 5,
    agreed: bool = False,
    coders: Sequence[str] = (),
) -> Findings:
    """Findings per code in codebook order; QuoteError if any coding in scope is not verbatim.

    Counts use every coder's codings (or only ``coder``'s), one per unit and code. ``where``
    keeps units of participants whose attribute (or ``role``) equals the value. ``agreed``
    counts the agreed coding of ``coders`` (``kodebog.agreed``) instead.
    """
    filters = Filters(coder=coder, codes=tuple(codes or ()), sources=tuple(sources or ()),
                      where=dict(where or {}), agreed=agreed, coders=tuple(coders))
    return summarise(load_material(session, filters), quotes=quotes)
