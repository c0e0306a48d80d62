"""The one-line bar at the top: where you are, who you are, what just happened."""

from __future__ import annotations

from rich.text import Text

from kodebog.tui.widgets.text_lines import TextLines


class StatusBar(TextLines):
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
        where = [p for p in parts if p]
        if where != self._where:
            self._where = where
            self._compose_text()

    def say(self, message: str) -> None:
        """Show the result of the last action."""
        if message != self._message:
            self._message = message
            self._compose_text()

    def _compose_text(self) -> None:
        self.text = Text.assemble(self._joined(self._where), "  ", self._message)
        self._lines = None
        self.refresh()

    @staticmethod
    def _joined(parts: list[str]) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        for number, part in enumerate(parts):
            if number:
                text.append(" │ ", style="dim")
            text.append(part, style="bold" if number == 0 else "")
        return text

    def _render_text(self) -> Text:
        """Where you are on the left, the message right-aligned; never cut off silently.

        When both do not fit, the location loses its first parts (program, project) so
        the message shows whole; a message wider than the bar is cut with an ellipsis.
        """
        width = self.scrollable_content_region.width or 80
        parts = list(self._where)
        message = Text(self._message, style="italic", no_wrap=True, end="")
        if not message.plain:
            left = self._joined(parts)
            while len(parts) > 1 and left.cell_len > width:
                parts.pop(0)
                left = self._joined(parts)
            return left
        if message.cell_len > width:
            message.truncate(width, overflow="ellipsis")
        left = self._joined(parts)
        while len(parts) > 1 and left.cell_len + 2 + message.cell_len > width:
            parts.pop(0)
            left = self._joined(parts)
        if left.cell_len + 2 + message.cell_len > width:
            left.truncate(max(0, width - message.cell_len - 2), overflow="ellipsis")
        room = width - left.cell_len - message.cell_len
        return Text.assemble(left, " " * max(0, room), message, no_wrap=True, end="")
