"""What every kodebog screen shares: the typed app, and failed workers sent to one place."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual.screen import Screen
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from kodebog.tui.app import KodebogApp

ResultT = TypeVar("ResultT")


class KodebogScreen(Screen[ResultT]):
    """A screen of the kodebog app."""

    @property
    def kodebog(self) -> KodebogApp:
        """The app, typed."""
        from kodebog.tui.app import KodebogApp

        assert isinstance(self.app, KodebogApp)
        return self.app

    def language_changed(self) -> None:
        """The language was switched: show the keys and every text in it.

        Screens with text built once (titles, headers, labels) override this and redraw it.
        """
        self.refresh_bindings()
        for widget in self.query("*"):
            widget.refresh()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Worker messages do not bubble: hand failures to the app, which shows them."""
        if event.state == WorkerState.ERROR:
            self.kodebog.show_worker_error(event.worker.error)
