"""Writes a memo: on the current unit, or on one of your codings of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, TextArea

UNIT = "unit"


@dataclass(frozen=True)
class MemoTarget:
    """Something a memo can be written on: the unit, or a coding (by id)."""

    key: str
    label: str
    text: str


@dataclass(frozen=True)
class MemoResult:
    """The memo to store: ``target`` is ``unit`` or a coding id as text."""

    target: str
    text: str


class MemoDialog(ModalScreen[MemoResult | None]):
    """A memo editor with a choice of what the memo is about."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="memo.save"),
        Binding("escape", "cancel", "Cancel", id="memo.cancel"),
    ]
    DEFAULT_CSS = """
    MemoDialog {
        align: center middle;
        & > Vertical {
            width: 80;
            height: 22;
            border: thick $accent;
            background: $panel;
            padding: 1 2;
        }
        & TextArea { height: 1fr; margin: 1 0; }
        & Horizontal { height: auto; align-horizontal: right; }
        & Button { margin-left: 2; }
    }
    """

    def __init__(self, title: str, targets: list[MemoTarget], selected: str) -> None:
        super().__init__()
        self.title_text = title
        self.targets = targets
        self.selected = selected

    def compose(self) -> ComposeResult:
        """Target, text and buttons."""
        current = next((t for t in self.targets if t.key == self.selected), self.targets[0])
        with Vertical():
            yield Label(f"[b]Memo[/b] · {self.title_text}")
            yield Select([(t.label, t.key) for t in self.targets], value=current.key,
                         allow_blank=False, id="memo-target")
            yield TextArea(current.text, id="memo-text")
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button("Save (ctrl+s)", variant="primary", id="save")

    def on_mount(self) -> None:
        """Start typing at once."""
        self.query_one(TextArea).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        """Load the memo of the chosen target."""
        target = next((t for t in self.targets if t.key == event.value), None)
        if target is not None:
            self.query_one(TextArea).text = target.text

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Save or cancel."""
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        """Store the memo (an empty memo removes it)."""
        target = self.query_one("#memo-target", Select).value
        self.dismiss(MemoResult(str(target), self.query_one(TextArea).text.strip()))

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)
