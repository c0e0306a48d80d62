"""Retrieve: every passage coded with the marked codes, filtered, with its counts."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Checkbox, Select, SelectionList, Static

from kodebog.i18n import N_, _
from kodebog.store.models import CONSENSUS_CODER
from kodebog.tui.commands import Command
from kodebog.tui.dialogs.export_view import ExportChoice, ExportViewDialog
from kodebog.tui.screens.base import KodebogScreen
from kodebog.tui.widgets.code_picker import CodePicker
from kodebog.tui.widgets.key_footer import KeyFooter
from kodebog.tui.widgets.passage_list import PassageList
from kodebog.tui.widgets.status_bar import StatusBar
from kodebog.views.facets import Facets
from kodebog.views.retrieve import ROLE, Cache, RetrieveQuery, RetrieveResult

_SEP = "\x1f"
AGREED = "\x00agreed"
"""The coder list's entry for the agreed coding (of the coders ticked beside it)."""


def valence_choices() -> list[tuple[str, str]]:
    """The valence filter's options: (label, value)."""
    from kodebog.views.compare import valence_labels

    return [(label, value) for value, label in valence_labels().items()]


class RetrieveScreen(KodebogScreen[None]):
    """Codes on the left, filters under them, passages on the right."""

    HELP = N_("""\
## Retrieve

Read everything coded with a theme, across sources. Mark codes on the left (**space**
cycles ∨ any / ∧ and / ¬ not / ≈ near), narrow by coder (none ticked: all), source, role or
participant attribute, or key quotes only. The line above the passages always counts the
passages, the distinct participants (cases) and the sources. **enter** on a passage opens
it in its source; **ctrl+r** reads the project again (what was read is kept while the
screen is open, so a filter change is quick); **ctrl+e** writes what you see to .xlsx,
.csv or .docx; **B** compares groups.
""")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="retrieve.back"),
        Binding("ctrl+e", "export", N_("Export"), id="retrieve.export"),
        Binding("B", "compare", N_("Compare"), id="retrieve.compare"),
        Binding("ctrl+o", "toggle_overlap", N_("Overlap"), show=False, id="retrieve.overlap"),
        Binding("ctrl+r", "reload", N_("Read again"), show=False, id="retrieve.reload"),
    ]
    DEFAULT_CSS = """
    RetrieveScreen {
        & #retrieve-body { height: 1fr; }
        & #retrieve-side { width: 30; height: 1fr; }
        & #retrieve-coders {
            height: auto; max-height: 6; padding: 0;
            border: round $panel-lighten-2; border-title-color: $text-muted;
            &:focus { border: round $accent; }
        }
        & #retrieve-side Select { margin: 0 0; }
        & #retrieve-side Checkbox { margin: 0 0; }
        & #retrieve-summary { height: 1; padding: 0 1; color: $text; background: $boost; }
        & #retrieve-rule {
            display: none; height: auto; max-height: 4; padding: 0 1; color: $text-muted;
            &.shown { display: block; }
        }
        & #retrieve-main { height: 1fr; }
    }
    """

    class FacetsLoaded(Message):
        """The choices have been read."""

        def __init__(self, facets: Facets) -> None:
            self.facets = facets
            super().__init__()

    class Retrieved(Message):
        """A query has been answered."""

        def __init__(self, query: RetrieveQuery, result: RetrieveResult) -> None:
            self.query = query
            self.result = result
            super().__init__()

    def __init__(self, query: RetrieveQuery | None = None) -> None:
        super().__init__()
        self.initial = query
        self.facets: Facets | None = None
        self.last: RetrieveQuery | None = None
        self.result: RetrieveResult | None = None
        self.cache: Cache = {}
        self._loading = True
        self._codings_read = False

    def compose(self) -> ComposeResult:
        """Status, side panel with codes and filters, summary, passages, footer."""
        yield StatusBar(id="status")
        with Horizontal(id="retrieve-body"):
            with Vertical(id="retrieve-side"):
                yield CodePicker(id="retrieve-codes")
                yield SelectionList[str](id="retrieve-coders")
                yield Select[str]([], prompt=_("All sources"), id="retrieve-source", compact=True)
                yield Select[str]([], prompt=_("All participants"), id="retrieve-who", compact=True)
                yield Select[str]([], prompt=_("All valences"), id="retrieve-valence",
                                  compact=True)
                yield Checkbox(_("★ key quotes only"), id="retrieve-key", compact=True)
                yield Checkbox(_("∧/¬ overlapping spans"), id="retrieve-overlap", compact=True)
            with Vertical(id="retrieve-main"):
                yield Static(_("reading the codebook…"), id="retrieve-summary", markup=False)
                yield Static("", id="retrieve-rule", markup=False)
                yield PassageList(id="passages")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Read the choices in a worker."""
        self.query_one(StatusBar).set_where("kodebog", self.kodebog.project_name, _("Retrieve"))
        self.query_one("#retrieve-coders", SelectionList).border_title = _("Coders (none: all)")
        self.query_one(CodePicker).focus()
        self.load_facets()

    def language_changed(self) -> None:
        """Choices, labels and the summary in the language now in use (the query kept)."""
        super().language_changed()
        self.query_one(StatusBar).set_where("kodebog", self.kodebog.project_name, _("Retrieve"))
        self.query_one("#retrieve-coders", SelectionList).border_title = _("Coders (none: all)")
        for selector, prompt in (("#retrieve-source", _("All sources")),
                                 ("#retrieve-who", _("All participants")),
                                 ("#retrieve-valence", _("All valences"))):
            self.query_one(selector, Select).prompt = prompt
        self.query_one("#retrieve-key", Checkbox).label = _("★ key quotes only")
        self.query_one("#retrieve-overlap", Checkbox).label = _("∧/¬ overlapping spans")
        if self.facets is not None:  # the choices again, as the query the widgets describe
            self.initial = self.current_query()
            self._loading = True
            self.on_retrieve_screen_facets_loaded(self.FacetsLoaded(self.facets))
        if self.result is not None:
            self._show(self.result)

    @work(thread=True, exclusive=True, group="retrieve-facets", exit_on_error=False)
    def load_facets(self) -> None:
        """Codes, coders, sources, roles and attributes."""
        from kodebog.views.facets import load_facets

        with self.kodebog.store.read() as session:
            facets = load_facets(session)
        self.post_message(self.FacetsLoaded(facets))

    def on_retrieve_screen_facets_loaded(self, message: FacetsLoaded) -> None:
        """Fill the choices, apply the query the screen was opened with, retrieve."""
        facets = self.facets = message.facets
        initial = self.initial or RetrieveQuery(())
        modes = {code: "any" for code in initial.codes}
        modes |= {code: "and" for code in initial.and_codes}
        modes |= {code: "not" for code in initial.not_codes}
        modes |= {code: "near" for code in initial.near_codes}
        picker = self.query_one(CodePicker)
        picker.within = max(initial.within, 0) or 1
        picker.set_codes(facets.codes, modes)
        coders = self.query_one("#retrieve-coders", SelectionList)
        coders.clear_options()
        coders.add_options([(_("≡ the agreed coding"), AGREED, initial.agreed)])
        coders.add_options([(name, name, name in initial.coders) for name in facets.coders])
        self.query_one("#retrieve-source", Select).set_options(
            [(name, name) for name in facets.sources])
        who = [(_("role: {role}").format(role=role), f"{ROLE}{_SEP}{role}")
               for role in facets.roles]
        for info in facets.attributes:
            who += [(f"{info.label} = {value}", f"{info.name}{_SEP}{value}")
                    for value in facets.values.get(info.name, [])]
        wanted = None
        if initial.roles:
            wanted = f"{ROLE}{_SEP}{initial.roles[0]}"
        elif initial.where:
            wanted = _SEP.join(initial.where[0])
        if wanted and wanted not in {value for _label, value in who}:
            who.append((wanted.replace(_SEP, " = "), wanted))
        who_select = self.query_one("#retrieve-who", Select)
        who_select.set_options(who)
        if wanted:
            who_select.value = wanted
        if initial.sources:
            self.query_one("#retrieve-source", Select).value = initial.sources[0]
        valence = self.query_one("#retrieve-valence", Select)
        valence.set_options(valence_choices())
        if initial.valences:
            valence.value = initial.valences[0]
        self.query_one("#retrieve-key", Checkbox).value = initial.key_quotes
        self.query_one("#retrieve-overlap", Checkbox).value = initial.overlap
        self._loading = False
        self.retrieve_now()

    @work(thread=True, exclusive=True, group="retrieve-codings", exit_on_error=False)
    def read_codings(self) -> None:
        """Read every coding once for the app (the compare screen's arrays), after the first
        passages are shown (so they are not slowed down by it): the agreed coding is then
        worked out from them (0.3 s instead of 0.5 s on 300,000 codings), and the compare
        screen opens without reading them."""
        with self.kodebog.store.read() as session:
            self.kodebog.coding_tables.table(session)

    def current_query(self) -> RetrieveQuery:
        """The query the widgets describe now."""
        picker = self.query_one(CodePicker)
        modes = picker.selected_modes()
        order = [code for code, _label, _colour in picker.codes]

        def marked(mode: str) -> tuple[str, ...]:
            return tuple(code for code in order if modes.get(code) == mode)

        source = self.query_one("#retrieve-source", Select).value
        who = self.query_one("#retrieve-who", Select).value
        roles: tuple[str, ...] = ()
        where: tuple[tuple[str, str], ...] = ()
        if isinstance(who, str):
            name, _, value = who.partition(_SEP)
            if name == ROLE:
                roles = (value,)
            else:
                where = ((name, value),)
        valence = self.query_one("#retrieve-valence", Select).value
        ticked = self.query_one("#retrieve-coders", SelectionList).selected
        agreed = AGREED in ticked
        coders = tuple(name for name in ticked if name != AGREED
                       and not (agreed and name == CONSENSUS_CODER))
        return RetrieveQuery(
            codes=marked("any"), and_codes=marked("and"), not_codes=marked("not"),
            near_codes=marked("near"), within=picker.within,
            overlap=self.query_one("#retrieve-overlap", Checkbox).value,
            coders=coders, sources=(source,) if isinstance(source, str) else (),
            roles=roles, where=where, key_quotes=self.query_one("#retrieve-key", Checkbox).value,
            agreed=agreed, valences=(valence,) if isinstance(valence, str) else ())

    @on(CodePicker.Changed)
    @on(SelectionList.SelectedChanged)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def retrieve_now(self) -> None:
        """Ask again with what the widgets say."""
        if self._loading:
            return
        query = self.current_query()
        if query == self.last:
            return
        self.last = query
        if not query.codes:
            self.result = RetrieveResult(query)
            self._show(self.result)
            return
        self.query_one("#retrieve-summary", Static).update(_("retrieving…"))
        self.run_query(query)

    @work(thread=True, exclusive=True, group="retrieve", exit_on_error=False)
    def run_query(self, query: RetrieveQuery) -> None:
        """Retrieve in a worker."""
        from kodebog.views.retrieve import retrieve

        people = self.facets.people if self.facets is not None else None
        with self.kodebog.store.read() as session:
            result = retrieve(session, query, people, self.cache, self.kodebog.coding_tables)
        self.post_message(self.Retrieved(query, result))

    def on_retrieve_screen_retrieved(self, message: Retrieved) -> None:
        """Show the newest answer only."""
        if message.query == self.last:
            self.result = message.result
            self._show(message.result)
            if message.result.passages and not self._codings_read:
                self._codings_read = True
                self.read_codings()

    def _show(self, result: RetrieveResult) -> None:
        if not result.query.codes:
            summary = _("mark a code with space (∨) to see its passages")
        else:
            summary = f"{result.summary()} · {result.query.describe()}"
        self.query_one("#retrieve-summary", Static).update(summary)
        rule = self.query_one("#retrieve-rule", Static)
        rule.update(result.agreed.explain() if result.agreed is not None else "")
        rule.set_class(result.agreed is not None, "shown")
        colours = self.facets.colours if self.facets is not None else {}
        self.query_one(PassageList).show(result.passages, colours)

    def on_passage_list_opened(self, message: PassageList.Opened) -> None:
        """Open the passage's unit in its source."""
        self.kodebog.open_source(message.passage.source_id, message.passage.unit_id)

    def action_reload(self) -> None:
        """Read the project again (codings made meanwhile)."""
        self.cache = {}
        self.last = None
        self.retrieve_now()

    def action_toggle_overlap(self) -> None:
        """AND and NOT on overlapping spans instead of the same unit."""
        box = self.query_one("#retrieve-overlap", Checkbox)
        box.value = not box.value

    def action_back(self) -> None:
        """Back to where retrieve was opened."""
        self.dismiss(None)

    def action_compare(self) -> None:
        """Compare groups."""
        from kodebog.tui.screens.compare import CompareScreen

        self.app.push_screen(CompareScreen())

    def action_export(self) -> None:
        """Write the passages shown to a file."""
        if self.result is None or not self.result.passages:
            self.notify(_("Nothing to export: no passages."), severity="warning")
            return
        self.app.push_screen(ExportViewDialog(_("Write the passages to"), _("passages.xlsx"),
                                              _(".xlsx, .csv or .docx")), self._export_to)

    def _export_to(self, choice: ExportChoice | None) -> None:
        if choice is not None and self.result is not None:
            self.write_export(choice, self.result)

    @work(thread=True, exclusive=True, group="retrieve-export", exit_on_error=False)
    def write_export(self, choice: ExportChoice, result: RetrieveResult) -> None:
        """Write in a worker; failures go to the error dialog."""
        from kodebog.views.exports import write_passages

        facets = self.facets
        attributes = {a.name: a.label for a in facets.attributes} if facets else {}
        message = write_passages(choice.path, result, title=result.query.describe(),
                                 people=facets.people if facets else None,
                                 attributes=attributes,
                                 allow_personal_data=choice.allow_personal_data)
        self.app.call_from_thread(self.notify, message)

    def palette_commands(self) -> list[Command]:
        """Retrieve commands."""
        return [
            Command(_("Retrieve: export what you see"), "ctrl+e", self.action_export),
            Command(_("Retrieve: toggle overlapping spans for AND/NOT"), "ctrl+o",
                    self.action_toggle_overlap),
            Command(_("Compare: codes by group"), "B", self.action_compare),
        ]
