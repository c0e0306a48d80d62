"""The coding screen: a source's units, the codebook, the current unit and its codings."""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Tree
from textual.worker import Worker, WorkerState

from kodebog import coding
from kodebog.coding import Change, step_said
from kodebog.errors import ProjectError
from kodebog.findings import FindingEdit, FindingState, read_finding
from kodebog.findings.recommendations import add_recommendation
from kodebog.i18n import N_, _, translate
from kodebog.i18n.formats import number, percent
from kodebog.positions import note_position, read_position, write_position
from kodebog.queries import CodingInfo
from kodebog.tui.commands import Command
from kodebog.tui.dialogs.finding import FindingDialog
from kodebog.tui.dialogs.jump import JumpDialog
from kodebog.tui.dialogs.memo import UNIT, MemoDialog, MemoResult, MemoTarget
from kodebog.tui.dialogs.recommendation import RecommendationDialog, RecommendationDraft
from kodebog.tui.screens import coding_layout
from kodebog.tui.screens.codebook_editing import CodebookScreen
from kodebog.tui.widgets.code_definition import CodeDefinition
from kodebog.tui.widgets.code_strip import CodeStrip, entries
from kodebog.tui.widgets.codebook_tree import CodebookTree
from kodebog.tui.widgets.key_footer import KeyFooter
from kodebog.tui.widgets.source_table import KIND_LABELS
from kodebog.tui.widgets.status_bar import StatusBar
from kodebog.tui.widgets.suggestions import SuggestionsPanel
from kodebog.tui.widgets.unit_detail import VALENCE_LABELS, UnitDetail
from kodebog.tui.widgets.unit_list import UnitList
from kodebog.tui.writer import WriteFailed, WriteJob, WriteWaiting, Written
from kodebog.views.changes import SourceChanges, affected_units, changes_since
from kodebog.views.project import read_totals
from kodebog.views.source import SourceView, UnitRow, UnitsRead, load_source, read_units

_NEEDS_CODINGS = frozenset({"key_quote", "next_coding", "valence"})
_NEEDS_SUGGESTION = frozenset({"accept_suggestion", "reject_suggestion", "next_suggestion"})
REMEMBER_AFTER = 1.0
"""Seconds the cursor rests on a unit before it is remembered as the coder's place."""
MESSAGE_SECONDS = 8.0
"""Seconds a status message stays (the next key press clears it sooner)."""
LATER = 0.15
"""Seconds after a write before the codebook counts and the footer are brought up to date."""

BUSY = N_("the project is busy")


@dataclass(frozen=True)
class Saved:
    """What a write job of the coding screen brings back from the write worker."""

    result: Any  # the write's result: a Change, a suggestion decision ...
    unit_ids: list[int]  # the units read after it
    fresh: UnitsRead  # their codings and memos as stored
    totals: dict[str, list[int]]  # the project's totals per code after it


@dataclass(frozen=True)
class _Context:
    """What the screen keeps with a queued write."""

    unit_ids: list[int]
    on_saved: Callable[[Saved], None] | None


_NOT_IN_SPAN_MODE = frozenset({"back", "find", "next_uncoded", "previous_uncoded", "jump"})


class CodingScreen(CodebookScreen):
    """Code the units of one source with the keyboard."""

    HELP = N_("""\
## Coding

The units of a source on the left, the codebook on the right. A code's **hotkey** (shown
in the codebook; lowercase letters and digits belong to the codebook) toggles it on the
current unit, or codes the selected words in span mode (**enter**). **F** writes the
finding statement for the highlighted code. **D** marks the source done when you have
read all of it (agreement then counts every unit you left uncoded as "no code"; the status
line says ✓ done; **D** again takes the mark back). Codings by others (or from the command
line) appear within two seconds, without moving the list.

**K** folds the codebook to a strip of hotkeys above the units, and unfolds it again (on a
terminal too narrow for the panel beside 60 columns of text it starts folded; unfolded, it
goes below the units). **Z** hides or shows the current unit and the suggestions.

The codebook changes here too (every change is undone with **ctrl+z**, like a coding):
**ctrl+n** a new code; **I** a new code from the selected words (in vivo: they become its
label and first example and are coded with it); on the highlighted code **E** edits it,
**V** moves it under another code, **G** merges it into another (its codings follow, its
id stays an alias), **U** splits chosen codings off to a new code; **H** shows the
codebook's history. Retiring an unused code is in the command palette. Changes others
make to the codebook appear within two seconds, new hotkeys included.
""")

    AUTO_FOCUS = "UnitList"
    POLL_SECONDS = 2.0
    """How often to look for changes made by others (one indexed query when there are none)."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="coding.back"),
        Binding("slash", "app.find", N_("Find"), key_display="/", id="coding.find"),
        Binding("K", "toggle_codebook", N_("Codebook"), id="coding.codebook"),
        Binding("Z", "toggle_details", N_("Panels"), show=False, id="coding.details"),
        Binding("N", "next_uncoded", N_("Uncoded"), id="coding.next_uncoded"),
        Binding("P", "previous_uncoded", N_("Previous uncoded"), show=False,
                id="coding.previous_uncoded"),
        Binding("colon", "jump", N_("Go to"), key_display=":", id="coding.jump"),
        Binding("M", "memo", N_("Memo"), id="coding.memo"),
        Binding("asterisk", "key_quote", N_("Key quote"), key_display="*", id="coding.key_quote"),
        Binding("plus", "valence", N_("Valence"), key_display="+", show=False,
                id="coding.valence"),
        Binding("C", "next_coding", N_("Next coding"), show=False, id="coding.next_coding"),
        Binding("ctrl+z", "undo", N_("Undo"), id="coding.undo"),
        Binding("ctrl+y", "redo", N_("Redo"), id="coding.redo"),
        Binding("O", "toggle_others", N_("Other coders"), show=False, id="coding.others"),
        Binding("F", "finding", N_("Finding"), show=False, id="coding.finding"),
        Binding("R", "app.review", N_("Review"), show=False, id="coding.review"),
        Binding("A", "app.audit", N_("Audit"), show=False, id="coding.audit"),
        Binding("ctrl+g", "app.retrieve", N_("Retrieve"), show=False, id="coding.retrieve"),
        Binding("B", "app.compare", N_("Compare"), show=False, id="coding.compare"),
        Binding("L", "app.participants", N_("Participants"), show=False, id="coding.participants"),
        Binding("D", "mark_done", N_("Done"), show=False, id="coding.done"),
    ]
    DEFAULT_CSS = """
    CodingScreen {
        & #body { height: 1fr; }
        & #top { height: 1fr; }
        & #right { width: 46; }
        & UnitList {
            height: 1fr;
            width: 1fr;
            border: round $panel-lighten-2;
            border-title-color: $text-muted;
            &:focus { border: round $accent; }
        }
        & CodebookTree { height: 1fr; }
        & CodeDefinition { height: 14; }
        & #bottom { height: 11; }
        & UnitDetail { width: 1fr; height: 1fr; }
        & SuggestionsPanel { width: 46; height: 1fr; }
        &.-below #top { layout: vertical; }
        &.-below #right { layout: horizontal; }
        &.-below CodebookTree { width: 1fr; }
    }
    """

    class Loaded(Message):
        """The source's head, codings and first units have been read."""

        def __init__(self, view: SourceView, start: int) -> None:
            self.view = view
            self.start = start
            super().__init__()

    class ChangedElsewhere(Message):
        """Other coders (or the CLI) changed codings or memos of this source."""

        def __init__(self, changes: SourceChanges, writes: int) -> None:
            self.changes = changes
            self.writes = writes
            super().__init__()

    class ChunksLoaded(Message):
        """More units have been read."""

        def __init__(self, chunks: dict[int, list[UnitRow]]) -> None:
            self.chunks = chunks
            super().__init__()

    def __init__(self, source_id: int, unit_id: int | None = None, query: str | None = None
                 ) -> None:
        super().__init__()
        self.source_id = source_id
        self.start_unit = unit_id
        self.start_query = query
        self.view: SourceView | None = None
        self.selected_coding: int | None = None
        self.message = ""
        self._binding_state: tuple[bool, bool, bool, bool] | None = None
        self._later: Timer | None = None
        self._writes = 0  # this screen's own writes, so a poll that raced one is dropped
        self._pending: Counter[int] = Counter()  # unit id -> writes in flight
        self._in_flight = 0  # this screen's writes not saved yet
        self._provisional = itertools.count(-1, -1)  # ids of codings shown before saved
        self._real_ids: dict[int, int] = {}  # provisional id -> stored id (write worker)
        self._polling = False
        # K: the panel or the strip (None: by room), Z: the current unit and the suggestions
        # shown; as the analyst left them in the last source (the app keeps them)
        self.codebook_panel: bool | None = None
        self.details = True
        self.layout_plan: coding_layout.Plan | None = None
        self._remember_timer: Timer | None = None
        self._remembered: int | None = None  # the unit last written as this coder's place
        self._place: int | None = None  # the current unit's id, kept for when leaving
        self._busy = False  # writes wait for another program's lock (the message says so)
        self._message_shown = ""  # the status message the clearing timer belongs to
        self._message_timer: Timer | None = None

    @property
    def units(self) -> UnitList:
        """The unit list."""
        return self.query_one(UnitList)

    @property
    def in_span_mode(self) -> bool:
        """Whether words of the current unit are being selected."""
        found = self.query(UnitList)
        return bool(found) and found.first().span is not None

    def compose(self) -> ComposeResult:
        """Units with the codebook and definition beside them (or a strip of hotkeys above,
        when there is no room), the current unit and the suggestions below."""
        yield StatusBar(id="status")
        yield CodeStrip(id="strip")
        with Vertical(id="body"):
            with Horizontal(id="top"):
                yield UnitList(id="units")
                with Vertical(id="right"):
                    yield CodebookTree(id="codebook")
                    yield CodeDefinition(id="definition")
            with Horizontal(id="bottom"):
                yield UnitDetail(id="detail")
                yield SuggestionsPanel()
        yield KeyFooter()

    def on_mount(self) -> None:
        """Read the source in a worker; show a loading indicator meanwhile."""
        self.query_one(StatusBar).set_where("kodebog", self.kodebog.project_name, _("loading…"))
        self.units.loading = True
        self.units.focus()
        choices = self.kodebog.view_choices
        self.codebook_panel = choices["codebook_panel"]
        self.details = choices["details"] is not False
        self.relayout()
        self.load()
        self.set_interval(self.POLL_SECONDS, self.poll)

    @work(thread=True, exclusive=True, group="source", exit_on_error=False)
    def load(self) -> None:
        """Read the source (head, codings, the chunk to start in): at the unit asked for,
        else where this coder left it last time."""
        app = self.kodebog
        around = self.start_unit
        if around is None:
            around = read_position(self._project_key, app.coder or "", self.source_id)
        view, start = load_source(app.store, self.source_id, app.coder or "", around)
        self.post_message(self.Loaded(view, start))

    # where the coder is: remembered per coder and source, off the UI thread

    @property
    def _project_key(self) -> str:
        return self.kodebog.store.url.render_as_string(hide_password=True)

    def _remember_soon(self) -> None:
        """Remember the current unit once the cursor has rested (a second)."""
        row = self.units.current_row
        self._place = row.id if row is not None else self._place
        if self._remember_timer is not None:
            self._remember_timer.stop()
        self._remember_timer = self.set_timer(REMEMBER_AFTER, self._remember)

    def _remember(self) -> None:
        self._remember_timer = None
        place, view = self._place, self.view
        if view is None or place is None or place == self._remembered:
            return
        self._remembered = place
        note_position(self._project_key, view.coder, self.source_id, place)
        self.run_worker(partial(write_position, self._project_key, view.coder, self.source_id,
                                place), thread=True, group="position", exit_on_error=False)

    def on_unmount(self) -> None:
        """Remember where the coder left the source (in a thread: the app may be closing)."""
        place, view = self._place, self.view
        if view is not None and place is not None and place != self._remembered:
            note_position(self._project_key, view.coder, self.source_id, place)
            threading.Thread(target=write_position, name="kodebog-position",
                             args=(self._project_key, view.coder, self.source_id,
                                   place)).start()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A source that cannot be read closes this screen (the base class shows why)."""
        if event.state == WorkerState.ERROR and event.worker.group == "source":
            self.dismiss()

    def on_coding_screen_loaded(self, message: Loaded) -> None:
        """Show the source and bind the codebook's hotkeys."""
        view = self.view = message.view
        units = self.units
        self._title_units()
        units.loading = False
        units.set_query(self.start_query)
        units.set_view(view, message.start)
        self.bind_codes()
        tree = self.query_one(CodebookTree)
        tree.set_codebook(view.codebook, view.code_counts())
        units.focus()
        self._show_definition()
        self._update_bindings()
        self.start_suggestions()

    def _title_units(self) -> None:
        view = self.view
        if view is not None:
            kind = KIND_LABELS.get(view.head.kind)
            self.units.border_title = (f"{view.head.name} · "
                                       f"{translate(kind) if kind else view.head.kind}")

    def language_changed(self) -> None:
        """The language was switched: titles, units, panels, status and keys in it."""
        self.query_one(CodebookTree).retitle()
        self.query_one(CodeDefinition).border_title = _("Definition")
        self.query_one(SuggestionsPanel).border_title = _("Suggestions")
        self._title_units()
        self.query_one(CodeStrip).redraw()
        self.units.redraw_text()
        self._show_definition()
        self._show_unit()
        self.show_suggestions()
        self._binding_state = None
        self._update_bindings()
        self.refresh_bindings()

    def bind_codes(self) -> None:
        """Bind the codebook's hotkeys (ids ``code.ID``)."""
        assert self.view is not None
        for code in self.view.codebook.codes:
            if code.key:
                binding = Binding(code.key, f"toggle_code('{code.id}')",
                                  _("Code: {label}").format(label=code.label),
                                  show=False, id=f"code.{code.id}")
                self._bindings.key_to_bindings.setdefault(code.key, []).append(binding)

    # others' changes

    def poll(self) -> None:
        """Look for changes by others in a worker (skipped while the last look still runs)."""
        if self.view is None or self._polling:
            return
        self._polling = True
        self.look_for_changes(self.view.last_event, self._writes)

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def look_for_changes(self, since: int, writes: int) -> None:
        """Read what events after ``since`` changed in this source."""
        view = self.view
        try:
            if view is not None:
                changes = changes_since(view.store, view.head.id, view.coder, since)
                if changes is not None:
                    self.post_message(self.ChangedElsewhere(changes, writes))
        finally:
            self._polling = False

    def on_coding_screen_changed_elsewhere(self, message: ChangedElsewhere) -> None:
        """Show others' changes where they are: the cursor, the view and span mode stay."""
        view = self.view
        if view is None:
            return
        if message.writes != self._writes or self._pending:
            return  # read before (or during) a write of ours: the next look reads both
        changes = message.changes
        view.last_event = changes.newest
        view.set_codings(changes.codings, changes.memos, changes.unit_ids)
        view.totals = changes.totals
        if changes.codebook is not None:
            self.apply_codebook(*changes.codebook)
        if changes.unit_ids is None:
            indexes = list(range(view.count))
        else:
            indexes = [i for i in (view.index_of_ordinal(view.ordinal_of[u])
                                   for u in changes.unit_ids if u in view.ordinal_of)
                       if i is not None]
        self.units.refresh_units_in_place(indexes)
        mine = self.units.codings_at_cursor()
        if self.selected_coding not in {c.id for c in mine}:
            self.selected_coding = mine[0].id if mine else None
        self._show_unit()
        self.query_one(CodebookTree).set_counts(view.code_counts())
        self._show_counts()
        self._update_bindings()

    # reading more units

    def on_unit_list_chunks_wanted(self, message: UnitList.ChunksWanted) -> None:
        """Read the chunks the unit list is about to show."""
        self.load_chunks(message.chunks)

    @work(thread=True, group="chunks", exit_on_error=False)
    def load_chunks(self, chunks: list[int]) -> None:
        """Read chunks of units in a worker."""
        if self.view is None:
            return
        self.post_message(self.ChunksLoaded({n: self.view.fetch_chunk(n) for n in chunks}))

    def on_coding_screen_chunks_loaded(self, message: ChunksLoaded) -> None:
        """Hand the read units to the list."""
        if self.view is None:
            return
        for chunk, rows in message.chunks.items():
            if chunk not in self.view.chunks:
                self.view.put_chunk(chunk, rows)
            self.units.add_chunk(chunk)

    # showing the current unit

    def on_unit_list_cursor_moved(self, message: UnitList.CursorMoved) -> None:
        """A new current unit: show its detail."""
        mine = self.units.codings_at_cursor()
        if self.selected_coding not in {c.id for c in mine}:
            self.selected_coding = mine[0].id if mine else None
        self._show_unit()
        self._update_bindings()
        self._remember_soon()

    def on_unit_list_selection_changed(self, message: UnitList.SelectionChanged) -> None:
        """Span mode changed: show the selection."""
        self._show_unit()
        self._update_bindings()

    # the layout: panels that fit the terminal

    def on_resize(self) -> None:
        """Fit the panels to the new size."""
        self.relayout()

    def relayout(self) -> None:
        """Show, hide and size the panels for this size and the analyst's K and Z choices."""
        strip = self.query_one(CodeStrip)
        width, height = self.size
        if not width or not height:
            return
        layout = coding_layout.plan(width, height, panel=self.codebook_panel,
                                    details=self.details, strip_rows=strip.rows_for(width))
        strip.set_codes(strip.items, layout.strip_rows)
        if layout != self.layout_plan:
            self.layout_plan = layout
            coding_layout.apply(self, layout)
            if self.view is not None:
                self.call_after_refresh(self.show_suggestions)  # cut to the new width
            focused = self.focused
            if focused is not None and focused is not self.units and not (
                    focused.display and all(a.display for a in focused.ancestors
                                            if a is not self.app)):
                self.units.focus()

    def action_toggle_codebook(self) -> None:
        """Switch between the codebook panel and the strip of hotkeys (K)."""
        shown = self.layout_plan is not None and (self.layout_plan.side
                                                  or self.layout_plan.below)
        self.codebook_panel = self.kodebog.view_choices["codebook_panel"] = not shown
        self.relayout()
        folded = self.layout_plan is None or self.layout_plan.strip
        self._said(_("codebook folded to a strip of hotkeys · K unfolds it") if folded
                   else _("codebook panel shown · K folds it"))

    def action_toggle_details(self) -> None:
        """Hide or show the current unit and the suggestions (Z)."""
        self.details = self.kodebog.view_choices["details"] = not self.details
        self.relayout()
        self._said(_("current unit and suggestions shown") if self.details else
                   _("current unit and suggestions hidden · Z shows them"))

    def _show_strip(self, applied: set[str]) -> None:
        """The strip's codes, those on the current unit ticked; its height may change."""
        if self.view is None:
            return
        strip = self.query_one(CodeStrip)
        items = entries(self.view.codebook, applied)
        if items != strip.items:
            strip.set_codes(items, strip.max_rows)
            self.relayout()
        self.query_one(CodebookTree).set_applied(applied)

    def _show_unit(self) -> None:
        view = self.view
        if view is None:
            return
        row = self.units.current_row
        mine = view.my_codings(row.id) if row else []
        self._show_strip({c.code for c in mine})
        others = view.other_codings(row.id) if row and self.units.show_others else None
        memo = view.memos.get(row.id, {}).get(view.coder) if row else None
        personal = view.personal_data(row) if row else None
        self.query_one(UnitDetail).show(row, view.codebook, mine, others, memo,
                                        self.selected_coding, self.units.selection, personal)
        self._show_status()
        self.want_suggestions()

    def _show_status(self) -> None:
        view = self.view
        if view is None:
            return
        status = self.query_one(StatusBar)
        row = self.units.current_row
        share = len(view.mine) / view.count if view.count else 0.0
        status.set_where(
            "kodebog",
            self.kodebog.project_name,
            view.head.name,
            _("unit {ordinal}/{count}").format(ordinal=row.ordinal if row else 0,
                                               count=number(view.count)),
            _("{share} coded by {coder}").format(share=percent(share * 100, 0),
                                                 coder=view.coder)
            + (" ✓ " + _("done") if view.done else ""),
        )
        if self.message != self._message_shown:
            self._message_shown = self.message
            if self._message_timer is not None:
                self._message_timer.stop()
            self._message_timer = (self.set_timer(MESSAGE_SECONDS, self._clear_message)
                                   if self.message else None)
        status.say(self.message)

    def _clear_message(self) -> None:
        """A status message has been read (or gone stale): take it away (but "the project
        is busy" stays while its writes wait)."""
        if self._message_timer is not None:  # a key press came first: the timer must not
            self._message_timer.stop()       # clear a later message when it fires
        self._message_timer = None
        if self._busy and self._in_flight:
            return
        if self.message and self.message == self._message_shown:
            self.message = ""
            self._show_status()

    def on_key(self, event: events.Key) -> None:
        """The next key press makes the last action's message stale: clear it (the action
        of this key, run after this, says its own)."""
        if self.message and self.view is not None:
            self._clear_message()

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        """Show the highlighted code's definition."""
        self._show_definition()

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        """Enter on a code applies it."""
        if event.node.data:
            self.action_toggle_code(event.node.data)

    def _show_counts(self) -> None:
        view = self.view
        code_id = self.query_one(CodebookTree).highlighted_code
        if view is None or code_id is None:
            return
        yours, everyone = view.totals.get(code_id, (0, 0))
        self.query_one(CodeDefinition).show_counts(view.code_counts()[code_id],
                                                   (yours, everyone))

    def _show_definition(self) -> None:
        view = self.view
        if view is None:
            return
        code_id = self.query_one(CodebookTree).highlighted_code
        code = view.codebook.get(code_id) if code_id else None
        if code is None:
            self.query_one(CodeDefinition).show(None)
            return
        yours, everyone = view.totals.get(code.id, (0, 0))
        self.query_one(CodeDefinition).show(code, view.code_counts()[code.id], (yours, everyone))

    # writing: every write goes to the app's write queue; the screen answers at once

    def save(self, label: str, write: Callable[[], Any], unit_ids: list[int], *,
             undo_units: bool = False, on_saved: Callable[[Saved], None] | None = None
             ) -> None:
        """Queue one user action for the write worker and read back what it changed.

        ``write`` runs in the write worker (never on the UI thread), followed by a read of
        the codings of ``unit_ids`` (or, with ``undo_units``, of the units the logged event
        touched) and of the project's totals; ``on_saved`` gets the write's result on the
        UI thread (with what was read after). While a unit has writes in flight, its
        optimistic look is kept.
        """
        view = self.view
        if view is None:
            return
        store, coder = view.store, view.coder

        def run() -> Saved:
            result = write()
            ids = list(unit_ids)
            if undo_units and isinstance(result, Change):
                ids = affected_units(store, result.event_id)
            return Saved(result, ids, read_units(store, ids), read_totals(store, coder))

        for unit_id in unit_ids:
            self._pending[unit_id] += 1
        self._writes += 1
        self._in_flight += 1
        self.kodebog.writer.submit(WriteJob(label, run, self, _Context(unit_ids, on_saved)))

    def _settle_pending(self, context: _Context) -> set[int]:
        """Count a job's units as finished; the units with nothing more in flight."""
        self._writes += 1
        self._in_flight -= 1
        quiet = set()
        for unit_id in context.unit_ids:
            self._pending[unit_id] -= 1
            if self._pending[unit_id] <= 0:
                del self._pending[unit_id]
                quiet.add(unit_id)
        return quiet

    def on_written(self, message: Written) -> None:
        """A write was saved: show the stored state of units with nothing else in flight."""
        context, saved = message.job.context, message.result
        if not isinstance(context, _Context) or not isinstance(saved, Saved):
            return
        view = self.view
        self._settle_pending(context)
        if view is None:
            return
        if isinstance(saved.result, Change) and saved.result.coding_ids:
            real = self._real_ids.get(self.selected_coding or 0)
            if real is not None:
                self.selected_coding = real
        quiet = {u for u in saved.unit_ids if u not in self._pending}
        view.put_units(saved.fresh.only(quiet))
        if not self._pending:
            view.totals = saved.totals
        if context.on_saved is not None:
            context.on_saved(saved)
        self._after_write(sorted(quiet), None)
        if self._in_flight == 0 and self._busy:
            self._busy = False
            self.message = _("saved")
            self._show_status()

    def on_write_waiting(self, message: WriteWaiting) -> None:
        """The project is busy (another program writes): say so; the worker retries."""
        self._busy = True
        self.message = _("{busy}: retrying · {reason}").format(busy=translate(BUSY),
                                                              reason=message.reason)
        self.notify(_("{reason}: retrying until it is free").format(reason=message.reason),
                    severity="warning", timeout=4)
        self._show_status()

    def on_write_failed(self, message: WriteFailed) -> None:
        """A write was not saved: say so and show the units as they are stored."""
        context = message.job.context
        self._busy = False
        self.message = message.reason
        self.notify(message.reason, severity="error", timeout=8)
        if isinstance(context, _Context):
            self._settle_pending(context)
            self._reread(context.unit_ids)
        self._show_status()

    def _reread(self, unit_ids: list[int]) -> None:
        """Queue a read of units behind the pending writes, to undo optimistic updates."""
        view = self.view
        if view is None or not unit_ids:
            return
        store = view.store

        def run() -> Saved:
            return Saved(None, list(unit_ids), read_units(store, unit_ids),
                         read_totals(store, view.coder))

        self._in_flight += 1
        self._writes += 1
        self.kodebog.writer.submit(WriteJob(_("reading back"), run, self, _Context([], None)))

    def _after_write(self, unit_ids: list[int], message: str | None) -> None:
        """Repaint the units a write touched; counts and footer follow a moment later."""
        view = self.view
        if view is None:
            return
        indexes = [i for i in (view.index_of_unit(u) for u in unit_ids
                               if u in view.ordinal_of) if i is not None]
        self.units.refresh_units(indexes)
        if message is not None:
            self.message = message
        mine = self.units.codings_at_cursor()
        if self.selected_coding not in {c.id for c in mine}:
            self.selected_coding = mine[-1].id if mine else None
        self._show_unit()
        # The chip and the detail show the change now; counts and footer follow a moment
        # later, once, after a burst of key presses (they repaint bigger panels).
        if self._later is not None:
            self._later.stop()
        self._later = self.set_timer(LATER, self._after_write_later)

    def _after_write_later(self) -> None:
        self._later = None
        if self.view is not None:
            self.query_one(CodebookTree).set_counts(self.view.code_counts())
            self._show_counts()
            self._update_bindings()

    def codebook_shown(self) -> None:
        """A new codebook: show the definition, the unit and the footer with it."""
        self._show_definition()
        self._show_unit()
        self._binding_state = None
        self._update_bindings()

    def codings_written(self, unit_ids: list[int], message: str) -> None:
        """A codebook change moved or made codings: read those units again (behind the
        write queue, never on the UI thread)."""
        self._said(message)
        self._reread(unit_ids)

    def after_suggestion_write(self, unit_ids: list[int], message: str) -> None:
        """An accepted suggestion was queued: say so (the unit is read back once saved)."""
        self._after_write(unit_ids, message)

    def _resolve(self, coding_id: int) -> int:
        """The stored id of a coding shown before its write was saved (write worker)."""
        if coding_id >= 0:
            return coding_id
        real = self._real_ids.get(coding_id)
        if real is None:
            raise ProjectError(_("that coding was not saved; code the unit again"))
        return real

    def action_toggle_code(self, code_id: str) -> None:
        """Toggle a code on the current unit, or on the selected characters in span mode.

        The unit shows the change at once; the write worker saves it and the stored state
        replaces the shown one when nothing else is in flight for the unit.
        """
        view = self.view
        row = self.units.current_row
        if view is None or row is None:
            return
        code = view.codebook.get(code_id)
        label = code.label if code else code_id
        store, coder = view.store, view.coder
        span = self.units.selection
        whole = (0, len(row.text))
        mine = [c for c in view.my_codings(row.id) if c.code == code_id
                and (span is None or (c.start, c.end) == span)]
        where = f" {span[0]}–{span[1]}" if span is not None else ""
        if mine:
            view.drop_codings(row.id, tuple(c.id for c in mine))
            self.save(_("the removal of {code}").format(code=label) + where,
                      lambda: coding.remove_code(store, coder, row.id, code_id, span),
                      [row.id])
            self._after_write([row.id], _("removed {code}").format(code=label) + where)
            return
        provisional = next(self._provisional)
        start, end = span or whole
        view.add_coding(row.id, CodingInfo(provisional, code_id, coder, start, end,
                                           row.text[start:end], None, False, "manual"))
        self.selected_coding = provisional

        def apply() -> Change:
            change = coding.apply_code(store, coder, row.id, code_id, span)
            if change.coding_ids:
                self._real_ids[provisional] = change.coding_ids[0]
            return change

        self.save(_("the coding {code}").format(code=label) + where, apply, [row.id])
        self._after_write([row.id], _("coded {code}").format(code=label) + where)

    def _selected(self) -> CodingInfo | None:
        mine = self.units.codings_at_cursor()
        return next((c for c in mine if c.id == self.selected_coding), mine[0] if mine else None)

    def action_key_quote(self) -> None:
        """Mark (or unmark) the selected coding as a key quote."""
        view, row, selected = self.view, self.units.current_row, self._selected()
        if view is None or row is None or selected is None:
            return
        flag, shown = not selected.key_quote, selected.id
        self.save(_("the key quote"),
                  lambda: coding.set_key_quote(view.store, view.coder, self._resolve(shown),
                                               flag), [row.id])
        self._after_write([], _("marking key quote…") if flag else _("unmarking key quote…"))

    def action_valence(self) -> None:
        """Say what the selected coding tells: works well, less well, mixed, or nothing."""
        view, row, selected = self.view, self.units.current_row, self._selected()
        if view is None or row is None or selected is None:
            return
        valence, shown = coding.VALENCE_CYCLE[selected.valence], selected.id
        said = translate(VALENCE_LABELS.get(valence, VALENCE_LABELS["none"]))
        self.save(_("the valence"),
                  lambda: coding.set_valence(view.store, view.coder, self._resolve(shown),
                                             valence), [row.id])
        self._after_write([], _("valence: {valence}…").format(valence=said))

    def action_next_coding(self) -> None:
        """Select the next of your codings on the current unit."""
        mine = self.units.codings_at_cursor()
        if not mine:
            return
        ids = [c.id for c in mine]
        position = ids.index(self.selected_coding) if self.selected_coding in ids else -1
        self.selected_coding = ids[(position + 1) % len(ids)]
        self._show_unit()

    def action_memo(self) -> None:
        """Write a memo on the unit (or, chosen in the dialog, on one of your codings)."""
        view, row = self.view, self.units.current_row
        if view is None or row is None:
            return
        targets = [MemoTarget(UNIT, _("Unit {ordinal} (whole unit)").format(ordinal=row.ordinal),
                              view.memos.get(row.id, {}).get(view.coder, ""))]
        for item in view.my_codings(row.id):
            code = view.codebook.get(item.code)
            where = "" if (item.start, item.end) == (0, len(row.text)) else (
                f" {item.start}–{item.end}")
            label = code.label if code else item.code
            targets.append(MemoTarget(str(item.id),
                                      _("Coding: {code}").format(code=label) + where,
                                      item.memo or ""))
        title = _("{source} unit {ordinal}").format(source=view.head.name, ordinal=row.ordinal)
        self.app.push_screen(MemoDialog(title, targets, UNIT),
                             lambda result: self._save_memo(row.id, result))

    def action_finding(self, code_id: str | None = None) -> None:
        """Write the finding statement for a code (by default the one highlighted)."""
        view = self.view
        code_id = code_id or self.query_one(CodebookTree).highlighted_code
        if view is None or code_id is None:
            return
        self.read_finding_worker(code_id)

    @work(thread=True, group="finding-read", exit_on_error=False)
    def read_finding_worker(self, code_id: str) -> None:
        """Read a code's finding in a worker, then open the dialog with it."""
        view = self.view
        if view is None:
            return
        with view.store.read() as session:
            state = read_finding(session, code_id)
        self.app.call_from_thread(self._open_finding, code_id, state)

    def _open_finding(self, code_id: str, state: FindingState) -> None:
        view = self.view
        if view is None:
            return
        code = view.codebook.get(code_id)
        dialog = FindingDialog(view.store, view.coder, code_id, code.label if code else code_id,
                               state)
        self.app.push_screen(dialog, self._finding_saved)

    def action_recommendation(self) -> None:
        """Add a recommendation for the report, answering the highlighted theme."""
        view = self.view
        if view is None:
            return
        highlighted = self.query_one(CodebookTree).highlighted_code
        themes = [(c.id, c.label) for c in view.codebook.codes]
        self.app.push_screen(RecommendationDialog(themes, [highlighted] if highlighted else []),
                             self._add_recommendation)

    def _add_recommendation(self, draft: RecommendationDraft | None) -> None:
        view = self.view
        if draft is None or view is None:
            return
        store, coder = view.store, view.coder
        self.save(_("the recommendation"),
                  lambda: add_recommendation(store, coder, draft.title, draft.text,
                                             draft.codes), [],
                  on_saved=self._recommendation_added)

    def _recommendation_added(self, saved: Saved) -> None:
        added = saved.result
        self.message = _("recommendation {number} added: {title}").format(
            number=added.number, title=added.title)
        self._show_status()

    def action_redact(self) -> None:
        """Replace the personal data in the current unit with placeholders."""
        from kodebog.privacy.redact import redact

        view, row = self.view, self.units.current_row
        if view is None or row is None:
            return
        if not view.personal_data(row):
            self.notify(_("No personal data found in this unit."), timeout=4)
            return
        store, coder, unit_id = view.store, view.coder, row.id
        self.save(_("the redaction"), lambda: redact(store, coder, units=[unit_id]), [unit_id],
                  on_saved=lambda saved: self._redacted(unit_id, saved.result.describe()))

    def _redacted(self, unit_id: int, message: str) -> None:
        """Read the source again at the redacted unit (its offsets moved); say what was done."""
        self.start_unit = unit_id
        self.notify(message, timeout=6)
        self.load()

    def _finding_saved(self, edit: FindingEdit | None) -> None:
        if edit is None:
            return
        code = self.view.codebook.get(edit.code) if self.view else None
        self.message = _("finding for {code} saved (version {version})").format(
            code=code.label if code else edit.code, version=edit.version)
        self._show_status()

    def _save_memo(self, unit_id: int, result: MemoResult | None) -> None:
        view = self.view
        if view is None or result is None:
            return
        text = result.text or None
        if result.target == UNIT:
            self.save(_("the unit memo"),
                      lambda: coding.set_unit_memo(view.store, view.coder, unit_id, text),
                      [unit_id], on_saved=lambda _saved: self._said(
                          _("saved unit memo") if text else _("removed unit memo")))
        else:
            shown = int(result.target)
            self.save(_("the coding memo"),
                      lambda: coding.set_memo(view.store, view.coder, self._resolve(shown),
                                              text),
                      [unit_id], on_saved=lambda _saved: self._said(
                          _("saved coding memo") if text else _("removed coding memo")))

    def _said(self, message: str) -> None:
        self.message = message
        self._show_status()

    def _step(self, direction: str) -> None:
        view = self.view
        if view is None:
            return
        step = coding.undo if direction == "undo" else coding.redo
        self.save(_("the undo") if direction == "undo" else _("the redo"),
                  lambda: step(view.store, view.coder), [],
                  undo_units=True, on_saved=partial(self._stepped, direction))
        self._said(_("undo…") if direction == "undo" else _("redo…"))

    def _stepped(self, direction: str, saved: Saved) -> None:
        """An undo or redo was saved: go to the unit it changed and say what it was."""
        view, change = self.view, saved.result
        if view is None or not isinstance(change, Change):
            return
        if change.event_id is None:
            self._said(change.message)
            return
        unit_ids = saved.unit_ids
        if (change.undid or "").startswith("code."):
            self.refresh_codebook()
        self.forget_suggestions(unit_ids)
        undone = change.undid or ""
        what = step_said(undone, direction)
        here = [u for u in unit_ids if u in view.ordinal_of]
        if not here:
            self._said(_("{what} (in another source)").format(what=what))
            return
        index = view.index_of_unit(here[0])
        if index is not None and index != self.units.cursor:
            self.units.move_to(index)
        self._after_write(here, what)

    def action_undo(self) -> None:
        """Undo your last change."""
        self._step("undo")

    def action_redo(self) -> None:
        """Redo what you undid last."""
        self._step("redo")

    # moving

    def action_next_uncoded(self) -> None:
        """Go to the next unit you have not coded."""
        self._uncoded(1)

    def action_previous_uncoded(self) -> None:
        """Go to the previous unit you have not coded."""
        self._uncoded(-1)

    def _uncoded(self, step: int) -> None:
        view = self.view
        if view is None:
            return
        found = view.next_uncoded(self.units.cursor, step)
        if found is None:
            self.message = _("every unit is coded")
            self._show_status()
            return
        self.units.move_to(found)

    def action_jump(self) -> None:
        """Ask for a unit number and go there."""
        view = self.view
        if view is None or not view.count:
            return
        self.app.push_screen(JumpDialog(view.ordinal(view.count - 1)), self._jumped)

    def _jumped(self, ordinal: int | None) -> None:
        view = self.view
        if view is None or ordinal is None:
            return
        index = view.index_of_ordinal(ordinal)
        if index is None:
            self.notify(_("There is no unit {ordinal}.").format(ordinal=ordinal),
                        severity="warning")
            return
        self.units.move_to(index, center=True)

    def jump_to_unit(self, unit_id: int, query: str | None) -> None:
        """Show a unit of this source (from a search) with the search words highlighted."""
        self.units.set_query(query)
        self.go_to_unit(unit_id)

    def go_to_unit(self, unit_id: int) -> None:
        """Move to a unit of this source: at once when its place is known, else after a
        read in a worker (never on the UI thread)."""
        view = self.view
        if view is None:
            return
        if unit_id in view.ordinal_of:
            index = view.index_of_ordinal(view.ordinal_of[unit_id])
            if index is not None:
                self.units.move_to(index, center=True)
            return
        self.find_unit(unit_id)

    @work(thread=True, exclusive=True, group="find-unit", exit_on_error=False)
    def find_unit(self, unit_id: int) -> None:
        """Read where a unit is in this source, then move there."""
        view = self.view
        index = view.index_of_unit(unit_id) if view is not None else None
        if index is not None:
            self.app.call_from_thread(partial(self.units.move_to, index, center=True))

    def action_toggle_others(self) -> None:
        """Show or hide other coders' codings."""
        self.units.set_show_others(not self.units.show_others)
        self.message = _("showing other coders") if self.units.show_others else (
            _("hiding other coders"))
        self._show_unit()

    def action_back(self) -> None:
        """Back to the unit list, or from there to the sources."""
        if self.focused is not self.units:
            self.units.focus()
            return
        self.dismiss()

    def _update_bindings(self) -> None:
        """Refresh the footer only when what applies has changed (it is rebuilt each time)."""
        state = (self.view is not None, self.units.span is not None,
                 bool(self.units.codings_at_cursor()), self.current_suggestion() is not None)
        if state != self._binding_state:
            self._binding_state = state
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide what needs a loaded source or one of your codings on the unit."""
        if self.view is None:
            return action in {"back", "find"}
        if action in _NOT_IN_SPAN_MODE and self.units.span is not None:
            return False
        if action in _NEEDS_CODINGS:
            return bool(self.units.codings_at_cursor())
        if action in _NEEDS_SUGGESTION:
            return self.current_suggestion() is not None
        return True

    def action_mark_done(self) -> None:
        """Mark the source done by you (fully coded), or take the mark back."""
        view = self.view
        if view is None:
            return
        done = not view.done
        view.done = done
        self.save(_("the done mark"),
                  lambda: coding.mark_source_done(view.store, view.coder, view.head.id,
                                                  done=done), [],
                  on_saved=lambda _saved: self.notify(self.message, timeout=4))
        self.message = (
            _("{source} marked done: agreement reads all of it as coded by you")
            if done else _("{source} is no longer marked done")).format(source=view.head.name)
        self._show_status()

    def palette_commands(self) -> list[Command]:
        """Coding commands, then one per code."""
        commands = [
            Command(_("Go: next uncoded unit"), "N", self.action_next_uncoded),
            Command(_("Go: previous uncoded unit"), "P", self.action_previous_uncoded),
            Command(_("Go: jump to unit…"), ":", self.action_jump),
            Command(_("Go: first unit"), "home", self.units.action_first),
            Command(_("Go: last unit"), "end", self.units.action_last),
            Command(_("Go: sources"), "esc", self.dismiss),
            Command(_("Edit: undo"), "ctrl+z", self.action_undo),
            Command(_("Edit: redo"), "ctrl+y", self.action_redo),
            Command(_("Unit: memo…"), "M", self.action_memo),
            Command(_("Unit: toggle key quote"), "*", self.action_key_quote),
            Command(_("Report: add a recommendation…"), _("answers the highlighted theme"),
                    self.action_recommendation),
            Command(_("Unit: redact personal data"), _("placeholders for the marked phone "
                                                       "numbers, e-mails, CPR numbers"),
                    self.action_redact),
            Command(_("Unit: valence of the selected coding (works well / less well / mixed / "
                      "none)"), "+", self.action_valence),
            Command(_("Unit: select words (span mode)"), "enter", self.units.action_span_start),
            Command(_("View: show or hide other coders' codings"), "O",
                    self.action_toggle_others),
            Command(_("View: fold the codebook to a strip of hotkeys, or unfold it"), "K",
                    self.action_toggle_codebook),
            Command(_("View: hide or show the current unit and the suggestions"), "Z",
                    self.action_toggle_details),
            Command(_("Source: mark as not done") if self.view is not None and self.view.done
                    else _("Source: mark as done (fully coded by you)"), "D",
                    self.action_mark_done),
            *self.kodebog.review_commands(),
            *self.codebook_commands(),
        ]
        if self.view is not None:
            for code in self.view.codebook.codes:
                commands.append(Command(
                    _("Code: apply {code}").format(code=code.label),
                    _("key {key}").format(key=code.key) if code.key
                    else _("toggles the code on the current unit"),
                    partial(self.action_toggle_code, code.id),
                ))
            if self.current_suggestion() is not None:
                commands += [
                    Command(_("Suggestions: accept the selected suggestion"), "Y",
                            self.action_accept_suggestion),
                    Command(_("Suggestions: reject the selected suggestion"), "X",
                            self.action_reject_suggestion),
                    Command(_("Suggestions: select the next suggestion"), "S",
                            self.action_next_suggestion),
                ]
            commands.append(Command(_("Suggestions: retrain"),
                                    _("T: train the model on your codings again"),
                                    self.action_retrain))
            if self.kodebog.suggestion_queue is not None:
                commands.append(Command(_("Suggestions: stop the queue"), "",
                                        self.action_stop_queue))
            for code in self.view.codebook.codes:
                commands.append(Command(
                    _("Suggestions: queue for {code}").format(code=code.label),
                    _("W on the highlighted code: its open suggestions, best first"),
                    partial(self.action_suggestion_queue, code.id),
                ))
            for code in self.view.codebook.codes:
                commands.append(Command(
                    _("Findings: edit statement for {code}").format(code=code.label),
                    _("F on the highlighted code: the analyst's finding for the report"),
                    partial(self.action_finding, code.id),
                ))
        return commands
