"""The palette commands that open the analysis screens (retrieve, compare, participants)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kodebog.tui.commands import Command

if TYPE_CHECKING:
    from kodebog.tui.app import KodebogApp


def analysis_commands(app: KodebogApp) -> list[Command]:
    """Retrieve, compare and participants, for the project and coding screens' palette."""
    return [
        Command("Analysis: retrieve passages by code", "G (coding: ctrl+g): all coded with a theme",
                app.action_retrieve),
        Command("Analysis: compare groups", "B: codes x role, source or attribute",
                app.action_compare),
        Command("Analysis: participants and cases", "L: roles, names, attributes, cases",
                app.action_participants),
    ]
