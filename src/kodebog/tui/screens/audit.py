"""The consistency audit: findings grouped by kind; enter opens a finding's unit for coding."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Static, Tree

from kodebog.audit import AuditFinding
from kodebog.i18n import N_, _, formats, ngettext, translate
from kodebog.tui.commands import Command
from kodebog.tui.screens.base import KodebogScreen
from kodebog.tui.widgets.key_footer import KeyFooter
from kodebog.tui.widgets.status_bar import StatusBar
from kodebog.views.review import load_audit, unit_of_link

KIND_LABELS = {
    "near_duplicate": N_("Near-duplicate units coded differently"),
    "single_coder": N_("Codes only one coder uses"),
    "exclude_keyword": N_("Codings that contain an excluded word"),
    "drift": N_("Drift: a coder's use of a code changed"),
    "unused": N_("Codes never used"),
}


class AuditTree(Tree[int]):
    """The findings under one node per kind."""

    HELP = N_("""\
## Findings

Each finding is a place where the coding contradicts itself. **enter** on a finding opens
its (first) unit on the coding screen; **enter** on a kind folds it.
""")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", N_("Open unit"), id="audit.open"),
    ]
    DEFAULT_CSS = """
    AuditTree {
        height: 1fr;
        overflow-x: hidden;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        background: $surface;
        &:focus { border: round $accent; }
    }
    """

    def show(self, findings: list[AuditFinding]) -> None:
        """One node per kind (in the audit's order), a leaf per finding."""
        self.clear()
        kinds: dict[str, list[int]] = {}
        for number, finding in enumerate(findings):
            kinds.setdefault(finding.kind, []).append(number)
        for kind, numbers in kinds.items():
            label = Text()
            label.append(translate(KIND_LABELS.get(kind, kind)), style="bold")
            label.append(f"  {formats.number(len(numbers))}", style="dim")
            group = self.root.add(label, expand=True)
            for number in numbers:
                finding = findings[number]
                group.add_leaf(Text(finding.message, no_wrap=True, overflow="ellipsis"),
                               data=number)
        self.cursor_line = 1 if findings else 0


class AuditScreen(KodebogScreen[None]):
    """Run the audit in a worker and list what it found."""

    HELP = N_("""\
## Review: consistency audit

Places where the project's coding contradicts itself: near-duplicate units coded
differently, codes only one coder uses, codings that contain a word the code's definition
excludes, drift in a coder's use of a code, and codes never used. **enter** on a finding
opens its unit on the coding screen; **ctrl+r** runs the audit again.
""")

    AUTO_FOCUS = "AuditTree"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Back"), id="audit.back"),
        Binding("ctrl+r", "rerun", N_("Run again"), id="audit.rerun"),
    ]
    DEFAULT_CSS = """
    AuditScreen {
        & #audit-detail {
            height: 7;
            border: round $panel-lighten-2;
            border-title-color: $text-muted;
            padding: 0 1;
            background: $surface;
        }
        & #audit-summary { padding: 0 2; color: $text-muted; height: 1; }
    }
    """

    class Done(Message):
        """The audit has run."""

        def __init__(self, findings: list[AuditFinding]) -> None:
            self.findings = findings
            super().__init__()

    def __init__(self) -> None:
        super().__init__()
        self.findings: list[AuditFinding] | None = None

    def compose(self) -> ComposeResult:
        """Findings, the highlighted one in full, a summary."""
        yield StatusBar(id="status")
        yield AuditTree(_("Audit"), id="audit-tree")
        yield Static("", id="audit-detail")
        yield Static("", id="audit-summary")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Run the audit."""
        self.query_one(AuditTree).show_root = False
        self._show_titles()
        self.action_rerun()

    def _show_titles(self) -> None:
        self.query_one(StatusBar).set_where("kodebog", self.kodebog.project_name,
                                            _("Review: consistency audit"))
        self.query_one(AuditTree).border_title = _("Findings")
        self.query_one("#audit-detail").border_title = _("Finding")

    def language_changed(self) -> None:
        """Titles, findings and keys in the language now in use."""
        self._show_titles()
        if self.findings is not None:
            self._show_findings(self.findings)
        self.refresh_bindings()

    def action_rerun(self) -> None:
        """Run the audit (again)."""
        self.query_one(AuditTree).loading = True
        self.query_one("#audit-summary", Static).update(_("running the audit…"))
        self.run_audit()

    @work(thread=True, exclusive=True, group="audit", exit_on_error=False)
    def run_audit(self) -> None:
        """The audit, in a worker."""
        self.post_message(self.Done(load_audit(self.kodebog.store)))

    def on_audit_screen_done(self, message: Done) -> None:
        """List the findings."""
        self.findings = message.findings
        self.query_one(AuditTree).loading = False
        self._show_findings(message.findings)
        self.refresh_bindings()

    def _show_findings(self, findings: list[AuditFinding]) -> None:
        self.query_one(AuditTree).show(findings)
        kinds = len({f.kind for f in findings})
        count = len(findings)
        summary = " · ".join((
            ngettext("{count} finding", "{count} findings", count).format(
                count=formats.number(count)) + " " + ngettext(
                "of {kinds} kind", "of {kinds} kinds", kinds).format(kinds=formats.number(kinds)),
            _("enter opens a finding's unit"))) if findings else _("No inconsistencies found.")
        self.query_one("#audit-summary", Static).update(summary)
        self._show_detail()

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[int]) -> None:
        """Show the highlighted finding in full."""
        self._show_detail()

    def _highlighted(self) -> AuditFinding | None:
        node = self.query_one(AuditTree).cursor_node
        if node is None or node.data is None or self.findings is None:
            return None
        return self.findings[node.data]

    def _show_detail(self) -> None:
        finding = self._highlighted()
        text = Text()
        if finding is not None:
            text.append(finding.message + "\n")
            if finding.code:
                text.append(_("code") + " ", style="dim")
                text.append(f"{finding.code}  ")
            if finding.coder:
                text.append(_("coder") + " ", style="dim")
                text.append(finding.coder)
            if finding.units:
                more = _(" and {count} more").format(count=formats.number(
                    len(finding.units) - 3)) if len(finding.units) > 3 else ""
                text.append("\n" + _("units") + " ", style="dim")
                text.append(", ".join(str(u) for u in finding.units[:3]) + more)
            else:
                text.append("\n" + _("no unit to open"), style="dim")
        self.query_one("#audit-detail", Static).update(text)

    def on_tree_node_selected(self, event: Tree.NodeSelected[int]) -> None:
        """Open the finding's first unit on the coding screen."""
        if event.node.data is not None:
            self.open_finding(event.node.data)

    def open_finding(self, number: int) -> None:
        """Close the audit and show the finding's first unit for coding."""
        if self.findings is None:
            return
        finding = self.findings[number]
        if not finding.units:
            self.notify(_("This finding is about a code, not a unit."), timeout=4)
            return
        found = unit_of_link(self.kodebog.store, finding.units[0])
        if found is None:
            self.notify(_("{unit} is no longer in the project.").format(unit=finding.units[0]),
                        severity="warning")
            return
        source_id, unit_id = found
        word = finding.detail.get("word")
        app = self.kodebog
        self.dismiss(None)
        app.open_source(source_id, unit_id, f'"{word}"' if isinstance(word, str) else None)

    def action_close(self) -> None:
        """Back to where the audit was opened."""
        self.dismiss(None)

    def palette_commands(self) -> list[Command]:
        """Run the audit again."""
        return [Command(_("Review: run the audit again"), "ctrl+r", self.action_rerun)]
