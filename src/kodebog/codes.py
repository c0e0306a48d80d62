"""The living codebook: add, rename, edit, move, merge, split and retire codes.

Every function is one user action: one transaction, one Event (``code.*``, undone and
redone by ``kodebog.coding.undo``/``redo`` on the coder's own stack, like codings) and one
new codebook version (the codebook as YAML, with who, when and what changed). With
``base_version`` a change is refused when someone stored a newer version meanwhile.
Code ids never change meaning: a merged code stays as a retired alias of the code it was
merged into (``codebook_live.resolve_code``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kodebog.codebook import is_valid_id, key_problem, slug_from_label
from kodebog.codebook_live import (
    CHUNK,
    all_code_rows,
    check_base,
    code_row,
    coding_row,
    codings_by_id,
    delete_codings,
    finding_row,
    store_version,
)
from kodebog.coding import _span, _unit, coder_id
from kodebog.errors import ProjectError
from kodebog.i18n import N_, _, formats, translate
from kodebog.store import Store
from kodebog.store.models import Code, CodebookVersion, Coding, Event, Finding, Source, Unit

MAX_LABEL = 300
MAX_ID = 100
LIST_FIELDS = ("include", "exclude", "examples", "keywords", "exclude_keywords")


@dataclass(frozen=True)
class CodeEdit:
    """Fields to change on a code; None leaves a field as it is, '' clears colour or key."""

    label: str | None = None
    description: str | None = None
    include: Sequence[str] | None = None
    exclude: Sequence[str] | None = None
    examples: Sequence[str] | None = None
    keywords: Sequence[str] | None = None
    exclude_keywords: Sequence[str] | None = None
    color: str | None = None
    key: str | None = None


@dataclass(frozen=True)
class CodebookChange:
    """What one codebook change did."""

    event_id: int
    action: str
    code_id: str
    version_id: int
    message: str
    coding_ids: tuple[int, ...] = ()


class _Change:
    """One codebook change in progress: checks, snapshots, then version and event."""

    def __init__(self, session: Session, coder: str, base_version: int | None, what: str):
        self.session = session
        self.coder_name = coder.strip()
        self.coder = coder_id(session, coder)
        self.latest: CodebookVersion = check_base(session, base_version, what)
        self.codes_before = all_code_rows(session)
        self.codings_before: dict[int, dict[str, Any]] = {}
        self.codings_new: list[Coding] = []
        self.findings: list[tuple[dict[str, Any], Finding]] = []

    def code(self, code_id: str, what: str = N_("code")) -> Code:
        """A live code, or ProjectError naming the live ones."""
        code = self.session.get(Code, code_id)
        if code is None or code.retired:
            known = ", ".join(
                self.session.scalars(
                    select(Code.id).where(Code.retired.is_(False)).order_by(Code.position)
                )
            )
            template = (_("{what} '{code}' is a retired code; the codebook has: {known}")
                        if code is not None else
                        _("{what} '{code}' is no code; the codebook has: {known}"))
            raise ProjectError(template.format(what=translate(what), code=code_id, known=known))
        return code

    def touch(self, codings: Iterable[Coding]) -> None:
        """Remember codings as they were before this change alters them."""
        for coding in codings:
            self.codings_before.setdefault(coding.id, coding_row(coding))

    def move_finding(self, finding: Finding, code_id: str) -> None:
        self.findings.append((finding_row(finding), finding))
        finding.code_id = code_id

    def finish(self, action: str, code_id: str, template: str,
               **values: object) -> CodebookChange:
        """Store the version and the event; ``template`` (marked with ``N_``) filled with
        ``values`` is stored in English and said in the user's language."""
        change = template.format(**values)
        session = self.session
        session.flush()
        version = store_version(session, self.latest, self.coder_name, change)
        codes_after = all_code_rows(session)
        changed = [
            code_id
            for code_id in sorted(set(self.codes_before) | set(codes_after))
            if self.codes_before.get(code_id) != codes_after.get(code_id)
        ]
        still = codings_by_id(session, list(self.codings_before))
        codings_after = [coding_row(still[i]) for i in self.codings_before if i in still] + [
            coding_row(row) for row in self.codings_new
        ]
        before = {
            "version": self.latest.id,
            "codes": [self.codes_before[i] for i in changed if i in self.codes_before],
            "codings": list(self.codings_before.values()),
            "findings": [row for row, _ in self.findings],
        }
        after = {
            "version": version.id,
            "change": change,
            "codes": [codes_after[i] for i in changed if i in codes_after],
            "codings": codings_after,
            "findings": [finding_row(finding) for _, finding in self.findings],
        }
        event = Event(
            coder_id=self.coder,
            action=action,
            entity="code",
            entity_id=code_id,
            before=before,
            after=after,
        )
        session.add(event)
        session.flush()
        coding_ids = tuple(row["id"] for row in codings_after)
        said = translate(template).format(**values)
        return CodebookChange(event.id, action, code_id, version.id, said, coding_ids)


# Checking values


def _text(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def _label(value: str) -> str:
    label = " ".join(_text(value).split())
    if not label:
        raise ProjectError(_("the label is empty; write the code's name"))
    if len(label) > MAX_LABEL:
        raise ProjectError(_("the label has {count} characters; keep it to {limit}").format(
            count=formats.number(len(label)), limit=MAX_LABEL))
    return label


def _texts(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(text for text in (_text(v) for v in values) if text))


def _color(value: str) -> str | None:
    color = value.strip().lower()
    if not color:
        return None
    digits = color.removeprefix("#")
    if len(digits) not in (3, 6) or any(c not in "0123456789abcdef" for c in digits):
        raise ProjectError(_("colour '{value}' is not a hex colour; write #rgb or #rrggbb")
                           .format(value=value))
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)


def _key(session: Session, value: str, code_id: str) -> str | None:
    key = unicodedata.normalize("NFC", value.strip())
    if not key:
        return None
    problem = key_problem(key)
    if problem:
        raise ProjectError(problem)
    owner = session.scalar(
        select(Code).where(Code.key == key, Code.retired.is_(False), Code.id != code_id)
    )
    if owner is not None:
        raise ProjectError(_("hotkey '{key}' is used by '{code}' ({label}); choose another "
                             "key").format(key=key, code=owner.id, label=owner.label))
    return key


def _new_id(session: Session, code_id: str | None, label: str) -> str:
    """The given id checked, or one derived from the label and made unique."""
    if code_id:
        code_id = code_id.strip()
        if not is_valid_id(code_id) or len(code_id) > MAX_ID:
            suggestion = slug_from_label(code_id)
            message = _("id '{code}' is not valid; use lowercase letters a-z, digits and _, "
                        "starting with a letter").format(code=code_id)
            if suggestion:
                message += " " + _("(e.g. '{suggestion}')").format(suggestion=suggestion)
            raise ProjectError(message)
        taken = session.get(Code, code_id)
        if taken is not None:
            raise ProjectError((
                _("id '{code}' is already a retired code (ids never change meaning); choose "
                  "another id") if taken.retired else
                _("id '{code}' is already a code; choose another id")).format(code=code_id))
        return code_id
    return derive_id(session, label)


def derive_id(session: Session, label: str) -> str:
    """An unused id from a label: æ ø å spelled ae oe aa, other characters to _."""
    base = (slug_from_label(label) or "code")[: MAX_ID - 4].rstrip("_")
    taken = set(session.scalars(select(Code.id).where(Code.id.like(f"{base}%"))))
    code_id, number = base, 1
    while code_id in taken:
        number += 1
        code_id = f"{base}_{number}"
    return code_id


def _parent(change: _Change, parent: str | None, code_id: str | None = None) -> str | None:
    if not parent:
        return None
    change.code(parent, N_("parent"))
    if code_id is not None:
        ancestor: str | None = parent
        while ancestor is not None:
            if ancestor == code_id:
                raise ProjectError(_(
                    "'{parent}' is '{code}' or one of its sub-codes; a code cannot go under "
                    "itself").format(parent=parent, code=code_id))
            row = change.session.get(Code, ancestor)
            ancestor = row.parent_id if row is not None else None
    return parent


def _last_position(session: Session) -> int:
    return int(session.scalar(select(func.max(Code.position))) or 0) + 1


def _where_used(session: Session, code_id: str) -> str:
    rows = session.execute(
        select(Source.name, Unit.ordinal)
        .join(Unit, Unit.source_id == Source.id)
        .join(Coding, Coding.unit_id == Unit.id)
        .where(Coding.code_id == code_id)
        .order_by(Source.name, Unit.ordinal)
        .limit(3)
    ).all()
    return ", ".join(_("{source} unit {unit}").format(source=name, unit=ordinal)
                     for name, ordinal in rows)


# The changes


def add_code(
    store: Store,
    coder: str,
    label: str,
    code_id: str | None = None,
    *,
    parent: str | None = None,
    key: str | None = None,
    color: str | None = None,
    description: str = "",
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    examples: Sequence[str] = (),
    keywords: Sequence[str] = (),
    exclude_keywords: Sequence[str] = (),
    base_version: int | None = None,
) -> CodebookChange:
    """Add a code; its id is derived from the label unless given."""
    with store.write() as session:
        change = _Change(session, coder, base_version, _("add code"))
        code = _add(
            change,
            label,
            code_id,
            parent,
            key,
            color,
            description,
            {
                "include": include,
                "exclude": exclude,
                "examples": examples,
                "keywords": keywords,
                "exclude_keywords": exclude_keywords,
            },
        )
        return change.finish("code.add", code.id, N_("added '{code}' ({label})"),
                             code=code.id, label=code.label)


def _add(
    change: _Change,
    label: str,
    code_id: str | None,
    parent: str | None,
    key: str | None,
    color: str | None,
    description: str,
    lists: Mapping[str, Sequence[str]],
) -> Code:
    session = change.session
    label = _label(label)
    new_id = _new_id(session, code_id, label)
    definition: dict[str, Any] = {name: _texts(lists.get(name, ())) for name in LIST_FIELDS}
    definition["replaces"] = []
    code = Code(
        id=new_id,
        parent_id=_parent(change, parent),
        label=label,
        description=_text(description),
        color=_color(color or ""),
        key=_key(session, key or "", new_id),
        position=_last_position(session),
        definition=definition,
        retired=False,
    )
    session.add(code)
    session.flush()
    return code


def add_code_in_vivo(
    store: Store,
    coder: str,
    unit_id: int,
    span: tuple[int, int] | None = None,
    *,
    code_id: str | None = None,
    label: str | None = None,
    parent: str | None = None,
    key: str | None = None,
    color: str | None = None,
    description: str = "",
    lists: dict[str, list[str]] | None = None,
    base_version: int | None = None,
) -> CodebookChange:
    """A code from the analyst's own words: the selected text becomes its label (unless
    given) and first example, and the selection is coded with it at once (one action).
    ``lists`` may give include, exclude, more examples and keywords."""
    with store.write() as session:
        change = _Change(session, coder, base_version, _("add code"))
        unit = _unit(session, unit_id)
        start, end = _span(unit, span)
        words = unit.text[start:end]
        if not words.strip():
            raise ProjectError(_("the selection is only white space; select some words"))
        name = label if label and label.strip() else in_vivo_label(words)
        extra = dict(lists or {})
        extra["examples"] = [words, *extra.get("examples", [])]
        code = _add(change, name, code_id, parent, key, color, description, extra)
        coding = Coding(
            unit_id=unit.id,
            code_id=code.id,
            coder_id=change.coder,
            start=start,
            end=end,
            text=words,
            origin="manual",
        )
        session.add(coding)
        session.flush()
        change.codings_new.append(coding)
        return change.finish("code.add", code.id,
                             N_("added '{code}' ({label}) in vivo and coded it"),
                             code=code.id, label=code.label)


def in_vivo_label(words: str, limit: int = 80) -> str:
    """A label from selected words: on one line, without surrounding punctuation, short."""
    text = " ".join(words.split()).strip(" \"'„“”»«.,;:!?–-")
    if len(text) <= limit:
        return text or " ".join(words.split())
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def rename_code(
    store: Store, coder: str, code_id: str, label: str, *, base_version: int | None = None
) -> CodebookChange:
    """Give a code a new label; its id (and so its codings) stay."""
    with store.write() as session:
        change = _Change(session, coder, base_version,
                         _("rename '{code}'").format(code=code_id))
        code = change.code(code_id)
        old, code.label = code.label, _label(label)
        if code.label == old:
            raise ProjectError(_("'{code}' is already called '{label}'").format(
                code=code_id, label=old))
        return change.finish("code.rename", code_id, N_("renamed '{code}': {old} -> {new}"),
                             code=code_id, old=old, new=code.label)


def edit_code(
    store: Store, coder: str, code_id: str, edit: CodeEdit, *, base_version: int | None = None
) -> CodebookChange:
    """Change a code's label, definition, include/exclude, examples, keywords, colour, key."""
    with store.write() as session:
        change = _Change(session, coder, base_version, _("edit '{code}'").format(code=code_id))
        code = change.code(code_id)
        before = code_row(code)
        if edit.label is not None:
            code.label = _label(edit.label)
        if edit.description is not None:
            code.description = _text(edit.description)
        if edit.color is not None:
            code.color = _color(edit.color)
        if edit.key is not None:
            code.key = _key(session, edit.key, code_id)
        definition = dict(code.definition or {})
        for name in LIST_FIELDS:
            value = getattr(edit, name)
            if value is not None:
                definition[name] = _texts(value)
        code.definition = definition
        session.flush()
        changed = [
            name
            for name in (f.name for f in fields(CodeEdit))
            if _field(before, name) != _field(code_row(code), name)
        ]
        if not changed:
            raise ProjectError(_("nothing to change in '{code}'").format(code=code_id))
        return change.finish("code.edit", code_id, N_("edited '{code}' ({fields})"),
                             code=code_id, fields=", ".join(changed))


def _field(row: dict[str, Any], name: str) -> Any:
    return row["definition"].get(name, []) if name in LIST_FIELDS else row[name]


def move_code(
    store: Store,
    coder: str,
    code_id: str,
    parent: str | None,
    *,
    base_version: int | None = None,
) -> CodebookChange:
    """Put a code (with its sub-codes) under another parent, or at the top with None."""
    with store.write() as session:
        change = _Change(session, coder, base_version, _("move '{code}'").format(code=code_id))
        code = change.code(code_id)
        new_parent = _parent(change, parent, code_id)
        if code.parent_id == new_parent:
            raise ProjectError((
                _("'{code}' is already under '{parent}'") if new_parent else
                _("'{code}' is already at the top level")).format(code=code_id,
                                                                   parent=new_parent))
        code.parent_id = new_parent
        code.position = _last_position(session)
        moved = (N_("moved '{code}' under '{parent}'") if new_parent else
                 N_("moved '{code}' to the top level"))
        return change.finish("code.move", code_id, moved, code=code_id, parent=new_parent)


def merge_codes(
    store: Store,
    coder: str,
    source: str,
    target: str,
    *,
    description: str | None = None,
    base_version: int | None = None,
) -> CodebookChange:
    """Merge code ``source`` into ``target``: its codings (every coder's) become target's,
    duplicates on the same span collapse, its sub-codes, keywords and examples move over,
    and ``source`` is retired as an alias of ``target``. ``description`` replaces
    target's definition (the TUI offers source's text for it)."""
    with store.write() as session:
        change = _Change(session, coder, base_version, _("merge '{source}' into '{target}'")
                         .format(source=source, target=target))
        old = change.code(source)
        new = change.code(target)
        if old.id == new.id:
            raise ProjectError(_("cannot merge '{code}' into itself").format(code=source))
        _parent(change, new.id, old.id)  # refuses a target that is one of source's sub-codes
        moved, collapsed = _move_codings(change, old.id, new.id)
        for child in session.scalars(select(Code).where(Code.parent_id == old.id)):
            child.parent_id = new.id
        for alias in session.scalars(select(Code).where(Code.merged_into == old.id)):
            alias.merged_into = new.id
        definition = dict(new.definition or {})
        old_definition = old.definition or {}
        for name in ("examples", "keywords", "exclude_keywords"):
            definition[name] = _texts([*definition.get(name, []), *old_definition.get(name, [])])
        replaces = [*definition.get("replaces", []), old.id, *old_definition.get("replaces", [])]
        definition["replaces"] = [r for r in dict.fromkeys(replaces) if r != new.id]
        new.definition = definition
        if description is not None:
            new.description = _text(description)
        finding = session.scalar(select(Finding).where(Finding.code_id == old.id))
        if finding is not None and session.scalar(
            select(Finding.id).where(Finding.code_id == new.id)
        ) is None:
            change.move_finding(finding, new.id)
        old.retired, old.key, old.merged_into = True, None, new.id
        return change.finish(
            "code.merge", new.id,
            N_("merged '{old}' into '{new}' ({moved} codings moved, {collapsed} duplicates "
               "collapsed)"), old=old.id, new=new.id, moved=moved, collapsed=collapsed)


def _move_codings(change: _Change, old: str, new: str) -> tuple[int, int]:
    """Move every coding of ``old`` to ``new``; one already there on the same span collapses."""
    session = change.session
    taken = {
        (c.unit_id, c.coder_id, c.start, c.end)
        for c in session.scalars(select(Coding).where(Coding.code_id == new))
    }
    codings = list(session.scalars(select(Coding).where(Coding.code_id == old).order_by(Coding.id)))
    change.touch(codings)
    moving: list[int] = []
    collapsing: list[int] = []
    for coding in codings:
        slot = (coding.unit_id, coding.coder_id, coding.start, coding.end)
        (collapsing if slot in taken else moving).append(coding.id)
        taken.add(slot)
    session.flush()
    delete_codings(session, collapsing)
    for start in range(0, len(moving), CHUNK):
        session.execute(
            update(Coding).where(Coding.id.in_(moving[start : start + CHUNK]))
            .values(code_id=new).execution_options(synchronize_session=False)
        )
    session.expire_all()
    return len(moving), len(collapsing)


def split_code(
    store: Store,
    coder: str,
    code_id: str,
    new_id: str,
    coding_ids: Sequence[int],
    *,
    label: str | None = None,
    base_version: int | None = None,
) -> CodebookChange:
    """A new code beside ``code_id`` that takes over the chosen codings of it."""
    with store.write() as session:
        change = _Change(session, coder, base_version, _("split '{code}'").format(code=code_id))
        code = change.code(code_id)
        wanted = sorted(set(coding_ids))
        if not wanted:
            raise ProjectError(_("choose the codings of '{code}' that go to '{new}'").format(
                code=code_id, new=new_id))
        codings = list(session.scalars(select(Coding).where(Coding.id.in_(wanted))))
        wrong = sorted(set(wanted) - {c.id for c in codings if c.code_id == code_id})
        if wrong:
            raise ProjectError(_("codings {ids} are not codings of '{code}'").format(
                ids=", ".join(map(str, wrong[:5])), code=code_id))
        name = label if label and label.strip() else new_id.replace("_", " ").capitalize()
        new = _add(change, name, new_id, code.parent_id, None, None, "", {})
        new.position = code.position
        change.touch(codings)
        for coding in codings:
            coding.code_id = new.id
        return change.finish(
            "code.split", new.id, N_("split '{new}' ({label}) from '{code}' ({count} codings)"),
            new=new.id, label=new.label, code=code_id, count=len(codings))


def retire_code(
    store: Store, coder: str, code_id: str, *, base_version: int | None = None
) -> CodebookChange:
    """Take an unused code out of the codebook (it stays in the project, retired)."""
    with store.write() as session:
        change = _Change(session, coder, base_version, _("retire '{code}'").format(code=code_id))
        code = change.code(code_id)
        used = session.scalar(select(func.count()).where(Coding.code_id == code_id)) or 0
        if used:
            raise ProjectError(_(
                "'{code}' still has {count} codings ({where}); merge it into another code "
                "instead (`kodebog code merge`)").format(
                    code=code_id, count=formats.number(used),
                    where=_where_used(session, code_id)))
        children = list(
            session.scalars(
                select(Code.id).where(Code.parent_id == code_id, Code.retired.is_(False))
            )
        )
        if children:
            raise ProjectError(_("'{code}' has sub-codes ({children}); move or retire them "
                                 "first").format(code=code_id, children=", ".join(children)))
        code.retired, code.key = True, None
        return change.finish("code.retire", code_id, N_("retired '{code}' ({label})"),
                             code=code_id, label=code.label)


def codings_on_units(
    session: Session, code_id: str, source: str, ordinals: Iterable[int]
) -> list[int]:
    """Ids of every coding of ``code_id`` on these units (numbers) of a source."""
    wanted = sorted(set(ordinals))
    source_id = session.scalar(select(Source.id).where(Source.name == source))
    if source_id is None:
        raise ProjectError(_("no source named '{source}'").format(source=source))
    found = dict(
        session.execute(
            select(Unit.ordinal, Unit.id).where(
                Unit.source_id == source_id, Unit.ordinal.in_(wanted)
            )
        ).all()
    )
    missing = [n for n in wanted if n not in found]
    if missing:
        raise ProjectError(_("{source} has no unit {units}").format(
            source=source, units=", ".join(map(str, missing))))
    return list(
        session.scalars(
            select(Coding.id)
            .where(Coding.code_id == code_id, Coding.unit_id.in_(found.values()))
            .order_by(Coding.id)
        )
    )
