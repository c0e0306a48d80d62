"""The analyst's finding statements: read, and write with a version check (one path)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kodebog.coding import require_code
from kodebog.errors import ConflictError, ProjectError
from kodebog.i18n import _
from kodebog.store import Store
from kodebog.store.models import Coding, Event, Finding, utcnow


@dataclass(frozen=True)
class FindingChange:
    """What ``set_finding`` did."""

    code: str
    version: int
    event_id: int
    created: bool


FindingEdit = FindingChange
"""What ``set_finding`` wrote (the name the TUI's finding dialog uses)."""


@dataclass(frozen=True)
class FindingState:
    """A code's finding as last stored; ``version`` 0 means none was written yet."""

    code: str
    statement: str
    version: int
    updated_by: str | None
    updated_at: datetime | None


def read_finding(session: Session, code_id: str) -> FindingState:
    """The stored finding of a code (an empty one, version 0, when none is written)."""
    require_code(session, code_id)
    finding = session.scalar(select(Finding).where(Finding.code_id == code_id))
    if finding is None:
        return FindingState(code_id, "", 0, None, None)
    return FindingState(code_id, finding.statement, finding.version, finding.updated_by,
                        finding.updated_at)


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
    except (IntegrityError, ConflictError):
        if base_version is None:
            raise
        # Another writer created the first finding for this code at the same moment.
        with store.read() as session:
            current = session.scalar(select(Finding).where(Finding.code_id == code_id))
            raise _conflict(code_id, base_version, current) from None


def _conflict(code_id: str, base_version: int, current: Finding | None) -> ConflictError:
    who = (current.updated_by if current else None) or _("someone")
    version = current.version if current else 0
    return ConflictError(_(
        "the finding for '{code}' was changed by {who} (now version {version}, you started "
        "from version {base}); your text was not saved. Read their version, then save again "
        "to replace it.").format(code=code_id, who=who, version=version, base=base_version))


def _write_finding(
    session: Session, code_id: str, statement: str, coder: str,
    quotes: Sequence[int] | None, base_version: int | None,
) -> FindingChange:
    from kodebog.coding import coder_id

    require_code(session, code_id)
    if quotes:
        found = set(session.scalars(
            select(Coding.id).where(Coding.id.in_(quotes), Coding.code_id == code_id)))
        missing = [q for q in quotes if q not in found]
        if missing:
            raise ProjectError(_("coding {id} is not a coding of '{code}'; see the ids with "
                                 "`kodebog units PROJECT SOURCE --json`").format(
                                     id=missing[0], code=code_id))
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
