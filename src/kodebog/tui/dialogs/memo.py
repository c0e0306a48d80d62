"""Writes a memo: on the current unit, or on one of your codings of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Select, TextArea

from kodebog.i18n import N_, _
from kodebog.tui.dialogs.text_dialog_base import FramedTextDialog

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


class MemoDialog(FramedTextDialog[MemoResult]):
    """A memo editor with a choice of what the memo is about."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), id="memo.save"),
        Binding("escape", "cancel", N_("Cancel"), id="memo.cancel"),
    ]
    DEFAULT_CSS = "MemoDialog > Vertical { width: 80; height: 22; }"

    def __init__(self, title: str, targets: list[MemoTarget], selected: str) -> None:
        current = next((t for t in targets if t.key == selected), targets[0])
        super().__init__("[b]" + _("Memo") + "[/b] · " + title, current.text,
                         "memo-text")
        self.targets = targets
        self.selected = current.key

    def compose_above(self) -> ComposeResult:
        """The choice of target."""
        yield Select([(t.label, t.key) for t in self.targets], value=self.selected,
                     allow_blank=False, id="memo-target")

    def on_select_changed(self, event: Select.Changed) -> None:
        """Load the memo of the chosen target."""
        target = next((t for t in self.targets if t.key == event.value), None)
        if target is not None:
            self.query_one(TextArea).text = target.text

    def action_save(self) -> None:
        """Store the memo (an empty memo removes it)."""
        target = self.query_one("#memo-target", Select).value
        self.dismiss(MemoResult(str(target), self.written()))
