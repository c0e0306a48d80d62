"""GUIDs that other tools gave imported things, kept in the project and written back.

Each is stored under kodebog's own name for the thing (``kind``, ``key``), so an export
writes the original GUID and a round trip through kodebog merges in the original tool
instead of duplicating. Anything without a stored GUID gets a derived one (UUID 5).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from kodebog.exchange.refi_common import KODEBOG_NAMESPACE, guid, norm_guid, xml_datetime
from kodebog.store.models import CodebookVersion, RefiGuid

KINDS = ("code", "source", "user", "case", "variable", "selection", "coding", "note",
         "unit memo", "unit memo note")


def coding_key(source: str, start: int, end: int, code: str, coder: str) -> str:
    """The key of a coding: its source, position in the source's text, code and coder."""
    return "\x1f".join((source, str(start), str(end), code, coder))


def unit_memo_key(source: str, ordinal: int, coder: str) -> str:
    """The key of a unit memo."""
    return "\x1f".join((source, str(ordinal), coder))


def load(session: Session) -> tuple[dict[tuple[str, str], str], set[str]]:
    """Every stored GUID by (kind, key), and the code ids that are folders (not codable)."""
    known: dict[tuple[str, str], str] = {}
    folders: set[str] = set()
    for row in session.scalars(select(RefiGuid)):
        known[(row.kind, row.key)] = row.guid
        if row.kind == "code" and row.folder:
            folders.add(row.key)
    return known, folders


def save(session: Session, entries: Iterable[tuple[str, str, str]],
         folders: Iterable[str] = ()) -> int:
    """Store (kind, key, guid) entries (first one per kind and key wins); the count."""
    folder_set = set(folders)
    seen: set[tuple[str, str]] = set()
    for kind, key, value in entries:
        guid = norm_guid(value)
        if not guid or (kind, key) in seen or len(guid) > 36 or len(key) > 1000:
            continue
        seen.add((kind, key))
        session.add(RefiGuid(kind=kind, key=key, guid=guid,
                             folder=kind == "code" and key in folder_set))
    session.flush()
    return len(seen)


def project_namespace(session: Session) -> uuid.UUID:
    """The project's GUID namespace, from its first codebook version (never changes)."""
    first = session.scalars(
        select(CodebookVersion).order_by(CodebookVersion.id).limit(1)
    ).first()
    seed = f"{first.sha256}|{xml_datetime(first.created_at)}" if first else "kodebog"
    return uuid.uuid5(KODEBOG_NAMESPACE, seed)


@dataclass
class Ids:
    """GUIDs for an export: those kept from an import, else derived; none given twice."""

    ns: uuid.UUID
    known: dict[tuple[str, str], str] = field(default_factory=dict)
    folders: set[str] = field(default_factory=set)
    used: set[str] = field(default_factory=set)
    given: dict[tuple[str, str], str] = field(default_factory=dict)

    def __call__(self, kind: str, key: str, *parts: object) -> str:
        """The kept GUID of (kind, key), else one derived from ``parts`` (or the key).

        The same (kind, key) always gets the same GUID; a kept GUID that another key
        already took is not given twice (a derived one is used instead).
        """
        found = self.given.get((kind, key))
        if found is None:
            kept = self.known.get((kind, key))
            found = kept if kept is not None and kept not in self.used else (
                guid(self.ns, kind, *(parts or (key,))))
            self.used.add(found)
            self.given[(kind, key)] = found
        return found


def load_ids(session: Session) -> Ids:
    """The project's namespace and the GUIDs it kept from imports."""
    known, folders = load(session)
    return Ids(project_namespace(session), known, folders)
