"""Choosing a theme's quotes: pinned, key quotes, then a varied, readable pick."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import chain

from kodebog.findings.citations import attribution
from kodebog.findings.model import MIXED, CodingRecord, Quote, UnitRecord

_IDEAL = (60, 400)
"""Quote length (characters) that reads well in a report; others are chosen later."""


def _cut(unit: UnitRecord, start: int, end: int) -> tuple[bool, bool]:
    """Whether text was left out before and after a span (whitespace does not count)."""
    text = unit.text
    return (start > 0 and not text[:start].isspace(),
            end < len(text) and not text[end:].isspace())


def _quote(group: list[CodingRecord], pinned: bool) -> Quote:
    first = group[0]
    unit = first.unit
    before, after = _cut(unit, first.start, first.end)
    display = ("[…] " if before else "") + first.text.strip() + (" […]" if after else "")
    long, short = attribution(unit)
    person = unit.participant
    memo = next((c.memo for c in group if c.memo), None)
    valence = merged_valence(c.valence for c in group)
    return Quote(
        coding_id=first.id, text=first.text, display=display, cut_before=before,
        cut_after=after, key_quote=any(c.key_quote for c in group), pinned=pinned,
        citation=unit.citation, source=unit.source.name, source_short=unit.source.short_name,
        unit=unit.ordinal, start=first.start, end=first.end, timestamp=unit.timestamp,
        role=person.role if person else None, participant=person.label if person else None,
        attributes=dict(person.attributes) if person else {},
        coders=tuple(sorted({c.coder for c in group})), memo=memo, valence=valence,
        attribution=long, attribution_short=short,
    )


def merged_valence(values: Iterable[str | None]) -> str | None:
    """One valence for coders' codings of a span: theirs if they agree, else ``mixed``."""
    said = {v for v in values if v}
    if not said:
        return None
    return said.pop() if len(said) == 1 else MIXED


def _rank(group: list[CodingRecord]) -> int:
    """0 for a readable length (60-400 characters), 1 near it, 2 else; interviewer +3."""
    size = len(group[0].text)
    low, high = _IDEAL
    rank = 0 if low <= size <= high else 1 if low // 2 <= size <= high * 2 else 2
    person = group[0].unit.participant
    return rank + 3 if person is not None and person.role == "interviewer" else rank


def _who(group: list[CodingRecord]) -> tuple[str, str]:
    unit = group[0].unit
    person = unit.participant
    return unit.source.name, person.label if person is not None else f"#{unit.ordinal}"


def choose_quotes(codings: Sequence[CodingRecord], limit: int,
                  pinned: Sequence[int] = (), *, in_order: bool = False) -> list[Quote]:
    """At most ``limit`` quotes of one code's codings, one per span (coders merged).

    First the pinned codings (the finding's chosen quotes), then key quotes, then a varied
    pick: in passes, a new source and participant, then a new participant, then a new unit;
    within a pass, quotes of a readable length (60-400 characters) first, then by source
    name, unit and position. Interviewer turns come last. The order is deterministic.
    ``in_order`` says the codings are in (source name, unit, position) order already, as
    ``load_material`` gives them.
    """
    if limit <= 0:
        return []
    spans: dict[tuple[int, int, int], list[CodingRecord]] = defaultdict(list)
    keyed: set[tuple[int, int, int]] = set()
    for coding in codings:
        span = (coding.unit.id, coding.start, coding.end)
        spans[span].append(coding)
        if coding.key_quote:
            keyed.add(span)
    placed = list(spans.items())
    if not in_order:
        placed.sort(key=lambda kv: (kv[1][0].unit.source.name, kv[1][0].unit.ordinal,
                                    kv[1][0].start))
    groups = [group for _span, group in placed]
    buckets: list[list[int]] = [[] for _ in range(6)]
    key_buckets: list[list[int]] = [[] for _ in range(6)]
    for i, (span, group) in enumerate(placed):
        rank = _rank(group)
        buckets[rank].append(i)
        if span in keyed:
            key_buckets[rank].append(i)
    order = list(chain.from_iterable(buckets))
    key_quotes = list(chain.from_iterable(key_buckets))
    wanted: list[int] = []
    if pinned:
        first = {c.id: i for i, group in enumerate(groups) for c in group}
        wanted = list(dict.fromkeys(first[c] for c in pinned if c in first))
    chosen: list[int] = []
    sources: set[str] = set()
    people: set[tuple[str, str]] = set()
    units: set[tuple[str, int]] = set()

    def take(i: int) -> None:
        unit = groups[i][0].unit
        chosen.append(i)
        sources.add(unit.source.name)
        people.add(_who(groups[i]))
        units.add((unit.source.name, unit.ordinal))

    for i in wanted[:limit]:
        take(i)
    for i in key_quotes:
        if len(chosen) < limit and i not in chosen:
            take(i)
    for rule in range(4):
        for i in order:
            if len(chosen) >= limit:
                break
            unit = groups[i][0].unit
            if i in chosen or (rule == 0 and unit.source.name in sources):
                continue
            if rule < 3 and (unit.source.name, unit.ordinal) in units:
                continue
            if rule < 2 and _who(groups[i]) in people:
                continue
            take(i)
    return [_quote(groups[i], i in wanted) for i in chosen]
