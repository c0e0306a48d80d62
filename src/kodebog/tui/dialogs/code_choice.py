"""Choose where a code goes: a new parent (move) or the code it merges into (merge)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, TextArea

from kodebog.i18n import N_, _
from kodebog.tui.dialogs.code_form import TOP, parent_options
from kodebog.views.codebook import CodebookView, CodeView


@dataclass(frozen=True)
class CodeChoice:
    """The chosen code (None: the top level) and, for a merge, the definition to keep."""

    code_id: str | None
    description: str | None = None


class CodeChoiceDialog(ModalScreen[CodeChoice | None]):
    """Move: choose a parent. Merge: choose the code to merge into and its definition.

    For a merge the definition field offers both codes' definitions, so the merged code's
    text can be written from them.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), id="code_choice.save"),
        Binding("escape", "cancel", N_("Cancel"), id="code_choice.cancel"),
    ]
    DEFAULT_CSS = """
    CodeChoiceDialog {
        align: center middle;
        & > Vertical {
            width: 76; height: auto; max-height: 22; border: thick $accent;
            background: $panel; padding: 0 1;
        }
        & .caption { color: $text-muted; margin-top: 1; }
        & TextArea { height: 8; }
        & .buttons { height: auto; align-horizontal: right; margin-top: 1; }
        & Button { margin-left: 2; }
    }
    """

    def __init__(self, code: CodeView, codebook: CodebookView, *, merge: bool) -> None:
        super().__init__()
        self.code = code
        self.codebook = codebook
        self.merge = merge

    def compose(self) -> ComposeResult:
        """Title, the choice, (for a merge) the definition, buttons."""
        code = self.code
        with Vertical():
            if self.merge:
                yield Label(_("Merge {label} ({id}) into …").format(label=code.label, id=code.id),
                            markup=False)
                yield Label(_("Its codings, keywords and examples go to the chosen code; its id "
                              "stays as an alias. ctrl+z undoes."), classes="caption")
                options = [(("  " * c.depth) + c.label, c.id) for c in self.codebook.codes
                           if c.id != code.id]
                yield Select(options, id="target", prompt=_("Choose the code to merge into"))
                yield Label(_("Definition of the merged code"), classes="caption")
                yield TextArea("", id="description")
            else:
                yield Label(_("Move {label} ({id}) under …").format(label=code.label, id=code.id),
                            markup=False)
                yield Select(parent_options(self.codebook, leave_out=code.id),
                             value=code.parent or TOP, allow_blank=False, id="target")
            with Horizontal(classes="buttons"):
                yield Button(_("Cancel"), id="cancel")
                yield Button(_("Merge (ctrl+s)") if self.merge else _("Move (ctrl+s)"),
                             variant="primary", id="save")

    def on_mount(self) -> None:
        """Start with the choice."""
        self.query_one("#target", Select).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        """Offer both definitions for the merged code."""
        if not self.merge or event.value is Select.BLANK:
            return
        target = self.codebook.get(str(event.value))
        if target is None:
            return
        parts = [target.entry.description, self.code.entry.description]
        self.query_one("#description", TextArea).text = "\n\n".join(p for p in parts if p)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Save or cancel."""
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        """Close with the choice."""
        value = self.query_one("#target", Select).value
        if self.merge:
            if value is Select.BLANK:
                self.notify(_("Choose the code to merge into."), severity="warning", timeout=3)
                return
            text = self.query_one("#description", TextArea).text.strip()
            self.dismiss(CodeChoice(str(value), text))
            return
        self.dismiss(CodeChoice(None if value in (TOP, Select.BLANK) else str(value)))

    def action_cancel(self) -> None:
        """Close without a change."""
        self.dismiss(None)
