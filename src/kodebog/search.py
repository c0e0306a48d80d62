"""Full-text search over units: SQLite FTS5, PostgreSQL full text, LIKE as the fallback."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from sqlalchemy import ColumnElement, Select, column, exists, func, select, table, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kodebog.store.models import Coder, Coding, Participant, Source, Unit

if TYPE_CHECKING:
    _Rows: TypeAlias = Select[int, int, str, int, str | None, str | None, str]

_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')
_DANISH_ENDINGS = ("erne", "ende", "ene", "ers", "ere", "er", "en", "et", "e", "s")
DEFAULT_LIMIT = 500
_FTS = table("unit_fts", column("rowid"))


@dataclass(frozen=True)
class Query:
    """A search box's text read like a web search: words, "phrases" and -excluded words."""

    raw: str
    terms: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()

    @property
    def positive(self) -> bool:
        """Whether the query asks for any word or phrase."""
        return bool(self.terms or self.phrases)

    @property
    def empty(self) -> bool:
        """Whether the query asks for nothing."""
        return not self.raw.strip()


def parse_query(raw: str) -> Query:
    """Split a query into prefix terms, phrases and excluded words (lowercased)."""
    terms: list[str] = []
    phrases: list[tuple[str, ...]] = []
    excluded: list[str] = []
    for match in _TOKEN.finditer(raw):
        negated = bool(match.group(1) or match.group(3))
        chunk = match.group(2) if match.group(2) is not None else match.group(4)
        words = [w.lower() for w in _WORD.findall(chunk)]
        if not words or chunk.upper() == "OR":
            continue
        if negated:
            excluded.extend(words)
        elif match.group(2) is not None and len(words) > 1:
            phrases.append(tuple(words))
        else:
            terms.extend(words)
    return Query(raw, tuple(dict.fromkeys(terms)), tuple(phrases), tuple(excluded))


@dataclass(frozen=True)
class SearchFilters:
    """What else a hit must satisfy; ``coder`` is whose codings ``uncoded`` and ``code`` mean."""

    coder: str | None = None
    uncoded: bool = False
    code: str | None = None
    speaker: str | None = None
    role: str | None = None
    attribute: tuple[str, str] | None = None
    source_id: int | None = None


@dataclass(frozen=True)
class SearchHit:
    """A unit that matched, with the character spans to highlight in its text."""

    unit_id: int
    source_id: int
    source: str
    ordinal: int
    speaker: str | None
    role: str | None
    text: str
    highlights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class SearchResult:
    """Hits in document order; ``mode`` is how the text was matched (fts, like or all)."""

    hits: list[SearchHit]
    mode: str
    truncated: bool = False


@dataclass(frozen=True)
class Facets:
    """The values the filters can take in a project."""

    speakers: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    attributes: dict[str, list[str]] = field(default_factory=dict)


def _merge(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def _stem(term: str) -> str:
    for ending in _DANISH_ENDINGS:
        if term.endswith(ending) and len(term) - len(ending) >= 3:
            return term[: -len(ending)]
    return term


def _word_spans(text: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    pattern = r"[\W_]+".join(re.escape(w) for w in words)
    regex = re.compile(rf"(?<![^\W_]){pattern}[^\W_]*", re.IGNORECASE)
    return [m.span() for m in regex.finditer(text)]


def highlight_offsets(text: str, query: str | Query) -> tuple[tuple[int, int], ...]:
    """Spans of ``text`` that the query's words (as prefixes) and phrases match.

    Whole words are highlighted from where a term starts; a term that matches nowhere is
    tried again without a Danish inflection ending (PostgreSQL matches stems). A query without
    words is looked for as a plain substring. Matching ignores case.
    """
    parsed = parse_query(query) if isinstance(query, str) else query
    if not parsed.positive:
        needle = parsed.raw.strip()
        if not needle or parsed.excluded:
            return ()
        found = re.finditer(re.escape(needle), text, re.IGNORECASE)
        return _merge([m.span() for m in found])
    spans: list[tuple[int, int]] = []
    for term in parsed.terms:
        found_spans = _word_spans(text, (term,))
        if not found_spans and _stem(term) != term:
            found_spans = _word_spans(text, (_stem(term),))
        spans.extend(found_spans)
    for phrase in parsed.phrases:
        spans.extend(_word_spans(text, phrase))
    return _merge(spans)


def _fts5_expression(terms: tuple[str, ...], phrases: tuple[tuple[str, ...], ...]) -> str:
    parts = [f'"{term}"*' for term in terms]
    parts += ['"' + " ".join(phrase) + '"' for phrase in phrases]
    return " AND ".join(parts)


def _base(filters: SearchFilters, coder_id: int | None) -> _Rows:
    stmt = (
        select(
            Unit.id,
            Unit.source_id,
            Source.name,
            Unit.ordinal,
            Unit.speaker,
            Participant.role,
            Unit.text,
        )
        .join(Source, Source.id == Unit.source_id)
        .outerjoin(Participant, Participant.id == Unit.participant_id)
    )
    if filters.source_id is not None:
        stmt = stmt.where(Unit.source_id == filters.source_id)
    if filters.uncoded and coder_id is not None:
        stmt = stmt.where(
            ~exists().where(Coding.unit_id == Unit.id, Coding.coder_id == coder_id)
        )
    if filters.code is not None:
        conditions: list[ColumnElement[bool]] = [
            Coding.unit_id == Unit.id,
            Coding.code_id == filters.code,
        ]
        if filters.coder is not None:
            conditions.append(Coding.coder_id == coder_id)
        stmt = stmt.where(exists().where(*conditions))
    if filters.speaker is not None:
        stmt = stmt.where(Unit.speaker == filters.speaker)
    if filters.role is not None:
        stmt = stmt.where(Participant.role == filters.role)
    if filters.attribute is not None:
        name, value = filters.attribute
        stmt = stmt.where(Participant.attributes[name].as_string() == value)
    return stmt


def _fts5_match(expression: str, name: str) -> Select[Any]:
    match = text(f"unit_fts MATCH :{name}").bindparams(**{name: expression})
    return select(_FTS.c.rowid).where(match)


def _sqlite_fts(stmt: _Rows, parsed: Query) -> _Rows:
    if parsed.positive:
        expression = _fts5_expression(parsed.terms, parsed.phrases)
        stmt = stmt.where(Unit.id.in_(_fts5_match(expression, "fts_positive")))
    if parsed.excluded:
        expression = " OR ".join(f'"{word}"' for word in parsed.excluded)
        stmt = stmt.where(Unit.id.not_in(_fts5_match(expression, "fts_negative")))
    return stmt


def _tsquery_expression(parsed: Query) -> str:
    """A ``to_tsquery`` expression: every word as a prefix (Danish compounds), phrases, nots."""
    parts = [f"{term}:*" for term in parsed.terms]
    parts += ["(" + " <-> ".join(phrase) + ")" for phrase in parsed.phrases]
    parts += [f"!{word}" for word in parsed.excluded]
    return " & ".join(parts)


def _tsquery(parsed: Query) -> ColumnElement[Any]:
    return func.to_tsquery(text("'danish'"), _tsquery_expression(parsed))


def _postgres_fts(stmt: _Rows, parsed: Query) -> _Rows:
    vector = func.to_tsvector(text("'danish'"), Unit.text)
    return stmt.where(vector.op("@@")(_tsquery(parsed)))


def _postgres_understands(session: Session, parsed: Query) -> bool:
    return bool(session.scalar(select(func.numnode(_tsquery(parsed)))))


def _like(stmt: _Rows, raw: str) -> _Rows:
    return stmt.where(Unit.text.icontains(raw.strip(), autoescape=True))


def _run(
    session: Session, stmt: _Rows, limit: int, parsed: Query | None
) -> tuple[list[SearchHit], bool]:
    rows = session.execute(stmt.order_by(Source.name, Unit.ordinal).limit(limit + 1)).all()
    hits = [
        SearchHit(
            unit_id=unit_id,
            source_id=source_id,
            source=name,
            ordinal=ordinal,
            speaker=speaker,
            role=role,
            text=unit_text,
            highlights=highlight_offsets(unit_text, parsed) if parsed is not None else (),
        )
        for unit_id, source_id, name, ordinal, speaker, role, unit_text in rows[:limit]
    ]
    return hits, len(rows) > limit


def search_units(
    session: Session,
    query: str,
    filters: SearchFilters | None = None,
    *,
    limit: int = DEFAULT_LIMIT,
) -> SearchResult:
    """Units whose text matches ``query`` and that pass ``filters``, in document order.

    SQLite uses the FTS5 index, PostgreSQL its Danish full-text index; on both every word
    matches as a prefix (Danish compounds: *telefon* finds *telefontiden*), and PostgreSQL
    also matches inflected forms through its Danish stemmer. A query without
    words (an emoji, a dash) or one the index cannot use is matched with LIKE. An empty
    query lists every unit that passes the filters.
    """
    filters = filters or SearchFilters()
    coder_id: int | None = None
    if filters.coder is not None:
        coder_id = session.scalar(select(Coder.id).where(Coder.name == filters.coder))
        if coder_id is None and filters.code is not None:
            return SearchResult([], "all" if not query.strip() else "fts")
    stmt = _base(filters, coder_id)
    parsed = parse_query(query)
    if parsed.empty:
        hits, truncated = _run(session, stmt, limit, None)
        return SearchResult(hits, "all", truncated)
    dialect = session.get_bind().dialect.name
    if parsed.positive or parsed.excluded:
        try:
            with session.begin_nested():
                if dialect == "sqlite":
                    hits, truncated = _run(session, _sqlite_fts(stmt, parsed), limit, parsed)
                    return SearchResult(hits, "fts", truncated)
                if dialect == "postgresql" and _postgres_understands(session, parsed):
                    hits, truncated = _run(session, _postgres_fts(stmt, parsed), limit, parsed)
                    return SearchResult(hits, "fts", truncated)
        except DBAPIError:
            pass  # the index cannot take this query (or is missing): LIKE below
    hits, truncated = _run(session, _like(stmt, parsed.raw), limit, Query(parsed.raw))
    return SearchResult(hits, "like", truncated)


def search_facets(session: Session) -> Facets:
    """Speakers, roles and participant attributes (with their values) found in the project."""
    speakers = sorted(
        s for s in session.scalars(select(Unit.speaker).where(Unit.speaker.is_not(None)).distinct())
        if s
    )
    roles = sorted(
        r
        for r in session.scalars(
            select(Participant.role).where(Participant.role.is_not(None)).distinct()
        )
        if r
    )
    attributes: dict[str, set[str]] = {}
    for values in session.scalars(select(Participant.attributes)):
        for name, value in (values or {}).items():
            if value not in (None, ""):
                attributes.setdefault(str(name), set()).add(str(value))
    return Facets(
        speakers=speakers,
        roles=roles,
        attributes={name: sorted(values) for name, values in sorted(attributes.items())},
    )
