"""The one-line bar at the top: where you are, who you are, what just happened."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class StatusBar(Widget):
    """Where you are on the left, the last action's result on the right."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        width: 1fr;
        background: $panel;
        color: $text;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._where: list[str] = []
        self._message = ""

    def set_where(self, *parts: str) -> None:
        """The parts of the location, joined by bars."""
        self._where = [p for p in parts if p]
        self._show()

    def say(self, message: str) -> None:
        """Show the result of the last action."""
        self._message = message
        self._show()

    def _show(self) -> None:
        self.refresh()

    def render(self) -> Text:
        """Location left, message right."""
        text = Text(no_wrap=True, overflow="ellipsis")
        for number, part in enumerate(self._where):
            if number:
                text.append(" │ ", style="dim")
            text.append(part, style="bold" if number == 0 else "")
        if self._message:
            width = max(0, self.size.width - 2 - text.cell_len - len(self._message))
            text.append(" " * max(2, width))
            text.append(self._message, style="italic")
        return text
