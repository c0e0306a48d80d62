"""Importing a REFI-QDA project (.qdpx or bare .qde) as a new kodebog project."""

from __future__ import annotations

import re
import tempfile
from collections import defaultdict
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kodebog.codebook import Codebook, dump_codebook
from kodebog.coding import apply_code_in, set_unit_memo
from kodebog.errors import ProjectError, SourceError
from kodebog.exchange.refi_cases import apply_cases
from kodebog.exchange.refi_codebook import build_codebook
from kodebog.exchange.refi_common import KEY_QUOTE_MARK, RefiReport
from kodebog.exchange.refi_container import Container, is_internal
from kodebog.exchange.refi_description import unpack
from kodebog.exchange.refi_model import RefiNote, RefiProject, RefiSelection
from kodebog.exchange.refi_read import parse_project
from kodebog.exchange.refi_sources import Placed, SourcePlan, plan_source, read_text, source_name
from kodebog.importing import import_parsed
from kodebog.project import init_project
from kodebog.store import Store
from kodebog.store.engine import is_url, remove_sqlite_files
from kodebog.store.models import Source, Unit

DEFAULT_CODER = "import"
"""The coder of codings whose creator the file does not name."""

_LANGUAGE = re.compile(r"[a-z]{2}")


class _Importer:
    """Reads everything first, then creates the project and writes it."""

    def __init__(self, path: Path, report: RefiReport) -> None:
        self.path = path
        self.report = report
        self.refi = RefiProject(name="")
        self.code_ids: dict[str, str] = {}
        self.plans: list[SourcePlan] = []
        self.used_notes: set[str] = set()
        self.unit_memos: dict[tuple[int, str], list[str]] = defaultdict(list)
        self.coders: set[str] = set()

    def read(self, box: Container) -> Codebook:
        refi = self.refi = parse_project(box.project_root(), self.path)
        if refi.losses:
            lost = ", ".join(refi.losses)
            self.report.warn(f"not imported (kodebog has no place for them): {lost}")
        if not refi.codes:
            raise SourceError(f"{self.path}: has no codes in its CodeBook; nothing to code with")
        meta = unpack(refi.description)
        language = meta.fields.get("language", "da")
        codebook, self.code_ids = build_codebook(
            refi.codes, self.report,
            title=refi.name or self.path.stem,
            description=meta.description,
            language=language if _LANGUAGE.fullmatch(language) else "da",
        )
        self.report.add("codes", len(codebook.ids))
        for note in refi.notes.values():
            self._note_text(note, box)
        taken: set[str] = set()
        for source in refi.sources:
            read = read_text(source, box, self.report)
            if read is None:
                continue
            name, n = source_name(source), 2
            while name in taken:
                name, n = f"{source_name(source)} ({n})", n + 1
            plan = plan_source(source, name, read[0], read[1], self.report)
            if plan is not None:
                taken.add(name)
                self.plans.append(plan)
        apply_cases(refi.cases, self.plans, self.report)
        return codebook

    def _note_text(self, note: RefiNote, box: Container) -> None:
        if note.path and is_internal(note.path) and not note.text:
            data = box.read_internal(note.path)
            note.text = data.decode("utf-8-sig", "replace") if data else ""

    def coder(self, *users: str | None) -> str:
        """The coder name for the first known user GUID."""
        for user in (*users, self.refi.creator):
            if user:
                name = " ".join(self.refi.users.get(user, "").split())
                return (name or f"user {user[:8]}")[:200]
        return DEFAULT_CODER

    def memo(self, selection: RefiSelection, notes: list[str]) -> tuple[str | None, bool]:
        """The memo text from notes and the selection's description; the key-quote mark."""
        texts = []
        description = selection.description.strip()
        key_quote = description == KEY_QUOTE_MARK
        if description and not key_quote:
            texts.append(description)
        for guid in notes:
            note = self.refi.notes.get(guid)
            if note is not None and note.text.strip():
                texts.append(note.text.strip())
                self.used_notes.add(guid)
        return ("\n\n".join(dict.fromkeys(texts)) or None), key_quote

    def write(self, store: Store) -> None:
        """Store the sources, then every coding and memo in one transaction."""
        unit_ids: dict[str, list[int]] = {}
        for plan in self.plans:
            import_parsed(store, plan.parsed)
            self.report.add("sources")
            self.report.add("units", len(plan.parsed.units))
            with store.read() as session:
                unit_ids[plan.parsed.name] = list(session.scalars(
                    select(Unit.id).join(Source, Source.id == Unit.source_id)
                    .where(Source.name == plan.parsed.name).order_by(Unit.ordinal)
                ))
        with store.write() as session:
            for plan in self.plans:
                for placed in plan.placed.values():
                    self._codings(session, plan, placed, unit_ids[plan.parsed.name])
        for (unit_id, coder), texts in self.unit_memos.items():
            set_unit_memo(store, coder, unit_id, "\n\n".join(dict.fromkeys(texts)))
            self.report.add("unit memos")
            self.coders.add(coder)
        self.report.add("coders", len(self.coders))
        unused = [n.name or n.guid for g, n in self.refi.notes.items() if g not in self.used_notes]
        if unused:
            more = " ..." if len(unused) > 5 else ""
            shown = ", ".join(f"'{name}'" for name in unused[:5]) + more
            self.report.warn(f"{len(unused)} notes are not linked to imported text: {shown}")

    def _codings(self, session: Session, plan: SourcePlan, placed: Placed,
                 ids: list[int]) -> None:
        """Apply one selection's codings to its unit pieces; keep a coding-less memo."""
        selection = placed.selection
        where = f"source '{plan.refi.name}'"
        if len(placed.pieces) > 1 and selection.codings:
            self.report.add("selections split at unit boundaries")
        if not placed.pieces and selection.codings:
            self.report.warn(
                f"{where}: selection '{selection.name or selection.guid}' covers no unit text "
                f"(only speaker labels or blank lines); {len(selection.codings)} codings "
                "not imported"
            )
        for coding in selection.codings:
            code_id = self.code_ids.get(coding.code)
            if code_id is None:
                self.report.warn(
                    f"{where}: a coding names code {coding.code or '(none)'}, which is not in "
                    "the codebook; skipped"
                )
                continue
            coder = self.coder(coding.user, selection.user)
            memo, key_quote = self.memo(selection, selection.notes + coding.notes)
            for piece in placed.pieces:
                change = apply_code_in(
                    session, coder, ids[piece.unit], code_id, (piece.start, piece.end),
                    memo=memo, key_quote=key_quote or None, origin="import",
                )
                if change.action != "none":
                    self.report.add("codings")
                    self.report.add("memos", bool(memo))
                    self.coders.add(coder)
        if not selection.codings:
            memo, _ = self.memo(selection, selection.notes)
            for piece in placed.pieces if memo else ():
                self.unit_memos[(ids[piece.unit], self.coder(selection.user))].append(str(memo))


def import_project(path: str | Path, project: str | Path) -> RefiReport:
    """Create a new project at ``project`` from a .qdpx (or bare .qde); refuse an existing one."""
    path = Path(path)
    report = RefiReport(str(project))
    target = str(project)
    if not is_url(target) and Path(target).exists() and Path(target).stat().st_size > 0:
        raise ProjectError(f"{target}: a file already exists there; choose another path")
    importer = _Importer(path, report)
    with Container(path) as box:
        codebook = importer.read(box)
    with tempfile.TemporaryDirectory(prefix="kodebog-refi-") as folder:
        codebook_file = Path(folder) / f"{path.stem or 'refi'}.yaml"
        codebook_file.write_text(dump_codebook(codebook), encoding="utf-8")
        store = init_project(project, codebook_file)
    try:
        importer.write(store)
    except BaseException:
        store.dispose()
        if store.is_sqlite:
            remove_sqlite_files(Path(str(store.url.database)))
        raise
    store.dispose()
    return report

