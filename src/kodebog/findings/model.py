"""Findings' records: the material in scope and the themes, counts and quotes made of it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from kodebog.errors import KodebogError
from kodebog.privacy.guard import PersonalDataError as PersonalDataError  # re-exported

if TYPE_CHECKING:
    from kodebog.agreed import AgreedCoding

ROLE = "role"
"""The dimension name of the participant's role (``--where role=borger``)."""

ROLES = ("borger", "medarbejder", "leder", "interviewer")


def natural(value: str) -> tuple[Any, ...]:
    """Sort key: text case-folded, digit runs as numbers (``R2`` before ``R10``)."""
    return tuple(int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", value))


def citation(short: str, ordinal: int, timestamp: str | None = None) -> str:
    """``SHORT:UNIT`` plus `` [hh:mm:ss]`` when the unit has a timestamp."""
    return f"{short}:{ordinal}" + (f" [{timestamp}]" if timestamp else "")


class QuoteError(KodebogError):
    """A coding's stored quote is not verbatim in its source text."""


# --- records ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filters:
    """What part of the project to summarise; empty means everything."""

    coder: str | None = None
    codes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    where: Mapping[str, str] = field(default_factory=dict)
    agreed: bool = False
    """Count the agreed coding (``kodebog.agreed``) of ``coders`` instead of raw codings."""
    coders: tuple[str, ...] = ()
    """The coders whose agreed coding is counted (default: every coder but the consensus)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {"coder": self.coder, "codes": list(self.codes), "sources": list(self.sources),
                "where": dict(self.where), "agreed": self.agreed, "coders": list(self.coders)}


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A source as findings cite it; ``display`` is its name as words (for attributions)."""

    id: int
    name: str
    short_name: str
    kind: str
    display: str = ""


class ParticipantRef(NamedTuple):
    """A participant: label, role, background attributes and the groups they make.

    ``profile`` numbers the distinct (role, attributes) combinations of a load, so groups
    can be counted per combination instead of per person.
    """

    id: int
    label: str
    role: str | None
    attributes: Mapping[str, str]
    groups: tuple[tuple[str, str], ...] = ()
    profile: int = 0


class UnitRecord(NamedTuple):
    """A unit in scope with its source and participant."""

    id: int
    source: SourceRef
    ordinal: int
    start: int
    end: int
    text: str
    speaker: str | None
    timestamp: str | None
    participant: ParticipantRef | None

    @property
    def citation(self) -> str:
        """``FG-borgere-aarhus:12 [00:14:03]``: short name, unit number, timestamp if any."""
        return citation(self.source.short_name, self.ordinal, self.timestamp)


class CodingRecord(NamedTuple):
    """A coding in scope."""

    id: int
    unit: UnitRecord
    code: str
    coder: str
    start: int
    end: int
    text: str
    memo: str | None
    key_quote: bool
    origin: str
    valence: str | None = None


@dataclass(frozen=True, slots=True)
class CodeRef:
    """A code with its place in the codebook and its definition."""

    id: str
    label: str
    parent: str | None
    depth: int
    description: str
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    retired: bool


@dataclass(frozen=True, slots=True)
class Statement:
    """The analyst's finding for a code."""

    text: str
    version: int
    updated_by: str | None
    updated_at: str | None
    pinned: tuple[int, ...]


@dataclass
class Material:
    """Everything in scope, loaded once and verified: the input of every export."""

    title: str
    filters: Filters
    codes: list[CodeRef]
    all_codes: dict[str, CodeRef]
    sources: list[SourceRef]
    units: list[UnitRecord]
    codings: list[CodingRecord]  # by source name, unit, start, end, code, coder
    coders: list[str]
    statements: dict[str, Statement]
    dimensions: list[str]
    agreed: AgreedCoding | None = None

    @property
    def reported_codings(self) -> list[CodingRecord]:
        """The codings of the reported codes (``codings`` holds every code, for co-occurrence)."""
        wanted = {code.id for code in self.codes}
        return [c for c in self.codings if c.code in wanted]


@dataclass(frozen=True, slots=True)
class GroupTotal:
    """A group of the scope (a role, or an attribute value) and its size."""

    dimension: str
    value: str
    units: int
    participants: int


@dataclass(frozen=True, slots=True)
class GroupCount:
    """A theme in one group: units and participants, and the group's totals."""

    dimension: str
    value: str
    units: int
    participants: int
    units_total: int
    participants_total: int

    @property
    def unit_share(self) -> float:
        """Share of the group's units with the theme, 0..1."""
        return self.units / self.units_total if self.units_total else 0.0

    @property
    def participant_share(self) -> float:
        """Share of the group's participants with the theme, 0..1."""
        return self.participants / self.participants_total if self.participants_total else 0.0


@dataclass(frozen=True, slots=True)
class CoOccurrence:
    """Another code on the same units, and on how many."""

    code: str
    label: str
    units: int


@dataclass(frozen=True, slots=True)
class Quote:
    """A verbatim quote with its citation and attribution."""

    coding_id: int
    text: str
    display: str
    cut_before: bool
    cut_after: bool
    key_quote: bool
    pinned: bool
    citation: str
    source: str
    source_short: str
    unit: int
    start: int
    end: int
    timestamp: str | None
    role: str | None
    participant: str | None
    attributes: Mapping[str, str]
    coders: tuple[str, ...]
    memo: str | None
    attribution: str
    attribution_short: str
    valence: str | None = None


WORKS_WELL = "positive"
WORKS_LESS_WELL = "negative"
MIXED = "mixed"


@dataclass(frozen=True, slots=True)
class ValenceSide:
    """One side of a theme: what works well (``positive``) or less well (``negative``).

    A coding of valence ``mixed`` counts on both sides.
    """

    valence: str
    units: int
    participants: int
    codings: int
    quotes: tuple[Quote, ...]


@dataclass(frozen=True, slots=True)
class Theme:
    """One code's findings."""

    code: CodeRef
    statement: Statement | None
    units: int
    participants: int
    sources: int
    codings: int
    groups: tuple[GroupCount, ...]
    co_occurring: tuple[CoOccurrence, ...]
    quotes: tuple[Quote, ...]
    sides: tuple[ValenceSide, ...] = ()
    """Works well / less well, when any coding of the theme has a valence."""
    key_quotes_left_out: int = 0
    """Key quotes (spans) that did not fit in ``quotes``."""


@dataclass(frozen=True, slots=True)
class Scope:
    """The filtered material the counts are shares of."""

    filters: Filters
    sources: tuple[SourceRef, ...]
    units: int
    participants: int
    coders: tuple[str, ...]
    codings: int
    groups: tuple[GroupTotal, ...]
    agreed: AgreedCoding | None = None


@dataclass(frozen=True, slots=True)
class Findings:
    """The findings of a project (or a filtered part of it), theme by theme."""

    title: str
    scope: Scope
    themes: tuple[Theme, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON, as described by ``docs/findings.schema.json``."""
        return {
            "schema": "kodebog.findings/1",
            "title": self.title,
            "scope": _scope_dict(self.scope),
            "themes": [_theme_dict(theme, self.scope) for theme in self.themes],
        }


def _scope_dict(scope: Scope) -> dict[str, Any]:
    return {
        "filters": scope.filters.to_dict(),
        "sources": [{"name": s.name, "short_name": s.short_name, "kind": s.kind}
                    for s in scope.sources],
        "units": scope.units,
        "participants": scope.participants,
        "coders": list(scope.coders),
        "codings": scope.codings,
        "groups": [asdict(g) for g in scope.groups],
        "agreed": None if scope.agreed is None else {
            "coders": list(scope.agreed.coders), "rule": scope.agreed.rule,
            **scope.agreed.counts()},
    }


def _theme_dict(theme: Theme, scope: Scope) -> dict[str, Any]:
    code = theme.code
    return {
        "code": code.id,
        "label": code.label,
        "parent": code.parent,
        "depth": code.depth,
        "description": code.description,
        "include": list(code.include),
        "exclude": list(code.exclude),
        "finding": None if theme.statement is None else {
            "statement": theme.statement.text,
            "version": theme.statement.version,
            "updated_by": theme.statement.updated_by,
            "updated_at": theme.statement.updated_at,
        },
        "units": theme.units,
        "participants": theme.participants,
        "sources": theme.sources,
        "codings": theme.codings,
        "unit_share": round(theme.units / scope.units, 4) if scope.units else 0.0,
        "participant_share": (round(theme.participants / scope.participants, 4)
                              if scope.participants else 0.0),
        "groups": [
            {**asdict(g), "unit_share": round(g.unit_share, 4),
             "participant_share": round(g.participant_share, 4)}
            for g in theme.groups
        ],
        "co_occurring": [asdict(c) for c in theme.co_occurring],
        "quotes": [_quote_dict(q) for q in theme.quotes],
        "sides": [
            {"valence": side.valence, "units": side.units, "participants": side.participants,
             "codings": side.codings, "quotes": [_quote_dict(q) for q in side.quotes]}
            for side in theme.sides
        ],
        "key_quotes_left_out": theme.key_quotes_left_out,
    }


def _quote_dict(quote: Quote) -> dict[str, Any]:
    return {**asdict(quote), "attributes": dict(quote.attributes), "coders": list(quote.coders)}
