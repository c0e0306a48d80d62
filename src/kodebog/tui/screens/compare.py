"""Compare: codes x groups (role, source, an attribute) or code x code; a cell opens retrieve."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Checkbox, DataTable, Select, Static

from kodebog.i18n import N_, _, formats
from kodebog.tui.commands import Command
from kodebog.tui.dialogs.export_view import ExportChoice, ExportViewDialog
from kodebog.tui.screens.base import KodebogScreen
from kodebog.tui.widgets.key_footer import KeyFooter
from kodebog.tui.widgets.status_bar import StatusBar
from kodebog.views.compare import COOCCURRENCE, VALENCE, CompareQuery, Matrix
from kodebog.views.facets import Facets
from kodebog.views.retrieve import ROLE, Cache

_ALL = "\x00all"
AGREED = "\x00agreed"
"""The coder choice for the agreed coding of every coder."""


class MatrixTable(DataTable[Text]):
    """The matrix: a row per code, a column per group; enter opens the cell's passages."""

    HELP = N_("""\
## Matrix

Each cell: passages · participants who said it / participants in the group who could have
(interviewers left out unless ticked). In code × code, a cell counts the units coded with
both codes and the participants who said them. **enter** opens the cell's passages.
""")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", N_("Open passages"), id="compare.open"),
    ]


class CompareScreen(KodebogScreen[None]):
    """Choose a grouping and coders; read the matrix."""

    HELP = N_("""\
## Compare

Which themes dominate in which groups. Choose the grouping (role, source, any participant
attribute, or code × code co-occurrence) and the coder (all by default). Counts are
passages, and distinct participants (cases) out of everyone in the group with a unit in the
project. **enter** on a cell opens retrieve filtered to it; **ctrl+e** writes the matrix to
.xlsx or .csv.
""")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="compare.back"),
        Binding("ctrl+e", "export", N_("Export"), id="compare.export"),
        Binding("ctrl+r", "recompute", N_("Again"), show=False, id="compare.recompute"),
    ]
    DEFAULT_CSS = """
    CompareScreen {
        & #compare-filters { height: 1; padding: 0 1; }
        & #compare-filters Select { width: 1fr; margin-right: 1; }
        & #compare-filters Checkbox { width: auto; }
        & #compare-summary { height: 1; padding: 0 1; background: $boost; }
        & #compare-rule {
            display: none; height: auto; max-height: 4; padding: 0 1; color: $text-muted;
            &.shown { display: block; }
        }
        & MatrixTable { height: 1fr; }
    }
    """

    class FacetsLoaded(Message):
        """The choices have been read."""

        def __init__(self, facets: Facets) -> None:
            self.facets = facets
            super().__init__()

    class Computed(Message):
        """A matrix is ready."""

        def __init__(self, query: CompareQuery, matrix: Matrix) -> None:
            self.query = query
            self.matrix = matrix
            super().__init__()

    def __init__(self, dimension: str = ROLE, agreed: bool = False) -> None:
        super().__init__()
        self.initial_dimension = dimension
        self.initial_agreed = agreed
        self.facets: Facets | None = None
        self.last: CompareQuery | None = None
        self.matrix: Matrix | None = None
        self.cache: Cache = {}
        self.matrix_count = 0  # matrices shown: after the first, the codings are read
        self._loading = True

    def compose(self) -> ComposeResult:
        """Filters, summary, matrix."""
        yield StatusBar(id="status")
        with Horizontal(id="compare-filters"):
            yield Select[str]([(_("by role"), ROLE)], allow_blank=False, id="compare-by",
                              compact=True)
            yield Select[str]([], prompt=_("All coders"), id="compare-coder", compact=True)
            yield Checkbox(_("with interviewers"), id="compare-interviewers", compact=True)
        yield Static(_("computing…"), id="compare-summary", markup=False)
        yield Static("", id="compare-rule", markup=False)
        yield MatrixTable(id="matrix", cursor_type="cell", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Read the choices in a worker."""
        self.query_one(StatusBar).set_where("kodebog", self.kodebog.project_name, _("Compare"))
        self.query_one(MatrixTable).focus()
        self.load_facets()

    @work(thread=True, exclusive=True, group="compare-codings", exit_on_error=False)
    def read_codings(self) -> None:
        """Read every coding once, after the first matrix is shown, and every grouping's
        groups: the next matrices are counted from them in milliseconds (the first, in SQL,
        is not slowed down by this)."""
        from kodebog.views.compare import prepare_groupings

        with self.kodebog.store.read() as session:
            prepare_groupings(session, self.cache, self.kodebog.coding_tables)

    @work(thread=True, exclusive=True, group="compare-facets", exit_on_error=False)
    def load_facets(self) -> None:
        """Coders and attributes."""
        from kodebog.views.facets import load_facets

        with self.kodebog.store.read() as session:
            facets = load_facets(session, people=False)
        self.post_message(self.FacetsLoaded(facets))

    def on_compare_screen_facets_loaded(self, message: FacetsLoaded) -> None:
        """Fill the choices and compute."""
        facets = self.facets = message.facets
        self.cache[("attributes",)] = {info.name: info for info in facets.attributes}
        self._fill_choices(self.initial_dimension, AGREED if self.initial_agreed else None)
        self._loading = False
        self.compute_now()

    def _fill_choices(self, dimension: str, coder: object) -> None:
        """The groupings and coders offered (in the language now in use), and the chosen."""
        facets = self.facets
        assert facets is not None
        options = [(_("by role"), ROLE), (_("by source"), "source")]
        options += [(_("by {attribute}").format(attribute=info.label), info.name)
                    for info in facets.attributes]
        options.append((_("by valence"), VALENCE))
        options.append((_("code × code"), COOCCURRENCE))
        by = self.query_one("#compare-by", Select)
        by.set_options(options)
        known = {value for _label, value in options}
        by.value = dimension if dimension in known else ROLE
        coders = self.query_one("#compare-coder", Select)
        coders.set_options([(_("≡ the agreed coding"), AGREED)]
                           + [(name, name) for name in facets.coders])
        if coder == AGREED or coder in facets.coders:
            coders.value = coder
        for select in (by, coders):  # the shown label, also where the value stayed the same
            select.mutate_reactive(Select.value)  # type: ignore[misc]

    def language_changed(self) -> None:
        """Choices, labels and the matrix's titles in the language now in use."""
        super().language_changed()
        self.query_one(StatusBar).set_where("kodebog", self.kodebog.project_name, _("Compare"))
        self.query_one("#compare-interviewers", Checkbox).label = _("with interviewers")
        self.query_one("#compare-coder", Select).prompt = _("All coders")
        if self.facets is None:
            return
        by, coder = (self.query_one("#compare-by", Select).value,
                     self.query_one("#compare-coder", Select).value)
        self._loading = True
        self._fill_choices(by if isinstance(by, str) else ROLE, coder)
        self._loading = False
        self.compute_now(force=True)  # titles are made with the counts (which are kept)

    def current_query(self) -> CompareQuery:
        """The comparison the widgets describe."""
        by = self.query_one("#compare-by", Select).value
        coder = self.query_one("#compare-coder", Select).value
        return CompareQuery(
            dimension=by if isinstance(by, str) else ROLE,
            coders=(coder,) if isinstance(coder, str) and coder != AGREED else (),
            include_interviewers=self.query_one("#compare-interviewers", Checkbox).value,
            agreed=coder == AGREED)

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def compute_now(self, force: bool = False) -> None:
        """Compute again with what the widgets say."""
        if self._loading:
            return
        query = self.current_query()
        if query == self.last and not force:
            return
        self.last = query
        self.query_one("#compare-summary", Static).update(_("computing…"))
        self.compute(query)

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def compute(self, query: CompareQuery) -> None:
        """The matrix, in a worker."""
        from kodebog.views.compare import compare, cooccurrence

        people = (self.facets.people or None) if self.facets is not None else None
        with self.kodebog.store.read() as session:
            if query.dimension == COOCCURRENCE:
                matrix = cooccurrence(session, query, people, self.cache,
                                      self.kodebog.coding_tables)
            else:
                matrix = compare(session, query, people, self.cache, self.kodebog.coding_tables)
        self.post_message(self.Computed(query, matrix))

    def on_compare_screen_computed(self, message: Computed) -> None:
        """Show the newest matrix."""
        if message.query != self.last:
            return
        matrix = self.matrix = message.matrix
        if self.matrix_count == 0:
            self.read_codings()
        self.matrix_count += 1
        table = self.query_one(MatrixTable)
        row, column = table.cursor_coordinate
        table.clear(columns=True)
        # the width said, not measured later: a render between the rows could show it cut
        widest = max([len(label) for _code, label in matrix.rows] + [4])
        table.add_column(Text(_("code")), key="\x00code", width=min(widest, 40))
        for key in matrix.columns:
            label = matrix.column_label(key)
            if matrix.dimension != COOCCURRENCE:
                label += f" (n={formats.number(matrix.denominators.get(key, 0))})"
            table.add_column(Text(label), key=key)
        for code, label in matrix.rows:
            cells = [Text(label)]
            for key in matrix.columns:
                cell = matrix.cell(code, key)
                cells.append(Text(cell.text(), justify="right",
                                  style="" if cell.passages else "dim"))
            table.add_row(*cells, key=code)
        table.move_cursor(row=min(row, max(0, len(matrix.rows) - 1)),
                          column=min(max(column, 1), len(matrix.columns)))
        what = (_("units with both · participants") if matrix.dimension == COOCCURRENCE
                else _("passages · participants / participants in the group"))
        coders = ", ".join(matrix.query.coders) or _("all coders")
        if matrix.agreed is not None:
            coders = _("the agreed coding")
        people = (_("with interviewers") if matrix.query.include_interviewers
                  else _("without interviewers"))
        self.query_one("#compare-summary", Static).update(
            f"{matrix.title} · {what} · {coders} · {people}")
        rule = self.query_one("#compare-rule", Static)
        notes = [matrix.agreed.explain()] if matrix.agreed is not None else []
        notes += [matrix.note] if matrix.note else []
        rule.update("\n".join(notes))
        rule.set_class(bool(notes), "shown")

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        """Open retrieve filtered to the cell."""
        matrix = self.matrix
        if matrix is None or event.coordinate.column == 0:
            return
        code = matrix.rows[event.coordinate.row][0]
        column = matrix.columns[event.coordinate.column - 1]
        from kodebog.tui.screens.retrieve import RetrieveScreen

        self.app.push_screen(RetrieveScreen(matrix.retrieve_query(code, column)))

    def action_recompute(self) -> None:
        """Read the project again."""
        self.cache = {}
        self.kodebog.coding_tables.forget()
        self.compute_now(force=True)

    def action_back(self) -> None:
        """Back."""
        self.dismiss(None)

    def action_export(self) -> None:
        """Write the matrix."""
        if self.matrix is None:
            return
        self.app.push_screen(ExportViewDialog(_("Write the matrix to"), _("comparison.xlsx"),
                                              _(".xlsx or .csv"), personal_data=False),
                             self._export_to)

    def _export_to(self, choice: ExportChoice | None) -> None:
        if choice is not None and self.matrix is not None:
            self.write_export(choice, self.matrix)

    @work(thread=True, exclusive=True, group="compare-export", exit_on_error=False)
    def write_export(self, choice: ExportChoice, matrix: Matrix) -> None:
        """Write in a worker."""
        from kodebog.views.exports import write_matrix

        self.app.call_from_thread(self.notify, write_matrix(
            choice.path, matrix, allow_personal_data=choice.allow_personal_data))

    def palette_commands(self) -> list[Command]:
        """Compare commands."""
        return [
            Command(_("Compare: export the matrix"), "ctrl+e", self.action_export),
            Command(_("Compare: compute again"), "ctrl+r", self.action_recompute),
        ]
