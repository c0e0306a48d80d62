"""What the TUI reads from a project, in plain data: no Textual here, safe to call in workers."""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from kodebog.codebook import Code as CodebookCode
from kodebog.codebook import Codebook
from kodebog.errors import ProjectError
from kodebog.privacy import Hit, find_personal_data
from kodebog.project import current_codebook
from kodebog.queries import CodingInfo, SourceInfo, list_sources
from kodebog.store import Store
from kodebog.store.models import (
    Code,
    CodebookVersion,
    Coder,
    Coding,
    Event,
    Participant,
    Source,
    SourceStatus,
    Unit,
    UnitMemo,
)

CHUNK = 256
"""Units are read in chunks of this many, by position."""

PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)
"""Colours for codes whose codebook entry has none."""


def project_label(store: Store) -> str:
    """The project as shown in the status bar: the file name, or the URL without password."""
    if store.is_sqlite:
        return Path(store.display_name).name
    return store.display_name


@dataclass(frozen=True)
class CodeView:
    """A code as the TUI shows it."""

    id: str
    label: str
    color: str
    key: str | None
    parent: str | None
    depth: int
    entry: CodebookCode


@dataclass
class CodebookView:
    """The project's codebook, flattened in codebook order, with a colour for every code."""

    title: str
    codes: list[CodeView]

    def get(self, code_id: str) -> CodeView | None:
        """The code with this id."""
        return next((c for c in self.codes if c.id == code_id), None)

    def by_key(self) -> dict[str, CodeView]:
        """Codes by hotkey."""
        return {c.key: c for c in self.codes if c.key}


def codebook_view(codebook: Codebook) -> CodebookView:
    """Flatten a codebook; codes without a colour get one from ``PALETTE``."""
    depth: dict[str, int] = {}
    codes = []
    for position, entry in enumerate(codebook.walk()):
        depth[entry.id] = depth[entry.parent] + 1 if entry.parent else 0
        color = entry.color or PALETTE[position % len(PALETTE)]
        if len(color) == 4:
            color = "#" + "".join(ch * 2 for ch in color[1:])
        codes.append(
            CodeView(entry.id, entry.label, color, entry.key, entry.parent, depth[entry.id],
                     entry)
        )
    return CodebookView(codebook.title, codes)


@dataclass
class Overview:
    """What the project screen shows."""

    codebook: CodebookView
    sources: list[SourceInfo]
    attributes: dict[int, set[tuple[str, str]]] = field(default_factory=dict)
    done: set[int] = field(default_factory=set)  # sources the coder has marked done

    @property
    def kinds(self) -> list[str]:
        """The kinds of source in the project."""
        return sorted({s.kind for s in self.sources})

    @property
    def attribute_values(self) -> list[tuple[str, str]]:
        """Every participant attribute (name, value) found in some source."""
        return sorted({pair for pairs in self.attributes.values() for pair in pairs})


def load_overview(store: Store, coder: str) -> Overview:
    """Sources with counts and this coder's progress, and the participant attributes."""
    with store.read() as session:
        codebook = codebook_view(current_codebook(session))
        sources = list_sources(session, coder)
        people = {
            pid: attributes or {}
            for pid, attributes in session.execute(select(Participant.id, Participant.attributes))
        }
        attributes: dict[int, set[tuple[str, str]]] = {}
        for source_id, participant_id in session.execute(
            select(Unit.source_id, Unit.participant_id)
            .where(Unit.participant_id.is_not(None))
            .distinct()
        ):
            pairs = attributes.setdefault(source_id, set())
            for name, value in people.get(participant_id, {}).items():
                if value not in (None, ""):
                    pairs.add((str(name), str(value)))
        done = done_sources(session, coder)
    return Overview(codebook, sources, attributes, done)


def done_sources(session: Session, coder: str) -> set[int]:
    """Ids of the sources this coder has marked done (fully coded)."""
    return set(session.scalars(
        select(SourceStatus.source_id).join(Coder, Coder.id == SourceStatus.coder_id)
        .where(Coder.name == coder)))


@dataclass(frozen=True)
class UnitRow:
    """A unit with what the coding screen draws of it."""

    id: int
    ordinal: int
    text: str
    speaker: str | None
    role: str | None
    participant: str | None
    timestamp: str | None


@dataclass(frozen=True)
class SourceHead:
    """A source's name, kind and unit count, without the units."""

    id: int
    name: str
    kind: str
    count: int
    ordinals: list[int] | None  # None when the ordinals are 1..count


def _unit_rows(session: Session, source_id: int, first: int, last: int) -> list[UnitRow]:
    rows = session.execute(
        select(
            Unit.id,
            Unit.ordinal,
            Unit.text,
            Unit.speaker,
            Participant.role,
            Participant.label,
            Unit.timestamp,
        )
        .outerjoin(Participant, Participant.id == Unit.participant_id)
        .where(Unit.source_id == source_id, Unit.ordinal.between(first, last))
        .order_by(Unit.ordinal)
    ).all()
    return [UnitRow(*row) for row in rows]


def _codings(
    session: Session, source_id: int | None, unit_ids: list[int] | None = None
) -> list[tuple[CodingInfo, int, int]]:
    """(coding, unit id, unit ordinal) for a source or for some units."""
    query = (
        select(Coding, Coder.name, Unit.ordinal)
        .join(Coder, Coder.id == Coding.coder_id)
        .join(Unit, Unit.id == Coding.unit_id)
        .order_by(Coding.start, Coding.code_id, Coding.id)
    )
    if unit_ids is not None:
        query = query.where(Coding.unit_id.in_(unit_ids))
    else:
        query = query.where(Unit.source_id == source_id)
    return [
        (
            CodingInfo(c.id, c.code_id, name, c.start, c.end, c.text, c.memo, c.key_quote,
                       c.origin, flag=c.import_flag, valence=c.valence),
            c.unit_id,
            ordinal,
        )
        for c, name, ordinal in session.execute(query).all()
    ]


def _memos(
    session: Session, source_id: int | None, unit_ids: list[int] | None = None
) -> list[tuple[int, str, str]]:
    query = (
        select(UnitMemo.unit_id, Coder.name, UnitMemo.text)
        .join(Coder, Coder.id == UnitMemo.coder_id)
        .join(Unit, Unit.id == UnitMemo.unit_id)
    )
    if unit_ids is not None:
        query = query.where(UnitMemo.unit_id.in_(unit_ids))
    else:
        query = query.where(Unit.source_id == source_id)
    return [(unit_id, name, text) for unit_id, name, text in session.execute(query).all()]


class SourceView:
    """One source as the coding screen sees it: unit chunks read on demand, all codings.

    Positions are 0-based indexes in unit order; ``fetch_chunk`` only reads (safe in a
    worker thread), ``put_chunk`` and the other mutators are called on the UI thread.
    """

    def __init__(
        self, store: Store, head: SourceHead, coder: str, codebook: CodebookView
    ) -> None:
        self.store = store
        self.head = head
        self.coder = coder
        self.codebook = codebook
        self.chunks: dict[int, list[UnitRow]] = {}
        self.codings: dict[int, list[CodingInfo]] = {}
        self.memos: dict[int, dict[str, str]] = {}
        self.ordinal_of: dict[int, int] = {}  # unit id -> ordinal, for every loaded unit
        self.mine: set[int] = set()  # ordinals this coder has coded
        self.totals: dict[str, list[int]] = {}  # code -> [yours, everyone's] in the project
        self.last_event = 0  # the newest event when the codings were read (see changes_since)
        self.done = False  # the coder has marked the source done
        self.codebook_version = 0  # the codebook version shown (changes start from it)
        self._personal: dict[int, list[Hit]] = {}

    @property
    def count(self) -> int:
        """How many units the source has."""
        return self.head.count

    def ordinal(self, index: int) -> int:
        """The ordinal of the unit at a position."""
        return self.head.ordinals[index] if self.head.ordinals else index + 1

    def index_of_ordinal(self, ordinal: int) -> int | None:
        """The position of the unit with this ordinal, None if there is none."""
        if self.head.ordinals is None:
            return ordinal - 1 if 1 <= ordinal <= self.count else None
        index = bisect.bisect_left(self.head.ordinals, ordinal)
        if index < self.count and self.head.ordinals[index] == ordinal:
            return index
        return None

    def index_of_unit(self, unit_id: int) -> int | None:
        """The position of a unit of this source by its id."""
        ordinal = self.ordinal_of.get(unit_id)
        if ordinal is None:
            with self.store.read() as session:
                ordinal = session.scalar(
                    select(Unit.ordinal).where(
                        Unit.id == unit_id, Unit.source_id == self.head.id
                    )
                )
        return None if ordinal is None else self.index_of_ordinal(ordinal)

    def personal_data(self, row: UnitRow) -> list[Hit]:
        """Personal data in a unit's text (looked for once, when the unit is first shown)."""
        found = self._personal.get(row.id)
        if found is None:
            found = self._personal[row.id] = find_personal_data(row.text)
        return found

    # chunks

    def chunk_range(self, chunk: int) -> tuple[int, int]:
        """The first and last ordinal of a chunk."""
        first = chunk * CHUNK
        last = min(self.count, first + CHUNK) - 1
        return self.ordinal(first), self.ordinal(last)

    def fetch_chunk(self, chunk: int) -> list[UnitRow]:
        """Read a chunk of units (no state is changed: safe in a worker)."""
        first, last = self.chunk_range(chunk)
        with self.store.read() as session:
            return _unit_rows(session, self.head.id, first, last)

    def put_chunk(self, chunk: int, rows: list[UnitRow]) -> None:
        """Keep a chunk read by ``fetch_chunk``."""
        self.chunks[chunk] = rows
        for row in rows:
            self.ordinal_of[row.id] = row.ordinal

    def row(self, index: int) -> UnitRow | None:
        """The unit at a position, None while its chunk is not read."""
        rows = self.chunks.get(index // CHUNK)
        if rows is None:
            return None
        offset = index % CHUNK
        return rows[offset] if offset < len(rows) else None

    def ensure(self, index: int) -> UnitRow:
        """The unit at a position, reading its chunk now if needed."""
        row = self.row(index)
        if row is None:
            self.put_chunk(index // CHUNK, self.fetch_chunk(index // CHUNK))
            row = self.row(index)
        assert row is not None, f"unit at position {index} is missing"
        return row

    # codings

    def set_codings(self, found: list[tuple[CodingInfo, int, int]], memos: list[tuple[int, str,
                    str]], unit_ids: list[int] | None = None) -> None:
        """Replace the codings and memos of some units (or of all, when ``unit_ids`` is None)."""
        if unit_ids is None:
            self.codings.clear()
            self.memos.clear()
            self.mine.clear()
        else:
            for unit_id in unit_ids:
                self.codings.pop(unit_id, None)
                self.memos.pop(unit_id, None)
                ordinal = self.ordinal_of.get(unit_id)
                if ordinal is not None:
                    self.mine.discard(ordinal)
        for coding, unit_id, ordinal in found:
            self.ordinal_of[unit_id] = ordinal
            self.codings.setdefault(unit_id, []).append(coding)
            if coding.coder == self.coder:
                self.mine.add(ordinal)
        for unit_id, coder, text in memos:
            self.memos.setdefault(unit_id, {})[coder] = text

    def load_totals(self) -> None:
        """Count every code's codings in the project: this coder's and everyone's."""
        with self.store.read() as session:
            self.totals = project_totals(session, self.coder)

    def add_coding(self, unit_id: int, coding: CodingInfo) -> None:
        """Show a coding that was just written (without reading it back)."""
        self.codings.setdefault(unit_id, []).append(coding)
        self.codings[unit_id].sort(key=lambda c: (c.start, c.code, c.id))
        ordinal = self.ordinal_of.get(unit_id)
        if coding.coder == self.coder and ordinal is not None:
            self.mine.add(ordinal)
        counts = self.totals.setdefault(coding.code, [0, 0])
        counts[0] += coding.coder == self.coder
        counts[1] += 1

    def drop_codings(self, unit_id: int, coding_ids: tuple[int, ...]) -> None:
        """Forget codings that were just removed."""
        kept = []
        for coding in self.codings.get(unit_id, []):
            if coding.id in coding_ids:
                counts = self.totals.setdefault(coding.code, [0, 0])
                counts[0] -= coding.coder == self.coder
                counts[1] -= 1
            else:
                kept.append(coding)
        self.codings[unit_id] = kept
        ordinal = self.ordinal_of.get(unit_id)
        if ordinal is not None and not any(c.coder == self.coder for c in kept):
            self.mine.discard(ordinal)

    def reload_units(self, unit_ids: list[int]) -> None:
        """Read the codings and memos of these units again (after a write)."""
        self.put_units(read_units(self.store, unit_ids))

    def put_units(self, read: UnitsRead) -> None:
        """Show the codings and memos of units read by ``read_units`` (UI thread)."""
        self.set_codings(read.codings, read.memos, read.unit_ids)

    def my_codings(self, unit_id: int) -> list[CodingInfo]:
        """This coder's codings on a unit."""
        return [c for c in self.codings.get(unit_id, ()) if c.coder == self.coder]

    def other_codings(self, unit_id: int) -> list[CodingInfo]:
        """Other coders' codings on a unit."""
        return [c for c in self.codings.get(unit_id, ()) if c.coder != self.coder]

    def code_counts(self) -> Counter[str]:
        """Units per code coded by this coder in this source."""
        counts: Counter[str] = Counter()
        for codings in self.codings.values():
            for code in {c.code for c in codings if c.coder == self.coder}:
                counts[code] += 1
        return counts

    def next_uncoded(self, index: int, step: int = 1) -> int | None:
        """The next position after ``index`` (before it, with step -1) this coder has not coded,
        wrapping around; None when every unit is coded."""
        for offset in range(1, self.count + 1):
            candidate = (index + step * offset) % self.count
            if self.ordinal(candidate) not in self.mine:
                return candidate
        return None


@dataclass(frozen=True)
class UnitsRead:
    """The codings and memos of some units, read after a write (by ``read_units``)."""

    unit_ids: list[int]
    codings: list[tuple[CodingInfo, int, int]]
    memos: list[tuple[int, str, str]]

    def only(self, unit_ids: set[int]) -> UnitsRead:
        """The part of this read that concerns ``unit_ids``."""
        return UnitsRead([u for u in self.unit_ids if u in unit_ids],
                         [c for c in self.codings if c[1] in unit_ids],
                         [m for m in self.memos if m[0] in unit_ids])


def read_units(store: Store, unit_ids: list[int]) -> UnitsRead:
    """Read the codings and memos of some units (no state changed: safe in any thread)."""
    if not unit_ids:
        return UnitsRead([], [], [])
    with store.read() as session:
        return UnitsRead(list(unit_ids), _codings(session, None, unit_ids),
                         _memos(session, None, unit_ids))


def read_totals(store: Store, coder: str) -> dict[str, list[int]]:
    """Codings per code in the whole project, [this coder's, everyone's] (any thread)."""
    with store.read() as session:
        return project_totals(session, coder)


def load_source(
    store: Store, source_id: int, coder: str, around: int | None = None
) -> tuple[SourceView, int]:
    """Read a source's head, all its codings and the chunk around unit id ``around``.

    Returns the view and the position to start at.
    """
    with store.read() as session:
        source = session.get(Source, source_id)
        if source is None:
            raise ProjectError(f"source {source_id} is no longer in the project; "
                               "reload the sources (ctrl+r) and pick another")
        count, low, high = session.execute(
            select(func.count(), func.min(Unit.ordinal), func.max(Unit.ordinal)).where(
                Unit.source_id == source_id
            )
        ).one()
        ordinals = None
        if count and (low != 1 or high != count):
            ordinals = list(
                session.scalars(
                    select(Unit.ordinal).where(Unit.source_id == source_id).order_by(Unit.ordinal)
                )
            )
        head = SourceHead(source.id, source.name, source.kind, count or 0, ordinals)
        codebook = codebook_view(current_codebook(session))
        view = SourceView(store, head, coder, codebook)
        view.codebook_version = codebook_version(session)
        view.last_event = newest_event(session)
        view.done = source_id in done_sources(session, coder)
        view.set_codings(_codings(session, source_id), _memos(session, source_id))
        view.totals = project_totals(session, coder)
        start = 0
        if around is not None:
            ordinal = session.scalar(select(Unit.ordinal).where(Unit.id == around))
            found = view.index_of_ordinal(ordinal) if ordinal is not None else None
            start = found or 0
        if view.count:
            chunk = start // CHUNK
            view.put_chunk(chunk, _unit_rows(session, source_id, *view.chunk_range(chunk)))
    return view, start


def newest_event(session: Session) -> int:
    """The id of the newest event (0 in a project without events): one indexed query."""
    return int(session.scalar(select(func.max(Event.id))) or 0)


def _event_units(before: dict[str, Any] | None, after: dict[str, Any] | None,
                 entity: str, entity_id: str | None) -> set[int]:
    """The units an event's before/after snapshots (or its entity) name."""
    ids: set[int] = set()
    for snapshot in (before or {}, after or {}):
        for rows in snapshot.values():
            if isinstance(rows, list):
                ids.update(int(row["unit_id"]) for row in rows
                           if isinstance(row, dict) and row.get("unit_id") is not None)
    if entity == "unit" and entity_id and entity_id.isdigit():
        ids.add(int(entity_id))
    return ids


WHOLE_SOURCE_AFTER = 2000
"""More changed units than this and a refresh reads all codings of the source instead."""


@dataclass
class SourceChanges:
    """What others (or this coder elsewhere) changed in a source since an event.

    ``unit_ids`` None means the codings and memos are those of the whole source.
    """

    newest: int
    unit_ids: list[int] | None
    codings: list[tuple[CodingInfo, int, int]]
    memos: list[tuple[int, str, str]]
    totals: dict[str, list[int]]
    codebook: tuple[int, CodebookView] | None = None
    """The codebook (version, view) when a change since touched it, else None."""


def codebook_version(session: Session) -> int:
    """The id of the project's newest codebook version."""
    return int(session.scalar(select(func.max(CodebookVersion.id))) or 0)


def read_codebook(store: Store) -> tuple[int, CodebookView]:
    """The project's current codebook and its version."""
    with store.read() as session:
        return codebook_version(session), codebook_view(current_codebook(session))


def changes_since(store: Store, source_id: int, coder: str, since: int) -> SourceChanges | None:
    """The codings and memos of the units of a source that events after ``since`` touched.

    None when nothing happened: then this costs one indexed query (``max(event.id)``), so it
    can run every few seconds.
    """
    with store.read() as session:
        newest = newest_event(session)
        if newest <= since:
            return None
        touched: set[int] = set()
        codebook_changed = False
        for before, after, entity, entity_id in session.execute(
            select(Event.before, Event.after, Event.entity, Event.entity_id)
            .where(Event.id > since, Event.id <= newest)
        ):
            touched |= _event_units(before, after, entity, entity_id)
            codebook_changed = codebook_changed or entity in ("code", "codebook")
        totals = project_totals(session, coder)
        codebook = (
            (codebook_version(session), codebook_view(current_codebook(session)))
            if codebook_changed else None
        )
        if len(touched) > WHOLE_SOURCE_AFTER:
            return SourceChanges(newest, None, _codings(session, source_id),
                                 _memos(session, source_id), totals, codebook)
        here = list(session.scalars(
            select(Unit.id).where(Unit.id.in_(touched), Unit.source_id == source_id)
        )) if touched else []
        found = _codings(session, None, here) if here else []
        memos = _memos(session, None, here) if here else []
    return SourceChanges(newest, here, found, memos, totals, codebook)


def affected_units(store: Store, event_id: int | None) -> list[int]:
    """The units an event changed (from its before/after snapshots)."""
    if event_id is None:
        return []
    with store.read() as session:
        event = session.get(Event, event_id)
        if event is None:
            return []
        ids: list[int] = []
        for snapshot in (event.before or {}, event.after or {}):
            for rows in snapshot.values():
                for row in rows if isinstance(rows, list) else ():
                    if (isinstance(row, dict) and row.get("unit_id") is not None
                            and row["unit_id"] not in ids):
                        ids.append(int(row["unit_id"]))
        if event.entity == "unit" and event.entity_id and int(event.entity_id) not in ids:
            ids.append(int(event.entity_id))
    return ids


def project_totals(session: Session, coder: str) -> dict[str, list[int]]:
    """Codings per code in the whole project: [by this coder, by everyone]."""
    mine = case((Coder.name == coder, 1), else_=0)
    rows = session.execute(
        select(Coding.code_id, func.sum(mine), func.count())
        .join(Coder, Coder.id == Coding.coder_id)
        .group_by(Coding.code_id)
    ).all()
    return {code: [int(yours or 0), int(everyone)] for code, yours, everyone in rows}


def source_id_by_name(store: Store, name: str) -> int | None:
    """The id of the source with this name."""
    with store.read() as session:
        return session.scalar(select(Source.id).where(Source.name == name))


def source_of_unit(store: Store, unit_id: int) -> int | None:
    """The source a unit belongs to."""
    with store.read() as session:
        return session.scalar(select(Unit.source_id).where(Unit.id == unit_id))


def code_exists(store: Store, code_id: str) -> bool:
    """Whether a code is in the project and not retired."""
    with store.read() as session:
        return bool(
            session.scalar(select(Code.id).where(Code.id == code_id, Code.retired.is_(False)))
        )
