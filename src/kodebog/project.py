"""Creating a project and keeping its codes in step with the codebook file."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kodebog.codebook import Codebook, load_codebook, parse_codebook
from kodebog.coding import coder_id
from kodebog.errors import ConflictError, ProjectError
from kodebog.i18n import _
from kodebog.store import Store, open_project
from kodebog.store.engine import discard_created
from kodebog.store.models import (
    Code,
    CodebookVersion,
    Coding,
    Event,
    Finding,
    Source,
    Suggestion,
    Unit,
)


@dataclass
class CodebookUpdate:
    """What a codebook update changed."""

    version_id: int
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    moved: dict[str, int] = field(default_factory=dict)  # "old -> new": codings moved
    unchanged: bool = False


def init_project(project: str | Path, codebook_path: str | Path, coder: str | None = None) -> Store:
    """Create a new project with the codebook at ``codebook_path``.

    The codebook is validated before anything is created, so a bad codebook leaves no file.
    """
    codebook_file = Path(codebook_path)
    codebook = load_codebook(codebook_file)
    text = codebook_file.read_text(encoding="utf-8-sig")
    store = open_project(project, create=True)
    try:
        with store.write() as session:
            _sync_codebook(session, codebook, text, codebook_file.name, coder)
    except BaseException:
        store.dispose()
        discard_created(store)
        raise
    return store


def current_codebook(session: Session) -> Codebook:
    """The project's codebook: the newest stored version."""
    version = session.scalars(
        select(CodebookVersion).order_by(CodebookVersion.id.desc()).limit(1)
    ).first()
    if version is None:
        raise ProjectError(_("the project has no codebook; run `kodebog codebook update`"))
    return parse_codebook(version.text, version.filename)


def update_codebook(
    store: Store,
    codebook_path: str | Path,
    coder: str | None = None,
    base_version: int | None = None,
) -> CodebookUpdate:
    """Store a new codebook version, following ``replaces``; refuse to drop used codes.

    With ``base_version`` (the version the editor started from), the update is refused with
    a ConflictError when someone else stored a newer version in the meantime.
    """
    codebook_file = Path(codebook_path)
    codebook = load_codebook(codebook_file)
    text = codebook_file.read_text(encoding="utf-8-sig")
    with store.write() as session:
        if base_version is not None:
            latest = session.scalars(
                select(CodebookVersion).order_by(CodebookVersion.id.desc()).limit(1)
            ).first()
            if latest is not None and latest.id != base_version:
                raise ConflictError(
                    _("{file}: the project's codebook is now version {latest} (by {who}), not "
                      "version {base} that you started from; merge their changes into your "
                      "file and try again").format(
                        file=codebook_file.name, latest=latest.id,
                        who=latest.created_by or _("someone"), base=base_version)
                )
        return _sync_codebook(session, codebook, text, codebook_file.name, coder)


def _where(session: Session, code_id: str, limit: int = 5) -> str:
    rows = session.execute(
        select(Source.name, Unit.ordinal)
        .join(Unit, Unit.source_id == Source.id)
        .join(Coding, Coding.unit_id == Unit.id)
        .where(Coding.code_id == code_id)
        .order_by(Source.name, Unit.ordinal)
    ).all()
    by_source: dict[str, list[int]] = defaultdict(list)
    for name, ordinal in rows:
        if ordinal not in by_source[name]:
            by_source[name].append(ordinal)
    parts = [
        _("{source} unit {units}").format(
            source=name,
            units=", ".join(map(str, units[:limit])) + (" ..." if len(units) > limit else ""))
        for name, units in by_source.items()
    ]
    return "; ".join(parts)


def _sync_codebook(
    session: Session, codebook: Codebook, text: str, filename: str, coder: str | None
) -> CodebookUpdate:
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    latest = session.scalars(
        select(CodebookVersion).order_by(CodebookVersion.id.desc()).limit(1)
    ).first()
    if latest is not None and latest.sha256 == sha:
        return CodebookUpdate(version_id=latest.id, unchanged=True)

    existing = {code.id: code for code in session.scalars(select(Code))}
    new_ids = set(codebook.ids)
    replaced_by = {old: code.id for code in codebook.walk() for old in code.replaces}
    counts = Counter(
        dict(
            session.execute(select(Coding.code_id, func.count()).group_by(Coding.code_id)).all()
        )
    )
    dropped = [
        code_id
        for code_id, code in existing.items()
        if not code.retired and code_id not in new_ids and code_id not in replaced_by
    ]
    blocked = [code_id for code_id in dropped if counts[code_id]]
    if blocked:
        details = "; ".join(
            _("'{code}' has {count} codings ({where})").format(
                code=c, count=counts[c], where=_where(session, c)) for c in blocked
        )
        raise ProjectError(
            _("{file}: the new codebook drops codes that are still used: {details}. Keep "
              "them, or name them in `replaces` of the code that takes over").format(
                file=filename, details=details)
        )


    update = CodebookUpdate(version_id=0)
    for position, entry in enumerate(codebook.walk()):
        definition = {
            "include": list(entry.include),
            "exclude": list(entry.exclude),
            "examples": list(entry.examples),
            "keywords": list(entry.keywords),
            "exclude_keywords": list(entry.exclude_keywords),
            "replaces": list(entry.replaces),
        }
        values = {
            "parent_id": entry.parent,
            "label": entry.label,
            "description": entry.description,
            "color": entry.color,
            "key": entry.key,
            "position": position,
            "definition": definition,
            "retired": False,
            "merged_into": None,
        }
        row = existing.get(entry.id)
        if row is None:
            session.add(Code(id=entry.id, **values))
            update.added.append(entry.id)
        elif any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            update.changed.append(entry.id)
    session.flush()

    for old, new in replaced_by.items():
        row = existing.get(old)
        if row is None or row.retired:
            continue
        update.moved[f"{old} -> {new}"] = _move_codings(session, old, new)
        row.retired, row.key, row.merged_into = True, None, new
        update.retired.append(old)
    for code_id in dropped:
        existing[code_id].retired, existing[code_id].key = True, None
        update.retired.append(code_id)

    version = CodebookVersion(
        text=text, sha256=sha, filename=filename, language=codebook.language, created_by=coder
    )
    session.add(version)
    session.flush()
    update.version_id = version.id
    session.add(
        Event(
            coder_id=coder_id(session, coder) if coder else None,
            action="codebook.update",
            entity="codebook",
            entity_id=str(version.id),
            before={"version": latest.id if latest else None},
            after={
                "version": version.id,
                "added": update.added,
                "changed": update.changed,
                "retired": update.retired,
                "moved": update.moved,
            },
        )
    )
    return update


def _move_codings(session: Session, old: str, new: str) -> int:
    """Move codings (and suggestions, findings) of ``old`` to ``new``; merge duplicates."""
    moved = 0
    taken: set[tuple[int, int, int, int]] = {
        (unit_id, coder_id, start, end)
        for unit_id, coder_id, start, end in session.execute(
            select(Coding.unit_id, Coding.coder_id, Coding.start, Coding.end).where(
                Coding.code_id == new
            )
        )
    }
    for coding in session.scalars(select(Coding).where(Coding.code_id == old)):
        slot = (coding.unit_id, coding.coder_id, coding.start, coding.end)
        if slot in taken:
            session.delete(coding)
        else:
            coding.code_id = new
            taken.add(slot)
        moved += 1
    session.execute(delete(Suggestion).where(Suggestion.code_id == old))
    finding = session.scalar(select(Finding).where(Finding.code_id == old))
    if finding is not None:
        if session.scalar(select(Finding).where(Finding.code_id == new)) is None:
            finding.code_id = new
        else:
            session.delete(finding)
    session.flush()
    return moved
