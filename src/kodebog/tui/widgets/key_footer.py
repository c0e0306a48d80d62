"""A one-line footer with the keys that apply now, drawn as text (cheap to redraw)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.screen import Screen
from textual.widget import Widget


class KeyFooter(Widget):
    """The active, shown bindings of the screen: key and description, one line.

    Textual's Footer mounts a widget per key and is rebuilt whenever bindings change, which
    costs ~100 ms here; this footer only repaints. Clicking a key runs its action.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-footer--key",
        "key-footer--description",
        "key-footer--disabled",
    }
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        & > .key-footer--key { color: $footer-key-foreground; text-style: bold; }
        & > .key-footer--description { color: $footer-description-foreground; }
        & > .key-footer--disabled { color: $text-disabled; }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, Binding]] = []

    def on_mount(self) -> None:
        """Repaint when the screen's bindings change."""
        self.screen.bindings_updated_signal.subscribe(self, self._changed)

    def on_unmount(self) -> None:
        """Stop listening."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _changed(self, screen: Screen[object]) -> None:
        self.refresh()

    def shown(self) -> list[tuple[Binding, bool]]:
        """The bindings shown, one per action, with whether each is enabled."""
        seen: set[str] = set()
        shown: list[tuple[Binding, bool]] = []
        palette: tuple[Binding, bool] | None = None
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.action in ("command_palette", "app.command_palette"):
                palette = (binding, active.enabled)
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            shown.append((binding, active.enabled))
        if palette is not None:
            shown.append(palette)
        return shown

    def render(self) -> Text:
        """Keys and descriptions."""
        key_style = self.get_component_rich_style("key-footer--key", partial=True)
        description_style = self.get_component_rich_style("key-footer--description",
                                                          partial=True)
        disabled = self.get_component_rich_style("key-footer--disabled", partial=True)
        text = Text(no_wrap=True, overflow="ellipsis")
        self._spans = []
        for binding, enabled in self.shown():
            start = text.cell_len
            key = self.app.get_key_display(binding)
            description = binding.description or binding.action
            if binding.action in ("command_palette", "app.command_palette"):
                description = "Commands"
            text.append(f" {key}", style=key_style if enabled else disabled)
            text.append(f" {description} ", style=description_style if enabled else disabled)
            self._spans.append((start, text.cell_len, binding))
        return text

    async def on_click(self, event: Click) -> None:
        """Run the action of the clicked key."""
        for start, end, binding in self._spans:
            if start <= event.x < end:
                await self.app.run_action(binding.action, self.screen.focused or self.screen)
                return
