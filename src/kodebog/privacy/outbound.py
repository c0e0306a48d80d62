"""One model of what leaves the tool: every outbound text as (field, where, text).

Every export builds its outbound texts as ``Outbound`` items (``export/outbound.py`` from the
findings material, ``privacy/project.py`` from the whole project for REFI and the scan) and
hands them to :func:`guard` at one place before anything is written. ``FORMAT_FIELDS`` says
which fields each format writes; a test plants personal data in every field and checks
each format against it, so a field cannot be forgotten.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from kodebog.i18n import N_, _, translate
from kodebog.privacy.detect import Hit, describe, find_personal_data
from kodebog.privacy.guard import PersonalDataError
from kodebog.privacy.names import NameList


class Field(StrEnum):
    """A kind of text that can leave the tool (its value names it in messages)."""

    TITLE = N_("project title")
    SOURCE_NAME = N_("source name")
    UNIT_TEXT = N_("source text")
    SPEAKER = N_("speaker label")
    PARTICIPANT = N_("participant label")
    ATTRIBUTE = N_("participant attribute")
    CODE_LABEL = N_("code label")
    CODE_DEFINITION = N_("code description")
    QUOTE = N_("quote")
    CODING_MEMO = N_("coding memo")
    UNIT_MEMO = N_("unit memo")
    STATEMENT = N_("finding statement")
    CODER = N_("coder name")


ALL_FIELDS = frozenset(Field)

_REPORT = frozenset({Field.TITLE, Field.SOURCE_NAME, Field.PARTICIPANT, Field.ATTRIBUTE,
                     Field.CODE_LABEL, Field.CODE_DEFINITION, Field.QUOTE, Field.STATEMENT,
                     Field.CODER})
_TABLE = frozenset({Field.SOURCE_NAME, Field.SPEAKER, Field.PARTICIPANT, Field.ATTRIBUTE,
                    Field.CODE_LABEL, Field.QUOTE, Field.CODING_MEMO, Field.CODER})

FORMAT_FIELDS: dict[str, frozenset[Field]] = {
    "md": _REPORT,
    "docx": _REPORT,
    "html": _REPORT,
    "json": _REPORT | {Field.CODING_MEMO},
    "csv": _TABLE,
    "xlsx": _TABLE | {Field.TITLE},
    "qdpx": ALL_FIELDS - {Field.STATEMENT, Field.SPEAKER},
    "qdc": frozenset({Field.CODE_LABEL, Field.CODE_DEFINITION}),
}
"""The fields each export format writes; checked by ``tests/test_privacy_matrix.py``."""


@dataclass(frozen=True, slots=True)
class Outbound:
    """One text about to leave: its field, where it is (for the user) and the text.

    ``source`` and ``unit`` locate it further when it belongs to a source (for the scan).
    """

    field: Field
    where: str
    text: str
    source: str | None = None
    unit: int | None = None

    def label(self, names: NameList | None = None) -> str:
        """``the code label of code tillid`` (never the text; personal data in it masked)."""
        return _("the {field} of {where}").format(field=translate(str(self.field)),
                                                  where=masked(self.where, names))


def masked(text: str | None, names: NameList | None = None) -> str | None:
    """``text`` with any personal data in it replaced by placeholders (for messages)."""
    if text is None:
        return None
    from kodebog.privacy.pseudonymisation import pseudonymise

    return pseudonymise(text, names)[0]


def hits(items: Iterable[Outbound], names: NameList | None = None,
         fields: Collection[Field] = ALL_FIELDS) -> Iterator[tuple[Outbound, Hit]]:
    """Every piece of personal data in the items of ``fields``, with the item it is in."""
    for item in items:
        if item.text and item.field in fields:
            for hit in find_personal_data(item.text, names):
                yield item, hit


def scan(items: Iterable[Outbound], names: NameList | None = None) -> list[dict[str, object]]:
    """Every hit in the items as plain data: field, where, source, unit, offsets, masked label.

    Offsets are into the item's text; the label never shows the whole identifier.
    """
    return [{"field": str(item.field), "where": masked(item.where, names),
             "source": masked(item.source, names),
             "unit": item.unit, "kind": hit.kind, "start": hit.start, "end": hit.end,
             "description": describe(hit)}
            for item, hit in hits(items, names)]


def guard(items: Iterable[Outbound], fmt: str, *, allow: bool) -> None:
    """Refuse an export whose outbound texts hold personal data, naming field and place.

    ``fmt`` chooses the fields checked (``FORMAT_FIELDS``); ``allow`` is the user's consent
    (``--allow-personal-data``), which skips the check.
    """
    if allow:
        return
    fields = FORMAT_FIELDS[fmt]
    for item, _hit in hits(items, fields=fields):
        found = "; ".join(describe(h) for h in find_personal_data(item.text)[:3])
        raise PersonalDataError(_(
            "{what} contains personal data ({found}), so nothing is exported; pseudonymise or "
            "remove it, leave it out of the export (--code/--source/--where), or pass "
            "--allow-personal-data").format(what=item.label(), found=found))
