"""Editing a code's finding statement with a version check, so concurrent edits are refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kodebog.errors import ConflictError, ProjectError
from kodebog.store import Store
from kodebog.store.models import Code, Event, Finding, utcnow


@dataclass(frozen=True)
class FindingState:
    """A code's finding as last stored; ``version`` 0 means none was written yet."""

    code: str
    statement: str
    version: int
    updated_by: str | None
    updated_at: datetime | None


@dataclass(frozen=True)
class FindingEdit:
    """What ``set_finding`` wrote."""

    code: str
    version: int
    event_id: int
    created: bool


def _code(session: Session, code_id: str) -> Code:
    code = session.get(Code, code_id)
    if code is None or code.retired:
        known = ", ".join(session.scalars(
            select(Code.id).where(Code.retired.is_(False)).order_by(Code.position)))
        raise ProjectError(f"unknown code '{code_id}'; the codebook has: {known}")
    return code


def read_finding(session: Session, code_id: str) -> FindingState:
    """The stored finding of a code (an empty one, version 0, when none is written)."""
    _code(session, code_id)
    finding = session.scalar(select(Finding).where(Finding.code_id == code_id))
    if finding is None:
        return FindingState(code_id, "", 0, None, None)
    return FindingState(code_id, finding.statement, finding.version, finding.updated_by,
                        finding.updated_at)


def _conflict(code_id: str, base_version: int, current: FindingState) -> ConflictError:
    who = current.updated_by or "someone"
    return ConflictError(
        f"the finding for '{code_id}' was changed by {who} (now version {current.version}, "
        f"you started from version {base_version}); your text was not saved. "
        "Read their version, then save again to replace it.")


def set_finding(store: Store, coder: str, code_id: str, statement: str, base_version: int
                ) -> FindingEdit:
    """Store ``statement`` as the finding for a code if it is still at ``base_version``.

    ``base_version`` is the version the editor started from (0: no finding yet). When the
    stored version differs, someone else saved in between: ConflictError, nothing written.
    One transaction: the Finding (version + 1, pinned quotes kept) and a ``finding.update``
    Event, as ``kodebog finding`` writes them.
    """
    from kodebog.coding import coder_id

    try:
        with store.write() as session:
            _code(session, code_id)
            who = coder_id(session, coder)
            finding = session.scalar(
                select(Finding).where(Finding.code_id == code_id).with_for_update())
            current = 0 if finding is None else finding.version
            if current != base_version:
                raise _conflict(code_id, base_version, read_finding(session, code_id))
            before = None if finding is None else {
                "statement": finding.statement, "quotes": list(finding.quotes or []),
                "version": finding.version}
            created = finding is None
            if finding is None:
                finding = Finding(code_id=code_id, statement=statement, quotes=[], version=1)
                session.add(finding)
            else:
                finding.statement = statement
                finding.version += 1
            finding.updated_by, finding.updated_at = coder, utcnow()
            session.flush()
            event = Event(coder_id=who, action="finding.update", entity="finding",
                          entity_id=code_id, before=before,
                          after={"statement": finding.statement,
                                 "quotes": list(finding.quotes or []),
                                 "version": finding.version})
            session.add(event)
            session.flush()
            return FindingEdit(code_id, finding.version, event.id, created)
    except IntegrityError:
        # Another writer created the first finding for this code at the same moment.
        with store.read() as session:
            raise _conflict(code_id, base_version, read_finding(session, code_id)) from None
