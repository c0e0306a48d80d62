"""One source as the coding screen reads it: units in chunks on demand, all codings, memos."""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kodebog.errors import ProjectError
from kodebog.i18n import _
from kodebog.privacy import Hit, find_personal_data
from kodebog.project import current_codebook
from kodebog.queries import CodingInfo
from kodebog.store import Store
from kodebog.store.models import Coder, Coding, Participant, Source, Unit, UnitMemo
from kodebog.views.codebook import CodebookView, codebook_version, codebook_view
from kodebog.views.project import done_sources, newest_event, project_totals

CHUNK = 256
"""Units are read in chunks of this many, by position."""


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


def read_codings(
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


def read_memos(
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
        return UnitsRead(list(unit_ids), read_codings(session, None, unit_ids),
                         read_memos(session, None, unit_ids))


def load_source(
    store: Store, source_id: int, coder: str, around: int | None = None
) -> tuple[SourceView, int]:
    """Read a source's head, all its codings and the chunk around unit id ``around``.

    Returns the view and the position to start at.
    """
    with store.read() as session:
        source = session.get(Source, source_id)
        if source is None:
            raise ProjectError(_("source {id} is no longer in the project; reload the sources "
                                 "(ctrl+r) and pick another").format(id=source_id))
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
        view.set_codings(read_codings(session, source_id), read_memos(session, source_id))
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
