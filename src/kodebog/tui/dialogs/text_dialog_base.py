"""The frame the text dialogs share: a title, a text area and Cancel / Keep buttons."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, TextArea

from kodebog.i18n import N_, _, translate

ResultT = TypeVar("ResultT")


class FramedTextDialog(ModalScreen[ResultT | None]):
    """A framed text editor; subclasses bring the bindings, the size and ``action_save``.

    Extra widgets go above or below the text area by overriding ``compose_above`` or
    ``compose_below``. Escape and Cancel dismiss with None.
    """

    KEEP: ClassVar[str] = N_("Save")
    """The word on the keep button (and, by convention, on the ctrl+s binding)."""

    DEFAULT_CSS = """
    FramedTextDialog {
        align: center middle;
        & > Vertical {
            border: thick $accent;
            background: $panel;
            padding: 1 2;
        }
        & .hint { color: $text-muted; }
        & TextArea { height: 1fr; margin: 1 0; }
        & Horizontal { height: auto; align-horizontal: right; }
        & Button { margin-left: 2; }
    }
    """

    def __init__(self, heading: str, text: str, text_id: str, *, markup: bool = True) -> None:
        super().__init__()
        self.heading = heading
        self.heading_markup = markup
        self.initial = text
        self.text_id = text_id

    def compose(self) -> ComposeResult:
        """Title, extras, text, extras, buttons."""
        with Vertical():
            yield Label(self.heading, markup=self.heading_markup)
            yield from self.compose_above()
            yield TextArea(self.initial, id=self.text_id)
            yield from self.compose_below()
            with Horizontal():
                yield Button(_("Cancel"), id="cancel")
                yield Button(_("{action} (ctrl+s)").format(action=translate(self.KEEP)),
                             variant="primary", id="save")

    def compose_above(self) -> ComposeResult:
        """Widgets between the title and the text area."""
        yield from ()

    def compose_below(self) -> ComposeResult:
        """Widgets between the text area and the buttons."""
        yield from ()

    def written(self) -> str:
        """The text in the text area, stripped."""
        return self.query_one(TextArea).text.strip()

    def on_mount(self) -> None:
        """Start typing at once."""
        self.query_one(TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Keep or cancel."""
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        """Close with what was written (each dialog says how)."""
        raise NotImplementedError

    def action_cancel(self) -> None:
        """Close without keeping anything."""
        self.dismiss(None)
