"""Storing parsed sources in a project: new imports, unchanged re-imports and replacements."""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from kodebog.coding import coder_id
from kodebog.errors import ProjectError
from kodebog.i18n import _, ngettext
from kodebog.i18n.formats import number
from kodebog.source_kinds import kind_name
from kodebog.sources.model import ParsedSource
from kodebog.store import Store
from kodebog.store.fulltext import index_units
from kodebog.store.models import (
    Coding,
    Event,
    Participant,
    Source,
    SourceStatus,
    Suggestion,
    Unit,
    UnitMemo,
)

Progress = Callable[[int, int], None]
_BATCH = 5000


@dataclass
class ImportResult:
    """What an import did, for the import report."""

    source: str
    status: str  # imported | unchanged | replaced
    kind: str = ""
    units: int = 0
    participants: int = 0
    words: int = 0
    encoding: str = ""
    reanchored: int = 0
    notes: list[str] = field(default_factory=list)

    def report(self, filename: str) -> list[str]:
        """What the import did, a line each (the CLI prints them, the TUI shows them)."""
        if self.status == "unchanged":
            return [_("{file}: already imported as '{source}', unchanged; nothing to "
                      "do").format(file=filename, source=self.source)]
        kind = kind_name(self.kind)
        counts = {"file": filename, "source": self.source, "kind": kind,

                  "units": number(self.units), "participants": number(self.participants),
                  "words": number(self.words), "encoding": self.encoding}
        if self.status == "replaced":
            head = _("{file}: replaced as '{source}' ({kind}): {units} units, {participants} "
                     "participants, {words} words, encoding {encoding}").format(**counts)
        else:
            head = _("{file}: imported as '{source}' ({kind}): {units} units, {participants} "
                     "participants, {words} words, encoding {encoding}").format(**counts)
        lines = [head]
        if self.status == "replaced":
            lines.append("  " + ngettext("re-anchored {count} coding",
                                         "re-anchored {count} codings", self.reanchored).format(
                count=number(self.reanchored)))
        return lines + [f"  {note}" for note in self.notes]


def text_sha256(text: str) -> str:
    """The hash that identifies a source's normalised text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def import_parsed(
    store: Store,
    parsed: ParsedSource,
    *,
    replace: bool = False,
    coder: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Store one parsed source in one transaction.

    The same text under the same name is a no-op; different text under an existing name
    needs ``replace``, which keeps every coding by finding its quoted text in the new version
    and refuses (changing nothing) when any coding cannot be found.
    """
    sha = text_sha256(parsed.text)
    with store.write() as session:
        existing = session.scalar(select(Source).where(Source.name == parsed.name))
        if existing is not None and existing.sha256 == sha:
            return ImportResult(
                parsed.name,
                "unchanged",
                existing.kind,
                notes=[_("{source} is already imported, unchanged").format(
                    source=parsed.name)],
            )
        if existing is not None and not replace:
            raise ProjectError(
                _("{file}: a different version of source '{source}' is already imported; "
                  "replace it with --replace (in the TUI: tick Replace), which keeps codings "
                  "where their text is still found").format(file=parsed.filename,
                                                            source=parsed.name)
            )
        words = len(parsed.text.split())
        meta: dict[str, Any] = dict(parsed.metadata)
        meta["words"] = words
        if existing is None:
            source = Source(
                name=parsed.name,
                kind=parsed.kind,
                text=parsed.text,
                sha256=sha,
                filename=parsed.filename,
                encoding=parsed.encoding,
                meta=meta,
            )
            session.add(source)
            session.flush()
            old_units: dict[int, Unit] = {}
        else:
            source = existing
            old_units = {
                u.id: u for u in session.scalars(select(Unit).where(Unit.source_id == source.id))
            }
            source.kind, source.text, source.sha256 = parsed.kind, parsed.text, sha
            source.filename, source.encoding, source.meta = (parsed.filename, parsed.encoding, meta)
        participant_ids = _store_participants(session, source.name, parsed, bool(old_units))
        offset = max((u.ordinal for u in old_units.values()), default=0)
        _store_units(session, source, parsed, participant_ids, progress, offset=offset)
        index_units(session, source.id, after_ordinal=offset)
        reanchored = 0
        if old_units:
            reanchored = _reanchor(session, source, old_units)
        result = ImportResult(
            source=source.name,
            status="replaced" if old_units else "imported",
            kind=parsed.kind,
            units=len(parsed.units),
            participants=len(parsed.participants),
            words=words,
            encoding=parsed.encoding,
            reanchored=reanchored,
            notes=list(parsed.notes),
        )
        session.add(
            Event(
                coder_id=coder_id(session, coder) if coder else None,
                action="source.replace" if old_units else "source.import",
                entity="source",
                entity_id=str(source.id),
                before=None,
                after={
                    "name": source.name,
                    "file": parsed.filename,
                    "sha256": sha,
                    "units": result.units,
                    "participants": result.participants,
                    "reanchored": reanchored,
                },
            )
        )
        return result


def _store_participants(
    session: Session, source_name: str, parsed: ParsedSource, replacing: bool
) -> dict[str, int]:
    """Insert or update the file's participants; their keys are prefixed by the source."""
    prefix = f"{source_name}:"
    keys = {p.key: prefix + p.key for p in parsed.participants}
    known: dict[str, int] = {}
    if replacing:
        wanted = set(keys.values())
        known = {
            key: participant_id
            for key, participant_id in session.execute(
                select(Participant.key, Participant.id).where(
                    Participant.key.startswith(prefix, autoescape=True)
                )
            ).all()
            if key in wanted
        }
    ids: dict[str, int] = {}
    new_rows: list[tuple[Any, ...]] = []
    encoded: dict[tuple[tuple[str, Any], ...], str] = {}
    for participant in parsed.participants:
        key = keys[participant.key]
        if key in known:
            row = session.get(Participant, known[key])
            assert row is not None
            row.label, row.role = participant.label, participant.role
            # attributes the analyst gave (case sheet, participants screen) stay
            row.attributes = {**(row.attributes or {}), **participant.attributes}
            ids[participant.key] = row.id
        else:
            new_rows.append((key, participant.label, participant.role,
                             _attributes_json(participant.attributes, encoded)))
    if new_rows:
        before = session.scalar(select(func.max(Participant.id))) or 0
        for start in range(0, len(new_rows), _BATCH):
            _bulk_insert(session, "participant", ("key", "label", "role", "attributes"),
                         new_rows[start : start + _BATCH])
        fresh = {row[0] for row in new_rows}
        for key, participant_id in session.connection().execute(
            select(Participant.key, Participant.id).where(Participant.id > before)
        ).all():
            if key in fresh:
                ids[key[len(prefix) :]] = participant_id
    return ids


def _attributes_json(attributes: dict[str, Any],
                     cache: dict[tuple[tuple[str, Any], ...], str]) -> str:
    """Attributes as JSON; survey respondents share few combinations, so encode each once."""
    key = tuple(attributes.items())
    found = cache.get(key)
    if found is None:
        found = cache[key] = json.dumps(attributes, ensure_ascii=False)
    return found


def _bulk_insert(session: Session, table: str, columns: tuple[str, ...],
                 rows: list[tuple[Any, ...]]) -> None:
    """Insert many rows with the driver's ``executemany``: no per-row ORM or Core work.

    Rows are tuples in ``columns`` order, with JSON columns already serialised.
    """
    if not rows:
        return
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join(mark for _ in columns)
    connection.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _store_units(
    session: Session,
    source: Source,
    parsed: ParsedSource,
    participant_ids: dict[str, int],
    progress: Progress | None,
    offset: int,
) -> None:
    """Insert the units in batches; ordinals are shifted by ``offset`` while old units live."""
    total = len(parsed.units)
    text = parsed.text
    source_id = source.id
    get_participant = participant_ids.get
    rows = [
        (source_id, offset + i + 1, u.start, u.end, text[u.start : u.end],
         get_participant(u.participant_key) if u.participant_key is not None else None,
         u.speaker, u.timestamp)
        for i, u in enumerate(parsed.units)
    ]
    columns = ("source_id", "ordinal", "start", "end", "text", "participant_id", "speaker",
               "timestamp")
    for start in range(0, total, _BATCH):
        _bulk_insert(session, "unit", columns, rows[start : start + _BATCH])
        if progress:
            progress(min(start + _BATCH, total), total)
    if progress and not total:
        progress(0, 0)


def _reanchor(session: Session, source: Source, old_units: dict[int, Unit]) -> int:
    """Move codings and memos from the old units to the new ones by their text."""
    offset = max(u.ordinal for u in old_units.values())
    new_units = list(
        session.scalars(
            select(Unit)
            .where(Unit.source_id == source.id, Unit.ordinal > offset)
            .order_by(Unit.start)
        )
    )
    text = source.text
    starts = [unit.start for unit in new_units]

    def locate(old_unit: Unit, start: int, quoted: str) -> tuple[Unit, int, int] | None:
        """The new unit holding ``quoted``, nearest to where it was; None if nowhere."""
        guess = old_unit.start + start
        candidates = []
        position = text.find(quoted)
        while position != -1:
            candidates.append(position)
            position = text.find(quoted, position + 1)
        for position in sorted(candidates, key=lambda p: abs(p - guess)):
            index = bisect.bisect_right(starts, position) - 1
            if index >= 0 and position + len(quoted) <= new_units[index].end:
                unit = new_units[index]
                return unit, position - unit.start, position - unit.start + len(quoted)
        return None

    moved = 0
    lost: list[str] = []
    codings = list(session.scalars(select(Coding).where(Coding.unit_id.in_(old_units))))
    for coding in codings:
        old = old_units[coding.unit_id]
        found = locate(old, coding.start, coding.text)
        if found is None:
            lost.append(_("unit {number} ({code})").format(number=old.ordinal,
                                                           code=coding.code_id))
            continue
        unit, start, end = found
        coding.unit_id, coding.start, coding.end = unit.id, start, end
        moved += 1
    for memo in session.scalars(select(UnitMemo).where(UnitMemo.unit_id.in_(old_units))):
        old = old_units[memo.unit_id]
        found = locate(old, 0, old.text)
        if found is None:
            lost.append(_("unit {number} (memo)").format(number=old.ordinal))
            continue
        memo.unit_id = found[0].id
    if lost:
        shown = ", ".join(lost[:8]) + (" ..." if len(lost) > 8 else "")
        raise ProjectError(
            _("source '{source}': {count} codings or memos cannot be found in the new "
              "version ({shown}); nothing was replaced. Remove those codings first").format(
                source=source.name, count=len(lost), shown=shown)
        )

    session.flush()
    old_ids = list(old_units)
    session.execute(delete(Suggestion).where(Suggestion.unit_id.in_(old_ids)))
    session.execute(delete(Unit).where(Unit.id.in_(old_ids)))
    session.execute(
        update(Unit).where(Unit.source_id == source.id).values(ordinal=Unit.ordinal - offset)
    )
    session.execute(delete(SourceStatus).where(SourceStatus.source_id == source.id))
    session.expire_all()
    return moved
