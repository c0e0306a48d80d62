"""Exporting a project as a REFI-QDA codebook (.qdc) or project (.qdpx)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from sqlalchemy import select
from sqlalchemy.orm import Session

from kodebog import __version__
from kodebog.codebook import Code, Codebook
from kodebog.errors import ProjectError
from kodebog.exchange import refi_guids
from kodebog.exchange.refi_codebook import slugify
from kodebog.exchange.refi_common import (
    CODEBOOK_NS,
    PROJECT_NS,
    RefiReport,
    selection_name,
    xml_datetime,
    xml_text,
)
from kodebog.exchange.refi_description import pack, pack_code, pack_selection
from kodebog.exchange.refi_files import element, new_element, write_atomic, write_zip, xml_bytes
from kodebog.exchange.refi_guids import Ids, load_ids
from kodebog.exchange.refi_offsets import UNITS
from kodebog.exchange.refi_positions import Positions
from kodebog.i18n import _, translate
from kodebog.project import current_codebook
from kodebog.store import Store
from kodebog.store.models import (
    Coder,
    Coding,
    Participant,
    Source,
    Unit,
    UnitMemo,
)

ORIGIN = f"kodebog {__version__}"
_Keyed = tuple[tuple[Any, ...], ET.Element]
KIND_FIELD = "Type / Kind"
ROLE_VARIABLE = "role"


def text_field(what: str, value: str) -> str:
    """Every text that goes into the XML passes here (names, descriptions, notes, values).

    ``what`` says which field it is (``code name``, ``note``, ...): the one place where a
    check of what leaves the project can look at every text of a .qdpx or .qdc.
    """
    del what
    return xml_text(value)


def add_codes(parent: ET.Element, codes: tuple[Code, ...], ids: Ids) -> int:
    """Append Code elements (children nested) with packed definitions; return the count."""
    count = 0
    for code in codes:
        attrs = {
            "guid": ids("code", code.id),
            "name": text_field("code name", code.label),
            "isCodable": "false" if code.id in ids.folders else "true",
            "color": code.color.upper() if code.color else None,
        }
        node = element(parent, "Code", attrs)
        description = pack_code(code, with_id=code.id != slugify(code.label))
        if description:
            element(node, "Description", text=text_field("code description", description))
        count += 1 + add_codes(node, code.children, ids)
    return count


def export_qdc(store: Store, path: str | Path) -> RefiReport:
    """Write the project's current codebook as a REFI-QDA codebook (Codebook.xsd)."""
    path = Path(path)
    report = RefiReport(str(path))
    with store.read() as session:
        codebook = current_codebook(session)
        ids = load_ids(session)
    root = ET.Element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": ORIGIN})
    report.add("codes", add_codes(element(root, "Codes"), codebook.codes, ids))
    _codebook_losses(codebook, report)
    if codebook.title or codebook.description:
        report.warn(_("the codebook's title and description have no place in a .qdc file"))
    write_atomic(path, xml_bytes(root))
    return report


def _codebook_losses(codebook: Codebook, report: RefiReport) -> None:
    replaced = [c.id for c in codebook.walk() if c.replaces]
    if replaced:
        report.warn(_("'replaces' is not exported (codes {codes})").format(
            codes=", ".join(replaced)))


@dataclass
class _Data:
    """Everything one export reads from the project."""

    codebook: Codebook
    ids: Ids
    coders: dict[int, str]
    sources: list[Source]
    units: dict[int, list[Unit]]
    codings: dict[int, list[Coding]] = field(default_factory=lambda: defaultdict(list))
    memos: dict[int, list[UnitMemo]] = field(default_factory=lambda: defaultdict(list))
    participants: dict[int, Participant] = field(default_factory=dict)


def _load(session: Session, coder: str | None) -> _Data:
    coders = {c.id: c.name for c in session.scalars(select(Coder).order_by(Coder.name))}
    if coder is not None:
        coders = {i: name for i, name in coders.items() if name == coder}
        if not coders:
            raise ProjectError(_("no coder called '{coder}' in this project").format(coder=coder))
    units: dict[int, list[Unit]] = defaultdict(list)
    for unit in session.scalars(select(Unit).order_by(Unit.source_id, Unit.ordinal)):
        units[unit.source_id].append(unit)
    data = _Data(
        codebook=current_codebook(session),
        ids=load_ids(session),
        coders=coders,
        sources=list(session.scalars(select(Source).order_by(Source.id))),
        units=units,
    )
    for coding in session.scalars(
        select(Coding).where(Coding.coder_id.in_(coders)).order_by(Coding.id)
    ):
        data.codings[coding.unit_id].append(coding)
    for memo in session.scalars(
        select(UnitMemo).where(UnitMemo.coder_id.in_(coders)).order_by(UnitMemo.id)
    ):
        data.memos[memo.unit_id].append(memo)
    for participant in session.scalars(select(Participant).order_by(Participant.id)):
        data.participants[participant.id] = participant
    return data


def export_qdpx(store: Store, path: str | Path, *, coder: str | None = None,
                offsets: str = "codepoints", line_endings: str = "lf") -> RefiReport:
    """Write the project (or one coder's work) as a REFI-QDA project (Project.xsd).

    ``offsets`` and ``line_endings`` say how the target tool counts positions and breaks
    lines (see :mod:`kodebog.exchange.refi_positions`).
    """
    path = Path(path)
    report = RefiReport(str(path))
    Positions("", offsets, line_endings)  # refuse a bad choice before reading anything
    with store.read() as session:
        data = _load(session, coder)
    writer = _ProjectWriter(data, report, offsets, line_endings)
    root = writer.project(coder)
    entries = [("project.qde", xml_bytes(root))]
    entries += [(f"sources/{name}", text.encode("utf-8")) for name, text in writer.files]
    if offsets != "codepoints" or line_endings != "lf":
        units = translate(UNITS["utf16" if offsets == "utf16" else "cp"])
        report.notes.append(_("positions in {units}, line breaks {line_endings}").format(
            units=units, line_endings=line_endings.upper()))
    write_zip(path, entries)
    return report


class _ProjectWriter:
    """Builds project.qde and the list of internal source files."""

    def __init__(self, data: _Data, report: RefiReport, offsets: str = "codepoints",
                 line_endings: str = "lf") -> None:
        self.data = data
        self.report = report
        self.ids = data.ids
        self.offsets, self.line_endings = offsets, line_endings
        self.files: list[tuple[str, str]] = []
        self.code_guids: dict[str, str] = {}
        self.labels = {c.id: c.label for c in data.codebook.walk()}
        self.source_guids: dict[str, str] = {}
        self.positions = Positions("")
        self.selections: dict[str, tuple[int, int, ET.Element]] = {}
        self.noted: dict[int, set[str]] = {}  # id of a selection element -> its memos
        self.order = {code_id: i for i, code_id in enumerate(data.codebook.ids)}
        self.notes: list[ET.Element] = []
        self.user_guids: dict[str, str] = {}
        self.variable_guids: dict[str, str] = {}
        self.case_selections: dict[int, list[str]] = defaultdict(list)
        self.case_sources: dict[int, list[str]] = defaultdict(list)

    def user(self, coder_id: int) -> str:
        return self.user_guid(self.data.coders[coder_id])

    def user_guid(self, name: str) -> str:
        found = self.user_guids.get(name)
        if found is None:
            found = self.user_guids[name] = self.ids("user", name)
        return found

    def source_guid(self, name: str) -> str:
        found = self.source_guids.get(name)
        if found is None:
            found = self.source_guids[name] = self.ids("source", name)
        return found

    def project(self, coder: str | None) -> ET.Element:
        data = self.data
        attrs: dict[str, str | None] = {
            "xmlns": PROJECT_NS,
            "name": text_field("project name", data.codebook.title or "kodebog"),
            "origin": ORIGIN,
            "creatingUserGUID": self.user_guid(coder) if coder else None,
        }
        root = new_element("Project", attrs)
        if data.coders:
            users = element(root, "Users")
            for coder_id, name in data.coders.items():
                element(users, "User", {"guid": self.user(coder_id),
                                        "name": text_field("user name", name)})
                self.report.add("users")
        self.report.add("codes", add_codes(
            element(element(root, "CodeBook"), "Codes"), data.codebook.codes, self.ids))
        self.code_guids = {c.id: self.ids("code", c.id) for c in data.codebook.walk()}
        _codebook_losses(data.codebook, self.report)
        sources = ET.Element("Sources")
        for source in data.sources:
            self.source(sources, source)
        self.cases(root)
        if len(sources):
            root.append(sources)
        if self.notes:
            notes = element(root, "Notes")
            notes.extend(self.notes)
        description = pack(data.codebook.description, {}, {"language": data.codebook.language})
        element(root, "Description", text=text_field("project description", description))
        return root

    def source(self, parent: ET.Element, source: Source) -> None:
        source_guid = self.source_guid(source.name)
        self.positions = Positions(source.text, self.offsets, self.line_endings)
        self.files.append((f"{source_guid}.txt",
                           text_field("source text", self.positions.file_text())))
        node = element(parent, "TextSource", {
            "guid": source_guid,
            "name": text_field("source name", source.name),
            "plainTextPath": f"internal://{source_guid}.txt",
        })
        element(node, "Description", text=f"{KIND_FIELD}: {source.kind}")
        selections: list[_Keyed] = []
        for unit in self.data.units.get(source.id, []):
            selections += self.unit_selections(source, unit)
        for _key, selection in sorted(selections, key=lambda item: item[0]):
            node.append(selection)
        self.report.add("sources")

    def unit_selections(self, source: Source, unit: Unit) -> list[_Keyed]:
        out: list[_Keyed] = []
        if unit.participant_id is not None and unit.participant_id in self.data.participants:
            sources = self.case_sources[unit.participant_id]
            source_guid = self.source_guid(source.name)
            if source_guid not in sources:
                sources.append(source_guid)
            if unit.speaker is None:
                selection_guid = self.ids("unit", f"{source.name}\x1f{unit.ordinal}",
                                          source.name, unit.ordinal)
                self.case_selections[unit.participant_id].append(selection_guid)
                node = self.selection(selection_guid, unit.text, unit.start, unit.end)
                out.append(((unit.start, unit.end, 0, selection_guid), node))
        for coding in self.data.codings.get(unit.id, []):
            built = self.coding(source, unit, coding)
            if built is not None:
                out.append(built)
        for memo in self.data.memos.get(unit.id, []):
            out.append(self.unit_memo(source, unit, memo))
        return out

    def selection(self, selection_guid: str, text: str, start: int, end: int,
                  user: str | None = None, created: str | None = None) -> ET.Element:
        return new_element("PlainTextSelection", {
            "guid": selection_guid,
            "name": text_field("selection name", selection_name(text)),
            "startPosition": str(self.positions(start)),
            "endPosition": str(self.positions(end)),
            "creatingUser": user,
            "creationDateTime": created,
        })

    def coding(self, source: Source, unit: Unit,
               coding: Coding) -> _Keyed | None:
        code_guid = self.code_guids.get(coding.code_id)
        coder = self.data.coders[coding.coder_id]
        if code_guid is None:
            self.report.warn(_(
                "{source} unit {unit}: code '{code}' is not in the current codebook; {coder}'s "
                "coding was not exported").format(source=source.name, unit=unit.ordinal,
                                                  code=coding.code_id, coder=coder))

            return None
        start, end = unit.start + coding.start, unit.start + coding.end
        key = (source.name, unit.ordinal, coding.code_id, coder, coding.start, coding.end)
        kept = refi_guids.coding_key(source.name, start, end, coding.code_id, coder)
        user, created = self.user(coding.coder_id), xml_datetime(coding.created_at)
        selection_guid = self.data.ids.known.get(("selection", kept))
        shared = self.selections.get(selection_guid or "")
        fresh = shared is None or shared[:2] != (start, end)
        if fresh:
            selection_guid = self.ids("selection", kept, *key)
            node = self.selection(selection_guid, coding.text, start, end, user, created)
            self.selections[selection_guid] = (start, end, node)
        else:  # another code on the same selection of the original file: one selection again
            assert shared is not None
            node = shared[2]
        valence = getattr(coding, "valence", None)
        description = pack_selection(coding.memo, coding.key_quote, valence)
        if description:
            old = node.find("Description")
            text = text_field("selection description", description)
            if old is None:  # the schema wants Description first, then Coding, then NoteRef
                node.insert(0, new_element("Description", {}))
                node[0].text = text
            elif description not in (old.text or ""):
                old.text = f"{old.text}\n\n{text}"
        self.report.add("key quotes", bool(coding.key_quote))
        self.report.add("valences", valence not in (None, ""))
        tag = new_element("Coding", {
            "guid": self.ids("coding", kept, *key), "creatingUser": user,
            "creationDateTime": created,
        })
        notes_at = next((i for i, child in enumerate(node) if child.tag == "NoteRef"), len(node))
        node.insert(notes_at, tag)
        element(tag, "CodeRef", {"targetGUID": code_guid})
        noted = self.noted.setdefault(id(node), set())
        if coding.memo and coding.memo not in noted:  # one note per memo of a selection
            noted.add(coding.memo)
            note_guid = self.ids("note", kept, "memo", *key)
            label = self.labels.get(coding.code_id, coding.code_id)
            self.note(note_guid, f"Memo: {label}", coding.memo, user, created)
            element(node, "NoteRef", {"targetGUID": note_guid})
        self.report.add("codings")
        if not fresh:
            return None
        return (start, end, 1, self.order[coding.code_id], coder), node

    def unit_memo(self, source: Source, unit: Unit,
                  memo: UnitMemo) -> _Keyed:
        coder = self.data.coders[memo.coder_id]
        user, changed = self.user(memo.coder_id), xml_datetime(memo.updated_at)
        key = (source.name, unit.ordinal, coder)
        kept = refi_guids.unit_memo_key(*key)
        node = self.selection(self.ids("unit memo", kept, *key), unit.text, unit.start,
                              unit.end, user, changed)
        note_guid = self.ids("unit memo note", kept, *key)
        self.note(note_guid, f"Memo: {source.name} {unit.ordinal}", memo.text, user, changed)
        element(node, "NoteRef", {"targetGUID": note_guid})
        return (unit.start, unit.end, 2, coder), node

    def note(self, note_guid: str, name: str, text: str, user: str | None,
             created: str | None) -> None:
        node = new_element("Note", {
            "guid": note_guid, "name": text_field("note name", name), "creatingUser": user,
            "creationDateTime": created})
        element(node, "PlainTextContent", text=text_field("note", text))
        self.notes.append(node)
        self.report.add("notes")

    def variable_guid(self, name: str) -> str:
        found = self.variable_guids.get(name)
        if found is None:
            found = self.variable_guids[name] = self.ids("variable", name)
        return found

    def cases(self, root: ET.Element) -> None:
        people = [self.data.participants[i] for i in sorted(self.case_sources)]
        names: list[str] = []
        for person in people:
            names += [n for n in _attributes(person) if n not in names]
        if not people:
            return
        if names:
            variables = element(root, "Variables")
            for name in names:
                element(variables, "Variable", {
                    "guid": self.variable_guid(name), "name": text_field("variable name", name),
                    "typeOfVariable": "Text"})
            self.report.add("variables", len(names))
        cases = element(root, "Cases")
        for person in people:
            node = element(cases, "Case", {
                "guid": self.ids("case", person.key), "name": text_field("case name", person.key)})
            if person.label != person.key:
                element(node, "Description", text=text_field("case description", person.label))
            for name, value in _attributes(person).items():
                holder = element(node, "VariableValue")
                element(holder, "VariableRef", {"targetGUID": self.variable_guid(name)})
                element(holder, "TextValue", text=text_field("variable value", value))
            for source_guid in self.case_sources[person.id]:
                element(node, "SourceRef", {"targetGUID": source_guid})
            for selection_guid in self.case_selections[person.id]:
                element(node, "SelectionRef", {"targetGUID": selection_guid})
            self.report.add("cases")


def _attributes(person: Participant) -> dict[str, str]:
    """A participant's attributes as text, with its role as the variable ``role``."""
    values = {str(k): str(v) for k, v in (person.attributes or {}).items() if v is not None}
    if person.role and ROLE_VARIABLE not in values:
        values = {ROLE_VARIABLE: person.role, **values}
    return values
