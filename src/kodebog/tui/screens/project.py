"""The project screen: sources with coding progress, filtered by kind and participants."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Label, ProgressBar, Select, Static

from kodebog.errors import KodebogError
from kodebog.i18n import N_, _, formats, ngettext, translate
from kodebog.queries import SourceInfo
from kodebog.tui.commands import Command
from kodebog.tui.dialogs.import_source import ImportDialog, ImportRequest
from kodebog.tui.screens.base import KodebogScreen
from kodebog.tui.widgets.key_footer import KeyFooter
from kodebog.tui.widgets.source_table import KIND_LABELS, SourceTable
from kodebog.tui.widgets.status_bar import StatusBar
from kodebog.views.project import Overview, load_overview

_SEPARATOR = "\x1f"


class ProjectScreen(KodebogScreen[None]):
    """The project's sources; pick one to code."""

    HELP = N_("""\
## Project

The sources of the project and how far you are with each. **enter** opens a source for
coding, **/** searches the text of the whole project, **R** compares coders (agreement and
settling disputes), **A** runs the consistency audit, **i** imports a transcript, subtitle
file or survey export (in the background, with its progress under the table). Use **tab**
to reach the filters.
""")

    AUTO_FOCUS = "SourceTable"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "app.find", N_("Find"), key_display="/", id="project.find"),
        Binding("R", "app.review", N_("Review"), id="project.review"),
        Binding("A", "app.audit", N_("Audit"), id="project.audit"),
        Binding("G", "app.retrieve", N_("Retrieve"), show=False, id="project.retrieve"),
        Binding("B", "app.compare", N_("Compare"), show=False, id="project.compare"),
        Binding("L", "app.participants", N_("Participants"), show=False, id="project.participants"),
        Binding("i", "import_source", N_("Import"), id="project.import"),
        Binding("ctrl+r", "reload", N_("Reload"), show=False, id="project.reload"),
    ]
    DEFAULT_CSS = """
    ProjectScreen {
        & #filters {
            height: 3;
            padding: 0 1;
            background: $surface;
            & Label {
                height: 3;
                content-align: left middle;
                padding: 0 1 0 0;
                background: $surface;
            }
            & Select { width: 1fr; max-width: 34; margin-right: 2; }
        }
        & #summary { padding: 0 2; color: $text-muted; height: 1; }
        & #importing {
            height: 1;
            padding: 0 2;
            display: none;
            &.running { display: block; }
            & Label { width: auto; margin-right: 2; }
        }
    }
    """

    class Loaded(Message):
        """The overview has been read."""

        def __init__(self, overview: Overview, generation: int) -> None:
            self.overview = overview
            self.generation = generation
            super().__init__()

    class ImportProgress(Message):
        """An import has come this far: ``total`` 0 while the file is being read."""

        def __init__(self, what: str, done: int = 0, total: int = 0) -> None:
            self.what = what
            self.done = done
            self.total = total
            super().__init__()

    class ImportDone(Message):
        """An import has ended: what it did, or why it did nothing."""

        def __init__(self, lines: list[str], error: str | None = None,
                     source: str | None = None, changed: bool = False) -> None:
            self.lines = lines
            self.error = error
            self.source = source
            self.changed = changed
            super().__init__()

    def __init__(self) -> None:
        super().__init__()
        self.overview: Overview | None = None
        self.importing = False
        self._select_source: str | None = None  # after an import: put the cursor on it
        self._loads = 0  # reads of the overview started; only the newest one is shown

    def compose(self) -> ComposeResult:
        """Status, filters, sources, summary, footer."""
        yield StatusBar(id="status")
        with Horizontal(id="filters"):
            yield Label(_("Kind"))
            yield Select[str]([], prompt=_("All kinds"), id="kind-filter")
            yield Label(_("Participants"))
            yield Select[str]([], prompt=_("Anyone"), id="attribute-filter")
        yield SourceTable(id="sources")
        with Horizontal(id="importing"):
            yield Label("", id="import-what", markup=False)
            yield ProgressBar(id="import-bar", show_eta=False)
        yield Static("", id="summary")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Show a loading indicator until the sources are read."""
        self._show_where()
        self.query_one(SourceTable).loading = True
        self.query_one(SourceTable).focus()

    def _show_where(self) -> None:
        app = self.kodebog
        title = self.overview.codebook.title if self.overview is not None else ""
        self.query_one(StatusBar).set_where(
            "kodebog", app.project_name,
            _("codebook {title}").format(title=title) if title else "",
            _("coder {name}").format(name=app.coder))

    def language_changed(self) -> None:
        """Compose again in the language now in use, keeping the filters and the cursor."""
        self.call_later(self._compose_in_language)

    async def _compose_in_language(self) -> None:
        kind = self.query_one("#kind-filter", Select).value
        attribute = self.query_one("#attribute-filter", Select).value
        table = self.query_one(SourceTable)
        current = table.current_source_id()
        importing = self.importing
        what = str(self.query_one("#import-what", Label).content)
        await self.recompose()
        self._show_where()
        if importing:
            self.query_one("#importing").add_class("running")
            self.query_one("#import-what", Label).update(what)
        if self.overview is not None:
            self._fill_filters(self.overview)
            with self.prevent(Select.Changed):
                self.query_one("#kind-filter", Select).value = kind
                self.query_one("#attribute-filter", Select).value = attribute
            self._show()
            if current is not None:
                self.query_one(SourceTable).select_source_id(current)
        else:
            self.query_one(SourceTable).loading = True
        self.query_one(SourceTable).focus()
        self.refresh_bindings()

    def on_screen_resume(self) -> None:
        """Read the sources again (coding elsewhere changes the progress)."""
        self.load()

    def action_reload(self) -> None:
        """Read the sources again."""
        self.load()

    def load(self) -> None:
        """Read sources and progress in a worker; an older read still running is ignored."""
        self._loads += 1
        self._read_overview(self._loads)

    @work(thread=True, group="overview", exit_on_error=False)
    def _read_overview(self, generation: int) -> None:
        app = self.kodebog
        self.post_message(self.Loaded(load_overview(app.store, app.coder or ""), generation))

    def on_project_screen_loaded(self, message: Loaded) -> None:
        """Fill filters and table (from the newest read only)."""
        if message.generation != self._loads:
            return
        overview = message.overview
        self.overview = overview
        self.kodebog.overview = overview
        self._show_where()
        self._fill_filters(overview)
        self.query_one(SourceTable).loading = False
        self._show()
        if self._select_source is not None:
            self.query_one(SourceTable).select_source(self._select_source)
            self._select_source = None  # (the newest read holds it, or it was filtered out)
        self.refresh_bindings()  # the table's keys apply now that it is filled

    def _fill_filters(self, overview: Overview) -> None:
        kind = self.query_one("#kind-filter", Select)
        kind.set_options([(translate(KIND_LABELS.get(k, k)), k) for k in overview.kinds])
        attribute = self.query_one("#attribute-filter", Select)
        attribute.set_options(
            [(f"{name} = {value}", f"{name}{_SEPARATOR}{value}")
             for name, value in overview.attribute_values]
        )

    @on(Select.Changed)
    def _filters_changed(self) -> None:
        self._show()

    def visible_sources(self) -> list[SourceInfo]:
        """The sources that pass the filters."""
        if self.overview is None:
            return []
        kind = self.query_one("#kind-filter", Select).value
        attribute = self.query_one("#attribute-filter", Select).value
        pair: tuple[str, str] | None = None
        if isinstance(attribute, str):
            name, _sep, value = attribute.partition(_SEPARATOR)
            pair = (name, value)
        return [
            source
            for source in self.overview.sources
            if (not isinstance(kind, str) or source.kind == kind)
            and (pair is None or pair in self.overview.attributes.get(source.id, set()))
        ]

    def _show(self) -> None:
        sources = self.visible_sources()
        self.query_one(SourceTable).show(sources, self.overview.done if self.overview else set())
        units = sum(s.units for s in sources)
        coded = sum(s.coded_units for s in sources)
        share = f" ({formats.percent(100 * coded / units, 0)})" if units else ""
        total = len(self.overview.sources) if self.overview else 0
        shown = ngettext("{shown} of {total} source", "{shown} of {total} sources", total
                         ) if len(sources) != total else ngettext(
                             "{total} source", "{total} sources", total)
        shown = shown.format(shown=formats.number(len(sources)), total=formats.number(total))
        self.query_one("#summary", Static).update(" · ".join((
            shown,
            ngettext("{count} unit", "{count} units", units).format(
                count=formats.number(units)),
            _("{count} coded by you").format(count=formats.number(coded)) + share,
        )))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Open the chosen source."""
        if event.row_key.value is not None:
            self.kodebog.open_source(int(event.row_key.value))

    # importing

    def action_import_source(self) -> None:
        """Ask for a file, then import it in the background."""
        if self.importing:
            self.notify(_("An import is running; wait for it to finish."), severity="warning")
            return
        self.app.push_screen(ImportDialog(), self._import_chosen)

    def _import_chosen(self, request: ImportRequest | None) -> None:
        if request is None:
            return
        self.importing = True
        self.query_one("#importing").add_class("running")
        self.on_project_screen_import_progress(self.ImportProgress(
            _("reading {name}").format(name=request.path.name)))
        self.import_source(request)

    @work(thread=True, group="import", exit_on_error=False)
    def import_source(self, request: ImportRequest) -> None:
        """Read, pseudonymise if asked, and store one file: one transaction."""
        from kodebog.bulk import paused_gc
        from kodebog.importing import import_parsed
        from kodebog.sources import read_source

        app = self.kodebog
        try:
            with paused_gc():
                from kodebog.privacy import load_names, pseudonymise_source

                names = load_names(request.names) if request.names is not None else None
                parsed = read_source(request.path, kind=request.kind, name=request.name,
                                     text_columns=request.text_columns or None,
                                     id_column=request.id_column, layout=request.layout,
                                     speakers=request.speakers or None, names=names)
                if names is not None:
                    parsed = pseudonymise_source(parsed, names)
                what = _("importing {name}").format(name=parsed.name)
                total = len(parsed.units)
                self.post_message(self.ImportProgress(what, 0, total))

                def progress(done: int, _total: int) -> None:
                    self.post_message(self.ImportProgress(what, done, total))

                result = import_parsed(app.store, parsed, replace=request.replace,
                                       coder=app.coder, progress=progress)
        except KodebogError as problem:
            self.post_message(self.ImportDone([], str(problem)))
            return
        except BaseException:
            self.post_message(self.ImportDone([], _("The import failed; nothing was stored.")))
            raise
        self.post_message(self.ImportDone(result.report(parsed.filename), source=result.source,
                                          changed=result.status != "unchanged"))

    def on_project_screen_import_progress(self, message: ImportProgress) -> None:
        """Show how far the import has come."""
        self.query_one("#import-what", Label).update(message.what)
        bar = self.query_one("#import-bar", ProgressBar)
        bar.update(total=message.total or None, progress=message.done)

    def on_project_screen_import_done(self, message: ImportDone) -> None:
        """Say what happened; show the new source."""
        self.importing = False
        self.query_one("#importing").remove_class("running")
        if message.error is not None:
            self.notify(message.error, title=_("Nothing imported"), severity="error", timeout=10)
            return
        self.notify("\n".join(message.lines),
                    title=_("Imported") if message.changed else _("Nothing to do"), timeout=8)
        self._select_source = message.source
        self.load()

    def palette_commands(self) -> list[Command]:
        """Project-screen commands: importing, reloading, reviewing."""
        return [Command(_("Project: import a source"),
                        _("i: a transcript, subtitles or a survey"), self.action_import_source),
                Command(_("Project: reload sources"),
                        _("ctrl+r: read the sources and progress again"), self.action_reload),
                *self.kodebog.review_commands()]
