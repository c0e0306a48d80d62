"""The one write path for codings: apply, remove, memo, key quote, undo and redo.

Every function here is one user action: one transaction and one Event. Events record the
affected rows before and after the action (``{"codings": [...], "unit_memos": [...]}``), so
undo restores the "before" state and redo the "after" state, whatever the action was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kodebog import coding_pg
from kodebog.errors import ProjectError
from kodebog.i18n import N_, _, formats, ngettext, translate
from kodebog.store import Store
from kodebog.store.engine import driver_error
from kodebog.store.models import (
    CONSENSUS_CODER,
    Code,
    Coder,
    Coding,
    Event,
    Unit,
    UnitMemo,
    utcnow,
)

T = TypeVar("T")

CODEBOOK_ACTIONS = frozenset(
    {"code.add", "code.rename", "code.edit", "code.move", "code.merge", "code.split",
     "code.retire"}
)
"""Codebook changes (``kodebog.codes``): undone and redone on the same stack as codings."""
_STEP_SAID = {
    "coding.apply": (N_("undid a coding"), N_("redid a coding")),
    "coding.remove": (N_("undid a removal"), N_("redid a removal")),
    "coding.memo": (N_("undid a coding memo"), N_("redid a coding memo")),
    "coding.key_quote": (N_("undid a key quote"), N_("redid a key quote")),
    "coding.valence": (N_("undid a valence"), N_("redid a valence")),
    "unit.memo": (N_("undid a unit memo"), N_("redid a unit memo")),
    "source.done": (N_("undid marking the source done"), N_("redid marking the source done")),
    "source.undone": (N_("undid unmarking the source"), N_("redid unmarking the source")),
    **{action: (N_("undid a codebook change"), N_("redid a codebook change"))
       for action in CODEBOOK_ACTIONS},
}


def step_said(action: str, direction: str) -> str:
    """What undoing (``direction="undo"``) or redoing an event of ``action`` did, for people."""
    undid, redid = _STEP_SAID.get(action, (N_("undid {what}"), N_("redid {what}")))
    return translate(undid if direction == "undo" else redid).format(what=action)
UNDOABLE = frozenset(
    {"coding.apply", "coding.remove", "coding.memo", "coding.key_quote", "unit.memo",
     "coding.valence"}
) | CODEBOOK_ACTIONS
VALENCES = ("positive", "negative", "mixed", "none")
"""What a coding can say: works well, less well, both; "none" (stored as NULL) says nothing."""
VALENCE_MARKS = {"positive": "+", "negative": "−", "mixed": "±"}
VALENCE_NAMES = {"positive": N_("works well"), "negative": N_("works less well"),
                 "mixed": N_("mixed")}
VALENCE_CYCLE = {None: "positive", "positive": "negative", "negative": "mixed", "mixed": "none"}
"""The valence the coding screen's + key sets next."""
ORIGINS = frozenset({"manual", "suggestion", "import", "adjudication"})
_CONSENSUS_ORIGINS = frozenset({"adjudication", "import"})
"""How the consensus coder's codings may be written: by a decision, or carried in by import."""

CODING_FIELDS = (
    "unit_id",
    "code_id",
    "coder_id",
    "start",
    "end",
    "text",
    "memo",
    "key_quote",
    "origin",
    "created_at",
    "import_flag",
    "valence",
)
"""A coding's columns as events snapshot them (undo and redo restore exactly these)."""

_FIELDS = {
    "codings": CODING_FIELDS,
    "unit_memos": ("unit_id", "coder_id", "text", "updated_at"),
}
_MODELS: dict[str, type[Coding] | type[UnitMemo]] = {"codings": Coding, "unit_memos": UnitMemo}


class Outcome(StrEnum):
    """What an action did, for callers that branch on it (never parse ``Change.message``)."""

    APPLIED = "applied"  # a new coding
    UPDATED = "updated"  # an existing coding's memo or key-quote flag changed
    REMOVED = "removed"  # codings removed
    CHANGED = "changed"  # a memo, a key quote, a unit memo or a done mark set or cleared
    UNDONE = "undone"
    REDONE = "redone"
    NOTHING = "nothing"  # already so: nothing written, no event


@dataclass(frozen=True)
class Change:
    """What one action did: the event it logged and the codings it touched.

    ``outcome`` says what happened; ``undid`` names the action an undo or redo reversed
    (``"coding.apply"`` ...); ``message`` is a short human text for the CLI.
    """

    event_id: int | None
    action: str
    coding_ids: tuple[int, ...] = ()
    message: str = ""
    outcome: Outcome = Outcome.CHANGED
    undid: str | None = None


def coder_id(session: Session, name: str) -> int:
    """The id of the coder with this name, created on first use."""
    name = name.strip()
    if not name:
        raise ProjectError(_("the coder's name is empty; pass --coder NAME"))
    found = session.scalar(select(Coder.id).where(Coder.name == name))
    if found is not None:
        return found
    coder = Coder(name=name)
    session.add(coder)
    session.flush()
    return coder.id


def _unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise ProjectError(_("no unit with id {id}").format(id=unit_id))
    return unit


def require_code(session: Session, code_id: str) -> Code:
    """The live code an id names (following a merged code's alias to the code it joined),
    or a ProjectError that lists the codes the codebook has."""
    code = session.get(Code, code_id)
    hops = 0
    while code is not None and code.merged_into and hops < 50:
        code, hops = session.get(Code, code.merged_into), hops + 1
    if code is None or code.retired:
        known = ", ".join(session.scalars(
            select(Code.id).where(Code.retired.is_(False)).order_by(Code.position)))
        raise ProjectError(_("unknown code '{code}'; the codebook has: {known}").format(
            code=code_id, known=known))
    return code


def _span(unit: Unit, span: tuple[int, int] | None) -> tuple[int, int]:
    if span is None:
        return 0, len(unit.text)
    start, end = span
    if not 0 <= start < end <= len(unit.text):
        raise ProjectError(_(
            "span {start}:{end} is outside unit {unit} (its text has {length} characters; "
            "use START:END with 0 <= START < END)").format(
                start=start, end=end, unit=unit.ordinal, length=len(unit.text)))
    return start, end


def _snapshot(row: Coding | UnitMemo, kind: str) -> dict[str, Any]:
    data: dict[str, Any] = {"id": row.id}
    for field in _FIELDS[kind]:
        value = getattr(row, field)
        data[field] = value.isoformat() if isinstance(value, datetime) else value
    return data


def log_event(
    session: Session,
    coder: int | None,
    action: str,
    entity: str,
    entity_id: object,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    ref: int | None = None,
) -> int:
    """Append one Event (who did what to which row, before and after) and return its id.

    Every user action logs exactly one, inside its own transaction; undo, redo and the
    audit trail read them.
    """
    event = Event(
        coder_id=coder,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        before=before,
        after=after,
        ref=ref,
    )
    session.add(event)
    session.flush()
    return event.id


def _find(
    session: Session, unit_id: int, code_id: str, coder: int, span: tuple[int, int] | None
) -> list[Coding]:
    query = select(Coding).where(
        Coding.unit_id == unit_id, Coding.code_id == code_id, Coding.coder_id == coder
    )
    if span is not None:
        query = query.where(Coding.start == span[0], Coding.end == span[1])
    return list(session.scalars(query.order_by(Coding.id)))


def refuse_consensus(coder_name: str) -> None:
    """ProjectError when someone codes by hand as the consensus coder (decisions only)."""
    if coder_name.strip() == CONSENSUS_CODER:
        raise ProjectError(_("'{consensus}' is reserved for the reviewer's decisions; code "
                             "under your own name, and settle disagreements in the review "
                             "(kodebog settle, or the review screen)").format(
                                 consensus=CONSENSUS_CODER))


def apply_code_in(
    session: Session,
    coder_name: str,
    unit_id: int,
    code_id: str,
    span: tuple[int, int] | None = None,
    *,
    memo: str | None = None,
    key_quote: bool | None = None,
    origin: str = "manual",
    valence: str | None = None,
) -> Change:
    """Apply ``code_id`` to a unit (or a span of it) inside an open transaction.

    ``valence`` (positive / negative / mixed / none) sets the coding's valence when given.
    """
    if origin not in ORIGINS:
        raise ValueError(f"unknown origin {origin!r}")
    if origin not in _CONSENSUS_ORIGINS:
        refuse_consensus(coder_name)
    coder = coder_id(session, coder_name)
    unit = _unit(session, unit_id)
    code_id = require_code(session, code_id).id
    start, end = _span(unit, span)
    existing = _find(session, unit.id, code_id, coder, (start, end))
    if existing:
        coding = existing[0]
        before = {"codings": [_snapshot(coding, "codings")]}
        changed = False
        if memo is not None and memo != coding.memo:
            coding.memo, changed = memo, True
        if key_quote is not None and key_quote != coding.key_quote:
            coding.key_quote, changed = key_quote, True
        if valence is not None and valence_value(valence) != coding.valence:
            coding.valence, changed = valence_value(valence), True
        if not changed:
            return Change(None, "none", (coding.id,), _("already coded"), Outcome.NOTHING)
        session.flush()
        event = log_event(
            session,
            coder,
            "coding.apply",
            "coding",
            coding.id,
            before,
            {"codings": [_snapshot(coding, "codings")]},
        )
        return Change(event, "coding.apply", (coding.id,), "updated", Outcome.UPDATED)
    coding = Coding(
        unit_id=unit.id,
        code_id=code_id,
        coder_id=coder,
        start=start,
        end=end,
        text=unit.text[start:end],
        memo=memo,
        key_quote=bool(key_quote),
        origin=origin,
        valence=valence_value(valence),
    )
    session.add(coding)
    session.flush()
    event = log_event(
        session,
        coder,
        "coding.apply",
        "coding",
        coding.id,
        {"codings": []},
        {"codings": [_snapshot(coding, "codings")]},
    )
    return Change(event, "coding.apply", (coding.id,), "applied", Outcome.APPLIED)


def apply_code(
    store: Store,
    coder_name: str,
    unit_id: int,
    code_id: str,
    span: tuple[int, int] | None = None,
    *,
    memo: str | None = None,
    key_quote: bool | None = None,
    origin: str = "manual",
    valence: str | None = None,
) -> Change:
    """Apply a code to a whole unit, or to ``span`` (unit-relative offsets) of it."""
    if origin not in _CONSENSUS_ORIGINS:
        refuse_consensus(coder_name)
    if memo is None and key_quote is None and valence is None and origin == "manual":
        fast = _fast(store, coder_name, lambda coder: coding_pg.apply(
            store, coder, unit_id, code_id, span, _FIELDS["codings"]))
        if fast is not None:
            coding_id, event = fast
            return Change(event, "coding.apply", (coding_id,), "applied", Outcome.APPLIED)
    with store.write() as session:
        return apply_code_in(
            session,
            coder_name,
            unit_id,
            code_id,
            span,
            memo=memo,
            key_quote=key_quote,
            origin=origin,
            valence=valence,
        )


def remove_code_in(
    session: Session,
    coder_name: str,
    unit_id: int,
    code_id: str,
    span: tuple[int, int] | None = None,
) -> Change:
    """Remove this coder's codings of a code on a unit, inside an open transaction."""
    coder = coder_id(session, coder_name)
    unit = _unit(session, unit_id)
    found = _find(session, unit.id, code_id, coder, span)
    if not found:
        return Change(None, "none", (), "not coded", Outcome.NOTHING)
    before = {"codings": [_snapshot(c, "codings") for c in found]}
    ids = tuple(c.id for c in found)
    for coding in found:
        session.delete(coding)
    session.flush()
    event = log_event(session, coder, "coding.remove", "coding", ids[0], before, {"codings": []})
    return Change(event, "coding.remove", ids, _removed(len(ids)), Outcome.REMOVED)


def remove_code(
    store: Store,
    coder_name: str,
    unit_id: int,
    code_id: str,
    span: tuple[int, int] | None = None,
) -> Change:
    """Remove this coder's codings of a code on a unit (only the one at ``span`` if given).

    Removing by hand as the consensus coder is refused (settle the dispute again instead).
    """
    refuse_consensus(coder_name)
    fast = _fast(store, coder_name, lambda coder: coding_pg.remove(
        store, coder, unit_id, code_id, span, _FIELDS["codings"]))
    if fast is not None:
        ids, event = fast
        return Change(event, "coding.remove", ids, _removed(len(ids)), Outcome.REMOVED)
    with store.write() as session:
        return remove_code_in(session, coder_name, unit_id, code_id, span)


def _fast(store: Store, coder_name: str, write: Callable[[int], T | None]) -> T | None:
    """Run a PostgreSQL single-statement write (``coding_pg``) when it applies.

    None when it does not apply (SQLite, a coder not seen yet) or wrote nothing; the caller
    then takes the ORM path, which explains refusals.
    """
    if not coding_pg.usable(store):
        return None
    try:
        coder = coding_pg.coder_of(store, coder_name)
        return None if coder is None else write(coder)
    except DBAPIError as error:
        raise driver_error(error, store.display_name) from error


def toggle_code(store: Store, coder_name: str, unit_id: int, code_id: str) -> Change:
    """Apply the code to the whole unit, or remove it if this coder has it there already."""
    refuse_consensus(coder_name)
    if coding_pg.usable(store) and coding_pg.coder_of(store, coder_name) is not None:
        removed = remove_code(store, coder_name, unit_id, code_id)
        return removed if removed.outcome is Outcome.REMOVED else apply_code(
            store, coder_name, unit_id, code_id)
    with store.write() as session:
        coder = coder_id(session, coder_name)
        if _find(session, unit_id, code_id, coder, None):
            return remove_code_in(session, coder_name, unit_id, code_id)
        return apply_code_in(session, coder_name, unit_id, code_id)


def _removed(count: int) -> str:
    return ngettext("removed {n} coding", "removed {n} codings", count).format(
        n=formats.number(count))


def _owned_coding(session: Session, coder: int, coding_id: int) -> Coding:
    coding = session.get(Coding, coding_id)
    if coding is None:
        raise ProjectError(_("no coding with id {id}").format(id=coding_id))
    if coding.coder_id != coder:
        raise ProjectError(_("coding {id} belongs to another coder; only they can change "
                             "it").format(id=coding_id))
    return coding


def set_memo(store: Store, coder_name: str, coding_id: int, memo: str | None) -> Change:
    """Set (or with None/empty, clear) the memo of one of this coder's codings."""
    with store.write() as session:
        coder = coder_id(session, coder_name)
        coding = _owned_coding(session, coder, coding_id)
        before = {"codings": [_snapshot(coding, "codings")]}
        coding.memo = memo or None
        session.flush()
        event = log_event(
            session,
            coder,
            "coding.memo",
            "coding",
            coding.id,
            before,
            {"codings": [_snapshot(coding, "codings")]},
        )
        return Change(event, "coding.memo", (coding.id,))


def set_key_quote(store: Store, coder_name: str, coding_id: int, flag: bool) -> Change:
    """Mark or unmark one of this coder's codings as a key quote."""
    with store.write() as session:
        coder = coder_id(session, coder_name)
        coding = _owned_coding(session, coder, coding_id)
        before = {"codings": [_snapshot(coding, "codings")]}
        coding.key_quote = flag
        session.flush()
        event = log_event(
            session,
            coder,
            "coding.key_quote",
            "coding",
            coding.id,
            before,
            {"codings": [_snapshot(coding, "codings")]},
        )
        return Change(event, "coding.key_quote", (coding.id,))


def valence_value(valence: str | None) -> str | None:
    """The stored form of a valence: None for "none" or None; ProjectError if unknown."""
    if valence is None or valence == "none":
        return None
    if valence not in VALENCES:
        raise ProjectError(_("valence '{valence}': choose one of {choices}").format(
            valence=valence, choices=", ".join(VALENCES)))
    return valence


def set_valence(store: Store, coder_name: str, coding_id: int, valence: str | None) -> Change:
    """Say whether one of this coder's codings tells what works well, less well or both."""
    value = valence_value(valence)
    with store.write() as session:
        coder = coder_id(session, coder_name)
        coding = _owned_coding(session, coder, coding_id)
        if coding.valence == value:
            return Change(None, "none", (coding.id,), "unchanged", Outcome.NOTHING)
        before = {"codings": [_snapshot(coding, "codings")]}
        coding.valence = value
        session.flush()
        event = log_event(session, coder, "coding.valence", "coding", coding.id, before,
                          {"codings": [_snapshot(coding, "codings")]})
        return Change(event, "coding.valence", (coding.id,))


def set_unit_memo(store: Store, coder_name: str, unit_id: int, text: str | None) -> Change:
    """Set (or clear) this coder's memo on a whole unit."""
    with store.write() as session:
        coder = coder_id(session, coder_name)
        _unit(session, unit_id)
        memo = session.scalar(
            select(UnitMemo).where(UnitMemo.unit_id == unit_id, UnitMemo.coder_id == coder)
        )
        before = {"unit_memos": [_snapshot(memo, "unit_memos")] if memo else []}
        if text:
            if memo is None:
                memo = UnitMemo(unit_id=unit_id, coder_id=coder, text=text)
                session.add(memo)
            else:
                memo.text, memo.updated_at = text, utcnow()
            session.flush()
            after = {"unit_memos": [_snapshot(memo, "unit_memos")]}
        elif memo is not None:
            session.delete(memo)
            session.flush()
            after = {"unit_memos": []}
        else:
            return Change(None, "none", (), "no memo", Outcome.NOTHING)
        event = log_event(session, coder, "unit.memo", "unit", unit_id, before, after)
        return Change(event, "unit.memo")


def _restore(session: Session, current: dict[str, Any], target: dict[str, Any]) -> list[int]:
    """Make the rows named in ``current`` and ``target`` look as ``target`` says."""
    touched: list[int] = []
    for kind, model in _MODELS.items():
        wanted = {row["id"]: row for row in target.get(kind, [])}
        for row in current.get(kind, []):
            if row["id"] not in wanted:
                obj = session.get(model, row["id"])
                if obj is not None:
                    session.delete(obj)
        session.flush()
        for row_id, row in wanted.items():
            values = {  # .get: events written before a field existed lack it
                field: datetime.fromisoformat(row[field])
                if field in ("created_at", "updated_at") and row.get(field)
                else row.get(field)
                for field in _FIELDS[kind]
            }
            obj = session.get(model, row_id)
            if obj is None:
                session.add(model(id=row_id, **values))
            else:
                for field, value in values.items():
                    setattr(obj, field, value)
            if kind == "codings":
                touched.append(row_id)
        session.flush()
    return touched


BARRIERS = frozenset({"privacy.redact"})
"""Actions by anyone that undo cannot reach back past (they moved every offset)."""


def _stacks(session: Session, coder: int) -> tuple[list[int], list[int]]:
    """Replay this coder's log into (undo stack, redo stack) of event ids."""
    rows = session.execute(
        select(Event.id, Event.action, Event.ref)
        .where((Event.coder_id == coder) & Event.action.in_(UNDOABLE | {"undo", "redo"})
               | Event.action.in_(BARRIERS))
        .order_by(Event.id)
    )
    undo: list[int] = []
    redo: list[int] = []
    for event_id, action, ref in rows:
        if action in BARRIERS:
            undo.clear()
            redo.clear()
        elif action == "undo":
            if undo and undo[-1] == ref:
                redo.append(undo.pop())
        elif action == "redo":
            if redo and redo[-1] == ref:
                undo.append(redo.pop())
        else:
            undo.append(event_id)
            redo.clear()
    return undo, redo


def _step(store: Store, coder_name: str, direction: str) -> Change:
    with store.write() as session:
        coder = coder_id(session, coder_name)
        undo, redo = _stacks(session, coder)
        stack = undo if direction == "undo" else redo
        if not stack:
            nothing = _("nothing to undo") if direction == "undo" else _("nothing to redo")
            return Change(None, "none", (), nothing, Outcome.NOTHING)
        target = session.get(Event, stack[-1])
        assert target is not None
        before, after = target.before or {}, target.after or {}
        if target.action in CODEBOOK_ACTIONS:
            from kodebog.codebook_live import step_codebook

            logged_before, logged_after, touched = step_codebook(
                session, coder_name, target, direction
            )
        elif direction == "undo":
            touched = _restore(session, after, before)
            logged_before, logged_after = after, before
        else:
            touched = _restore(session, before, after)
            logged_before, logged_after = before, after
        event = log_event(
            session,
            coder,
            direction,
            target.entity,
            target.entity_id,
            logged_before,
            logged_after,
            ref=target.id,
        )
        outcome = Outcome.UNDONE if direction == "undo" else Outcome.REDONE
        said = step_said(target.action, direction)
        return Change(event, direction, tuple(touched), said, outcome, target.action)


def undo(store: Store, coder_name: str) -> Change:
    """Undo this coder's most recent action that is not undone yet."""
    return _step(store, coder_name, "undo")


def redo(store: Store, coder_name: str) -> Change:
    """Redo this coder's most recently undone action."""
    return _step(store, coder_name, "redo")


def mark_source_done(store: Store, coder_name: str, source_id: int, done: bool = True) -> Change:
    """Mark (or unmark) a source as fully coded by this coder; agreement reads this mark."""
    from kodebog.store.models import SourceStatus

    with store.write() as session:
        coder = coder_id(session, coder_name)
        status = session.scalar(select(SourceStatus).where(
            SourceStatus.source_id == source_id, SourceStatus.coder_id == coder))
        if (status is not None) == done:
            return Change(None, "none", (), _("already marked") if done else _("not marked"),
                          Outcome.NOTHING)
        if done:
            session.add(SourceStatus(source_id=source_id, coder_id=coder))
        else:
            session.delete(status)
        session.flush()
        event = log_event(session, coder, "source.done" if done else "source.undone", "source",
                     source_id, {"done": not done}, {"done": done})
        return Change(event, "source.done" if done else "source.undone")

