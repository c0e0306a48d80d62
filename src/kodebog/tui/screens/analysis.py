"""The palette commands that open the analysis screens (retrieve, compare, participants)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kodebog.i18n import _
from kodebog.tui.commands import Command

if TYPE_CHECKING:
    from kodebog.tui.app import KodebogApp


def analysis_commands(app: KodebogApp) -> list[Command]:
    """Retrieve, compare and participants, for the project and coding screens' palette."""
    return [
        Command(_("Analysis: retrieve passages by code"),
                _("G (coding: ctrl+g): all coded with a theme"), app.action_retrieve),
        Command(_("Analysis: compare groups"), _("B: codes x role, source or attribute"),
                app.action_compare),
        Command(_("Analysis: participants and cases"), _("L: roles, names, attributes, cases"),
                app.action_participants),
    ]
