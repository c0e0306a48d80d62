"""Editing a code's finding statement with a version check, so concurrent edits are refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kodebog import findings
from kodebog.errors import ProjectError
from kodebog.findings import FindingChange
from kodebog.store import Store
from kodebog.store.models import Code, Finding


@dataclass(frozen=True)
class FindingState:
    """A code's finding as last stored; ``version`` 0 means none was written yet."""

    code: str
    statement: str
    version: int
    updated_by: str | None
    updated_at: datetime | None


FindingEdit = FindingChange
"""What ``set_finding`` wrote."""


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


def set_finding(store: Store, coder: str, code_id: str, statement: str, base_version: int
                ) -> FindingEdit:
    """Store ``statement`` as the finding for a code if it is still at ``base_version``.

    ``base_version`` is the version the editor started from (0: no finding yet). When the
    stored version differs, someone else saved in between: ConflictError, nothing written.
    Pinned quotes are kept. The write is ``findings.set_finding``, as ``kodebog finding`` uses.
    """
    return findings.set_finding(store, code_id, statement, coder, base_version=base_version)
