"""Code-and-retrieve: every passage coded with some codes, combined with AND, OR, NOT, near.

A passage is one coding. The codes asked for (``codes``, any of them) give the passages;
``and_codes`` must also be on the passage's unit (or, with ``overlap``, overlap its span),
``not_codes`` must not, and ``near_codes`` must be on a unit at most ``within`` units away
in the same source. Those conditions count the codings of the chosen coders only.
Participants are counted as cases: linked participants are one person.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from operator import attrgetter
from typing import Any, NamedTuple

from sqlalchemy import Integer, select, type_coerce
from sqlalchemy.orm import Session

from kodebog.agreed import AgreedCoding
from kodebog.errors import ProjectError
from kodebog.i18n import _, formats, ngettext
from kodebog.participants import INTERVIEWER, attribute_defs, format_value
from kodebog.store.models import Code, Coder, Coding, Source, Unit
from kodebog.store.plain import plain_rows
from kodebog.views.people import People, attribute_sets, load_people
from kodebog.views.people import Person as Person  # compare.py imports it from here
from kodebog.views.scope import Scope, coding_scope
from kodebog.views.table_memo import TableMemo

ROLE = "role"
NO_VALENCE = "none"
"""The valence filter's value for codings without a valence."""
"""``--where role=borger`` filters on the participant's role."""


@dataclass(frozen=True)
class RetrieveQuery:
    """Which passages: codes and their combination, then filters."""

    codes: tuple[str, ...]
    and_codes: tuple[str, ...] = ()
    not_codes: tuple[str, ...] = ()
    near_codes: tuple[str, ...] = ()
    within: int = 1
    overlap: bool = False
    coders: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    where: tuple[tuple[str, str], ...] = ()
    key_quotes: bool = False
    agreed: bool = False
    """Count the agreed coding of ``coders`` (none: every coder but the consensus coder)."""
    valences: tuple[str, ...] = ()
    """Only passages with one of these valences (``none``: without a valence)."""

    def describe(self) -> str:
        """The query in words, for titles and exports."""
        parts = [_(" or ").join(self.codes) or _("(no code)")]
        parts += [_("and {code}").format(code=c) for c in self.and_codes]
        parts += [_("not {code}").format(code=c) for c in self.not_codes]
        parts += [_("near {code} (±{within})").format(code=c, within=self.within)
                  for c in self.near_codes]
        if self.overlap and self.and_codes:
            parts.append(_("(overlapping)"))
        filters = []
        if self.agreed:
            filters.append(_("the agreed coding") + (
                " " + _("of {coders}").format(coders=", ".join(self.coders))
                if self.coders else ""))
        elif self.coders:
            filters.append(_("coders {names}").format(names=", ".join(self.coders)))
        if self.sources:
            filters.append(_("sources {names}").format(names=", ".join(self.sources)))
        if self.roles:
            filters.append(_("roles {names}").format(names=", ".join(self.roles)))
        filters += [f"{name} = {value}" for name, value in self.where]
        if self.key_quotes:
            filters.append(_("key quotes only"))
        if self.valences:
            filters.append(_("valence {names}").format(names=", ".join(self.valences)))
        return " ".join(parts) + (f" · {'; '.join(filters)}" if filters else "")


class Passage(NamedTuple):
    """One coding that answered the query, with its unit and who said it.

    A named tuple: a frozen dataclass of 19 fields took five times as long to build.
    """

    coding_id: int
    unit_id: int
    source_id: int
    source: str
    unit: int
    coder: str
    code: str
    codes: tuple[str, ...]
    start: int
    end: int
    text: str
    unit_text: str
    memo: str | None
    key_quote: bool
    speaker: str | None
    participant: str | None
    role: str | None
    case: str | None
    valence: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``kodebog retrieve --json``."""
        return {"source": self.source, "unit": self.unit, "coder": self.coder,
                "code": self.code, "codes": list(self.codes), "start": self.start,
                "end": self.end, "text": self.text, "speaker": self.speaker,
                "participant": self.participant, "role": self.role, "memo": self.memo,
                "key_quote": self.key_quote, "valence": self.valence}


@dataclass
class RetrieveResult:
    """The passages in source and document order, and what they add up to."""

    query: RetrieveQuery
    passages: list[Passage] = field(default_factory=list)
    agreed: AgreedCoding | None = None
    """The agreed coding the passages come from, when the query asked for it."""

    @property
    def participants(self) -> int:
        """Distinct cases who said the passages."""
        return len({p.case for p in self.passages if p.case is not None})

    @property
    def sources(self) -> int:
        """Distinct sources of the passages."""
        return len({p.source_id for p in self.passages})

    def summary(self) -> str:
        """``12 passages · 7 participants · 3 sources``."""
        n = len(self.passages)
        return " · ".join((
            ngettext("{n} passage", "{n} passages", n).format(n=formats.number(n)),
            ngettext("{n} participant", "{n} participants", self.participants).format(
                n=formats.number(self.participants)),
            ngettext("{n} source", "{n} sources", self.sources).format(
                n=formats.number(self.sources))))


def attribute_names(session: Session,
                    people: Mapping[int, Person] | None = None) -> dict[str, str]:
    """Attribute names and labels (both lower-cased) -> the stored name."""
    names: dict[str, str] = {}
    seen = attribute_sets(people) if people is not None else None
    for info in attribute_defs(session, seen):
        names[info.label.lower()] = info.name
        names[info.name.lower()] = info.name
    return names


def _matches(value: Any, wanted: str) -> bool:
    if value is None:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        from kodebog.participants import parse_number

        number = parse_number(wanted)
        if number is None:  # a band of the compare screen: 20–29
            from kodebog.views.compare_counts import parse_band

            band = parse_band(wanted)
            return band is not None and band[0] <= float(value) < band[1]
        return float(number) == float(value)
    return format_value(value).casefold() == wanted.strip().casefold()


def people_matching(people: Mapping[int, Person], roles: Sequence[str],
                    where: Iterable[tuple[str, str]]) -> set[int] | None:
    """Ids of the people with one of ``roles`` and every ``where`` value; None: no filter."""
    where = list(where)
    if not roles and not where:
        return None
    wanted_roles = {r.lower() for r in roles}

    def test(role: str | None, attributes: Mapping[str, Any]) -> bool:
        return ((not wanted_roles or (role or "").lower() in wanted_roles)
                and all((_matches(role, value) if name == ROLE
                         else _matches(attributes.get(name), value)) for name, value in where))

    if isinstance(people, People):
        return people.ids_where(test)
    return {pid for pid, person in people.items() if test(person.role, person.attributes)}


def resolve_where(session: Session, where: Iterable[tuple[str, str]],
                  people: Mapping[int, Person] | None = None) -> tuple[tuple[str, str], ...]:
    """Attribute labels or names to stored names; ProjectError naming the choices."""
    where = list(where)
    if not where:
        return ()
    names = attribute_names(session, people)
    resolved = []
    for name, value in where:
        key = name.strip().lower()
        if key == ROLE or key == "rolle":
            resolved.append((ROLE, value))
            continue
        if key not in names:
            known = ", ".join(sorted({*names.values(), ROLE}))
            raise ProjectError(_("--where {name}={value}: no attribute '{name}'; the "
                                 "attributes are: {known}").format(name=name, value=value,
                                                                   known=known))
        resolved.append((names[key], value))
    return tuple(resolved)


def check_codes(session: Session, codes: Iterable[str]) -> None:
    """ProjectError naming the first unknown code id."""
    known = set(session.scalars(select(Code.id)))
    for code in codes:
        if code not in known:
            raise ProjectError(_("no code '{code}' in the project's codebook; the codes are: "
                                 "{known}").format(code=code, known=", ".join(sorted(known))))


def _source_ids(session: Session, names: Sequence[str]) -> list[int] | None:
    if not names:
        return None
    found = dict(session.execute(select(Source.name, Source.id)
                                 .where(Source.name.in_(names))).all())
    for name in names:
        if name not in found:
            raise ProjectError(_("no source named '{name}'").format(name=name))
    return [found[name] for name in names]


_Spans = dict[int, list[tuple[int, int]]]


def _condition(session: Session, code: str, scope: Scope,
               sources: list[int] | None) -> tuple[_Spans, dict[int, list[int]]]:
    """Where ``code`` is: spans per unit id, and sorted unit ordinals per source id."""
    query = (select(Coding.id, Coding.unit_id, Coding.start, Coding.end, Unit.source_id,
                    Unit.ordinal)
             .join(Unit, Unit.id == Coding.unit_id).where(Coding.code_id == code))
    if scope.coder_ids is not None:
        query = query.where(Coding.coder_id.in_(scope.coder_ids))
    if sources is not None:
        query = query.where(Unit.source_id.in_(sources))
    spans: _Spans = {}
    ordinals: dict[int, set[int]] = {}
    for coding_id, unit_id, start, end, source_id, ordinal in plain_rows(session, query):
        if not scope.keeps(coding_id):
            continue
        spans.setdefault(unit_id, []).append((start, end))
        ordinals.setdefault(source_id, set()).add(ordinal)
    return spans, {sid: sorted(values) for sid, values in ordinals.items()}


def _overlaps(spans: list[tuple[int, int]] | None, start: int, end: int) -> bool:
    return bool(spans) and any(s < end and start < e for s, e in spans or ())


def _near(ordinals: list[int] | None, ordinal: int, within: int) -> bool:
    if not ordinals:
        return False
    index = bisect.bisect_left(ordinals, ordinal - within)
    return index < len(ordinals) and ordinals[index] <= ordinal + within


Cache = dict[tuple[Any, ...], Any]
"""What a screen keeps between queries: rows read per code, coders and sources."""


def cached(cache: Cache | None, key: tuple[Any, ...], read: Callable[[], Any]) -> Any:
    """``read()``, or what the cache holds for ``key`` (stored there on first read)."""
    if cache is None:
        return read()
    if key not in cache:
        cache[key] = read()
    return cache[key]


def _code_rows(session: Session, code: str, scope: Scope, sources: list[int] | None,
               key_quotes: bool = False) -> list[Any]:
    """The rows of ``code``'s codings, as plain tuples (``key_quote`` a number on SQLite)."""
    stmt = (select(Coding.id, Coding.unit_id, Coding.code_id, Coder.name, Coding.start,
                   Coding.end, Coding.text, Coding.memo,
                   type_coerce(Coding.key_quote, Integer), Unit.source_id,
                   Source.name, Unit.ordinal, Unit.participant_id, Unit.speaker, Unit.text,
                   Coding.valence)
            .join(Coder, Coder.id == Coding.coder_id)
            .join(Unit, Unit.id == Coding.unit_id)
            .join(Source, Source.id == Unit.source_id)
            .where(Coding.code_id == code))
    if scope.coder_ids is not None:
        stmt = stmt.where(Coding.coder_id.in_(scope.coder_ids))
    if sources is not None:
        stmt = stmt.where(Unit.source_id.in_(sources))
    if key_quotes:
        stmt = stmt.where(Coding.key_quote.is_(True))
    return [row for row in plain_rows(session, stmt) if scope.keeps(row[0])]


def _in_sources(rows: list[Any], sources: set[int]) -> list[Any]:
    """The rows of ``_code_rows`` from these sources."""
    return [row for row in rows if row[9] in sources]


def retrieve(session: Session, query: RetrieveQuery,
             people: Mapping[int, Person] | None = None,
             cache: Cache | None = None, tables: TableMemo | None = None) -> RetrieveResult:
    """The passages answering ``query``, in source name, unit and span order.

    With a ``cache`` (a dict the caller keeps), rows already read for a code, coders and
    sources are not read again: changing a role, attribute, source or key-quote filter, or
    adding a code, reads only what is new (rows read for every source serve any source).
    The agreed coding is worked out from the coding table ``tables`` keeps, if it keeps one.
    """
    if not query.codes:
        return RetrieveResult(query)
    if query.within < 0:
        raise ProjectError(_("--within must be 0 or more units"))
    check_codes(session, (*query.codes, *query.and_codes, *query.not_codes, *query.near_codes))
    table = tables.kept(session) if tables is not None and query.agreed else None
    chosen: Scope = cached(cache, ("scope", query.coders, query.agreed), partial(
        coding_scope, session, query.coders, query.agreed,
        table.codings() if table is not None else None))
    sources = _source_ids(session, query.sources)
    if people is None:
        people = load_people(session)
    where = resolve_where(session, query.where, people)
    allowed = people_matching(people, query.roles, where)
    scope = (query.coders, query.sources, query.agreed)
    everywhere = (query.coders, (), query.agreed)
    conditions = {}
    for code in {*query.and_codes, *query.not_codes, *query.near_codes}:
        if cache is not None and ("condition", code, *everywhere) in cache:
            conditions[code] = cache["condition", code, *everywhere]  # a superset, as good
        else:
            conditions[code] = cached(cache, ("condition", code, *scope),
                                      partial(_condition, session, code, chosen, sources))
    passages: list[Passage] = []
    for wanted in dict.fromkeys(query.codes):
        if sources is not None and cache is not None and ("rows", wanted, *everywhere) in cache:
            rows = cached(cache, ("rows", wanted, *scope), partial(
                _in_sources, cache["rows", wanted, *everywhere], set(sources)))
        elif cache is None:  # nothing kept for the next query: read only what is asked
            rows = _code_rows(session, wanted, chosen, sources, query.key_quotes)
        else:
            rows = cached(cache, ("rows", wanted, *scope),
                          partial(_code_rows, session, wanted, chosen, sources))
        for (cid, uid, code, coder, start, end, text, memo, key_quote, sid, source, ordinal,
             pid, speaker, unit_text, valence) in rows:
            if query.key_quotes and not key_quote:
                continue
            if query.valences and (valence or NO_VALENCE) not in query.valences:
                continue
            if allowed is not None and pid not in allowed:
                continue
            if not _keep(query, conditions, uid, sid, ordinal, start, end):
                continue
            person = people.get(pid) if pid is not None else None
            passages.append(Passage(
                cid, uid, sid, source, ordinal, coder, code, (code, *query.and_codes), start,
                end, text, unit_text, memo, bool(key_quote), speaker,
                person.label if person else None, person.role if person else None,
                person.case if person else None, valence))
    passages.sort(key=attrgetter("source", "unit", "start", "end", "code", "coder"))
    return RetrieveResult(query, passages, chosen.agreed)


def _keep(query: RetrieveQuery, conditions: Mapping[str, tuple[_Spans, dict[int, list[int]]]],
          uid: int, sid: int, ordinal: int, start: int, end: int) -> bool:
    for code in query.and_codes:
        spans = conditions[code][0].get(uid)
        if not spans or (query.overlap and not _overlaps(spans, start, end)):
            return False
    for code in query.not_codes:
        spans = conditions[code][0].get(uid)
        if spans and (not query.overlap or _overlaps(spans, start, end)):
            return False
    return all(_near(conditions[code][1].get(sid), ordinal, query.within)
               for code in query.near_codes)


def narrowed(query: RetrieveQuery, **changes: Any) -> RetrieveQuery:
    """The same query with some fields changed (a compare cell opening retrieve)."""
    return replace(query, **changes)


def without_interviewers(people: Mapping[int, Person]) -> set[int]:
    """Ids of everyone who is not an interviewer."""
    if isinstance(people, People):
        return people.ids_where(lambda role, _attributes: (role or "") != INTERVIEWER)
    return {pid for pid, person in people.items() if (person.role or "") != INTERVIEWER}
