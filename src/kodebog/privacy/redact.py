"""Removing personal data from a project's stored text: placeholders in place, offsets moved.

``redact`` replaces what ``privacy scan`` finds in unit texts (CPR, phone, e-mail, listed
names) with placeholders (``[CPR-nummer]``, ``[telefonnummer]``, ``[e-mail]``, ``[navn]``)
in the source text and the unit, moves the offsets of every later unit of the source and of
every coding in the unit, and re-reads each coding's quote from the new text, so every quote
still verifies. Unit memos and coding memos are redacted too. It is one transaction with one
``privacy.redact`` Event, which records where and what kind was replaced, never the data.
Undo does not reach back past a redaction (its events hold the old offsets).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from kodebog.errors import ProjectError
from kodebog.i18n import _, formats, ngettext
from kodebog.privacy.detect import PLACEHOLDERS, Hit, find_personal_data
from kodebog.privacy.names import NameList
from kodebog.store import Store
from kodebog.store.models import Coding, Source, Unit, UnitMemo

NAME_PLACEHOLDER = "[navn]"
ACTION = "privacy.redact"


@dataclass
class Redaction:
    """What ``redact`` changed."""

    units: list[tuple[str, int]] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    codings: int = 0
    memos: int = 0
    event_id: int | None = None

    def describe(self) -> str:
        """``redacted 3 phone numbers, 1 name in 4 units (6 codings moved, 1 memo)``."""
        if not self.kinds and not self.memos:
            return _("no personal data found; nothing changed")
        parts = [_count(kind, n) for kind, n in sorted(self.kinds.items())]
        units = ngettext("{n} unit", "{n} units", len(self.units)).format(
            n=formats.number(len(self.units)))
        codings = ngettext("{n} coding re-anchored", "{n} codings re-anchored",
                           self.codings).format(n=formats.number(self.codings))
        memos = ngettext("{n} memo redacted", "{n} memos redacted", self.memos).format(
            n=formats.number(self.memos))
        return _("redacted {what} in {units} ({codings}, {memos})").format(
            what=", ".join(parts) or _("nothing in unit texts"), units=units,
            codings=codings, memos=memos)


def _count(kind: str, n: int) -> str:
    """``2 phone numbers`` for a kind of hit."""
    number = formats.number(n)
    if kind == "cpr":
        return ngettext("{n} CPR number", "{n} CPR numbers", n).format(n=number)
    if kind == "phone":
        return ngettext("{n} phone number", "{n} phone numbers", n).format(n=number)
    if kind == "email":
        return ngettext("{n} e-mail", "{n} e-mails", n).format(n=number)
    if kind == "name":
        return ngettext("{n} name", "{n} names", n).format(n=number)
    return f"{number} {kind}"


def placeholder(hit: Hit) -> str:
    """What a hit is replaced with."""
    return PLACEHOLDERS.get(hit.kind, NAME_PLACEHOLDER)


def replace(text: str, hits: Sequence[Hit]) -> tuple[str, list[tuple[int, int, int]]]:
    """``text`` with each hit replaced, and the (old start, old end, new length) of each."""
    out: list[str] = []
    edits: list[tuple[int, int, int]] = []
    last = 0
    for hit in hits:
        new = placeholder(hit)
        out += [text[last:hit.start], new]
        edits.append((hit.start, hit.end, len(new)))
        last = hit.end
    out.append(text[last:])
    return "".join(out), edits


def move(offset: int, edits: Sequence[tuple[int, int, int]], *, end: bool) -> int:
    """An offset in the old text as an offset in the new one.

    An offset inside a replaced stretch goes to the placeholder's start (a coding's start)
    or end (a coding's end), so a coding keeps covering what replaced its words.
    """
    shift = 0
    for start, stop, length in edits:
        if offset <= start:
            break
        if offset >= stop:
            shift += length - (stop - start)
            continue
        return start + shift + (length if end else 0)
    return offset + shift


def _redact_memo(text: str | None, names: NameList | None) -> str | None:
    if not text:
        return None
    hits = find_personal_data(text, names)
    return replace(text, hits)[0] if hits else None


def _redact_unit(session: Session, unit: Unit, source: Source, hits: Sequence[Hit],
                 names: NameList | None, result: Redaction) -> int:
    """Replace the hits in one unit; returns how much longer the source text got."""
    new_text, edits = replace(unit.text, hits)
    delta = len(new_text) - len(unit.text)
    source.text = source.text[:unit.start] + new_text + source.text[unit.end:]
    codings = list(session.scalars(select(Coding).where(Coding.unit_id == unit.id)))
    for coding in codings:
        start = move(coding.start, edits, end=False)
        stop = move(coding.end, edits, end=True)
        if stop <= start:  # a coding of the personal data alone keeps its placeholder
            stop = min(len(new_text), start + 1)
        coding.start, coding.end = start, stop
        coding.text = new_text[start:stop]
    unit.text = new_text
    unit.end = unit.start + len(new_text)
    result.units.append((source.name, unit.ordinal))
    result.kinds.update(h.kind for h in hits)
    result.codings += len(codings)
    return delta


def redact(store: Store, coder: str, names: NameList | None = None, *,
           sources: Sequence[str] = (), units: Sequence[int] = ()) -> Redaction:
    """Redact the personal data in the project's units and memos (one transaction).

    ``sources`` (names) or ``units`` (ids) limit it to part of the project.
    """
    only = set(units)
    from kodebog.coding import coder_id, log_event

    result = Redaction()
    with store.write() as session:
        query = select(Source).order_by(Source.name)
        if sources:
            known = set(session.scalars(select(Source.name)))
            missing = [s for s in sources if s not in known]
            if missing:
                raise ProjectError(_("no source named {names}; the project has: {known}")
                                   .format(names=", ".join(missing),
                                           known=", ".join(sorted(known))))
            query = query.where(Source.name.in_(list(sources)))
        if only:
            query = query.where(Source.id.in_(
                select(Unit.source_id).where(Unit.id.in_(list(only)))))
        for source in session.scalars(query).all():
            rows = list(session.scalars(
                select(Unit).where(Unit.source_id == source.id).order_by(Unit.ordinal)))
            shift = 0
            for unit in rows:
                if shift:
                    unit.start += shift
                    unit.end += shift
                if only and unit.id not in only:
                    continue
                hits = find_personal_data(unit.text, names)
                if hits:
                    shift += _redact_unit(session, unit, source, hits, names, result)
            session.flush()
        memos = select(UnitMemo)
        coding_memos = select(Coding).where(Coding.memo.is_not(None))
        if only:
            memos = memos.where(UnitMemo.unit_id.in_(list(only)))
            coding_memos = coding_memos.where(Coding.unit_id.in_(list(only)))
        for memo in session.scalars(memos):
            if (new := _redact_memo(memo.text, names)) is not None:
                memo.text = new
                result.memos += 1
        for coding in session.scalars(coding_memos):
            if (new := _redact_memo(coding.memo, names)) is not None:
                coding.memo = new
                result.memos += 1
        if not result.units and not result.memos:
            return result
        session.flush()
        result.event_id = log_event(
            session, coder_id(session, coder), ACTION, "project", None, None,
            {"units": [list(u) for u in result.units], "kinds": dict(result.kinds),
             "codings": result.codings, "memos": result.memos})
    return result

