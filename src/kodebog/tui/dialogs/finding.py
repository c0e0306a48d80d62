"""Writes the analyst's finding statement for a code, refusing to overwrite a newer version."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static, TextArea

from kodebog.errors import ConflictError, KodebogError
from kodebog.finding_edit import FindingEdit, FindingState, read_finding, set_finding
from kodebog.store import Store


def _stamp(state: FindingState) -> str:
    if not state.version:
        return "No finding written for this code yet."
    when = f" at {state.updated_at:%Y-%m-%d %H:%M}" if state.updated_at else ""
    return f"Version {state.version}, saved by {state.updated_by or 'someone'}{when}."


class FindingDialog(ModalScreen[FindingEdit | None]):
    """The statement in a text area; saving checks the version it was opened with."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="finding.save"),
        Binding("escape", "cancel", "Cancel", id="finding.cancel"),
    ]
    DEFAULT_CSS = """
    FindingDialog {
        align: center middle;
        & > Vertical {
            width: 90;
            height: 30;
            border: thick $accent;
            background: $panel;
            padding: 1 2;
        }
        & #finding-stamp { color: $text-muted; }
        & TextArea { height: 1fr; margin: 1 0 0 0; }
        & #finding-conflict {
            display: none;
            height: auto;
            max-height: 9;
            margin-top: 1;
            padding: 0 1;
            border: round $error;
            color: $text-error;
        }
        & #finding-conflict.shown { display: block; }
        & Horizontal { height: auto; margin-top: 1; align-horizontal: right; }
        & Button { margin-left: 2; }
    }
    """

    def __init__(self, store: Store, coder: str, code: str, label: str,
                 state: FindingState) -> None:
        super().__init__()
        self.store = store
        self.coder = coder
        self.code = code
        self.label = label
        self.state = state
        self.base_version = state.version

    def compose(self) -> ComposeResult:
        """Title, version, text, conflict notice, buttons."""
        with Vertical():
            yield Label(f"[b]Finding[/b] · {self.label}")
            yield Label(_stamp(self.state), id="finding-stamp", markup=False)
            yield TextArea(self.state.statement, id="finding-text")
            yield Static("", id="finding-conflict", markup=False)
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button("Save (ctrl+s)", variant="primary", id="save")

    def on_mount(self) -> None:
        """Start writing at once."""
        self.query_one(TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Save or cancel."""
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        """Store the statement if nobody saved a newer version meanwhile."""
        text = self.query_one(TextArea).text.strip()
        if not text:
            self.notify("The finding is empty: write it, or press esc to leave it as it was.",
                        severity="warning")
            return
        try:
            edit = set_finding(self.store, self.coder, self.code, text, self.base_version)
        except ConflictError as error:
            self._conflict(str(error))
            return
        except KodebogError as error:
            self.notify(str(error), severity="error", timeout=8)
            return
        self.dismiss(edit)

    def _conflict(self, message: str) -> None:
        """Show what the other person saved; a second save replaces it knowingly."""
        with self.store.read() as session:
            theirs = read_finding(session, self.code)
        self.base_version = theirs.version
        self.query_one("#finding-stamp", Label).update(_stamp(theirs))
        notice = self.query_one("#finding-conflict", Static)
        notice.update(f"Not saved: {message}\n\nTheir version {theirs.version}:\n"
                      f"{theirs.statement or '(empty)'}\n\n"
                      "ctrl+s again replaces it with your text; esc keeps theirs.")
        notice.add_class("shown")
        self.notify(f"Not saved: {message}", severity="error", timeout=10)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)
