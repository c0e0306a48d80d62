"""Importing a REFI-QDA project (.qdpx or bare .qde) as a new kodebog project."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kodebog.codebook import Code, Codebook, dump_codebook
from kodebog.coding import Outcome, apply_code_in, coder_id, set_unit_memo
from kodebog.errors import KodebogError, ProjectError, SourceError
from kodebog.exchange import refi_guids
from kodebog.exchange.refi_cases import apply_cases
from kodebog.exchange.refi_codebook import RefiCode, build_codebook
from kodebog.exchange.refi_common import RefiReport, norm_guid
from kodebog.exchange.refi_container import Container, is_inside
from kodebog.exchange.refi_description import unpack, unpack_selection
from kodebog.exchange.refi_evidence import file_conventions
from kodebog.exchange.refi_language import declared, detect
from kodebog.exchange.refi_model import RefiNote, RefiProject, RefiSelection
from kodebog.exchange.refi_read import parse_project
from kodebog.exchange.refi_sources import (
    Placed,
    Reading,
    SourcePlan,
    plan_source,
    read_source,
    read_text,
    source_name,
)
from kodebog.i18n import _, ngettext
from kodebog.importing import import_parsed
from kodebog.project import init_project
from kodebog.store import Store
from kodebog.store.engine import discard_created, is_url
from kodebog.store.models import Coding, Source, Unit

DEFAULT_CODER = "import"
"""The coder of codings whose creator the file does not name."""

_PLACEHOLDER_LABEL = "Kode"
_PLACEHOLDER_DESCRIPTION = (
    "The imported file had no codes; kodebog needs one. Replace this codebook.")
PLACEHOLDER_CODE = Code(id="kode", label=_PLACEHOLDER_LABEL,
                        description=_PLACEHOLDER_DESCRIPTION)

"""The one code of a project imported from a file with sources but no codes.

Stored in the project's codebook, so not translated (stored text never depends on the
language of the screen it was made on).
"""



class PartialImport(KodebogError):
    """Some codings of the file cannot be imported and ``--partial`` was not given."""

    def __init__(self, report: RefiReport) -> None:
        self.report = report
        super().__init__(
            _("{count} codings of the file cannot be imported (see the warnings); nothing was "
              "created; pass --partial to import the rest").format(count=report.lost_codings)
        )


class _Importer:
    """Reads everything first, then creates the project and writes it."""

    def __init__(self, path: Path, report: RefiReport) -> None:
        self.path = path
        self.report = report
        self.refi = RefiProject(name="")
        self.code_ids: dict[str, str] = {}
        self.plans: list[SourcePlan] = []
        self.used_notes: set[str] = set()
        self.unit_memos: dict[tuple[int, str], list[Any]] = defaultdict(
            lambda: [[], ("", None)])  # texts, (selection GUID, note GUID)
        self.coders: set[str] = set()
        self.guids: list[tuple[str, str, str]] = []  # (kind, key, GUID) to keep
        self.folders: set[str] = set()

    def read(self, box: Container) -> Codebook:
        refi = self.refi = parse_project(box.project_root(), self.path)
        if refi.losses:
            lost = ", ".join(refi.losses)
            self.report.warn(_("not imported (kodebog has no place for them): {lost}").format(
                lost=lost))
        if not refi.codes and not refi.sources:
            raise SourceError(_("{path}: has neither codes nor sources; nothing to "
                                "import").format(path=self.path))
        for note in refi.notes.values():
            self._note_text(note, box)
        readings: list[Reading] = []
        taken: set[str] = set()
        for source in refi.sources:
            read = read_text(source, box, self.report)
            if read is None:
                continue
            name, n = source_name(source), 2
            while name in taken:
                name, n = f"{source_name(source)} ({n})", n + 1
            taken.add(name)
            readings.append(read_source(source, name, read[0], read[1]))
        codebook = self._codebook(readings)
        agreed = file_conventions([r.assessment for r in readings])
        for reading in readings:
            plan = plan_source(reading, agreed, self.report)
            if plan is not None:
                self.plans.append(plan)
        apply_cases(refi.cases, self.plans, self.report)
        self._count_lost()
        return codebook

    def _codebook(self, readings: list[Reading]) -> Codebook:
        refi = self.refi
        meta = unpack(refi.description)
        language = declared(meta.fields.get("language")) or declared(refi.language)
        if language is None:
            language = detect([*(r.text_map.text for r in readings), *_code_texts(refi.codes)])
            if language is not None:
                self.report.notes.append(_("codebook language '{language}' told from the "
                                           "text").format(language=language))
        codes = refi.codes or [RefiCode(guid="", name=PLACEHOLDER_CODE.label)]
        codebook, self.code_ids = build_codebook(
            codes, self.report,
            title=refi.name or self.path.stem,
            description=meta.description,
            language=language or "da",
        )
        if not refi.codes:
            self.code_ids = {}
            codebook = Codebook(language=codebook.language, codes=(PLACEHOLDER_CODE,),
                                title=codebook.title, description=codebook.description)
            self.report.warn(_("the file has no codes; its sources are imported with a "
                               "placeholder code 'kode' (kodebog needs one code)"))
        self.report.add("codes", len(codebook.ids) if refi.codes else 0)
        self._keep_codes(refi.codes)
        return codebook

    def _keep_codes(self, codes: list[RefiCode]) -> None:
        for code in codes:
            code_id = self.code_ids.get(norm_guid(code.guid))
            if code_id is not None:
                self.guids.append(("code", code_id, code.guid))
                if not code.codable:
                    self.folders.add(code_id)
            self._keep_codes(code.children)

    def _count_lost(self) -> None:
        """Report and count codings that cover no unit text or name no code of the codebook."""
        for plan in self.plans:
            where = _("source '{name}'").format(name=plan.refi.name)
            for placed in plan.placed.values():
                selection = placed.selection
                codings = selection.codings
                if not placed.pieces and codings:
                    self.report.warn(
                        _("{where}: selection '{selection}' covers no unit text (only speaker "
                          "labels or blank lines); {count} codings not imported").format(
                            where=where, selection=selection.name or selection.guid,
                            count=len(codings))
                    )
                    self.report.lose(len(codings))
                    continue
                for coding in codings:
                    if coding.code not in self.code_ids:
                        self.report.warn(
                            _("{where}: a coding names code {code}, which is not in the "
                              "codebook; skipped").format(where=where,
                                                          code=coding.code or _("(none)"))
                        )
                        self.report.lose(1)

    def _note_text(self, note: RefiNote, box: Container) -> None:
        if note.path and is_inside(note.path) and not note.text:
            data = box.read_internal(note.path)
            note.text = data.decode("utf-8-sig", "replace") if data else ""

    def coder(self, *users: str | None) -> str:
        """The coder name for the first known user GUID."""
        for user in (*users, self.refi.creator):
            if user:
                name = " ".join(self.refi.users.get(user, "").split())
                return (name or f"user {user[:8]}")[:200]
        return DEFAULT_CODER

    def memo(self, selection: RefiSelection,
             notes: list[str]) -> tuple[str | None, bool, str | None]:
        """The memo from notes and the selection's description; key quote and valence."""
        texts = []
        description, key_quote, valence = unpack_selection(selection.description)
        if description:
            texts.append(description)
        for guid in notes:
            note = self.refi.notes.get(guid)
            if note is not None and note.text.strip():
                texts.append(note.text.strip())
                self.used_notes.add(guid)
        return ("\n\n".join(dict.fromkeys(texts)) or None), key_quote, valence

    def write(self, store: Store) -> None:
        """Store the sources, then every coder, coding, memo and kept GUID in one transaction."""
        unit_ids: dict[str, list[int]] = {}
        for plan in self.plans:
            import_parsed(store, plan.parsed)
            self.report.add("sources")
            self.report.add("units", len(plan.parsed.units))
            self.guids.append(("source", plan.parsed.name, plan.refi.guid))
            for key, case_guid in plan.case_guids.items():
                self.guids.append(("case", f"{plan.parsed.name}:{key}", case_guid))
            with store.read() as session:
                rows = session.execute(
                    select(Unit.id, Unit.ordinal).join(Source, Source.id == Unit.source_id)
                    .where(Source.name == plan.parsed.name).order_by(Unit.ordinal)
                ).all()
            unit_ids[plan.parsed.name] = [row[0] for row in rows]
            self._case_selections(plan, [row[1] for row in rows])
        with store.write() as session:
            for user in self.refi.users:
                name = self.coder(user)
                coder_id(session, name)  # users without codings are kept as coders
                self.coders.add(name)
                self.guids.append(("user", name, user))
            for variable_guid, name in self.refi.variables.items():
                self.guids.append(("variable", name, variable_guid))
            for plan in self.plans:
                for placed in plan.placed.values():
                    self._codings(session, plan, placed, unit_ids[plan.parsed.name])
            kept = refi_guids.save(session, self.guids, self.folders)
        self.report.add("GUIDs kept", kept)
        if self.folders:
            self.report.notes.append(ngettext(
                "{count} code is a folder (not codable) in the file; kodebog lets you apply it "
                "and writes it back as a folder",
                "{count} codes are folders (not codable) in the file; kodebog lets you apply "
                "them and writes them back as folders", len(self.folders)).format(
                count=len(self.folders)))
        for (unit_id, coder), (texts, guids) in self.unit_memos.items():
            set_unit_memo(store, coder, unit_id, "\n\n".join(dict.fromkeys(texts)))
            self.report.add("unit memos")
            self.coders.add(coder)
            self._unit_memo_guids(store, unit_id, coder, guids)
        self.report.add("coders", len(self.coders))
        unused = [n.name or n.guid for g, n in self.refi.notes.items() if g not in self.used_notes]
        if unused:
            more = " ..." if len(unused) > 5 else ""
            shown = ", ".join(f"'{name}'" for name in unused[:5]) + more
            self.report.warn(ngettext("{count} note is not linked to imported text: {shown}",
                                      "{count} notes are not linked to imported text: {shown}",
                                      len(unused)).format(count=len(unused), shown=shown))

    def _case_selections(self, plan: SourcePlan, ordinals: list[int]) -> None:
        """Keep the GUIDs of selections that gave a case one whole unit (survey answers)."""
        claimed = {g for case in self.refi.cases for g in case.selections}
        for key, placed in plan.placed.items():
            if key in claimed and len(placed.pieces) == 1 and not placed.selection.codings:
                ordinal = ordinals[placed.pieces[0].unit]
                self.guids.append(("unit", f"{plan.parsed.name}\x1f{ordinal}",
                                   placed.selection.guid))

    def _unit_memo_guids(self, store: Store, unit_id: int, coder: str,
                         guids: tuple[str, str | None]) -> None:
        with store.write() as session:
            unit = session.get(Unit, unit_id)
            source = session.get(Source, unit.source_id) if unit is not None else None
            if unit is None or source is None:
                return
            key = refi_guids.unit_memo_key(source.name, unit.ordinal, coder)
            refi_guids.save(session, [("unit memo", key, guids[0]),
                                      ("unit memo note", key, guids[1] or "")])

    def _codings(self, session: Session, plan: SourcePlan, placed: Placed,
                 ids: list[int]) -> None:
        """Apply one selection's codings to its unit pieces; keep a coding-less memo."""
        selection = placed.selection
        if len(placed.pieces) > 1 and selection.codings:
            self.report.add("selections split at unit boundaries")
        units = plan.parsed.units
        for coding in selection.codings:
            code_id = self.code_ids.get(coding.code)
            if code_id is None:
                continue  # reported by _count_lost
            coder = self.coder(coding.user, selection.user)
            notes = selection.notes + coding.notes
            memo, key_quote, valence = self.memo(selection, notes)
            for piece in placed.pieces:
                change = apply_code_in(
                    session, coder, ids[piece.unit], code_id, (piece.start, piece.end),
                    memo=memo, key_quote=key_quote or None, origin="import",
                )
                self._extras(session, change.coding_ids, placed.flag, valence)
                start = units[piece.unit].start
                key = refi_guids.coding_key(plan.parsed.name, start + piece.start,
                                            start + piece.end, code_id, coder)
                self.guids += [("selection", key, selection.guid), ("coding", key, coding.guid)]
                if notes:
                    self.guids.append(("note", key, notes[0]))
                if change.outcome is not Outcome.NOTHING:
                    self.report.add("codings")
                    self.report.add("memos", bool(memo))
                    self.coders.add(coder)
        if not selection.codings:
            memo = self.memo(selection, selection.notes)[0]
            for piece in placed.pieces if memo else ():
                entry = self.unit_memos[(ids[piece.unit], self.coder(selection.user))]
                entry[0].append(str(memo))
                if entry[1] == ("", None):
                    entry[1] = (selection.guid, selection.notes[0] if selection.notes else None)

    def _extras(self, session: Session, coding_ids: tuple[int, ...], flag: str | None,
                valence: str | None) -> None:
        """Flag an uncertain position on the codings; keep the valence where codings have one."""
        if flag is None and (valence is None or not hasattr(Coding, "valence")):
            return
        for row in session.scalars(select(Coding).where(Coding.id.in_(coding_ids))):
            if flag is not None:
                row.import_flag = flag
            if valence is not None and hasattr(Coding, "valence"):
                setattr(row, "valence", valence)  # noqa: B010 (issue 17's column)
        session.flush()


def _code_texts(codes: list[RefiCode]) -> list[str]:
    """The names and descriptions of codes, nested ones too."""
    out: list[str] = []
    for code in codes:
        out += [code.name, code.description, *_code_texts(code.children)]
    return out


def import_project(path: str | Path, project: str | Path, *, partial: bool = False) -> RefiReport:
    """Create a new project at ``project`` from a .qdpx (or bare .qde); refuse an existing one.

    When codings of the file cannot be imported, nothing is created and PartialImport is
    raised (its report lists why), unless ``partial``.
    """
    path = Path(path)
    report = RefiReport(str(project))
    target = str(project)
    if not is_url(target) and Path(target).exists() and Path(target).stat().st_size > 0:
        raise ProjectError(_("{target}: a file already exists there; choose another "
                             "path").format(target=target))

    importer = _Importer(path, report)
    with Container(path) as box:
        codebook = importer.read(box)
    if report.lost_codings and not partial:
        raise PartialImport(report)
    with tempfile.TemporaryDirectory(prefix="kodebog-refi-") as folder:
        codebook_file = Path(folder) / f"{path.stem or 'refi'}.yaml"
        codebook_file.write_text(dump_codebook(codebook), encoding="utf-8")
        store = init_project(project, codebook_file)
    try:
        importer.write(store)
    except BaseException:
        store.dispose()
        discard_created(store)
        raise
    store.dispose()
    return report

