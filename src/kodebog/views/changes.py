"""What changed in a source since the screen read it: new events, the units they touched."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from kodebog.project import current_codebook
from kodebog.queries import CodingInfo
from kodebog.store import Store
from kodebog.store.models import Event, Unit
from kodebog.views.codebook import CodebookView, codebook_version, codebook_view
from kodebog.views.project import newest_event, project_totals
from kodebog.views.source import read_codings, read_memos


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
            return SourceChanges(newest, None, read_codings(session, source_id),
                                 read_memos(session, source_id), totals, codebook)
        here = list(session.scalars(
            select(Unit.id).where(Unit.id.in_(touched), Unit.source_id == source_id)
        )) if touched else []
        found = read_codings(session, None, here) if here else []
        memos = read_memos(session, None, here) if here else []
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
