"""Themes to findings: counts per group, co-occurrence and verified, attributed quotes."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from itertools import chain
from typing import Any, NamedTuple

from sqlalchemy import Text, select, type_coerce
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kodebog.errors import ConflictError, KodebogError, ProjectError
from kodebog.privacy import describe, find_personal_data
from kodebog.store import Store
from kodebog.store.models import (
    Code,
    CodebookVersion,
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
    """The current codebook's title (read without validating the whole codebook)."""
    import yaml

    text = session.scalar(
        select(CodebookVersion.text).order_by(CodebookVersion.id.desc()).limit(1))
    try:
        data = yaml.load(text or "", Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return "Fund"
    title = data.get("title") if isinstance(data, dict) else None
    return str(title).strip() if title else "Fund"


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
        (SourceRef(sid, name, shorts[sid], kind, " ".join(_words(name)) or name)
         for name, (sid, kind) in by_name.items() if name in chosen),
        key=lambda s: s.name,
    )
    source_by_id = {s.id: s for s in sources}

    people = _participants(session)
    if filters.where:
        _check_where(filters.where, people.values())

    units: list[UnitRecord] = []
    unit_rows = session.connection().execute(
        select(Unit.id, Unit.source_id, Unit.ordinal, Unit.start, Unit.end, Unit.text,
               Unit.speaker, Unit.timestamp, Unit.participant_id)
        .where(Unit.source_id.in_(list(source_by_id)))
        .order_by(Unit.source_id, Unit.ordinal)
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
        .order_by(Unit.source_id, Unit.ordinal, Coding.start, Coding.id)
    )
    if filters.sources:
        query = query.where(Unit.source_id.in_(list(source_by_id)))
    if filters.coder is not None:
        query = query.where(Coder.name == filters.coder)
    codings = [
        CodingRecord(cid, unit_by_id[uid], code, coder, start, end, text, memo, bool(key),
                     origin)
        for cid, uid, code, coder, start, end, text, memo, key, origin
        in session.connection().execute(query).all()
        if uid in unit_by_id
    ]
    # nearly sorted already: the sort costs little and does not depend on the database
    codings.sort(key=lambda c: (c.unit.source.name, c.unit.ordinal, c.start, c.end, c.code,
                                c.coder, c.id))
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


def _participants(session: Session) -> dict[int, ParticipantRef]:
    """Every participant; attribute JSON is parsed once per distinct (role, text)."""
    profiles: dict[tuple[str | None, str], tuple[dict[str, str], tuple[tuple[str, str], ...],
                                                  int]] = {}
    people = {}
    rows = session.connection().execute(
        select(Participant.id, Participant.label, Participant.role,
               type_coerce(Participant.attributes, Text))).all()
    for pid, label, role, raw in rows:
        text = raw if isinstance(raw, str) else json.dumps(raw or {})
        profile = profiles.get((role, text))
        if profile is None:
            data = json.loads(text) or {}
            attrs = {str(k): str(v) for k, v in data.items() if v is not None}
            groups = (((ROLE, role),) if role else ()) + tuple(attrs.items())
            profile = profiles[(role, text)] = (attrs, groups, len(profiles))
        attrs, groups, number = profile
        people[pid] = ParticipantRef(pid, label, role, attrs, groups, number)
    return people


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
    """Role, then the attributes in the order they are first met."""
    dims: dict[str, None] = {}
    profiles = {u.participant.profile: u.participant for u in units if u.participant}
    for person in profiles.values():
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
        sid: text for sid, text in session.connection().execute(
            select(Source.id, Source.text).where(Source.id.in_(needed)))
    }
    checked: set[int] = set()
    for coding in codings:
        unit = coding.unit
        if unit.id not in checked:
            if texts[unit.source.id][unit.start:unit.end] != unit.text:
                raise QuoteError(
                    f"{unit.source.name} unit {unit.ordinal}: the unit's stored text differs "
                    f"from the source text at {unit.start}:{unit.end}; quotes from it cannot "
                    "be verified, so nothing is exported. Re-import the source with "
                    "`kodebog import --replace`")
            checked.add(unit.id)
        if coding.start == 0 and coding.end == len(unit.text) and coding.text == unit.text:
            continue  # the whole (verified) unit
        quoted = texts[unit.source.id][unit.start + coding.start:unit.start + coding.end]
        if (not 0 <= coding.start < coding.end <= len(unit.text)) or quoted != coding.text:
            raise QuoteError(
                f"coding {coding.id} ({coding.code}, coder {coding.coder}) in "
                f"{unit.source.name} unit {unit.ordinal}: the quote {_snippet(coding.text)} is "
                f"not verbatim in the source text (which has {_snippet(quoted)} at "
                f"{coding.start}:{coding.end}), so nothing is exported. "
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
        themes.append(Theme(
            code=code, statement=statement, units=len(units), participants=people,
            sources=len({u.source.id for u in units.values()}), codings=len(codings),
            groups=groups, co_occurring=co,
            quotes=tuple(choose_quotes(codings, quotes, statement.pinned if statement else (),
                                       in_order=True)),
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
    quotes: Sequence[int] | None = None, base_version: int | None = None,
) -> FindingChange:
    """Set the analyst's statement (and, if given, pinned quote coding ids) for a code.

    With ``base_version`` (the version the editor started from; 0 = none written yet) the
    write is refused with a ConflictError when someone else saved in between. One
    transaction: the Finding row (version + 1) and a ``finding.update`` Event.
    """
    try:
        with store.write() as session:
            return _write_finding(session, code_id, statement, coder, quotes, base_version)
    except IntegrityError:
        if base_version is None:
            raise
        # Another writer created the first finding for this code at the same moment.
        with store.read() as session:
            current = session.scalar(select(Finding).where(Finding.code_id == code_id))
            raise _conflict(code_id, base_version, current) from None


def _conflict(code_id: str, base_version: int, current: Finding | None) -> ConflictError:
    who = (current.updated_by if current else None) or "someone"
    version = current.version if current else 0
    return ConflictError(
        f"the finding for '{code_id}' was changed by {who} (now version {version}, "
        f"you started from version {base_version}); your text was not saved. "
        "Read their version, then save again to replace it.")


def _write_finding(
    session: Session, code_id: str, statement: str, coder: str,
    quotes: Sequence[int] | None, base_version: int | None,
) -> FindingChange:
    from kodebog.coding import coder_id

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
    finding = session.scalar(
        select(Finding).where(Finding.code_id == code_id).with_for_update())
    if base_version is not None and (finding.version if finding else 0) != base_version:
        raise _conflict(code_id, base_version, finding)
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
                  after={"statement": finding.statement, "quotes": list(finding.quotes or []),
                         "version": finding.version})
    session.add(event)
    session.flush()
    return FindingChange(code_id, finding.version, event.id, created)
