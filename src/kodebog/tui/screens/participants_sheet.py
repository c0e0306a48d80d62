"""The participants screen's case sheet: write one to fill in, read a filled-in one back."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from textual import work

from kodebog.i18n import _
from kodebog.tui.dialogs.value import ValueDialog
from kodebog.tui.screens.base import KodebogScreen


class CaseSheetActions(KodebogScreen[None]):
    """``ctrl+e`` writes the case sheet (.xlsx or .csv), ``I`` reads one back."""

    def save(self, write: Callable[[], Any], message: str, focus: int | None) -> None:
        """One write through the app's write queue (the participants screen does it)."""
        raise NotImplementedError

    def action_export_sheet(self) -> None:
        """Write the case sheet to fill in."""
        self.app.push_screen(ValueDialog(_("Write the case sheet to"), _("participants.xlsx"),
                                         _(".xlsx or .csv · enter writes · esc cancels")),
                             self._export_to)

    def _export_to(self, value: str | None) -> None:
        if value and value.strip():
            self.write_sheet(Path(value.strip()).expanduser())

    @work(thread=True, exclusive=True, group="participants-sheet", exit_on_error=False)
    def write_sheet(self, path: Path) -> None:
        """Write the case sheet (a read of the project) in a worker."""
        from kodebog.case_sheet import export_sheet

        summary = export_sheet(self.kodebog.store, path)
        self.app.call_from_thread(self.notify, summary)

    def action_import_sheet(self) -> None:
        """Read a filled-in case sheet."""
        self.app.push_screen(ValueDialog(_("Read the case sheet from"), _("participants.xlsx"),
                                         _(".xlsx or .csv · enter reads · esc cancels")),
                             self._import_from)

    def _import_from(self, value: str | None) -> None:
        if value and value.strip():
            self.import_sheet(Path(value.strip()).expanduser())

    def import_sheet(self, path: Path) -> None:
        """Read the sheet through the write queue; the report is shown."""
        from kodebog.case_sheet import import_sheet

        self.save(partial(import_sheet, self.kodebog.store, path, self.kodebog.coder or ""),
                  _("read {path}").format(path=path), None)

