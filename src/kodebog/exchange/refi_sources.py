"""One REFI text source: its text read and cut into units, its selections placed on them."""

from __future__ import annotations

import bisect
import codecs
import re
from dataclasses import dataclass, field

from kodebog.errors import SourceError
from kodebog.exchange.refi_common import RefiReport
from kodebog.exchange.refi_container import Container, is_inside
from kodebog.exchange.refi_evidence import Assessment, assess, decide
from kodebog.exchange.refi_model import RefiSelection, RefiSource
from kodebog.exchange.refi_offsets import Convention, Hint, Placement, TextMap, place
from kodebog.i18n import _
from kodebog.sources.encoding import decode_bytes, normalize_text
from kodebog.sources.model import KINDS, ParsedSource, ParsedUnit
from kodebog.sources.transcript import segment_transcript

_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_KIND = re.compile(r"^\s*(?:type\s*/\s*)?kind\s*:\s*(\w+)\s*$", re.IGNORECASE | re.MULTILINE)
_EXTENSIONS = (".txt", ".docx", ".doc", ".rtf", ".odt", ".pdf", ".md", ".html", ".htm")


@dataclass(frozen=True)
class Piece:
    """Part of a selection inside one unit: the unit's index and a span of its text."""

    unit: int
    start: int
    end: int


@dataclass
class Placed:
    """A selection and the unit pieces it became (empty when it covers no unit text)."""

    selection: RefiSelection
    placement: Placement
    pieces: list[Piece] = field(default_factory=list)
    flag: str | None = None  # why its position should be checked, if it should


@dataclass
class SourcePlan:
    """A source ready to store: the parsed source and its placed selections."""

    refi: RefiSource
    parsed: ParsedSource
    placed: dict[str, Placed] = field(default_factory=dict)
    case_guids: dict[str, str] = field(default_factory=dict)  # participant key -> case GUID

    def cut(self) -> None:
        """Split every placed selection at the unit boundaries (after units are final)."""
        for placed in self.placed.values():
            start, end = placed.placement.start, placed.placement.end
            placed.pieces = split(self.parsed.units, self.parsed.text, start, end)


def source_name(refi: RefiSource) -> str:
    """The kodebog name for a REFI source: its name without a document extension."""
    name = " ".join(refi.name.split())
    for extension in _EXTENSIONS:
        if name.lower().endswith(extension) and len(name) > len(extension):
            name = name[: -len(extension)].rstrip()
            break
    return (name or refi.guid[:8] or "kilde")[:190]


def read_text(refi: RefiSource, box: Container, report: RefiReport) -> tuple[str, bool] | None:
    """The source's decoded text and whether its file had a BOM; None (reported) if missing."""
    label = _("source '{name}'").format(name=refi.name)
    lost = sum(len(s.codings) for s in refi.selections)
    loss = _("; its {count} codings are not imported").format(count=lost) if lost else ""
    data = box.read_internal(refi.path) if refi.path and is_inside(refi.path) else None
    if data is None and refi.content is not None:
        return refi.content, False
    if not refi.path or not is_inside(refi.path):
        report.warn(_("{label}: its text is outside the project ({path}){loss}").format(
            label=label, path=refi.path or _("no path"), loss=loss))
        report.lose(lost)
        return None
    if data is None:
        where = (_("the .qde has no sources folder beside it") if box.is_bare
                 else _("not in the file"))
        report.warn(_("{label}: text file {path} is missing ({where}){loss}").format(
            label=label, path=refi.path, where=where, loss=loss))
        report.lose(lost)
        return None
    try:
        text, _codec = decode_bytes(data, f"{box.path}: {refi.path}")
    except SourceError as error:
        report.warn(f"{label}: {error}{loss}")
        report.lose(lost)
        return None
    return text, data.startswith(_BOMS)


@dataclass
class Reading:
    """A source's text with its offset evidence, before the file-wide decision."""

    refi: RefiSource
    name: str
    text_map: TextMap
    hints: list[Hint | None]
    numbered: list[tuple[int, int, Hint | None]]
    assessment: Assessment


def read_source(refi: RefiSource, name: str, raw: str, has_bom: bool) -> Reading:
    """The source's text and how well each offset convention fits its selections."""
    text_map = TextMap(raw, has_bom)
    hints = [Hint.of(s.name) for s in refi.selections]
    numbered = [
        (s.start, s.end, hint) for s, hint in zip(refi.selections, hints, strict=True)
        if s.end is not None
    ]
    return Reading(refi, name, text_map, hints, numbered, assess(text_map, numbered))


def plan_source(reading: Reading, agreed: set[Convention] | None,
                report: RefiReport) -> SourcePlan | None:
    """Cut the text into units (kodebog's transcript rules) and place every selection."""
    refi, name, text_map = reading.refi, reading.name, reading.text_map
    text = text_map.text if text_map.exact else normalize_text(text_map.raw)
    found = segment_transcript(text)
    if not found.units:
        report.warn(_("source '{name}': has no text to code; not imported").format(
            name=refi.name))
        report.lose(sum(len(s.codings) for s in refi.selections))
        return None
    kind = _KIND.search(refi.description)
    parsed = ParsedSource(
        name=name,
        kind=kind.group(1) if kind and kind.group(1) in KINDS else found.kind,
        text=text,
        units=found.units,
        participants=found.participants,
        encoding="utf-8",
        filename=refi.name or name,
        metadata=dict(refi.variables),
        notes=list(found.notes),
    )
    plan = SourcePlan(refi, parsed)
    decision = decide(reading.assessment, agreed, reading.numbered)
    mapping = decision.mapping
    if mapping is not None and reading.numbered:
        if decision.how == "file":
            report.notes.append(_("{name}: too few selections to tell how positions are "
                                  "counted; read as the rest of the file ({convention})").format(
                name=name, convention=mapping.convention.describe(translated=True)))
        elif mapping.convention != Convention():
            report.notes.append(_("{name}: positions read as {convention}").format(
                name=name, convention=mapping.convention.describe(translated=True)))
    numbers = iter(range(len(reading.numbered)))
    moved = 0
    for selection, hint in zip(refi.selections, reading.hints, strict=True):
        index = next(numbers) if selection.end is not None else None
        placement = place(text, mapping, selection.start, selection.end, hint)
        if placement is None:
            report.warn(
                _("source '{name}': selection '{selection}' ({start}-{end}) cannot be placed "
                  "in the text; {count} codings not imported").format(
                    name=refi.name, selection=selection.name or selection.guid,
                    start=selection.start, end=selection.end, count=len(selection.codings))
            )
            report.lose(len(selection.codings))
            continue
        moved += placement.how == "text"
        doubt = decision.doubtful.get(index) if index is not None else None
        flag = doubt if doubt and placement.how == "position" else None
        if flag:
            report.warn(
                _("source '{name}': selection '{selection}' ({start}-{end}): {flag}; its "
                  "codings are kept and flagged for review").format(
                    name=refi.name, selection=selection.name or selection.guid,
                    start=selection.start, end=selection.end, flag=flag)
            )
            report.add("codings flagged for review", len(selection.codings))
        key = selection.guid
        while key in plan.placed:  # a GUID used twice must not hide a selection
            key += "#"
        plan.placed[key] = Placed(selection, placement, flag=flag)
    if moved:
        report.notes.append(_("{name}: {count} selections re-anchored on their text").format(
            name=name, count=moved))

    return plan


def split(units: list[ParsedUnit], text: str, start: int, end: int) -> list[Piece]:
    """The parts of ``text[start:end]`` inside each unit, as unit-relative spans."""
    starts = [unit.start for unit in units]
    i = max(bisect.bisect_right(starts, start) - 1, 0)
    pieces = []
    while i < len(units) and units[i].start < end:
        unit = units[i]
        a, b = max(start, unit.start), min(end, unit.end)
        if b > a and text[a:b].strip():
            pieces.append(Piece(i, a - unit.start, b - unit.start))
        i += 1
    return pieces
