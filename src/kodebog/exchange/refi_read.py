"""Reading REFI-QDA XML (project.qde and .qdc) into data classes, without trusting it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from kodebog.errors import SourceError
from kodebog.exchange.refi_codebook import RefiCode
from kodebog.exchange.refi_common import norm_guid
from kodebog.exchange.refi_model import (
    RefiCase,
    RefiCoding,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiSource,
)
from kodebog.i18n import N_, _, translate

_MEDIA = {
    "PictureSource": N_("picture sources"),
    "AudioSource": N_("audio sources"),
    "VideoSource": N_("video sources"),
}
_UNSUPPORTED = {"Links": N_("links"), "Sets": N_("sets"), "Graphs": N_("graphs")}
_PROJECT_NOTES = N_("project notes (not linked to any text)")
_CODE_MEMOS = N_("memos on codes")
_CASE_CODES = N_("codes linked to cases")
_PDF_AREAS = N_("PDF areas (page coordinates)")
_PDF_WITHOUT_TEXT = N_("PDF sources without a text representation")
_SOURCE_MEMOS = N_("memos on sources")


def local(element: Element) -> str:
    """An element's name without its namespace."""
    return element.tag.rpartition("}")[2]


def children(element: Element, name: str) -> Iterator[Element]:
    """The child elements called ``name`` (any namespace)."""
    return (child for child in element if local(child) == name)


def child(element: Element, name: str) -> Element | None:
    """The first child element called ``name``, or None."""
    return next(children(element, name), None)


def child_text(element: Element, name: str) -> str:
    """The text of the first child called ``name``; '' if there is none."""
    found = child(element, name)
    return (found.text or "") if found is not None else ""


def _refs(element: Element, name: str) -> list[str]:
    return [norm_guid(ref.get("targetGUID")) for ref in children(element, name)]


def parse_codes(parent: Element | None) -> list[RefiCode]:
    """The Code elements under ``parent`` (a Codes or Code element), nested."""
    if parent is None:
        return []
    return [
        RefiCode(
            guid=code.get("guid", ""),
            name=code.get("name", ""),
            color=code.get("color"),
            codable=code.get("isCodable", "true").strip().lower() not in ("false", "0"),
            description=child_text(code, "Description"),
            children=parse_codes(code),
        )
        for code in children(parent, "Code")
    ]


def parse_codebook_root(root: Element, where: str) -> list[RefiCode]:
    """The codes of a .qdc document."""
    if local(root) != "CodeBook":
        raise SourceError(_("{where}: is not a REFI-QDA codebook (its root is <{root}>)").format(
            where=where, root=local(root)))
    return parse_codes(child(root, "Codes"))


def _int(value: str | None, what: str, where: str) -> int:
    try:
        return int((value or "").strip())
    except ValueError:
        raise SourceError(_("{where}: {what} {value} is not a whole number").format(
            where=where, what=what, value=repr(value))) from None


class _Reader:
    """Walks a project.qde, counting what kodebog cannot take."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.variables: dict[str, str] = {}
        self.lost: Counter[str] = Counter()

    def project(self, root: Element) -> RefiProject:
        if local(root) == "CodeBook":
            raise SourceError(
                _("{where}: is a REFI-QDA codebook, not a project; use `kodebog codebook "
                  "from-qdc`").format(where=self.where)
            )
        if local(root) != "Project":
            raise SourceError(_("{where}: is not a REFI-QDA project (root <{root}>)").format(
                where=self.where, root=local(root)))
        users = child(root, "Users")
        codebook = child(root, "CodeBook")
        project = RefiProject(
            name=root.get("name", ""),
            description=child_text(root, "Description"),
            creator=norm_guid(root.get("creatingUserGUID")) or None,
            language=root.get("{http://www.w3.org/XML/1998/namespace}lang"),
            users={
                norm_guid(u.get("guid")): u.get("name") or ""
                for u in (children(users, "User") if users is not None else ())
            },
            codes=parse_codes(child(codebook, "Codes")) if codebook is not None else [],
        )
        variables = child(root, "Variables")
        for variable in children(variables, "Variable") if variables is not None else ():
            self.variables[norm_guid(variable.get("guid"))] = variable.get("name", "")
        cases = child(root, "Cases")
        project.cases = [self.case(c) for c in children(cases, "Case")] if cases is not None else []
        sources = child(root, "Sources")
        for source in sources if sources is not None else ():
            project.sources += self.source(source)
        notes = child(root, "Notes")
        for note in children(notes, "Note") if notes is not None else ():
            found = self.note(note)
            project.notes[found.guid] = found
        for name, what in _UNSUPPORTED.items():
            holder = child(root, name)
            if holder is not None and len(holder):
                self.lost[what] += len(holder)
        self.lost[_PROJECT_NOTES] += len(_refs(root, "NoteRef"))
        if codebook is not None:
            self.code_notes(child(codebook, "Codes"))
        project.losses = [f"{translate(what)}: {n}" for what, n in self.lost.items() if n]
        project.variables = dict(self.variables)
        return project

    def code_notes(self, parent: Element | None) -> None:
        for code in children(parent, "Code") if parent is not None else ():
            self.lost[_CODE_MEMOS] += len(_refs(code, "NoteRef"))
            self.code_notes(code)

    def values(self, element: Element) -> dict[str, str]:
        out: dict[str, str] = {}
        for holder in children(element, "VariableValue"):
            ref = child(holder, "VariableRef")
            name = self.variables.get(norm_guid(ref.get("targetGUID") if ref is not None else ""))
            value = next((c.text or "" for c in holder if local(c) != "VariableRef"), None)
            if name and value is not None:
                out[name] = value.strip()
        return out

    def case(self, element: Element) -> RefiCase:
        self.lost[_CASE_CODES] += len(_refs(element, "CodeRef"))
        return RefiCase(
            guid=norm_guid(element.get("guid")),
            name=element.get("name") or "",
            description=child_text(element, "Description"),
            variables=self.values(element),
            sources=_refs(element, "SourceRef"),
            selections=_refs(element, "SelectionRef"),
        )

    def source(self, element: Element) -> list[RefiSource]:
        kind = local(element)
        if kind == "TextSource":
            return [self.text_source(element, element.get("name") or "")]
        if kind == "PDFSource":
            areas = list(children(element, "PDFSelection"))
            self.lost[_PDF_AREAS] += len(areas)
            text = child(element, "Representation")
            if text is not None:
                return [self.text_source(text, element.get("name") or "", outer=element)]
            self.lost[_PDF_WITHOUT_TEXT] += 1
            return []
        self.lost[_MEDIA.get(kind, f"{kind} sources")] += 1
        return []

    def text_source(self, element: Element, name: str, outer: Element | None = None) -> RefiSource:
        owner = outer if outer is not None else element
        content = child(element, "PlainTextContent")
        source = RefiSource(
            guid=norm_guid(owner.get("guid")),
            name=name,
            path=element.get("plainTextPath"),
            content=(content.text or "") if content is not None else None,
            description=child_text(owner, "Description"),
            variables=self.values(owner),
        )
        self.lost[_SOURCE_MEMOS] += len(_refs(owner, "NoteRef"))
        source.selections = [self.selection(s) for s in children(element, "PlainTextSelection")]
        whole = [self.coding(c) for c in children(owner, "Coding")]
        if whole:
            source.selections.append(RefiSelection(
                guid=source.guid, name="", start=0, end=None, user=None, codings=whole))
        return source

    def selection(self, element: Element) -> RefiSelection:
        where = _("{where}: selection {guid}").format(where=self.where,
                                                      guid=element.get("guid", "?"))

        return RefiSelection(
            guid=norm_guid(element.get("guid")),
            name=element.get("name") or "",
            start=_int(element.get("startPosition"), "startPosition", where),
            end=_int(element.get("endPosition"), "endPosition", where),
            user=norm_guid(element.get("creatingUser")) or None,
            description=child_text(element, "Description"),
            codings=[self.coding(c) for c in children(element, "Coding")],
            notes=_refs(element, "NoteRef"),
        )

    def coding(self, element: Element) -> RefiCoding:
        ref = child(element, "CodeRef")
        return RefiCoding(
            code=norm_guid(ref.get("targetGUID") if ref is not None else ""),
            user=norm_guid(element.get("creatingUser")) or None,
            notes=_refs(element, "NoteRef"),
            guid=norm_guid(element.get("guid")),
        )

    def note(self, element: Element) -> RefiNote:
        content = child(element, "PlainTextContent")
        text = (content.text or "") if content is not None else ""
        return RefiNote(
            guid=norm_guid(element.get("guid")),
            name=element.get("name") or "",
            text=text or child_text(element, "Description"),
            path=element.get("plainTextPath") if content is None else None,
            user=norm_guid(element.get("creatingUser")) or None,
        )


def parse_project(root: Element, where: str | Path) -> RefiProject:
    """The project a parsed project.qde describes."""
    return _Reader(str(where)).project(root)
