"""The command palette: the project's actions named ``group: action``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from textual.command import DiscoveryHit, Hit, Hits, Provider


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
