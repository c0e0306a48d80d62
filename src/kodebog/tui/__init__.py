"""The Textual user interface; ``run`` opens a project and starts the app."""

from __future__ import annotations


def run(project: str, coder: str | None) -> int:
    """Open ``project`` and run the TUI as ``coder`` (asked for once when None and unset).

    Returns the app's exit code: 0, or non-zero when the app stopped on an error.
    """
    from kodebog.store import open_project
    from kodebog.tui.app import KodebogApp

    store = open_project(project)
    try:
        app = KodebogApp(store, coder)
        app.run()
        return app.return_code or 0
    finally:
        store.dispose()
