"""PostgreSQL fast path for the commonest writes: a coding and its event in one statement.

Over a network every statement is a round trip; the ORM path of ``coding.apply_code`` takes
about ten (coder, unit, code, existing coding, insert, event, begin, commit). Here the
checks, the insert and the event are one ``WITH ... INSERT ... RETURNING`` statement run in
autocommit mode, which PostgreSQL executes as one transaction: one round trip. When the
statement writes nothing (an unknown unit or code, a span outside the unit, a coding that
exists already), the caller falls back to the ORM path, which says exactly why.
"""

from __future__ import annotations

import weakref
from functools import partial
from typing import Any

from sqlalchemy import (
    JSON,
    Engine,
    String,
    and_,
    cast,
    create_engine,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    type_coerce,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ColumnElement

from kodebog.store import Store
from kodebog.store.models import Code, Coder, Coding, Event, Unit, utcnow

_ENGINES: weakref.WeakKeyDictionary[Store, Engine] = weakref.WeakKeyDictionary()
_CODERS: weakref.WeakKeyDictionary[Store, dict[str, int]] = weakref.WeakKeyDictionary()


def usable(store: Store) -> bool:
    """Whether the fast path applies (PostgreSQL only)."""
    return store.url.get_backend_name() == "postgresql"


def _engine(store: Store) -> Engine:
    """An autocommit engine beside the store's, for single-statement transactions."""
    engine = _ENGINES.get(store)
    if engine is None:
        # No liveness ping: it would double the round trips. A connection the server
        # dropped fails once with ``connection_invalidated`` and ``run`` tries again.
        engine = create_engine(store.url, isolation_level="AUTOCOMMIT", pool_size=1,
                               max_overflow=2)
        _ENGINES[store] = engine
        store.on_dispose.append(partial(dispose, store))
    return engine


def known_coder(store: Store, name: str) -> int | None:
    """The id of a coder this process has seen already (coders are never deleted)."""
    return _CODERS.get(store, {}).get(name.strip())


def remember_coder(store: Store, name: str, coder: int) -> None:
    """Remember a coder's id for later fast writes."""
    _CODERS.setdefault(store, {})[name.strip()] = coder


def _snapshot(row: Any, fields: tuple[str, ...]) -> ColumnElement[Any]:
    """A JSON object of a coding row as ``coding._snapshot`` writes it."""
    pairs: list[Any] = [literal("id"), row.c.id]
    for name in fields:
        pairs += [literal(name), row.c[name]]
    return func.json_build_object(*pairs)


def apply(store: Store, coder: int, unit_id: int, code_id: str,
          span: tuple[int, int] | None, fields: tuple[str, ...]) -> tuple[int, int] | None:
    """Insert a manual coding and its event in one statement; (coding id, event id) or None.

    None means nothing was written (the caller's ORM path then finds out why).
    """
    unit = select(Unit.id, Unit.text).where(Unit.id == unit_id).cte("u")
    length = func.char_length(unit.c.text)
    start = literal(span[0] if span else 0)
    end = literal(span[1]) if span else length
    now = utcnow()
    already = exists().where(Coding.unit_id == unit_id, Coding.code_id == code_id,
                             Coding.coder_id == coder, Coding.start == start,
                             Coding.end == end)
    chosen = (
        select(unit.c.id, literal(code_id), literal(coder), start, end,
               func.substr(unit.c.text, start + 1, end - start), literal(False),
               literal("manual"), literal(now))
        .where(exists().where(Code.id == code_id, Code.retired.is_(False)),
               start >= 0, start < end, end <= length, ~already)
    )
    inserted = (
        insert(Coding)
        .from_select(["unit_id", "code_id", "coder_id", "start", "end", "text", "key_quote",
                      "origin", "created_at"], chosen)
        .returning(*Coding.__table__.c)
        .cte("ins")
    )
    logged = (
        insert(Event)
        .from_select(
            ["at", "coder_id", "action", "entity", "entity_id", "before", "after"],
            select(literal(now), literal(coder), literal("coding.apply"), literal("coding"),
                   cast(inserted.c.id, String),
                   type_coerce(literal({"codings": []}, JSON), JSON),
                   func.json_build_object("codings",
                                          func.json_build_array(_snapshot(inserted, fields))))
        )
        .returning(Event.id)
        .cte("ev")
    )
    statement = select(inserted.c.id, logged.c.id).select_from(inserted).join(logged,
                                                                               literal(True))
    row = _run(store, statement)
    return None if row is None else (int(row[0]), int(row[1]))


def remove(store: Store, coder: int, unit_id: int, code_id: str,
           span: tuple[int, int] | None, fields: tuple[str, ...]
           ) -> tuple[tuple[int, ...], int] | None:
    """Delete this coder's codings of a code on a unit and log it, in one statement.

    Returns (removed coding ids, event id), or None when nothing matched.
    """
    condition = and_(Coding.unit_id == unit_id, Coding.code_id == code_id,
                     Coding.coder_id == coder)
    if span is not None:
        condition = and_(condition, Coding.start == span[0], Coding.end == span[1])
    removed = delete(Coding).where(condition).returning(*Coding.__table__.c).cte("del")
    rows = select(func.json_agg(_snapshot(removed, fields))).scalar_subquery()
    first = select(func.min(removed.c.id)).scalar_subquery()
    logged = (
        insert(Event)
        .from_select(
            ["at", "coder_id", "action", "entity", "entity_id", "before", "after"],
            select(literal(utcnow()), literal(coder), literal("coding.remove"),
                   literal("coding"), cast(first, String),
                   func.json_build_object("codings", rows),
                   type_coerce(literal({"codings": []}, JSON), JSON))
            .where(exists(select(removed.c.id)))
        )
        .returning(Event.id)
        .cte("ev")
    )
    statement = select(func.array_agg(removed.c.id), select(logged.c.id).scalar_subquery())
    row = _run(store, statement.select_from(removed))
    if row is None or row[0] is None or row[1] is None:
        return None
    return tuple(sorted(int(i) for i in row[0])), int(row[1])


def _run(store: Store, statement: Any) -> Any:
    """Execute one statement as its own transaction: one round trip to the server.

    A pooled connection that the server closed meanwhile is retried once on a fresh
    connection. That is safe even if the first attempt did land: the apply finds its coding
    and the removal finds nothing, so neither writes twice.
    """
    for attempt in (1, 2):
        try:
            with _engine(store).connect() as connection:
                return connection.execute(statement).first()
        except DBAPIError as error:
            if attempt == 2 or not error.connection_invalidated:
                raise
    return None


def dispose(store: Store) -> None:
    """Close the fast path's connections of a store."""
    engine = _ENGINES.pop(store, None)
    if engine is not None:
        engine.dispose()


def coder_of(store: Store, name: str) -> int | None:
    """The coder's id if it exists (one read; cached)."""
    found = known_coder(store, name)
    if found is not None:
        return found
    with store.read() as session:
        found = session.scalar(select(Coder.id).where(Coder.name == name.strip()))
    if found is not None:
        remember_coder(store, name, found)
    return found


__all__ = ["apply", "coder_of", "dispose", "remove", "usable"]
