"""A one-line footer with the keys that apply now, drawn as one cached line."""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from textual.binding import Binding
from textual.events import Click
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from kodebog.i18n import _, language, translate

_PALETTE_ACTIONS = ("command_palette", "app.command_palette")


class KeyFooter(Widget):
    """The active, shown bindings of the screen: key and description, one line.

    Textual's Footer mounts a widget per key and is rebuilt whenever bindings change (about
    100 ms on a small machine); this footer recomputes one line. Clicking a key runs it.
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
        self._line: Strip | None = None
        self._language = ""  # the language the cached line is in

    def on_mount(self) -> None:
        """Repaint when the screen's bindings change."""
        self.screen.bindings_updated_signal.subscribe(self, self._changed)

    def on_unmount(self) -> None:
        """Stop listening."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _changed(self, screen: Screen[object]) -> None:
        self._line = None
        self.refresh()

    def notify_style_update(self) -> None:
        """The theme changed: draw again."""
        super().notify_style_update()
        self._line = None

    def on_resize(self) -> None:
        """Draw again at the new width."""
        self._line = None

    def shown(self) -> list[tuple[Binding, bool]]:
        """The bindings shown, one per action, with whether each is enabled."""
        seen: set[str] = set()
        shown: list[tuple[Binding, bool]] = []
        palette: tuple[Binding, bool] | None = None
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.action in _PALETTE_ACTIONS:
                palette = (binding, active.enabled)
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            shown.append((binding, active.enabled))
        if palette is not None:
            shown.append(palette)
        return shown

    @staticmethod
    def description(binding: Binding) -> str:
        """What a key does, in the language in use (descriptions are marked with ``N_``)."""
        if binding.action in _PALETTE_ACTIONS:
            return _("Commands")
        return translate(binding.description) if binding.description else binding.action

    def _cells(self, binding: Binding) -> int:
        return (len(f" {self.app.get_key_display(binding)}")
                + len(f" {self.description(binding)} "))

    def _fitting(self, shown: list[tuple[Binding, bool]], width: int
                 ) -> list[tuple[Binding, bool]]:
        """The bindings that fit; the command palette's key is kept at the end."""
        width += 1  # the last description's trailing space may be cut
        if sum(self._cells(b) for b, _e in shown) <= width:
            return shown
        palette = [item for item in shown if item[0].action in _PALETTE_ACTIONS]
        room = width - sum(self._cells(b) for b, _e in palette)
        kept: list[tuple[Binding, bool]] = []
        for item in shown:
            if item[0].action in _PALETTE_ACTIONS:
                continue
            cells = self._cells(item[0])
            if cells > room:
                break
            kept.append(item)
            room -= cells
        return kept + palette

    def render_line(self, y: int) -> Strip:
        """The keys and what they do."""
        width = self.size.width
        if (self._line is None or self._line.cell_length != width
                or self._language != language()):
            self._language = language()
            base = self.rich_style
            key_style = base + self.get_component_rich_style("key-footer--key", partial=True)
            description_style = base + self.get_component_rich_style(
                "key-footer--description", partial=True)
            disabled = base + self.get_component_rich_style("key-footer--disabled",
                                                            partial=True)
            segments: list[Segment] = []
            self._spans = []
            used = 0
            shown = self._fitting(self.shown(), width)
            for binding, enabled in shown:
                key = f" {self.app.get_key_display(binding)}"
                description = f" {self.description(binding)} "
                segments.append(Segment(key, key_style if enabled else disabled))
                segments.append(Segment(description, description_style if enabled else disabled))
                cells = len(key) + len(description)
                self._spans.append((used, used + cells, binding))
                used += cells
            self._line = Strip(segments).adjust_cell_length(width, base)
        return self._line if y == 0 else Strip.blank(width, self.rich_style)

    async def on_click(self, event: Click) -> None:
        """Run the action of the clicked key."""
        for start, end, binding in self._spans:
            if start <= event.x < end:
                await self.app.run_action(binding.action, self.screen.focused or self.screen)
                return
