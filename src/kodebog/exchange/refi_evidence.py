"""Which offset convention each source uses, judged against the whole file.

A source with plenty of evidence (selection names that match, or many boundaries between
words) decides for itself. A source with thin evidence (say one selection without a name)
takes the convention the decisive sources of the same file agree on. Where that still leaves
more than one placement possible, the chosen one is kept and every selection it affects is
flagged, so no coding is misplaced silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kodebog.exchange.refi_offsets import (
    NEWLINES,
    UNITS,
    Convention,
    Hint,
    Mapping,
    TextMap,
)

NAME_MARGIN = 1
"""A class of conventions decides when its selection names match this many more times."""

BOUNDARY_MARGIN = 3
"""...or, without names, when this many more boundaries fall between words (one selection
gives at most 2, so one selection alone never decides by boundaries)."""

ALL_CONVENTIONS: tuple[Convention, ...] = tuple(
    Convention(unit, newlines, bom)
    for bom in (False, True) for newlines in NEWLINES for unit in UNITS
)
"""Every convention, most likely first."""

Numbered = Sequence[tuple[int, int, Hint | None]]


@dataclass
class Choice:
    """Conventions that place every selection of one source identically."""

    conventions: list[Convention]
    mapping: Mapping
    spans: tuple[tuple[int, int] | None, ...]
    matches: int
    plausible: int
    rank: int

    @property
    def score(self) -> tuple[int, int, int]:
        """Higher is better: names matched, clean boundaries, then the likelier convention."""
        return self.matches, self.plausible, -self.rank


@dataclass
class Assessment:
    """A source's own evidence: each distinct placement and how well it fits."""

    text_map: TextMap
    choices: list[Choice] = field(default_factory=list)

    @property
    def best(self) -> Choice | None:
        """The choice that fits this source best on its own evidence."""
        return max(self.choices, key=lambda c: c.score, default=None)

    @property
    def decisive(self) -> bool:
        """Whether the source's own evidence settles its convention."""
        ranked = sorted(self.choices, key=lambda c: c.score, reverse=True)
        if len(ranked) < 2:
            return True
        best, second = ranked[0], ranked[1]
        if best.matches - second.matches >= NAME_MARGIN:
            return True
        return best.matches == second.matches and (
            best.plausible - second.plausible >= BOUNDARY_MARGIN
        )

    def choice_of(self, convention: Convention) -> Choice | None:
        """The choice that ``convention`` falls in for this text."""
        canonical = self.text_map.canonical(convention)
        return next((c for c in self.choices if canonical in c.conventions), None)

    def consistent(self) -> set[Convention]:
        """Every convention (of all) that places this source's selections like its best."""
        best = self.best
        return {c for c in ALL_CONVENTIONS if best is not None and self.choice_of(c) is best}


def _plausible(text: str, start: int, end: int) -> int:
    """Boundaries (0-2) that do not cut through a word."""

    def clean(i: int) -> bool:
        return i <= 0 or i >= len(text) or not (text[i - 1].isalnum() and text[i].isalnum())

    return clean(start) + clean(end)


def assess(text_map: TextMap, selections: Numbered) -> Assessment:
    """Score every convention that makes a difference for this text, grouped by placement."""
    found = Assessment(text_map)
    if not text_map.exact:
        return found
    by_spans: dict[tuple[tuple[int, int] | None, ...], Choice] = {}
    text = text_map.text
    for rank, convention in enumerate(text_map.conventions()):
        mapping = text_map.mapping(convention)
        spans: list[tuple[int, int] | None] = []
        matches = plausible = 0
        for start, end, hint in selections:
            span = mapping.span(start, end)
            if span is None or not span[2] or span[1] <= span[0]:
                spans.append(None)
                continue
            spans.append((span[0], span[1]))
            plausible += _plausible(text, span[0], span[1])
            if hint is not None and hint.matches(text[span[0] : span[1]]):
                matches += 1
        key = tuple(spans)
        if key in by_spans:
            by_spans[key].conventions.append(convention)
        else:
            by_spans[key] = Choice([convention], mapping, key, matches, plausible, rank)
    found.choices = list(by_spans.values())
    return found


@dataclass(frozen=True)
class Decision:
    """The convention a source's selections are read with, and which of them to flag."""

    mapping: Mapping | None
    how: str  # own | file | guess | none
    doubtful: dict[int, str] = field(default_factory=dict)  # selection index -> why


def file_conventions(assessments: Sequence[Assessment]) -> set[Convention] | None:
    """The conventions every decisive source of the file agrees with; None if none decides."""
    agreed: set[Convention] | None = None
    for found in assessments:
        if found.choices and found.decisive and len(found.choices) > 1:
            consistent = found.consistent()
            agreed = consistent if agreed is None else agreed & consistent
    return agreed


def decide(found: Assessment, agreed: set[Convention] | None, selections: Numbered) -> Decision:
    """Read a source by its own evidence, else by the file's; flag what stays ambiguous."""
    best = found.best
    if best is None:
        return Decision(None, "none")
    if found.decisive:
        return Decision(best.mapping, "own")
    pool = agreed if agreed else set(ALL_CONVENTIONS)
    candidates = [c for c in found.choices if any(v in c.conventions for v in
                                                  (found.text_map.canonical(p) for p in pool))]
    if not candidates:  # the file agrees on something this text cannot have: own best
        candidates = list(found.choices)
    chosen = max(candidates, key=lambda c: c.score)
    how = "file" if agreed and len(candidates) == 1 else "guess"
    doubtful: dict[int, str] = {}
    text = found.text_map.text
    for index, (_start, _end, hint) in enumerate(selections):
        mine = chosen.spans[index]
        if mine is not None and hint is not None and hint.matches(text[mine[0] : mine[1]]):
            continue  # its name confirms the position
        others = [c for c in candidates if c is not chosen and c.spans[index] != mine]
        if others:
            other = others[0]
            span = other.spans[index]
            elsewhere = (f"“{_short(text[span[0]:span[1]])}”" if span is not None
                         else "outside the text")
            doubtful[index] = (
                f"offset convention uncertain: read as {chosen.conventions[0].describe()}; "
                f"as {other.conventions[0].describe()} it would be {elsewhere}"
            )
    return Decision(chosen.mapping, how, doubtful)


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
