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

from kodebog.i18n import N_, _, formats, ngettext, translate
from kodebog.project import current_codebook
from kodebog.tui.commands import Command
from kodebog.tui.screens.base import KodebogScreen
from kodebog.tui.screens.disputes import DisputesScreen
from kodebog.tui.widgets.agreement_table import AgreementTable
from kodebog.tui.widgets.key_footer import KeyFooter
from kodebog.tui.widgets.status_bar import StatusBar
from kodebog.views.codebook import CodebookView, codebook_view
from kodebog.views.review import ReviewData, load_review, ranked_coders

_RULES = (N_("a source counts when every chosen coder has marked it done or coded at least one "
             "unit in it; its units are compared up to the last unit every coder has read "
             "(all units once marked done, else up to the last unit each coded)"),)
"""The comparison's rule (kept in English in its JSON), marked to be shown translated."""
NARROW = 100
"""Below this many columns the side panel is narrower and the summary shorter."""


class ReviewScreen(KodebogScreen[None]):
    """Choose coders, read their agreement per code, open a code's disputes."""

    HELP = N_("""\
## Review: agreement

Inter-coder agreement over the units every chosen coder has read. Tick two or more coders
on the left (**space**; by default the two with the most codings); the first two ticked, in
list order, are **A** and **B** when you settle disputes. **enter** on a code lists the
units where the coders differ; each decision is written for the consensus coder
*konsensus*, and the numbers here follow.
""")

    AUTO_FOCUS = "AgreementTable"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Back"), id="review.back"),
        Binding("ctrl+r", "recompute", N_("Recompute"), show=False, id="review.recompute"),
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
        self.coders: list[tuple[str, int]] = []  # with codings, most codings first

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
        self._show_titles()
        self.query_one(AgreementTable).loading = True
        self.load_coders()

    def on_resize(self) -> None:
        """A narrower side panel on a small terminal, so the numbers keep their room."""
        self.query_one("#review-side").styles.width = 22 if self.size.width < NARROW else 28

    def _show_titles(self) -> None:
        app = self.kodebog
        self.query_one(StatusBar).set_where("kodebog", app.project_name, _("Review: agreement"),
                                            _("reviewer {name}").format(name=app.coder))
        self.query_one("#review-coders").border_title = _("Coders (A, B …)")
        self.query_one(AgreementTable).border_title = _("Agreement per code")

    def language_changed(self) -> None:
        """Titles, coders, numbers and keys in the language now in use."""
        self._show_titles()
        self._show_coders()
        if self.data is not None:
            self._show_data(self.data)
        elif len(self.chosen) < 2 and self.coders:
            self._summary(_("Tick at least two coders to compare them."))
        self.refresh_bindings()

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
        self.coders = [(name, count) for name, count in message.coders if count]
        self.order = [name for name, _count in self.coders]
        self._show_coders([name for name, _count in self.coders[:2]])
        self.recompute()

    def _show_coders(self, ticked: list[str] | None = None) -> None:
        """List the coders with their codings (``ticked``: else the ones ticked now)."""
        chooser = self.query_one("#review-coders", SelectionList)
        chosen = set(self.chosen if ticked is None else ticked)
        highlighted = chooser.highlighted
        with chooser.prevent(SelectionList.SelectedChanged):
            chooser.clear_options()
            chooser.add_options([
                Selection(ngettext("{name}  ({count} coding)", "{name}  ({count} codings)",
                                   count).format(name=name, count=formats.number(count)),
                          name, name in chosen)
                for name, count in self.coders
            ])
            if highlighted is not None and highlighted < len(self.coders):
                chooser.highlighted = highlighted

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
            self._summary(_("Tick at least two coders to compare them."))
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
        self.data = message.data
        self.query_one(AgreementTable).loading = False
        self._show_data(message.data)
        self.refresh_bindings()

    def _show_data(self, data: ReviewData) -> None:
        self.query_one(AgreementTable).show(data, self.codebook)
        sources = ", ".join(data.comparison.sources) or _("none yet")
        self.query_one("#review-rule", Static).update(
            _("A = {a}, B = {b}\n\nSources compared: {sources}\n\nRule: {rule}").format(
                a=data.coders[0], b=data.coders[1], sources=sources,
                rule=translate(data.comparison.rule)))
        disputes = sum(len(v) for v in data.disputes.values())
        settled = sum(data.settled_count(code) for code in data.disputes)
        codes = len(data.comparison.codes)
        self._summary(" · ".join((
            ngettext("{count} code", "{count} codes", codes).format(count=formats.number(codes)),
            ngettext("{count} disputed unit-code", "{count} disputed unit-codes", disputes
                     ).format(count=formats.number(disputes)),
            _("{count} settled").format(count=formats.number(settled)),
            *([] if self.size.width < NARROW else [_("enter on a code to settle its disputes")]),
        )))

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
            self.notify(_("The coders agree on every unit for this code."), timeout=4)
            return
        self.app.push_screen(DisputesScreen(data, code, self.codebook),
                             lambda _result: self.recompute())

    def action_close(self) -> None:
        """Back to where the review was opened."""
        self.dismiss(None)

    def palette_commands(self) -> list[Command]:
        """Open a code's disputes; recompute."""
        commands = [Command(_("Review: recompute agreement"), "ctrl+r", self.action_recompute)]
        if self.data is not None:
            for row in self.data.comparison.codes:
                count = len(self.data.disputes.get(row.code, []))
                if count:
                    commands.append(Command(
                        _("Review: settle disputes for {code}").format(code=row.label),
                        ngettext("{count} disputed unit", "{count} disputed units", count
                                 ).format(count=formats.number(count)),
                        partial(self.open_disputes, row.code)))
        return commands
