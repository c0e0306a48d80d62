"""Settle a code's disputed units one by one: each coder's version side by side."""

from __future__ import annotations

from itertools import combinations
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message

from kodebog.adjudication import settle
from kodebog.comparison import Disagreement
from kodebog.i18n import N_, _, formats
from kodebog.store.models import CONSENSUS_CODER
from kodebog.tui.commands import Command
from kodebog.tui.dialogs.text_entry import TextDialog
from kodebog.tui.screens.base import KodebogScreen
from kodebog.tui.widgets.dispute_panel import ConsensusPanel, DisputePanel, DisputeStats
from kodebog.tui.widgets.key_footer import KeyFooter
from kodebog.tui.widgets.status_bar import StatusBar
from kodebog.tui.writer import WriteFailed, WriteJob, WriteWaiting, Written
from kodebog.views.codebook import CodebookView
from kodebog.views.review import ReviewData, Settled, codes_on_unit, load_review

LETTERS = "ABCDEFGH"


class DisputesScreen(KodebogScreen[None]):
    """The disputed units of one code; a key per decision."""

    HELP = N_("""\
## Review: disputes

The units where the coders differ on one code, one at a time: each coder's version side by
side, their spans highlighted in the unit text. Decide what the consensus coder
*konsensus* holds: **a** takes A's codings, **b** B's, **2** both, **0** none. **m** writes
a memo that goes with the next decision (otherwise the decision itself is noted). After a
decision the next unsettled unit is shown and the numbers above are computed again.
**j**/**k** move between disputes, **N** goes to the next unsettled one.
""")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "decide('a')", N_("Take A"), id="disputes.take_a"),
        Binding("b", "decide('b')", N_("Take B"), id="disputes.take_b"),
        Binding("2", "decide('both')", N_("Both"), id="disputes.both"),
        Binding("0", "decide('none')", N_("None"), id="disputes.none"),
        Binding("m", "memo", N_("Memo"), id="disputes.memo"),
        Binding("j,down", "step(1)", N_("Next"), key_display="j/k", id="disputes.next"),
        Binding("k,up", "step(-1)", N_("Previous"), show=False, id="disputes.previous"),
        Binding("N", "next_open", N_("Next unsettled"), show=False, id="disputes.next_open"),
        Binding("escape", "close", N_("Back"), id="disputes.back"),
    ]
    DEFAULT_CSS = """
    DisputesScreen {
        & #dispute-panels { height: 1fr; }
    }
    """

    class Computed(Message):
        """The code's agreement, disputes and settlements have been computed again."""

        def __init__(self, data: ReviewData) -> None:
            self.data = data
            super().__init__()

    def __init__(self, data: ReviewData, code: str, codebook: CodebookView | None) -> None:
        super().__init__()
        self.data = data
        self.code = code
        self.codebook = codebook
        self.index = 0
        self.memo = ""
        self.message = ""
        self.computing = False
        #: False once a worker has read that the coder is not a reviewer (issue 19).
        self.may_settle: bool | None = None

    @property
    def pair(self) -> tuple[str, str]:
        """Coders A and B."""
        return self.data.coders[0], self.data.coders[1]

    @property
    def disputes(self) -> list[Disagreement]:
        """The code's disputed units."""
        return self.data.disputes.get(self.code, [])

    @property
    def current(self) -> Disagreement | None:
        """The dispute shown."""
        items = self.disputes
        return items[self.index] if 0 <= self.index < len(items) else None

    @property
    def label(self) -> str:
        """The code's label."""
        found = self.data.agreement(self.code)
        return found.label if found else self.code

    @property
    def color(self) -> str:
        """The code's colour."""
        code = self.codebook.get(self.code) if self.codebook else None
        return code.color if code else "#888888"

    def compose(self) -> ComposeResult:
        """Numbers, a panel per coder, the consensus, the keys."""
        yield StatusBar(id="status")
        yield DisputeStats(id="dispute-stats")
        with Horizontal(id="dispute-panels"):
            for number, coder in enumerate(self.data.coders):
                yield DisputePanel(LETTERS[number] if number < len(LETTERS) else "", coder,
                                   id=f"coder-{number}")
        yield ConsensusPanel(id="consensus")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Start at the first unsettled dispute."""
        self._show_titles()
        first = self._next_open(-1, 1)
        self.index = first if first is not None else 0
        self._show()
        self.read_role()

    def _show_titles(self) -> None:
        self.query_one(ConsensusPanel).border_title = _("Consensus · {coder}").format(
            coder=CONSENSUS_CODER)

    def language_changed(self) -> None:
        """Titles, the dispute and keys in the language now in use."""
        self._show_titles()
        for panel in self.query(DisputePanel):
            panel.language_changed()
        self._show()
        self.refresh_bindings()

    @work(thread=True, group="disputes-role", exit_on_error=False)
    def read_role(self) -> None:
        """Whether this coder may settle (only reviewers, once the project has users)."""
        from kodebog.users import may_settle

        with self.kodebog.store.read() as session:
            allowed = may_settle(session, self.kodebog.coder or "")
        self.app.call_from_thread(setattr, self, "may_settle", allowed)

    # showing

    def _settled(self, item: Disagreement) -> Settled | None:
        return self.data.settled.get((item.unit_id, self.code))

    def _show(self) -> None:
        item = self.current
        total = len(self.disputes)
        wide = self.app.size.width >= 100  # a small terminal: the code, the unit, the speaker
        where = (f"{item.source} #{item.unit}" if wide else f"#{item.unit}") if item else ""
        if item is not None and item.speaker:
            where += f" · {item.speaker}"
        self.query_one(StatusBar).set_where(
            *(("kodebog", self.kodebog.project_name) if wide else ()),
            _("Review: {code}").format(code=self.label) if wide else self.label,
            _("dispute {number}/{total}").format(
                number=formats.number(self.index + 1 if item else 0),
                total=formats.number(total)), where)
        self.query_one(StatusBar).say(self.message)
        self._show_stats()
        if item is None:
            return
        others = codes_on_unit(self.kodebog.store, item.unit_id, self.data.coders)
        for panel in self.query(DisputePanel):
            labels = [self._label_of(code) for code in others.get(panel.coder, [])
                      if code != self.code]
            panel.show(item, self.color, labels)
        consensus = Text()
        if self.message:
            consensus.append(f"{self.message}\n", style="italic")
        settled = self._settled(item)
        if settled is None:
            consensus.append(_("not settled yet"), style="dim")
        else:
            consensus.append(settled.describe(), style="bold")
            if settled.reviewer:
                consensus.append(" " + _("(by {reviewer})").format(reviewer=settled.reviewer),
                                 style="dim")
            whole = len(item.text)
            spans = [_("whole unit") if s == (0, whole) else f"{s[0]}–{s[1]}"
                     for s in settled.spans]
            consensus.append(f": {', '.join(spans)}" if spans else ": " + _("no coding"))
            if settled.memo:
                consensus.append(f"\n✎ {settled.memo}", style="italic")
        consensus.append("\n" + _("Memo for the next decision:") + " ", style="bold")
        if self.memo:
            consensus.append(self.memo, style="italic")
        else:
            consensus.append(_("(none: m writes one)"), style="dim")
        self.query_one(ConsensusPanel).show_text(consensus)

    def _label_of(self, code_id: str) -> str:
        code = self.codebook.get(code_id) if self.codebook else None
        return code.label if code else code_id

    def _show_stats(self) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        row = self.data.agreement(self.code)
        if row is not None:
            for coder in self.data.coders:
                text.append(f"{coder} ", style="bold")
                text.append(f"{formats.number(row.counts.get(coder, 0))}  ")
            text.append(_("agree") + " ", style="dim")
            text.append(f"{formats.percent(100 * row.percent)}  " if row.percent is not None
                        else "–  ")
            for a, b in combinations(self.data.coders, 2):
                value = row.kappa.get(f"{a}|{b}")
                text.append(f"κ {a}|{b} ", style="dim")
                text.append(f"{formats.decimal(value, 3)}  " if value is not None else "–  ")
            text.append("α ", style="dim")
            text.append(f"{formats.decimal(row.alpha, 3)}  " if row.alpha is not None
                        else "–  ")
        total = len(self.disputes)
        settled = self.data.settled_count(self.code)
        text.append(_("settled") + " ", style="dim")
        text.append(f"{settled}/{total}", style="bold green" if settled == total else "bold")
        if self.computing:
            text.append("  " + _("computing…"), style="dim italic")
        self.query_one(DisputeStats).show_text(text)

    # moving

    def _next_open(self, start: int, step: int) -> int | None:
        items = self.disputes
        for offset in range(1, len(items) + 1):
            index = (start + step * offset) % len(items)
            if self._settled(items[index]) is None:
                return index
        return None

    def action_step(self, step: int) -> None:
        """The next (or previous) dispute."""
        if not self.disputes:
            return
        self.index = max(0, min(self.index + step, len(self.disputes) - 1))
        self.message = ""
        self._show()

    def action_next_open(self) -> None:
        """The next dispute without a decision."""
        found = self._next_open(self.index, 1)
        if found is None:
            self.message = _("every dispute of this code is settled")
        else:
            self.index, self.message = found, ""
        self._show()

    # deciding

    def action_decide(self, decision: str) -> None:
        """Settle the shown dispute for the consensus coder, then show the next open one.

        The decision shows at once; the write worker stores it (in order with every other
        write of the app) and the numbers are computed again once it is stored.
        """
        item = self.current
        if item is None:
            return
        if self.may_settle is False:
            self.message = _("{coder} is not a reviewer; only reviewers settle").format(
                coder=self.kodebog.coder)
            self._show()
            return
        reviewer = self.kodebog.coder or ""
        store, code, pair, memo = self.kodebog.store, self.code, self.pair, self.memo or None
        key = (item.unit_id, code)
        before = self.data.settled.get(key)
        self.data.settled[key] = Settled(decision, pair, reviewer, memo, ())

        def run() -> object:
            return settle(store, reviewer, item.unit_id, code, pair, decision, memo)

        self.kodebog.writer.submit(WriteJob(
            _("the decision on {source} #{unit}").format(source=item.source, unit=item.unit),
            run, self, (key, before)))
        self.memo = ""
        done = f"{item.source} #{item.unit}: {self.data.settled[key].describe()}"
        found = self._next_open(self.index, 1)
        if found is None:
            self.message = f"{done} · " + _("every dispute of this code is settled")
        else:
            self.index, self.message = found, done
        self._show()

    def on_written(self, message: Written) -> None:
        """A decision is stored: keep its spans and compute the numbers again."""
        context = message.job.context
        if not isinstance(context, tuple):
            return
        key, _before = context
        shown = self.data.settled.get(key)
        if shown is not None:
            spans = tuple(getattr(message.result, "spans", ()) or ())
            self.data.settled[key] = Settled(shown.decision, shown.coders, shown.reviewer,
                                             shown.memo, spans)
        self.computing = True
        self._show()
        self.recompute()

    def on_write_waiting(self, message: WriteWaiting) -> None:
        """The project is busy: say so; the decision is retried."""
        self.message = _("{reason}: retrying").format(reason=message.reason)
        self._show()

    def on_write_failed(self, message: WriteFailed) -> None:
        """A decision was not stored: say so and show the dispute as open again."""
        context = message.job.context
        if isinstance(context, tuple):
            key, before = context
            if before is None:
                self.data.settled.pop(key, None)
            else:
                self.data.settled[key] = before
        self.message = message.reason
        self.notify(message.reason, severity="error", timeout=8)
        self._show()

    @work(thread=True, exclusive=True, group="disputes", exit_on_error=False)
    def recompute(self) -> None:
        """The code's numbers and disputes again (others may be coding meanwhile)."""
        self.post_message(self.Computed(load_review(self.kodebog.store, self.data.coders,
                                                    self.code)))

    def on_disputes_screen_computed(self, message: Computed) -> None:
        """Show the new numbers, staying on the same unit."""
        shown = self.current
        fresh = message.data
        self.data.comparison.codes = [
            fresh.agreement(self.code) or row if row.code == self.code else row
            for row in self.data.comparison.codes
        ]
        self.data.disputes[self.code] = fresh.disputes.get(self.code, [])
        self.data.settled.update(fresh.settled)
        if shown is not None:
            ids = [d.unit_id for d in self.disputes]
            if shown.unit_id in ids:
                self.index = ids.index(shown.unit_id)
            else:
                self.index = min(self.index, max(0, len(ids) - 1))
        self.computing = False
        self._show()

    def action_memo(self) -> None:
        """Write the memo that goes with the next decision."""
        item = self.current
        if item is None:
            return
        self.app.push_screen(
            TextDialog(_("Memo for the decision on {source} #{unit}").format(
                source=item.source, unit=item.unit), self.memo,
                _("Kept with the next decision (a, b, 2 or 0) on this unit.")),
            self._memo_written)

    def _memo_written(self, text: str | None) -> None:
        if text is not None:
            self.memo = text
            self._show()

    def action_close(self) -> None:
        """Back to the agreement table."""
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Decisions need a dispute to decide."""
        if action in {"decide", "memo", "step", "next_open"}:
            return self.current is not None
        return True

    def palette_commands(self) -> list[Command]:
        """The decisions and moves."""
        a, b = self.pair
        return [
            Command(_("Settle: take A ({coder})").format(coder=a), "a",
                    lambda: self.action_decide("a")),
            Command(_("Settle: take B ({coder})").format(coder=b), "b",
                    lambda: self.action_decide("b")),
            Command(_("Settle: take both"), "2", lambda: self.action_decide("both")),
            Command(_("Settle: take none"), "0", lambda: self.action_decide("none")),
            Command(_("Settle: memo for the next decision…"), "m", self.action_memo),
            Command(_("Go: next unsettled dispute"), "N", self.action_next_open),
            Command(_("Go: back to the agreement table"), "esc", self.action_close),
        ]
