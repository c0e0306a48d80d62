"""The command palette: the project's actions named ``group: action``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from rich.align import Align
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

from kodebog.i18n import N_, _


@dataclass(frozen=True)
class Command:
    """One palette entry."""

    name: str
    help: str
    callback: Callable[[], Any]


class HasCommands(Protocol):
    """A screen or app that offers palette commands."""

    def palette_commands(self) -> list[Command]:
        """The commands that make sense now."""
        ...


class KodebogCommands(Provider):
    """Commands from the screen the palette was opened on, then the app's own."""

    def _commands(self) -> list[Command]:
        found: list[Command] = []
        for owner in (self.screen, self.app):
            offer = getattr(owner, "palette_commands", None)
            if callable(offer):
                found.extend(offer())
        return found

    async def discover(self) -> Hits:
        """Every command, in a stable order."""
        for command in self._commands():
            yield DiscoveryHit(command.name, command.callback, help=command.help)

    async def search(self, query: str) -> Hits:
        """Commands whose name matches the query, best first."""
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.callback,
                          help=command.help)


class KodebogPalette(CommandPalette):
    """Textual's command palette, its keys and "no matches" in the language in use."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+end, shift+end", "command_list('last')", N_("Go to bottom"), show=False,
                id="palette.last"),
        Binding("ctrl+home, shift+home", "command_list('first')", N_("Go to top"),
                show=False, id="palette.first"),
        Binding("down", "cursor_down", N_("Next command"), show=False, id="palette.next"),
        Binding("escape", "escape", N_("Exit the command palette"), id="palette.close"),
        Binding("pagedown", "command_list('page_down')", N_("Next page"), show=False,
                id="palette.page_down"),
        Binding("pageup", "command_list('page_up')", N_("Previous page"), show=False,
                id="palette.page_up"),
        Binding("up", "command_list('cursor_up')", N_("Previous command"), show=False,
                id="palette.previous"),
    ]
    """Textual's keys of the palette (8.2.8), with descriptions marked for the catalogue."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(Option(
                    Align.center(Text(_("No matches found"), style="not bold")),
                    disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
