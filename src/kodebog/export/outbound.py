"""What a findings or table export can carry out of the tool, as privacy ``Outbound`` items.

Every text of the material in scope is listed once with its field, so the guard of each
format checks the fields that format writes (``privacy.outbound.FORMAT_FIELDS``).
"""

from __future__ import annotations

from collections.abc import Iterator

from kodebog.findings import Findings, Material
from kodebog.i18n import _
from kodebog.privacy.outbound import Field, Outbound


def material_items(material: Material, findings: Findings | None = None) -> Iterator[Outbound]:
    """Every outbound text of ``material``: names, labels, attributes, quotes, memos ...

    With ``findings`` (a report), the quotes and their memos are those the findings show;
    without (a table), every coding of the reported codes.
    """
    yield Outbound(Field.TITLE, _("the project"), material.title)
    for source in material.sources:
        where = _("source {id}").format(id=source.id)
        for text in dict.fromkeys((source.name, source.short_name, source.display)):
            yield Outbound(Field.SOURCE_NAME, where, text)
    for code in material.all_codes.values():
        where = _("code {id}").format(id=code.id)
        yield Outbound(Field.CODE_LABEL, where, code.id)
        yield Outbound(Field.CODE_LABEL, where, code.label)
        for text in (code.description, *code.include, *code.exclude):
            yield Outbound(Field.CODE_DEFINITION, where, text)
    for coder in material.coders:
        yield Outbound(Field.CODER, _("a coder"), coder)
    seen: set[int] = set()
    for unit in material.units:
        where = _("unit {citation}").format(citation=unit.citation)
        yield Outbound(Field.UNIT_TEXT, where, unit.text)
        if unit.speaker:
            yield Outbound(Field.SPEAKER, where, unit.speaker)
        person = unit.participant
        if person is not None and person.id not in seen:
            seen.add(person.id)
            yield Outbound(Field.PARTICIPANT, _("participant {id}").format(id=person.id),
                           person.label)
            if person.role:
                yield Outbound(Field.ATTRIBUTE, _("participant {id} (role)").format(
                    id=person.id), person.role)
            for name, value in person.attributes.items():
                where_attribute = _("participant {id} (attribute {name})").format(
                    id=person.id, name=name)
                yield Outbound(Field.ATTRIBUTE, where_attribute, str(name))
                yield Outbound(Field.ATTRIBUTE, where_attribute, str(value))
    if findings is None:
        for coding in material.reported_codings:
            where = _("coding {id} at {citation} ({code})").format(
                id=coding.id, citation=coding.unit.citation, code=coding.code)
            yield Outbound(Field.QUOTE, where, coding.text)
            if coding.memo:
                yield Outbound(Field.CODING_MEMO, where, coding.memo)
            yield Outbound(Field.CODER, where, coding.coder)
    else:
        for theme in findings.themes:
            for quote in theme.quotes:
                where = _("coding {id} at {citation} ({code})").format(
                    id=quote.coding_id, citation=quote.citation, code=theme.code.id)
                yield Outbound(Field.QUOTE, where, quote.text)
                yield Outbound(Field.QUOTE, where, quote.display)
                if quote.memo:
                    yield Outbound(Field.CODING_MEMO, where, quote.memo)
                for coder in quote.coders:
                    yield Outbound(Field.CODER, where, coder)
    statements = (material.statements if findings is None else
                  {t.code.id: t.statement for t in findings.themes if t.statement is not None})
    for code_id, statement in statements.items():
        where = _("code {id}").format(id=code_id)
        yield Outbound(Field.STATEMENT, where, statement.text)
        if statement.updated_by:
            yield Outbound(Field.CODER, where, statement.updated_by)
