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
        self._where = [p for p in parts if p]
        self._compose_text()

    def say(self, message: str) -> None:
        """Show the result of the last action."""
        self._message = message
        self._compose_text()

    def _compose_text(self) -> None:
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        for number, part in enumerate(self._where):
            if number:
                text.append(" │ ", style="dim")
            text.append(part, style="bold" if number == 0 else "")
        if self._message:
            text.append("\t")
            text.append(self._message, style="italic")
        self.show_text(text)

    def _render_text(self) -> Text:
        """The message right-aligned in the width available."""
        if "\t" not in self.text.plain:
            return self.text
        left, right = self.text.split("\t")
        room = self.scrollable_content_region.width - left.cell_len - right.cell_len
        return Text.assemble(left, " " * max(2, room), right, no_wrap=True, end="")
