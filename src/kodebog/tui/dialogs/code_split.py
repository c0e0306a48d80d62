"""Split a code: pick the codings that go to a new code, and name it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, SelectionList

from kodebog.codebook import slug_from_label
from kodebog.codebook_live import CodedQuote
from kodebog.i18n import N_, _
from kodebog.views.codebook import CodeView


@dataclass(frozen=True)
class SplitForm:
    """The new code's label and id (None: from the label) and the codings it takes."""

    label: str
    code_id: str | None
    coding_ids: list[int]


class SplitDialog(ModalScreen[SplitForm | None]):
    """The code's codings (every coder's) to tick with space; ctrl+s splits."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Split"), id="code_split.save"),
        Binding("escape", "cancel", N_("Cancel"), id="code_split.cancel"),
    ]
    DEFAULT_CSS = """
    SplitDialog {
        align: center middle;
        & > Vertical {
            width: 76; height: 22; border: thick $accent; background: $panel; padding: 0 1;
        }
        & .caption { color: $text-muted; }
        & SelectionList { height: 1fr; }
        & Horizontal { height: auto; }
        & Input { width: 1fr; }
        & .buttons { align-horizontal: right; }
        & Button { margin-left: 2; }
    }
    """

    def __init__(self, code: CodeView, quotes: list[CodedQuote]) -> None:
        super().__init__()
        self.code = code
        self.quotes = quotes

    def compose(self) -> ComposeResult:
        """Title, new label and id, the codings, buttons."""
        with Vertical():
            yield Label(_("Split {label} ({id}): tick the codings (space) that go to the new "
                          "code").format(label=self.code.label, id=self.code.id), markup=False)
            with Horizontal():
                yield Input(id="label", placeholder=_("label of the new code"), compact=True)
                yield Input(id="code-id", placeholder=_("id (from the label)"), compact=True)
            yield SelectionList[int](
                *[(Text(f"{q.source} {q.ordinal} · {q.coder} · {' '.join(q.text.split())[:70]}"),
                   q.coding_id) for q in self.quotes],
                id="codings",
            )
            with Horizontal(classes="buttons"):
                yield Button(_("Cancel"), id="cancel")
                yield Button(_("Split (ctrl+s)"), variant="primary", id="save")

    def on_mount(self) -> None:
        """Start with the label."""
        self.query_one("#label", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Show the id the label would give."""
        if event.input.id == "label":
            self.query_one("#code-id", Input).placeholder = (
                slug_from_label(event.value) or _("id (from the label)"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Split or cancel."""
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        """Close with the new code and the ticked codings."""
        label = self.query_one("#label", Input).value.strip()
        chosen = list(self.query_one("#codings", SelectionList).selected)
        if not label:
            self.notify(_("Write the new code's label."), severity="warning", timeout=3)
            return
        if not chosen:
            self.notify(_("Tick the codings that go to the new code (space)."),
                        severity="warning", timeout=3)
            return
        code_id = self.query_one("#code-id", Input).value.strip() or None
        self.dismiss(SplitForm(label, code_id, [int(i) for i in chosen]))

    def action_cancel(self) -> None:
        """Close without a change."""
        self.dismiss(None)
