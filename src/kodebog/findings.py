"""Themes to findings: counts per group, co-occurrence and verified, attributed quotes."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kodebog.errors import KodebogError, ProjectError
from kodebog.privacy import describe, find_personal_data
from kodebog.store import Store
from kodebog.store.models import (
    Code,
    Coder,
    Coding,
    Event,
    Finding,
    Participant,
    Source,
    Unit,
    utcnow,
)

ROLE = "role"
"""The dimension name of the participant's role (``--where role=borger``)."""

ROLES = ("borger", "medarbejder", "leder", "interviewer")

KIND_PREFIX = {"focus_group": "FG", "interview": "INT", "survey": "SP", "document": "DOK"}
"""First part of a source's short name, by kind (SP = spørgeskema)."""

_KIND_WORDS = frozenset(
    {"fokusgruppe", "fokusgrupper", "focusgroup", "focus", "fg", "interview", "interviews",
     "int", "survey", "spørgeskema", "sp", "dokument", "document", "dok", "doc"}
)
_SHORT_MAX = 40
_SCALES = (
    ("meget tilfreds", "tilfreds", "hverken eller", "hverken tilfreds eller utilfreds",
     "utilfreds", "meget utilfreds"),
    ("under 1 år", "1-2 år", "over 2 år"),
)
"""Known ordered answer scales; other values sort alphabetically (numbers naturally)."""

_ATTRIBUTION_ATTRIBUTES = 2
"""How many background attributes a survey respondent's attribution shows."""

_IDEAL = (60, 400)
"""Quote length (characters) that reads well in a report; others are chosen later."""


class QuoteError(KodebogError):
    """A coding's stored quote is not verbatim in its source text."""


class PersonalDataError(KodebogError):
    """Text about to leave the tool contains personal data."""


# --- records ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filters:
    """What part of the project to summarise; empty means everything."""

    coder: str | None = None
    codes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    where: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {"coder": self.coder, "codes": list(self.codes), "sources": list(self.sources),
                "where": dict(self.where)}


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A source as findings cite it."""

    id: int
    name: str
    short_name: str
    kind: str

    @property
    def display(self) -> str:
        """The name as words, for attributions: ``fokusgruppe borgere aarhus``."""
        return " ".join(_words(self.name)) or self.name


@dataclass(frozen=True, slots=True)
class ParticipantRef:
    """A participant: label, role and background attributes."""

    id: int
    label: str
    role: str | None
    attributes: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class UnitRecord:
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


@dataclass(frozen=True, slots=True)
class CodingRecord:
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
    codings: list[CodingRecord]
    coders: list[str]
    statements: dict[str, Statement]
    dimensions: list[str]

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
        "quotes": [
            {**asdict(q), "attributes": dict(q.attributes), "coders": list(q.coders)}
            for q in theme.quotes
        ],
    }


# --- citations -------------------------------------------------------------------------------


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s_.\-]+", name) if w]


def short_name(name: str, kind: str) -> str:
    """A source's short name for citations: kind prefix + the name's words, hyphenated.

    ``fokusgruppe_borgere_aarhus`` (focus group) -> ``FG-borgere-aarhus``; a leading word
    that names the kind is dropped; only letters, digits and hyphens; at most 40 characters.
    """
    words = _words(name)
    if words and words[0].casefold() in _KIND_WORDS:
        words = words[1:]
    prefix = KIND_PREFIX.get(kind, re.sub(r"\W", "", kind)[:3].upper() or "SRC")
    cleaned = [re.sub(r"[^\w]", "", w).replace("_", "") for w in words]
    short = "-".join([prefix, *[w for w in cleaned if w]])
    return short[:_SHORT_MAX].rstrip("-")


def short_names(
    sources: Iterable[tuple[int, str, str, Mapping[str, Any] | None]],
) -> dict[int, str]:
    """Unique short names of (id, name, kind, meta) sources.

    ``meta["short_name"]`` overrides the rule; clashes get ``-2``, ``-3`` ... in name order.
    """
    taken: set[str] = set()
    result: dict[int, str] = {}
    for source_id, name, kind, meta in sorted(sources, key=lambda s: s[1]):
        wanted = str((meta or {}).get("short_name") or short_name(name, kind))
        candidate, n = wanted, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{wanted}-{n}"
        taken.add(candidate.casefold())
        result[source_id] = candidate
    return result


def citation(short: str, ordinal: int, timestamp: str | None = None) -> str:
    """``SHORT:UNIT`` plus `` [hh:mm:ss]`` when the unit has a timestamp."""
    return f"{short}:{ordinal}" + (f" [{timestamp}]" if timestamp else "")


def role_label(role: str | None) -> str:
    """``Borger``, ``Medarbejder`` ...; ``Deltager`` when unknown."""
    return (role or "deltager").capitalize()


def attribution(unit: UnitRecord) -> tuple[str, str]:
    """(``— Borger 3, fokusgruppe borgere aarhus``, ``(borger)``) for a unit."""
    person = unit.participant
    who = person.label if person and person.label else (unit.speaker or "")
    if not who and person is not None:
        who = role_label(person.role)
    if person is not None and unit.source.kind == "survey" and person.attributes:
        values = [v for v in list(person.attributes.values())[:_ATTRIBUTION_ATTRIBUTES] if v]
        if values:
            who = f"{who} ({', '.join(values)})"
    long = f"— {who}, {unit.source.display}" if who else f"— {unit.source.display}"
    role = person.role if person is not None else None
    return long, f"({role or 'deltager'})"


# --- loading ---------------------------------------------------------------------------------


def _code_refs(session: Session) -> dict[str, CodeRef]:
    rows = session.execute(
        select(Code.id, Code.parent_id, Code.label, Code.description, Code.definition,
               Code.retired).order_by(Code.position, Code.id)
    ).all()
    parents = {code_id: parent for code_id, parent, *_ in rows}

    def depth(code_id: str) -> int:
        seen, level, parent = {code_id}, 0, parents.get(code_id)
        while parent is not None and parent in parents and parent not in seen:
            seen.add(parent)
            level, parent = level + 1, parents.get(parent)
        return level

    refs: dict[str, CodeRef] = {}
    for code_id, parent, label, description, definition, retired in rows:
        definition = definition or {}
        refs[code_id] = CodeRef(
            id=code_id, label=label, parent=parent, depth=depth(code_id),
            description=description or "",
            include=tuple(str(x) for x in definition.get("include", ())),
            exclude=tuple(str(x) for x in definition.get("exclude", ())),
            retired=bool(retired),
        )
    return refs


def _title(session: Session) -> str:
    from kodebog.project import current_codebook

    try:
        return current_codebook(session).title or "Fund"
    except KodebogError:
        return "Fund"


def _matches(person: ParticipantRef | None, where: Mapping[str, str]) -> bool:
    if not where:
        return True
    if person is None:
        return False
    for key, value in where.items():
        actual = person.role if key == ROLE else person.attributes.get(key)
        if actual is None or str(actual).casefold() != value.casefold():
            return False
    return True


def _check_where(where: Mapping[str, str], people: Iterable[ParticipantRef]) -> None:
    values: dict[str, set[str]] = defaultdict(set)
    for person in people:
        if person.role:
            values[ROLE].add(person.role)
        for key, value in person.attributes.items():
            values[key].add(value)
    for key, value in where.items():
        if key not in values:
            known = ", ".join([k for k in values if k != ROLE] + [ROLE])
            raise ProjectError(f"--where {key}={value}: no participant has the attribute "
                               f"'{key}'; the attributes are: {known}")
        if value.casefold() not in {v.casefold() for v in values[key]}:
            choices = sorted(values[key], key=_natural)
            shown = ", ".join(choices[:15]) + (" ..." if len(choices) > 15 else "")
            raise ProjectError(f"--where {key}={value}: no participant has that value; "
                               f"values of '{key}': {shown}")


def load_material(session: Session, filters: Filters | None = None, *,
                  verify: bool = True) -> Material:
    """The filtered material of a project; QuoteError if a coding is not verbatim."""
    filters = filters or Filters()
    all_codes = _code_refs(session)
    unknown = [c for c in filters.codes if c not in all_codes]
    if unknown:
        known = ", ".join(c.id for c in all_codes.values() if not c.retired)
        raise ProjectError(f"unknown code '{unknown[0]}'; the codebook has: {known}")
    coder_names = list(session.scalars(select(Coder.name).order_by(Coder.name)))
    if filters.coder is not None and filters.coder not in coder_names:
        raise ProjectError(f"no coder named '{filters.coder}'; the project's coders are: "
                           f"{', '.join(coder_names) or 'none yet'}")

    source_rows = session.execute(select(Source.id, Source.name, Source.kind, Source.meta)).all()
    shorts = short_names((sid, name, kind, meta) for sid, name, kind, meta in source_rows)
    by_name = {name: (sid, kind) for sid, name, kind, _meta in source_rows}
    for name in filters.sources:
        if name not in by_name:
            from kodebog.queries import find_source

            find_source(session, name)  # raises naming the project's sources
    chosen = set(filters.sources) or set(by_name)
    sources = sorted(
        (SourceRef(sid, name, shorts[sid], kind) for name, (sid, kind) in by_name.items()
         if name in chosen),
        key=lambda s: s.name,
    )
    source_by_id = {s.id: s for s in sources}

    people = {
        pid: ParticipantRef(pid, label, role,
                            {str(k): str(v) for k, v in (attrs or {}).items() if v is not None})
        for pid, label, role, attrs in session.execute(
            select(Participant.id, Participant.label, Participant.role, Participant.attributes)
        ).all()
    }
    if filters.where:
        _check_where(filters.where, people.values())

    units: list[UnitRecord] = []
    unit_rows = session.execute(
        select(Unit.id, Unit.source_id, Unit.ordinal, Unit.start, Unit.end, Unit.text,
               Unit.speaker, Unit.timestamp, Unit.participant_id)
        .where(Unit.source_id.in_(list(source_by_id)))
    ).all()
    for uid, sid, ordinal, start, end, text, speaker, stamp, pid in unit_rows:
        person = people.get(pid) if pid is not None else None
        if _matches(person, filters.where):
            units.append(UnitRecord(uid, source_by_id[sid], ordinal, start, end, text, speaker,
                                    stamp, person))
    units.sort(key=lambda u: (u.source.name, u.ordinal))
    unit_by_id = {u.id: u for u in units}

    query = (
        select(Coding.id, Coding.unit_id, Coding.code_id, Coder.name, Coding.start, Coding.end,
               Coding.text, Coding.memo, Coding.key_quote, Coding.origin)
        .join(Coder, Coder.id == Coding.coder_id)
        .join(Unit, Unit.id == Coding.unit_id)
        .where(Unit.source_id.in_(list(source_by_id)))
        .order_by(Coding.id)
    )
    if filters.coder is not None:
        query = query.where(Coder.name == filters.coder)
    codings = [
        CodingRecord(cid, unit_by_id[uid], code, coder, start, end, text, memo, bool(key),
                     origin)
        for cid, uid, code, coder, start, end, text, memo, key, origin in session.execute(query)
        if uid in unit_by_id
    ]
    if verify:
        verify_codings(session, codings)

    used = {c.code for c in codings}
    wanted = set(filters.codes)
    codes = [c for c in all_codes.values()
             if (c.id in wanted if wanted else not c.retired or c.id in used)]
    return Material(
        title=_title(session),
        filters=filters,
        codes=codes,
        all_codes=all_codes,
        sources=sources,
        units=units,
        codings=codings,
        coders=sorted({c.coder for c in codings}),
        statements=_statements(session),
        dimensions=_dimensions(units),
    )


def _statements(session: Session) -> dict[str, Statement]:
    result = {}
    for finding in session.scalars(select(Finding)):
        pinned = tuple(
            int(q["coding_id"] if isinstance(q, dict) else q)
            for q in (finding.quotes or [])
            if isinstance(q, int) or (isinstance(q, dict) and isinstance(q.get("coding_id"), int))
        )
        result[finding.code_id] = Statement(
            text=finding.statement or "", version=finding.version,
            updated_by=finding.updated_by,
            updated_at=finding.updated_at.isoformat() if finding.updated_at else None,
            pinned=pinned,
        )
    return result


def _dimensions(units: Sequence[UnitRecord]) -> list[str]:
    dims: dict[str, None] = {}
    seen: set[int] = set()
    for unit in units:
        person = unit.participant
        if person is None or person.id in seen:
            continue
        seen.add(person.id)
        if person.role:
            dims.setdefault(ROLE, None)
        for key in person.attributes:
            dims.setdefault(key, None)
    ordered = [ROLE] if ROLE in dims else []
    return ordered + [d for d in dims if d != ROLE]


def verify_codings(session: Session, codings: Sequence[CodingRecord]) -> None:
    """QuoteError naming the first coding whose text is not verbatim in its source text."""
    needed = {c.unit.source.id for c in codings}
    if not needed:
        return
    texts: dict[int, str] = {
        sid: text for sid, text in session.execute(
            select(Source.id, Source.text).where(Source.id.in_(needed)))
    }
    checked: set[int] = set()
    for coding in codings:
        unit = coding.unit
        text = texts[unit.source.id]
        where = f"{unit.source.name} unit {unit.ordinal}"
        if unit.id not in checked:
            if text[unit.start:unit.end] != unit.text:
                raise QuoteError(
                    f"{where}: the unit's stored text differs from the source text at "
                    f"{unit.start}:{unit.end}; quotes from it cannot be verified, so nothing "
                    "is exported. Re-import the source with `kodebog import --replace`")
            checked.add(unit.id)
        quoted = text[unit.start + coding.start:unit.start + coding.end]
        if (not 0 <= coding.start < coding.end <= len(unit.text)) or quoted != coding.text:
            raise QuoteError(
                f"coding {coding.id} ({coding.code}, coder {coding.coder}) in {where}: the "
                f"quote {_snippet(coding.text)} is not verbatim in the source text (which has "
                f"{_snippet(quoted)} at {coding.start}:{coding.end}), so nothing is exported. "
                "Remove and re-apply the coding")


def _snippet(text: str, width: int = 40) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= width else flat[:width - 1] + "…")


# --- summarising -----------------------------------------------------------------------------


def _natural(value: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", value))


def order_values(dimension: str, values: Iterable[str]) -> list[str]:
    """A dimension's values in reading order: roles, known scales, else natural order."""
    distinct = list(dict.fromkeys(values))
    if dimension == ROLE:
        return sorted(distinct, key=lambda v: (ROLES.index(v) if v in ROLES else 99, _natural(v)))
    folded = {v: v.casefold() for v in distinct}
    for scale in _SCALES:
        if set(folded.values()) <= set(scale):
            return sorted(distinct, key=lambda v: scale.index(folded[v]))
    return sorted(distinct, key=_natural)


def _groups_of(person: ParticipantRef | None) -> list[tuple[str, str]]:
    if person is None:
        return []
    groups = [(ROLE, person.role)] if person.role else []
    return groups + [(k, v) for k, v in person.attributes.items()]


def _totals(material: Material) -> list[GroupTotal]:
    units: Counter[tuple[str, str]] = Counter()
    people: dict[tuple[str, str], set[int]] = defaultdict(set)
    for unit in material.units:
        for group in _groups_of(unit.participant):
            units[group] += 1
            assert unit.participant is not None
            people[group].add(unit.participant.id)
    totals = []
    for dim in material.dimensions:
        for value in order_values(dim, (v for d, v in units if d == dim)):
            totals.append(GroupTotal(dim, value, units[(dim, value)], len(people[(dim, value)])))
    return totals


def _display(unit: UnitRecord, start: int, end: int, text: str) -> tuple[str, bool, bool]:
    before = bool(unit.text[:start].strip())
    after = bool(unit.text[end:].strip())
    shown = text.strip()
    return ("[…] " if before else "") + shown + (" […]" if after else ""), before, after


def _quote(group: list[CodingRecord], pinned: bool) -> Quote:
    first = group[0]
    unit = first.unit
    display, before, after = _display(unit, first.start, first.end, first.text)
    long, short = attribution(unit)
    person = unit.participant
    memo = next((c.memo for c in group if c.memo), None)
    return Quote(
        coding_id=first.id, text=first.text, display=display, cut_before=before,
        cut_after=after, key_quote=any(c.key_quote for c in group), pinned=pinned,
        citation=unit.citation, source=unit.source.name, source_short=unit.source.short_name,
        unit=unit.ordinal, start=first.start, end=first.end, timestamp=unit.timestamp,
        role=person.role if person else None, participant=person.label if person else None,
        attributes=dict(person.attributes) if person else {},
        coders=tuple(sorted({c.coder for c in group})), memo=memo,
        attribution=long, attribution_short=short,
    )


def _length_rank(quote: Quote) -> int:
    size = len(quote.display)
    low, high = _IDEAL
    rank = 0 if low <= size <= high else 1 if low // 2 <= size <= high * 2 else 2
    return rank + (3 if quote.role == "interviewer" else 0)


def choose_quotes(
    candidates: Sequence[Quote], limit: int, pinned: Sequence[int] = ()
) -> list[Quote]:
    """At most ``limit`` quotes: pinned ones, then key quotes, then a varied pick.

    The pick prefers, in passes, a new source and participant, then a new participant, then
    a new unit; within a pass, quotes of a readable length (60-400 characters), then by
    source name, unit and position. Interviewer turns come last. The order is deterministic.
    """
    if limit <= 0:
        return []
    by_id = {q.coding_id: q for q in candidates}
    base = sorted(candidates, key=lambda q: (_length_rank(q), q.source, q.unit, q.start))
    chosen: list[Quote] = []
    taken: set[int] = set()
    sources: set[str] = set()
    people: set[tuple[str, str]] = set()

    def person(quote: Quote) -> tuple[str, str]:
        return quote.source, quote.participant or f"#{quote.unit}"

    units: set[tuple[str, int]] = set()

    def take(quote: Quote) -> None:
        chosen.append(quote)
        taken.add(quote.coding_id)
        sources.add(quote.source)
        people.add(person(quote))
        units.add((quote.source, quote.unit))

    for coding_id in dict.fromkeys(pinned):
        if coding_id in by_id and len(chosen) < limit:
            take(by_id[coding_id])
    for quote in base:
        if quote.key_quote and quote.coding_id not in taken and len(chosen) < limit:
            take(quote)
    for rule in range(4):
        for quote in base:
            if len(chosen) >= limit:
                return chosen
            if quote.coding_id in taken:
                continue
            new_unit = (quote.source, quote.unit) not in units
            new_person = person(quote) not in people
            if (rule == 3 or (rule == 2 and new_unit) or (rule == 1 and new_unit and new_person)
                    or (rule == 0 and new_unit and new_person and quote.source not in sources)):
                take(quote)
    return chosen


def summarise(material: Material, *, quotes: int = 5) -> Findings:
    """Count, compare and quote each reported code of ``material``."""
    totals = _totals(material)
    position = {c: i for i, c in enumerate(material.all_codes)}
    codes_by_unit: dict[int, set[str]] = defaultdict(set)
    for coding in material.codings:
        codes_by_unit[coding.unit.id].add(coding.code)
    by_code: dict[str, list[CodingRecord]] = defaultdict(list)
    for coding in material.codings:
        by_code[coding.code].append(coding)

    themes = []
    for code in material.codes:
        codings = by_code.get(code.id, [])
        units = {c.unit.id: c.unit for c in codings}
        people = {u.participant.id for u in units.values() if u.participant is not None}
        group_units: Counter[tuple[str, str]] = Counter()
        group_people: dict[tuple[str, str], set[int]] = defaultdict(set)
        together: Counter[str] = Counter()
        for unit in units.values():
            for group in _groups_of(unit.participant):
                group_units[group] += 1
                assert unit.participant is not None
                group_people[group].add(unit.participant.id)
            together.update(codes_by_unit[unit.id] - {code.id})
        used_dims = {dim for dim, _value in group_units}
        groups = tuple(
            GroupCount(t.dimension, t.value, group_units[(t.dimension, t.value)],
                       len(group_people[(t.dimension, t.value)]), t.units, t.participants)
            for t in totals if t.dimension in used_dims
        )
        co = tuple(
            CoOccurrence(other, material.all_codes[other].label, n)
            for other, n in sorted(together.items(), key=lambda kv: (-kv[1], position[kv[0]]))
        )
        spans: dict[tuple[int, int, int], list[CodingRecord]] = defaultdict(list)
        for coding in codings:
            spans[(coding.unit.id, coding.start, coding.end)].append(coding)
        statement = material.statements.get(code.id)
        representative = {c.id: group[0].id for group in spans.values() for c in group}
        pinned = [representative[i] for i in (statement.pinned if statement else ())
                  if i in representative]
        candidates = [_quote(group, group[0].id in pinned) for group in spans.values()]
        themes.append(Theme(
            code=code, statement=statement, units=len(units), participants=len(people),
            sources=len({u.source.id for u in units.values()}), codings=len(codings),
            groups=groups, co_occurring=co,
            quotes=tuple(choose_quotes(candidates, quotes, pinned)),
        ))
    scope = Scope(
        filters=material.filters,
        sources=tuple(material.sources),
        units=len(material.units),
        participants=len({u.participant.id for u in material.units if u.participant}),
        coders=tuple(material.coders),
        codings=len(material.reported_codings),
        groups=tuple(totals),
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
) -> Findings:
    """Findings per code in codebook order; QuoteError if any coding in scope is not verbatim.

    Counts use every coder's codings (or only ``coder``'s), one per unit and code. ``where``
    keeps units of participants whose attribute (or ``role``) equals the value.
    """
    filters = Filters(coder=coder, codes=tuple(codes or ()), sources=tuple(sources or ()),
                      where=dict(where or {}))
    return summarise(load_material(session, filters), quotes=quotes)


# --- privacy ---------------------------------------------------------------------------------


def check_personal_data(items: Iterable[tuple[str, str]]) -> None:
    """PersonalDataError naming the first (what, text) pair whose text holds personal data."""
    for what, text in items:
        if not text:
            continue
        hits = find_personal_data(text)
        if hits:
            found = "; ".join(describe(h) for h in hits[:3])
            raise PersonalDataError(
                f"{what} contains personal data ({found}), so nothing is exported; remove it "
                "from the export (--code/--source/--where), or pass --allow-personal-data")


def finding_texts(findings: Findings) -> list[tuple[str, str]]:
    """The quotes and statements of findings as (what, text), for the privacy check."""
    items: list[tuple[str, str]] = []
    for theme in findings.themes:
        if theme.statement is not None:
            items.append((f"the finding for {theme.code.id}", theme.statement.text))
        for quote in theme.quotes:
            items.append((f"the quote {quote.citation} ({theme.code.id})", quote.text))
            if quote.memo:
                items.append((f"the memo of {quote.citation} ({theme.code.id})", quote.memo))
    return items


# --- writing statements ----------------------------------------------------------------------


@dataclass(frozen=True)
class FindingChange:
    """What ``set_finding`` did."""

    code: str
    version: int
    event_id: int
    created: bool


def set_finding(
    store: Store, code_id: str, statement: str, coder: str,
    quotes: Sequence[int] | None = None,
) -> FindingChange:
    """Set the analyst's statement (and, if given, pinned quote coding ids) for a code.

    One transaction: the Finding row (version + 1) and a ``finding.update`` Event.
    """
    from kodebog.coding import coder_id

    with store.write() as session:
        code = session.get(Code, code_id)
        if code is None or code.retired:
            known = ", ".join(session.scalars(
                select(Code.id).where(Code.retired.is_(False)).order_by(Code.position)))
            raise ProjectError(f"unknown code '{code_id}'; the codebook has: {known}")
        if quotes:
            found = set(session.scalars(
                select(Coding.id).where(Coding.id.in_(quotes), Coding.code_id == code_id)))
            missing = [q for q in quotes if q not in found]
            if missing:
                raise ProjectError(f"coding {missing[0]} is not a coding of '{code_id}'; "
                                   "see the ids with `kodebog units PROJECT SOURCE --json`")
        who = coder_id(session, coder)
        finding = session.scalar(select(Finding).where(Finding.code_id == code_id))
        created = finding is None
        before = None if finding is None else {
            "statement": finding.statement, "quotes": list(finding.quotes or []),
            "version": finding.version}
        if finding is None:
            finding = Finding(code_id=code_id, statement=statement,
                              quotes=list(quotes or []), version=1)
            session.add(finding)
        else:
            finding.statement = statement
            if quotes is not None:
                finding.quotes = list(quotes)
            finding.version += 1
        finding.updated_by, finding.updated_at = coder, utcnow()
        session.flush()
        event = Event(coder_id=who, action="finding.update", entity="finding",
                      entity_id=code_id, before=before,
                      after={"statement": finding.statement, "quotes": list(finding.quotes),
                             "version": finding.version})
        session.add(event)
        session.flush()
        return FindingChange(code_id, finding.version, event.id, created)
