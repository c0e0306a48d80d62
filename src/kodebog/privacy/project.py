"""Every text of a whole project as ``Outbound`` items: what REFI carries and the scan reads."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from kodebog.i18n import _
from kodebog.privacy.outbound import Field, Outbound
from kodebog.store.models import Coder, Coding, Finding, Participant, Source, Unit, UnitMemo


def project_items(session: Session, coder: str | None = None) -> Iterator[Outbound]:
    """The project's outbound texts, field by field (only ``coder``'s codings and memos).

    Quotes come before the source texts that hold them, so a hit in a quote is named as
    the quote.
    """
    from kodebog.project import current_codebook

    codebook = current_codebook(session)
    yield Outbound(Field.TITLE, _("the codebook"), codebook.title or "")
    yield Outbound(Field.TITLE, _("the codebook (description)"), codebook.description or "")
    for code in codebook.walk():
        where = _("code {id}").format(id=code.id)
        yield Outbound(Field.CODE_LABEL, where, code.id)
        yield Outbound(Field.CODE_LABEL, where, code.label)
        for text in (code.description, *code.include, *code.exclude, *code.examples,
                     *code.keywords, *code.exclude_keywords):
            yield Outbound(Field.CODE_DEFINITION, where, text)
    coders = {c.id: c.name for c in session.scalars(select(Coder))
              if coder is None or c.name == coder}
    for name in coders.values():
        yield Outbound(Field.CODER, "a coder", name)
    rows = session.execute(select(Source.id, Source.name))
    names: dict[int, str] = {source_id: name for source_id, name in rows}
    spoken = dict(session.execute(
        select(Unit.participant_id, Source.name).join(Source, Source.id == Unit.source_id)
        .where(Unit.participant_id.is_not(None)).distinct()).all())
    for person in session.scalars(select(Participant).order_by(Participant.id)):
        where, home = _("participant {id}").format(id=person.id), spoken.get(person.id)
        yield Outbound(Field.PARTICIPANT, where, person.label, home)
        yield Outbound(Field.PARTICIPANT, where, person.key, home)
        if person.role:
            yield Outbound(Field.ATTRIBUTE, _("{where} (role)").format(where=where),
                           person.role, home)
        for key, value in (person.attributes or {}).items():
            what = _("{where} (attribute {name})").format(where=where, name=key)
            yield Outbound(Field.ATTRIBUTE, what, str(key), home)
            yield Outbound(Field.ATTRIBUTE, what, str(value), home)
    codings = session.execute(
        select(Coding.id, Coding.code_id, Coding.coder_id, Coding.text, Coding.memo,
               Unit.source_id, Unit.ordinal)
        .join(Unit, Unit.id == Coding.unit_id).order_by(Coding.id))
    for cid, code_id, coder_id, text, memo, source_id, ordinal in codings:
        if coder_id in coders:
            name = names[source_id]
            where = _("coding {id} at {citation} ({code})").format(
                id=cid, citation=f"{name}:{ordinal}", code=code_id)
            yield Outbound(Field.QUOTE, where, text, name, ordinal)
            yield Outbound(Field.CODING_MEMO, where, memo or "", name, ordinal)
    memos = session.execute(
        select(UnitMemo.text, UnitMemo.coder_id, Unit.source_id, Unit.ordinal)
        .join(Unit, Unit.id == UnitMemo.unit_id).order_by(UnitMemo.id))
    for text, coder_id, source_id, ordinal in memos:
        if coder_id in coders:
            name = names[source_id]
            where = _("unit {citation}").format(citation=f"{name}:{ordinal}")
            yield Outbound(Field.UNIT_MEMO, where, text, name, ordinal)
    for finding in session.scalars(select(Finding).order_by(Finding.id)):
        yield Outbound(Field.STATEMENT, _("code {id}").format(id=finding.code_id),
                       finding.statement)
        if finding.updated_by:
            yield Outbound(Field.CODER, _("code {id}").format(id=finding.code_id),
                           finding.updated_by)
    for source in session.scalars(select(Source).order_by(Source.name)):
        yield Outbound(Field.SOURCE_NAME, _("source {id}").format(id=source.id), source.name,
                       source.name)
        yield from _source_text(session, source)


def _source_text(session: Session, source: Source) -> Iterator[Outbound]:
    """A source's whole text: unit by unit, and what lies between units."""
    units = session.execute(
        select(Unit.ordinal, Unit.start, Unit.end, Unit.speaker)
        .where(Unit.source_id == source.id).order_by(Unit.start)).all()
    text = source.text
    position = 0
    for ordinal, start, end, speaker in units:
        where = _("unit {citation}").format(citation=f"{source.name}:{ordinal}")
        if start > position:
            yield Outbound(Field.UNIT_TEXT, _("{where} (the text before it)").format(where=where),
                           text[position:start], source.name, ordinal)
        yield Outbound(Field.UNIT_TEXT, where, text[start:end], source.name, ordinal)
        if speaker:
            yield Outbound(Field.SPEAKER, where, speaker, source.name, ordinal)
        position = max(position, end)
    if position < len(text):
        yield Outbound(Field.UNIT_TEXT,
                       _("source {name} (after the last unit)").format(name=source.name),
                       text[position:], source.name)
