"""The project's living codebook: read it from the code rows, store versions, undo changes.

``kodebog.codes`` changes the codebook; this module holds what those changes share: the
codebook built from the ``code`` table, snapshots of the rows a change touches, storing a
new ``CodebookVersion`` (the codebook as YAML, with who, when and what changed), the
check that refuses a change made on a stale version, and stepping a change back and forth
for ``coding.undo``/``coding.redo``.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kodebog.codebook import TEXT_LIST_FIELDS, Codebook, dump_codebook, parse_codebook
from kodebog.codebook import Code as Entry
from kodebog.coding import CODING_FIELDS
from kodebog.errors import CodebookError, ConflictError, ProjectError
from kodebog.i18n import _
from kodebog.store.models import Code, CodebookVersion, Coding, Event, Finding, Suggestion

CODE_FIELDS = (
    "parent_id",
    "label",
    "description",
    "color",
    "key",
    "position",
    "definition",
    "retired",
    "merged_into",
)
CHUNK = 1000
"""Ids per IN (...) list."""
MAX_ALIAS_HOPS = 50
"""Longest chain of merges followed when resolving an old id."""


@dataclass(frozen=True)
class VersionInfo:
    """One stored codebook version, for the history."""

    id: int
    at: datetime
    by: str | None
    change: str
    filename: str


def latest_version(session: Session, *, lock: bool = False) -> CodebookVersion:
    """The newest codebook version; with ``lock``, held until the transaction ends."""
    query = select(CodebookVersion).order_by(CodebookVersion.id.desc()).limit(1)
    if lock:
        query = query.with_for_update()
    version = session.scalars(query).first()
    if version is None:
        raise ProjectError(_("the project has no codebook; run `kodebog codebook update`"))
    return version


def check_base(session: Session, base_version: int | None, what: str) -> CodebookVersion:
    """The newest version, locked; ConflictError when it is not ``base_version``."""
    latest_version(session, lock=True)
    session.expire_all()
    latest = latest_version(session)  # a fresh read: sees a version committed while we waited
    if base_version is not None and latest.id != base_version:
        raise ConflictError(_(
            "{what}: the codebook is now version {now} (by {who}: {change}), not version "
            "{base} that you started from; look at their change and try again").format(
                what=what, now=latest.id, who=latest.created_by or _("someone"),
                change=describe(latest), base=base_version)
        )
    return latest


def describe(version: CodebookVersion) -> str:
    """What a version changed, in one line."""
    return version.change or _("read from {file}").format(file=version.filename)


def resolve_code(session: Session, code_id: str) -> Code | None:
    """The code an id names now: itself, or the code it was merged into (its alias)."""
    code = session.get(Code, code_id)
    hops = 0
    while code is not None and code.merged_into and hops < MAX_ALIAS_HOPS:
        code = session.get(Code, code.merged_into)
        hops += 1
    return code


def live_codebook(session: Session) -> Codebook:
    """The codebook as the project holds it now: its codes that are not retired, as a tree."""
    try:
        header = parse_codebook(latest_version(session).text)
        language, title, description = header.language, header.title, header.description
    except CodebookError:
        language, title, description = "da", "", ""
    rows = list(
        session.scalars(
            select(Code).where(Code.retired.is_(False)).order_by(Code.position, Code.id)
        )
    )
    ids = {row.id for row in rows}
    children: dict[str | None, list[Code]] = defaultdict(list)
    for row in rows:
        children[row.parent_id if row.parent_id in ids else None].append(row)

    def entry(row: Code, parent: str | None) -> Entry:
        definition = row.definition or {}
        lists = {name: tuple(definition.get(name) or ()) for name in TEXT_LIST_FIELDS}
        return Entry(
            id=row.id,
            label=row.label,
            description=row.description or "",
            **lists,
            color=row.color,
            key=row.key,
            replaces=tuple(definition.get("replaces") or ()),
            parent=parent,
            children=tuple(entry(child, row.id) for child in children[row.id]),
        )

    codes = tuple(entry(row, None) for row in children[None])
    return Codebook(language=language, codes=codes, title=title, description=description)


def codebook_log(session: Session) -> list[VersionInfo]:
    """Every stored codebook version, newest first."""
    rows = session.execute(
        select(
            CodebookVersion.id,
            CodebookVersion.created_at,
            CodebookVersion.created_by,
            CodebookVersion.change,
            CodebookVersion.filename,
        ).order_by(CodebookVersion.id.desc())
    ).all()
    return [
        VersionInfo(id, at, by, change or _("read from {file}").format(file=filename),
                    filename)
        for id, at, by, change, filename in rows
    ]


# Snapshots


def _plain(value: Any) -> Any:
    """JSON-ready; times as UTC ISO text (SQLite gives them back without a zone)."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    return value


def code_row(code: Code) -> dict[str, Any]:
    """A code row as plain data for an event."""
    data: dict[str, Any] = {"id": code.id}
    data.update((name, _plain(getattr(code, name))) for name in CODE_FIELDS)
    return data


def coding_row(coding: Coding) -> dict[str, Any]:
    """A coding row as plain data for an event (the same shape ``kodebog.coding`` logs)."""
    data: dict[str, Any] = {"id": coding.id}
    data.update((name, _plain(getattr(coding, name))) for name in CODING_FIELDS)
    return data


def finding_row(finding: Finding) -> dict[str, Any]:
    """Which code a finding belongs to (the only thing a codebook change alters in it)."""
    return {"id": finding.id, "code_id": finding.code_id}


def codings_by_id(session: Session, ids: list[int]) -> dict[int, Coding]:
    """The codings with these ids that exist, read fresh, in chunks."""
    found: dict[int, Coding] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        query = select(Coding).where(Coding.id.in_(chunk)).execution_options(
            populate_existing=True
        )
        found.update((coding.id, coding) for coding in session.scalars(query))
    return found


def delete_codings(session: Session, ids: list[int]) -> None:
    """Delete codings by id, in chunks, with one statement per chunk."""
    session.flush()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        session.execute(
            delete(Coding).where(Coding.id.in_(chunk)).execution_options(
                synchronize_session=False
            )
        )
    session.expire_all()


def all_code_rows(session: Session) -> dict[str, dict[str, Any]]:
    """Every code row, retired ones too, by id."""
    return {code.id: code_row(code) for code in session.scalars(select(Code))}


def renumber(session: Session) -> Codebook:
    """Give live codes positions in codebook order (parents before children); the codebook."""
    codebook = live_codebook(session)
    for position, entry in enumerate(codebook.walk()):
        row = session.get(Code, entry.id)
        if row is not None and row.position != position:
            row.position = position
    session.flush()
    return codebook


def store_version(
    session: Session, latest: CodebookVersion, coder_name: str, change: str
) -> CodebookVersion:
    """Store the live codebook as a new version; ProjectError if it would not be valid."""
    codebook = renumber(session)
    text = dump_codebook(codebook)
    try:
        parse_codebook(text, latest.filename)
    except CodebookError as error:
        messages = "; ".join(problem.message for problem in error.problems[:5])
        raise ProjectError(_("the codebook would not be valid after this change: {problems}")
                           .format(problems=messages)) from None
    version = CodebookVersion(
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        filename=latest.filename,
        language=codebook.language,
        created_by=coder_name.strip(),
        change=change,
    )
    session.add(version)
    session.flush()
    return version


# Undo and redo


def _without_position(row: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if row is None else {k: v for k, v in row.items() if k != "position"}


def _check_current(
    session: Session, current: dict[str, Any], target: dict[str, Any], what: str
) -> None:
    """ConflictError unless the rows still look as ``current`` says (nobody changed them)."""
    now = latest_version(session)
    stale = ConflictError(_(
        "cannot {what}: the codebook or its codings changed since (now version {now} by "
        "{who}: {change}); make the change by hand instead").format(
            what=what, now=now.id, who=now.created_by or _("someone"), change=describe(now)))
    for kind in ("codes", "codings"):
        expected = {row["id"]: row for row in current.get(kind, [])}
        for row in target.get(kind, []):
            expected.setdefault(row["id"], None)
        existing = codings_by_id(session, list(expected)) if kind == "codings" else {}
        for row_id, row in expected.items():
            found: dict[str, Any] | None
            if kind == "codes":
                code = session.get(Code, row_id)
                found = None if code is None else code_row(code)
            else:
                coding = existing.get(row_id)
                found = None if coding is None else coding_row(coding)
            if kind == "codes":
                found, row = _without_position(found), _without_position(row)
            if found != row:
                raise stale
    gone = {row["id"] for row in current.get("codes", [])} - {
        row["id"] for row in target.get("codes", [])
    }
    leaving = {row["id"] for row in current.get("codings", []) + target.get("codings", [])}
    for code_id in gone:
        used = session.scalar(
            select(func.count()).where(Coding.code_id == code_id, Coding.id.not_in(leaving))
        )
        has_finding = session.scalar(select(Finding.id).where(Finding.code_id == code_id))
        if used or has_finding is not None:
            raise stale


def _values(row: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {
        name: datetime.fromisoformat(row[name])
        if name == "created_at" and isinstance(row.get(name), str)
        else row.get(name)
        for name in fields
    }


def _apply(session: Session, current: dict[str, Any], target: dict[str, Any]) -> list[int]:
    """Make the rows named in ``current`` and ``target`` look as ``target`` says."""
    wanted_codes = {row["id"]: row for row in target.get("codes", [])}
    wanted_codings = {row["id"]: row for row in target.get("codings", [])}
    delete_codings(session, [r["id"] for r in current.get("codings", [])
                             if r["id"] not in wanted_codings])
    for code_id, row in wanted_codes.items():
        code = session.get(Code, code_id)
        values = _values(row, CODE_FIELDS)
        if code is None:
            session.add(Code(id=code_id, **values))
        else:
            for name, value in values.items():
                setattr(code, name, value)
    session.flush()
    for row in target.get("findings", []):
        finding = session.get(Finding, row["id"])
        if finding is not None:
            finding.code_id = row["code_id"]
    session.flush()
    there = codings_by_id(session, list(wanted_codings))
    rows = [{"id": i, **_values(row, CODING_FIELDS)} for i, row in wanted_codings.items()]
    updates = [row for row in rows if row["id"] in there]
    inserts = [row for row in rows if row["id"] not in there]
    for start in range(0, len(updates), CHUNK):
        session.execute(update(Coding), updates[start : start + CHUNK])
    for start in range(0, len(inserts), CHUNK):
        session.execute(insert(Coding), inserts[start : start + CHUNK])
    session.expire_all()
    for row in current.get("codes", []):
        if row["id"] not in wanted_codes:
            session.execute(delete(Suggestion).where(Suggestion.code_id == row["id"]))
            code = session.get(Code, row["id"])
            if code is not None:
                session.delete(code)
    session.flush()
    return list(wanted_codings)


def step_codebook(
    session: Session, coder_name: str, event: Event, direction: str
) -> tuple[dict[str, Any], dict[str, Any], list[int]]:
    """Undo or redo a codebook change; (logged before, logged after, coding ids touched).

    A new codebook version is stored. The step is refused (ConflictError naming the
    newest version and who made it) when the rows it would restore changed since.
    """
    before, after = event.before or {}, event.after or {}
    current, target = (after, before) if direction == "undo" else (before, after)
    change = after.get("change") or event.action
    what = (_("undo '{change}'") if direction == "undo" else _("redo '{change}'")).format(
        change=change)
    latest = check_base(session, None, what)
    _check_current(session, current, target, what)
    try:
        touched = _apply(session, current, target)
    except IntegrityError:
        raise ConflictError(_("cannot {what}: a coding it would restore exists again; make the "
                              "change by hand").format(what=what)) from None
    version = store_version(session, latest, coder_name, f"{direction}: {change}")
    logged_before = {**current, "version": latest.id}
    logged_after = {**target, "version": version.id, "change": f"{direction}: {change}"}
    return logged_before, logged_after, touched


@dataclass(frozen=True)
class CodedQuote:
    """One coding of a code, as a split shows it."""

    coding_id: int
    source: str
    ordinal: int
    coder: str
    text: str


def codings_of(session: Session, code_id: str, limit: int = 5000) -> list[CodedQuote]:
    """Every coding of a code (every coder's), in source and unit order, at most ``limit``."""
    from kodebog.store.models import Coder, Source, Unit

    rows = session.execute(
        select(Coding.id, Source.name, Unit.ordinal, Coder.name, Coding.text)
        .join(Unit, Unit.id == Coding.unit_id)
        .join(Source, Source.id == Unit.source_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Coding.code_id == code_id)
        .order_by(Source.name, Unit.ordinal, Coding.start, Coding.id)
        .limit(limit)
    ).all()
    return [CodedQuote(*row) for row in rows]
