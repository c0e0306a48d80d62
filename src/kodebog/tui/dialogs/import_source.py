"""Asks which file to import and how: a path (completed as you type, or picked in a tree),
the kind, a name, replace, and a list of names to pseudonymise."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Checkbox, DirectoryTree, Input, Label, Select

from kodebog.i18n import N_, _, translate
from kodebog.sources import EXTENSIONS
from kodebog.sources.model import KINDS
from kodebog.tui.widgets.source_table import KIND_LABELS


@dataclass(frozen=True)
class ImportRequest:
    """What the analyst asked to import."""

    path: Path
    kind: str | None = None  # None: as the file says (survey, focus group or interview)
    name: str | None = None  # None: from the file name
    replace: bool = False
    names: Path | None = None  # a YAML name list: pseudonymise while importing
    text_columns: tuple[str, ...] = ()  # surveys: the answer columns (empty: detected)
    id_column: str | None = None  # surveys: the respondent id column (None: detected)
    layout: str | None = None  # transcripts: a layout from LAYOUTS (None: detected)
    speakers: tuple[str, ...] = ()  # transcripts: the speaker labels to trust (empty: judged)


LAYOUT_CHOICES = [
    (N_("Speakers: 'Name: text' lines"), "lines"),
    (N_("Speakers: 'Name 0:03' above"), "headers"),
    (N_("Speakers: subtitle cues"), "cues"),
    (N_("No speakers: paragraphs"), "paragraphs"),
]
"""The transcript layouts to choose from (marked: shown with ``translate``)."""


def _expand(value: str, base: Path) -> Path:
    path = Path(value.strip()).expanduser()
    return path if path.is_absolute() else base / path


class PathSuggester(Suggester):
    """Completes the last part of a path from what is on disk (→ accepts)."""

    def __init__(self, base: Path) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.base = base

    async def get_suggestion(self, value: str) -> str | None:
        """The first entry of the typed folder that starts with the typed name."""
        if not value:
            return None
        typed = _expand(value, self.base)
        if value.endswith(("/", "\\")):
            folder, prefix = typed, ""
        else:
            folder, prefix = typed.parent, typed.name
        try:  # off the UI thread: a network folder can be slow
            names = await asyncio.to_thread(_entries, folder)
        except OSError:
            return None
        folded = prefix.casefold()
        match = next((n for n in names if n.casefold().startswith(folded) and n != prefix), None)
        return None if match is None else value[: len(value) - len(prefix)] + match


def _entries(folder: Path) -> list[str]:
    """The importable entries of a folder, sorted; folders end in ``/``."""
    return sorted(p.name + ("/" if p.is_dir() else "") for p in folder.iterdir()
                  if not p.name.startswith(".") and _importable(p))


def _importable(path: Path) -> bool:
    return path.is_dir() or path.suffix.lower() in EXTENSIONS


class ImportableTree(DirectoryTree):
    """Folders and files kodebog can import; hidden ones left out."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        """Only what can be imported."""
        return [p for p in paths if not p.name.startswith(".") and _importable(p)]


class ImportDialog(ModalScreen[ImportRequest | None]):
    """Pick a transcript, subtitle file or survey export and how to import it."""

    HELP = N_("""\
## Import a source

Type a path (→ completes it) or pick a file in the tree (enter). kodebog reads .txt and .md
transcripts, .docx, WebVTT and SRT subtitles, and survey exports as .csv, .tsv or .xlsx.
The kind, the layout (how speakers are marked: 'Name: text' lines, a 'Name 0:03' line
above each turn, subtitle cues, or none) and speakers' roles are detected; choose a kind or
a layout to override them, or name the speaker labels to trust (comma-separated). For a
survey, the answer columns and the respondent id column are detected too; name them when
they are not.
**Replace** imports a changed version of a source that is already there and keeps every
coding whose text is still found (or changes nothing). **Names to pseudonymise**: a YAML
list of real names; they, CPR and phone numbers and e-mail addresses are replaced before
anything is stored.
**ctrl+s** imports, **esc** cancels.
""")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", N_("Import"), id="import.submit"),
        Binding("escape", "cancel", N_("Cancel"), id="import.cancel"),
    ]
    DEFAULT_CSS = """
    ImportDialog {
        align: center middle;
        & > Vertical {
            width: 90;
            max-width: 100%;
            height: auto;
            max-height: 95%;
            overflow-y: auto;
            border: thick $accent;
            border-title-color: $text;
            border-title-style: bold;
            background: $panel;
            padding: 0 2;
        }
        & .hint { color: $text-muted; }
        & #import-error { color: $error; height: auto; }
        & Input, Select, Checkbox { margin: 0; }
        & #import-path { margin-top: 1; }
        & ImportableTree { height: 5; margin: 1 0 0 0; }
        & .row { height: auto; }
        & #import-kind-row, #import-replace { margin-top: 1; }
        & .row Select { width: 30; margin-right: 2; }
        & .row Input { width: 1fr; }
        & #import-id-column { margin-left: 2; }
        & #buttons { height: auto; align-horizontal: right; }
        & Button { margin-left: 2; }
    }
    """

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__()
        self.folder = folder if folder is not None else Path.cwd()

    def compose(self) -> ComposeResult:
        """Path, tree, kind and name, replace, names, buttons."""
        with Vertical() as box:
            box.border_title = _("Import a transcript, subtitles or a survey export")
            yield Label(_("Type a path (→ completes it) or pick a file below."), classes="hint",
                        markup=False)
            yield Input(placeholder=_("path to the file"), id="import-path",
                        suggester=PathSuggester(self.folder), compact=True)
            yield ImportableTree(self.folder, id="import-tree")
            with Horizontal(classes="row", id="import-kind-row"):
                yield Select[str]([(translate(KIND_LABELS.get(k, k)), k) for k in KINDS],
                                  prompt=_("Kind: as detected"), id="import-kind", compact=True)
                yield Input(placeholder=_("source name (default: the file name)"),
                            id="import-name", compact=True)
            with Horizontal(classes="row"):
                yield Select[str]([(translate(label), value) for label, value in LAYOUT_CHOICES],
                                  prompt=_("Layout: as detected"), id="import-layout",
                                  compact=True)
                yield Input(placeholder=_("speaker labels to trust: A,B"),
                            id="import-speakers", compact=True)
            with Horizontal(classes="row"):
                yield Input(placeholder=_("survey: answer columns (a,b)"),
                            id="import-text-columns", compact=True)
                yield Input(placeholder=_("survey: id column"),
                            id="import-id-column", compact=True)
            yield Checkbox(_("Replace an earlier version (keeps codings)"),
                           id="import-replace", compact=True)
            yield Input(placeholder=_("names to pseudonymise: a YAML file (optional)"),
                        id="import-names", suggester=PathSuggester(self.folder), compact=True)
            yield Label("", id="import-error", markup=False)
            with Horizontal(id="buttons"):
                yield Button(_("Cancel"), id="cancel", compact=True)
                yield Button(_("Import (ctrl+s)"), variant="primary", id="submit",
                             compact=True)

    def on_mount(self) -> None:
        """Start typing the path at once."""
        self.query_one("#import-path", Input).focus()

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        """A file picked in the tree goes into the path field."""
        event.stop()
        path = self.query_one("#import-path", Input)
        path.value = str(event.path)
        path.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a field imports."""
        event.stop()
        self.action_submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Import or cancel."""
        if event.button.id == "submit":
            self.action_submit()
        else:
            self.action_cancel()

    def request(self) -> ImportRequest:
        """The fields as a request; ``ValueError`` with a one-line reason when one is wrong."""
        raw = self.query_one("#import-path", Input).value
        if not raw.strip():
            raise ValueError(_("Type the path of a file to import, or pick one in the tree."))
        path = _expand(raw, self.folder)
        if not path.is_file():
            raise ValueError(_("{path}: no such file").format(path=path))
        if path.suffix.lower() not in EXTENSIONS:
            raise ValueError(_("{name}: kodebog reads {extensions}").format(
                name=path.name, extensions=", ".join(EXTENSIONS)))
        names: Path | None = None
        names_raw = self.query_one("#import-names", Input).value
        if names_raw.strip():
            names = _expand(names_raw, self.folder)
            if not names.is_file():
                raise ValueError(_("{path}: no such name list").format(path=names))
        kind = self.query_one("#import-kind", Select).value
        name = self.query_one("#import-name", Input).value.strip()
        columns = tuple(c.strip() for c in
                        self.query_one("#import-text-columns", Input).value.split(",")
                        if c.strip())
        id_column = self.query_one("#import-id-column", Input).value.strip()
        layout = self.query_one("#import-layout", Select).value
        speakers = tuple(s.strip() for s in
                         self.query_one("#import-speakers", Input).value.split(",") if s.strip())
        return ImportRequest(path, kind if isinstance(kind, str) else None, name or None,
                             self.query_one("#import-replace", Checkbox).value, names,
                             columns, id_column or None,
                             layout if isinstance(layout, str) else None, speakers)

    def action_submit(self) -> None:
        """Close with the request, or say in the dialog what is wrong."""
        try:
            request = self.request()
        except ValueError as problem:
            self.query_one("#import-error", Label).update(str(problem))
            return
        self.dismiss(request)

    def action_cancel(self) -> None:
        """Close without importing."""
        self.dismiss(None)
