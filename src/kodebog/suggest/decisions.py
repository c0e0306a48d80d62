"""Deciding a suggestion: accept (codes the unit), reject, reopen; one transaction each."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from kodebog.coding import apply_code_in, log_event
from kodebog.errors import ProjectError
from kodebog.i18n import _
from kodebog.store import Store
from kodebog.store.models import Coder, Coding, Source, Unit
from kodebog.store.models import Suggestion as SuggestionRow
from kodebog.suggest.lookup import find_coder
from kodebog.suggest.values import Decision


def _decision(
    session: Session,
    row: SuggestionRow,
    event_id: int | None,
    coding_ids: tuple[int, ...] = (),
    message: str = "",
) -> Decision:
    source, ordinal = session.execute(
        select(Source.name, Unit.ordinal)
        .join(Unit, Unit.source_id == Source.id)
        .where(Unit.id == row.unit_id)
    ).one()
    return Decision(
        row.id,
        row.unit_id,
        source,
        ordinal,
        row.code_id,
        row.status,
        event_id,
        coding_ids,
        message,
    )


def _owned(session: Session, coder: str, suggestion_id: int) -> tuple[int, SuggestionRow, bool]:
    """The coder's id, the suggestion, and whether the coder has its code on its unit."""
    row = session.get(SuggestionRow, suggestion_id)
    if row is None:
        raise ProjectError(_("no suggestion with id {id}").format(id=suggestion_id))
    cid = find_coder(session, coder)
    if row.coder_id != cid:
        owner = session.scalar(select(Coder.name).where(Coder.id == row.coder_id))
        raise ProjectError(
            _("suggestion {id} was made for {owner}, not {coder}").format(
                id=suggestion_id, owner=owner or _("another coder"), coder=coder)
        )
    applied = session.scalar(
        select(
            exists().where(
                Coding.unit_id == row.unit_id,
                Coding.code_id == row.code_id,
                Coding.coder_id == cid,
            )
        )
    )
    return cid, row, bool(applied)


def accept(store: Store, coder: str, suggestion_id: int) -> Decision:
    """Apply the suggested code to the whole unit (origin ``suggestion``) and mark it accepted.

    One transaction with two events: ``coding.apply`` (so undo removes the coding and the
    suggestion is open again) and ``suggestion.accept``.
    """
    with store.write() as session:
        cid, row, applied = _owned(session, coder, suggestion_id)
        if row.status == "accepted" and applied:
            return _decision(session, row, None, (), "already")
        change = apply_code_in(session, coder, row.unit_id, row.code_id, origin="suggestion")
        before = {"status": row.status}
        row.status = "accepted"
        session.flush()
        after = {
            "status": "accepted",
            "unit_id": row.unit_id,
            "code_id": row.code_id,
            "score": row.score,
            "tier": row.tier,
            "coding_ids": list(change.coding_ids),
        }
        event = log_event(
            session,
            cid,
            "suggestion.accept",
            "suggestion",
            row.id,
            before,
            after,
            ref=change.event_id,
        )
        return _decision(session, row, event, change.coding_ids, change.message)


def reject(store: Store, coder: str, suggestion_id: int) -> Decision:
    """Mark the suggestion rejected: never suggested again for that unit and code, and a
    negative example when the model is next trained. ProjectError if the code is applied.
    """
    with store.write() as session:
        cid, row, applied = _owned(session, coder, suggestion_id)
        if row.status == "rejected":
            return _decision(session, row, None, (), "already")
        if applied:
            raise ProjectError(
                _("suggestion {id}: you have coded the unit with '{code}'; remove the code "
                  "(undo or untag) instead of rejecting it").format(
                    id=suggestion_id, code=row.code_id)
            )
        before = {"status": row.status}
        row.status = "rejected"
        session.flush()
        after = {"status": "rejected", "unit_id": row.unit_id, "code_id": row.code_id}
        event = log_event(session, cid, "suggestion.reject", "suggestion", row.id, before, after)
        return _decision(session, row, event, (), "rejected")


def reopen(store: Store, coder: str, suggestion_id: int) -> Decision:
    """Take back a rejection: the suggestion is open again (the undo of ``reject``)."""
    with store.write() as session:
        cid, row, _applied = _owned(session, coder, suggestion_id)
        if row.status != "rejected":
            return _decision(session, row, None, (), "not rejected")
        row.status = "open"
        session.flush()
        after = {"status": "open", "unit_id": row.unit_id, "code_id": row.code_id}
        event = log_event(
            session, cid, "suggestion.reopen", "suggestion", row.id, {"status": "rejected"}, after
        )
        return _decision(session, row, event, (), "reopened")
