"""The kodebog Textual app: screens, global keys, theme, key remapping, help, palette."""

from __future__ import annotations

import asyncio
import os
from functools import partial
from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.dom import DOMNode
from textual.widget import Widget

from kodebog.errors import KodebogError
from kodebog.i18n import N_, _, formats, ngettext, translate
from kodebog.settings import Settings, load_settings
from kodebog.store import Store
from kodebog.tui.commands import Command, KodebogCommands, KodebogPalette
from kodebog.tui.crash import CrashSafeApp
from kodebog.tui.dialogs.coder_name import CoderNameDialog
from kodebog.tui.dialogs.error import ErrorDialog
from kodebog.tui.language import language_commands, save_settings_in_worker
from kodebog.tui.screens.analysis import analysis_commands
from kodebog.tui.screens.audit import AuditScreen
from kodebog.tui.screens.coding import CodingScreen
from kodebog.tui.screens.compare import CompareScreen
from kodebog.tui.screens.find import FindResult, FindScreen
from kodebog.tui.screens.help import HelpScreen, KeyRow
from kodebog.tui.screens.participants import ParticipantsScreen
from kodebog.tui.screens.project import ProjectScreen
from kodebog.tui.screens.retrieve import RetrieveScreen
from kodebog.tui.screens.review import ReviewScreen
from kodebog.tui.screens.settings import SettingsScreen
from kodebog.tui.screens.suggesting import SuggestionQueue
from kodebog.tui.textual_words import widget_name
from kodebog.tui.widgets.source_table import KIND_LABELS
from kodebog.tui.widgets.unit_list import UnitList
from kodebog.tui.writer import WriteQueue
from kodebog.views.project import Overview, project_label
from kodebog.views.table_memo import TableMemo

#: How long one write waits for another program's lock before the TUI says "busy" and
#: retries (the CLI retries for 60 s, counting down on stderr).
TUI_WRITE_WAIT_MS = 1000
#: In the browser (``kodebog serve`` sets KODEBOG_BROWSER=1) keys the browser keeps for
#: itself (ctrl+n new window, ctrl+t new tab) move to free function keys; settings win.
BROWSER_KEYS = {"coding.new_code": "f2", "app.theme": "f9"}

DARK, LIGHT = "textual-dark", "textual-light"
PRODUCT = "kodebog"  # the name, the same in every language
_LEAVES_SCREEN = frozenset({"find", "review", "audit", "retrieve", "compare", "participants"})


def _help_title(node: DOMNode) -> str:
    """A node's name for the help: the first heading of its HELP, else its class name."""
    help_text = translate(node.HELP) if node.HELP else ""
    for line in help_text.splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip()
    return _("Everywhere") if isinstance(node, App) else widget_name(type(node).__name__)


class KodebogApp(CrashSafeApp):
    """Keyboard-first qualitative coding of one project."""

    TITLE = PRODUCT
    CSS_PATH = "app.tcss"
    COMMANDS: ClassVar = {KodebogCommands}
    HELP = N_("""\
## Everywhere

**F1** shows help for where you are, **ctrl+p** the command palette with every action,
**ctrl+t** switches between the light and the dark theme, **q** quits. Every key can be
remapped in `settings.yaml` under `keys:` by the id shown in the help.
""")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", N_("Quit"), id="app.quit"),
        Binding("f1", "help", N_("Help"), id="app.help"),
        Binding("ctrl+p", "command_palette", N_("Commands"), show=False, priority=True,
                id="app.palette"),
        Binding("ctrl+t", "toggle_theme", N_("Theme"), show=False, id="app.theme"),
    ]

    def __init__(self, store: Store, coder: str | None = None,
                 settings: Settings | None = None) -> None:
        super().__init__()
        self.store = store
        self.settings = settings if settings is not None else load_settings()
        self.coder = coder or self.settings.coder
        self.project_name = project_label(store)
        self.overview: Overview | None = None
        self.suggester_ready = False  # the language model has been loaded (in a worker)
        self.suggestion_queue: SuggestionQueue | None = None
        #: Every database write of the app, in order, off the UI thread.
        self.writer = WriteQueue()
        #: The coding screen's K and Z as the analyst left them, for the next source opened.
        self.view_choices: dict[str, bool | None] = {"codebook_panel": None, "details": True}
        #: Every coding as arrays for the compare screen, kept while the project is unchanged.
        self.coding_tables = TableMemo()
        store.write_wait_ms = TUI_WRITE_WAIT_MS
        store.busy_patience = 0.0  # the write worker retries and says so on screen
        store.countdown = None  # never write to the terminal under the app

    def on_mount(self) -> None:
        """Theme and keymap from the settings; ask who is coding if nobody said."""
        self.theme = self.settings.theme if self.settings.theme in self.available_themes else DARK
        browser = BROWSER_KEYS if os.environ.get("KODEBOG_BROWSER") == "1" else {}
        keys = {**browser, **{k: str(v) for k, v in self.settings.keys.items()}}
        if keys:
            self.set_keymap(keys)
        if self.coder:
            self.push_screen(ProjectScreen())
            self.warm_up_suggestions()
        else:
            self.push_screen(CoderNameDialog(), self._coder_chosen)

    @work(thread=True, group="suggest-warm", exit_on_error=False)
    def warm_up_suggestions(self) -> None:
        """Start the suggestions helper loading spaCy while the analyst picks a source."""
        from kodebog.suggest import process

        if self.settings.suggestions and process.can_serve(self.store):
            process.shared().warm_up(self.store, self.coder or "",
                                     model_name=self.settings.spacy_model or "")

    def on_unmount(self) -> None:
        """Quitting never waits for the suggestions helper to finish a computation.

        Writes still queued are finished first (a few seconds at most), so a key pressed
        just before quitting is not lost.
        """
        from kodebog.suggest import process

        process.shared().interrupt()
        self.writer.stop()

    async def action_quit(self) -> None:
        """Quit, after saving what is still queued (said on screen while it lasts)."""
        if self.writer.pending:
            pending = self.writer.pending
            self.notify(ngettext("Saving {count} change before quitting…",
                                 "Saving {count} changes before quitting…", pending
                                 ).format(count=formats.number(pending)), timeout=3)
            await asyncio.to_thread(self.writer.wait_idle, 15.0)
        self.exit()

    def _coder_chosen(self, name: str | None) -> None:
        if not name:
            self.exit()
            return
        self.coder = name
        self.settings.coder = name
        self._save_settings()
        self.push_screen(ProjectScreen())
        self.warm_up_suggestions()

    def _save_settings(self) -> None:
        save_settings_in_worker(self)

    def action_command_palette(self) -> None:
        """The command palette, its texts in the language in use."""
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(KodebogPalette(placeholder=_("Search for commands…"),
                                            id="--command-palette"))

    def action_settings(self) -> None:
        """Show the settings: coder, language, theme, suggestions."""
        self.push_screen(SettingsScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No searching or reviewing away from a selection in span mode."""
        screen = self.screen
        if action in _LEAVES_SCREEN and isinstance(screen, CodingScreen):
            return not screen.in_span_mode
        return True

    # navigation

    def open_source(self, source_id: int, unit_id: int | None = None,
                    query: str | None = None) -> None:
        """Open a source on the coding screen (at a unit, with search words highlighted)."""
        screen = self.screen
        if isinstance(screen, CodingScreen):
            if screen.source_id == source_id and unit_id is not None:
                screen.jump_to_unit(unit_id, query)
                return
            self.pop_screen()
        self.push_screen(CodingScreen(source_id, unit_id, query))

    def action_find(self) -> None:
        """Search the whole project."""
        self.push_screen(FindScreen(), self._found)

    def review_commands(self) -> list[Command]:
        """The review commands of the project and coding screens."""
        return [
            Command(_("Review: agreement"), _("R: compare coders, settle their disputes"),
                    self.action_review),
            Command(_("Review: consistency audit"), _("A: contradictions in the coding"),
                    self.action_audit),
            *analysis_commands(self),
        ]

    def action_review(self) -> None:
        """Agreement between coders, and settling their disputes."""
        self.push_screen(ReviewScreen())

    def action_audit(self) -> None:
        """The consistency audit."""
        self.push_screen(AuditScreen())

    def action_retrieve(self) -> None:
        """Retrieve passages by code."""
        self.push_screen(RetrieveScreen())

    def action_compare(self) -> None:
        """Compare codes across groups."""
        self.push_screen(CompareScreen())

    def action_participants(self) -> None:
        """Participants, roles, cases and attributes (of the current unit's source)."""
        screen = self.screen
        if isinstance(screen, CodingScreen):
            row = screen.query_one(UnitList).current_row
            head = screen.view.head.name if screen.view is not None else None
            self.push_screen(ParticipantsScreen(head, row.id if row is not None else None))
            return
        self.push_screen(ParticipantsScreen())

    def _found(self, result: FindResult | None) -> None:
        if result is not None:
            self.open_source(result.hit.source_id, result.hit.unit_id, result.query)

    # theme, help

    def action_toggle_theme(self) -> None:
        """Switch between light and dark and remember the choice."""
        self.theme = LIGHT if self.current_theme.dark else DARK
        self.settings.theme = self.theme
        self._save_settings()

    def action_help(self) -> None:
        """Help for the focused widget: what it does and the keys that work now."""
        screen = self.screen
        if isinstance(screen, HelpScreen):
            screen.dismiss(None)
            return
        focused: DOMNode = screen.focused or screen
        chain: list[DOMNode] = list(focused.ancestors_with_self)
        help_parts = [translate(node.HELP) for node in chain if node.HELP][:1]
        if (isinstance(focused, Widget) and focused is not screen and screen.HELP
                and translate(screen.HELP) not in help_parts):  # (the first may be it)
            help_parts.append(translate(screen.HELP))
        rows: dict[tuple[int, str], KeyRow] = {}
        for key, active in screen.active_bindings.items():
            node, binding = active.node, active.binding
            depth = chain.index(node) if node in chain else len(chain)
            ident = binding.id or binding.action
            display = self.get_key_display(Binding(key, ""))
            found = rows.get((depth, ident))
            if found is None:
                description = translate(binding.description) if binding.description \
                    else binding.action
                rows[(depth, ident)] = KeyRow(_help_title(node), display, description, ident,
                                              active.enabled)
            else:
                rows[(depth, ident)] = KeyRow(found.group, f"{found.keys} / {display}",
                                              found.description, ident, found.enabled)
        ordered = [rows[key] for key in sorted(rows, key=lambda k: k[0])]
        title = _help_title(focused)
        self.push_screen(HelpScreen(title, "\n\n".join(help_parts), ordered))

    def palette_commands(self) -> list[Command]:
        """Commands that work everywhere: find, open a source, theme, help, quit."""
        commands = [Command(_("Find: search the project"), "/", self.action_find)]
        if self.overview is not None:
            for source in self.overview.sources:
                commands.append(Command(
                    _("Source: open {name}").format(name=source.name),
                    _("{kind}, {units}").format(
                        kind=translate(KIND_LABELS.get(source.kind, source.kind)),
                        units=ngettext("{count} unit", "{count} units", source.units).format(
                            count=formats.number(source.units))),
                    partial(self.open_source, source.id),
                ))
        commands += [
            Command(_("View: switch light/dark theme"), "ctrl+t", self.action_toggle_theme),
            *language_commands(self),  # before the settings: "sprog" finds it first
            Command(_("Settings: coder, language, theme, suggestions"), "",
                    self.action_settings),
            Command(_("Help: keys and help for where you are"), "F1", self.action_help),
            Command(_("App: quit"), "q", lambda: self.call_later(self.action_quit)),
        ]
        return commands

    # errors

    def show_worker_error(self, error: BaseException | None) -> None:
        """Every failed worker ends here: say what went wrong."""
        if isinstance(error, KodebogError):
            self.push_screen(ErrorDialog(_("Cannot do that"), str(error)))
        else:
            self.push_screen(ErrorDialog(
                _("Something went wrong"),
                _("{kind}: {error}\n\nThis is a bug; please report it.").format(
                    kind=type(error).__name__, error=error),
            ))
