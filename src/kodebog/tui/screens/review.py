"""Review: agreement between coders per code, and the way into settling their disputes."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, SelectionList, Static
from textual.widgets.selection_list import Selection

from kodebog.project import current_codebook
from kodebog.tui.commands import Command
from kodebog.tui.screens.base import KodebogScreen
from kodebog.tui.screens.disputes import DisputesScreen
from kodebog.tui.widgets.agreement_table import AgreementTable
from kodebog.tui.widgets.key_footer import KeyFooter
from kodebog.tui.widgets.status_bar import StatusBar
from kodebog.views.codebook import CodebookView, codebook_view
from kodebog.views.review import ReviewData, load_review, ranked_coders


class ReviewScreen(KodebogScreen[None]):
    """Choose coders, read their agreement per code, open a code's disputes."""

    HELP = """\
## Review: agreement

Inter-coder agreement over the units every chosen coder has read. Tick two or more coders
on the left (**space**; by default the two with the most codings); the first two ticked, in
list order, are **A** and **B** when you settle disputes. **enter** on a code lists the
units where the coders differ; each decision is written for the consensus coder
*konsensus*, and the numbers here follow.
"""

    AUTO_FOCUS = "AgreementTable"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="review.back"),
        Binding("ctrl+r", "recompute", "Recompute", show=False, id="review.recompute"),
    ]
    DEFAULT_CSS = """
    ReviewScreen {
        & #review-body { height: 1fr; }
        & #review-side { width: 28; }
        & #review-coders {
            height: auto;
            max-height: 12;
            border: round $panel-lighten-2;
            border-title-color: $text-muted;
            &:focus { border: round $accent; }
        }
        & #review-rule {
            height: 1fr;
            padding: 0 1;
            color: $text-muted;
            border: round $panel-lighten-2;
        }
        & AgreementTable {
            height: 1fr;
            border: round $panel-lighten-2;
            border-title-color: $text-muted;
            &:focus { border: round $accent; }
        }
        & #review-summary { padding: 0 2; color: $text-muted; height: 1; }
    }
    """

    class CodersLoaded(Message):
        """The coders and the codebook have been read."""

        def __init__(self, coders: list[tuple[str, int]], codebook: CodebookView) -> None:
            self.coders = coders
            self.codebook = codebook
            super().__init__()

    class Computed(Message):
        """Agreement and disputes of the chosen coders have been computed."""

        def __init__(self, data: ReviewData, generation: int) -> None:
            self.data = data
            self.generation = generation
            super().__init__()

    def __init__(self) -> None:
        super().__init__()
        self._computations = 0  # started; only the newest one's result is shown
        self.data: ReviewData | None = None
        self.codebook: CodebookView | None = None
        self.order: list[str] = []

    def compose(self) -> ComposeResult:
        """Coders and the rule on the left, the agreement table on the right."""
        yield StatusBar(id="status")
        with Horizontal(id="review-body"):
            with Vertical(id="review-side"):
                yield SelectionList[str](id="review-coders")
                yield Static("", id="review-rule")
            yield AgreementTable(id="agreement")
        yield Static("", id="review-summary")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Read the coders; the comparison follows."""
        app = self.kodebog
        self.query_one(StatusBar).set_where("kodebog", app.project_name, "Review: agreement",
                                            f"reviewer {app.coder}")
        self.query_one("#review-coders").border_title = "Coders (A, B …)"
        self.query_one(AgreementTable).border_title = "Agreement per code"
        self.query_one(AgreementTable).loading = True
        self.load_coders()

    @work(thread=True, exclusive=True, group="review-coders", exit_on_error=False)
    def load_coders(self) -> None:
        """Read the coders, most codings first, and the codebook."""
        store = self.kodebog.store
        with store.read() as session:
            coders = ranked_coders(session)
            codebook = codebook_view(current_codebook(session))
        self.post_message(self.CodersLoaded(coders, codebook))

    def on_review_screen_coders_loaded(self, message: CodersLoaded) -> None:
        """List the coders; tick the two with the most codings."""
        self.codebook = message.codebook
        self.order = [name for name, count in message.coders if count]
        chooser = self.query_one("#review-coders", SelectionList)
        with chooser.prevent(SelectionList.SelectedChanged):
            chooser.clear_options()
            chooser.add_options([
                Selection(f"{name}  ({count} codings)", name, number < 2)
                for number, (name, count) in enumerate(message.coders) if count
            ])
        self.recompute()

    @property
    def chosen(self) -> list[str]:
        """The ticked coders in list order (the first two are A and B)."""
        ticked = set(self.query_one("#review-coders", SelectionList).selected)
        return [name for name in self.order if name in ticked]

    @on(SelectionList.SelectedChanged)
    def _coders_changed(self) -> None:
        self.recompute()

    def action_recompute(self) -> None:
        """Compute the agreement again."""
        self.recompute()

    def recompute(self) -> None:
        """Compare the chosen coders in a worker (at least two)."""
        coders = self.chosen
        table = self.query_one(AgreementTable)
        if len(coders) < 2:
            table.loading = False
            table.clear()
            self._summary("Tick at least two coders to compare them.")
            return
        table.loading = True
        self._computations += 1
        self.compute(coders, self._computations)

    @work(thread=True, group="review", exit_on_error=False)
    def compute(self, coders: list[str], generation: int) -> None:
        """Agreement, disputes and settlements of ``coders``."""
        self.post_message(self.Computed(load_review(self.kodebog.store, coders), generation))

    def on_review_screen_computed(self, message: Computed) -> None:
        """Show the numbers of the newest computation (older ones may finish later)."""
        if message.generation != self._computations:
            return
        self.data = data = message.data
        table = self.query_one(AgreementTable)
        table.loading = False
        table.show(data, self.codebook)
        self.refresh_bindings()
        sources = ", ".join(data.comparison.sources) or "none yet"
        self.query_one("#review-rule", Static).update(
            f"A = {data.coders[0]}, B = {data.coders[1]}\n\nSources compared: {sources}\n\n"
            f"Rule: {data.comparison.rule}")
        disputes = sum(len(v) for v in data.disputes.values())
        settled = sum(data.settled_count(code) for code in data.disputes)
        self._summary(f"{len(data.comparison.codes)} codes · {disputes} disputed unit-codes · "
                      f"{settled} settled · enter on a code to settle its disputes")

    def _summary(self, text: str) -> None:
        self.query_one("#review-summary", Static).update(text)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Open the disputes of the chosen code."""
        self.open_disputes(event.row_key.value)

    def open_disputes(self, code: str | None) -> None:
        """Settle the disputed units of a code."""
        data = self.data
        if data is None or code is None or code == "*":
            return
        disputes = data.disputes.get(code, [])
        if not disputes:
            self.notify("The coders agree on every unit for this code.", timeout=4)
            return
        self.app.push_screen(DisputesScreen(data, code, self.codebook),
                             lambda _result: self.recompute())

    def action_close(self) -> None:
        """Back to where the review was opened."""
        self.dismiss(None)

    def palette_commands(self) -> list[Command]:
        """Open a code's disputes; recompute."""
        commands = [Command("Review: recompute agreement", "ctrl+r", self.action_recompute)]
        if self.data is not None:
            for row in self.data.comparison.codes:
                count = len(self.data.disputes.get(row.code, []))
                if count:
                    commands.append(Command(
                        f"Review: settle disputes for {row.label}", f"{count} disputed units",
                        partial(self.open_disputes, row.code)))
        return commands
