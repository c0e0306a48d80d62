"""A crash of the app (a bug) printed without local variables and with passwords masked.

Textual prints an unhandled exception as a Rich traceback with every frame's local
variables, which can hold a database URL with its password (the strings handed to the
suggestions helper, a dataclass with the project). ``CrashSafeApp`` prints the plain
traceback and one line instead, through ``kodebog.store.secrets.crash_report``.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import App
from textual.worker import WorkerFailed

from kodebog.store.secrets import crash_report


class CrashSafeApp(App[None]):
    """An app whose crash output never shows local variables or a database password."""

    _crash: BaseException | None = None

    def _handle_exception(self, error: Exception) -> None:
        self._crash = error.error if isinstance(error, WorkerFailed) else error
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        self.bell()
        error = self._crash
        report = crash_report(error) if error is not None else "kodebog: unexpected error"
        self._exit_renderables.append(Text(report))
        self._close_messages_no_wait()
