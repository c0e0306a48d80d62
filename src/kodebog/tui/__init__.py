"""The Textual user interface; ``run`` opens a project and starts the app."""

from __future__ import annotations


def run(project: str, coder: str | None) -> None:
    """Open ``project`` and run the TUI as ``coder`` (asked for once when None and unset)."""
    from kodebog.store import open_project
    from kodebog.tui.app import KodebogApp

    store = open_project(project)
    try:
        KodebogApp(store, coder).run()
    finally:
        store.dispose()
