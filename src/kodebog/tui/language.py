"""Switching the TUI's language while it runs: the palette commands and the refresh.

Every screen that shows text built once (titles, table headers, labels) redraws it in
``language_changed``; the default (``KodebogScreen.language_changed``) refreshes the keys
and repaints, which is enough for text computed when drawn.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from kodebog.i18n import LANGUAGES, _, language, set_language
from kodebog.tui.commands import Command

if TYPE_CHECKING:
    from textual.screen import Screen

    from kodebog.tui.app import KodebogApp


def language_commands(app: KodebogApp) -> list[Command]:
    """One command per other language, each named in its own language and in the current one.

    "Sprog: English" while Danish is spoken, "Language: Dansk" while English is.
    """
    return [
        Command(_("Language: {name}").format(name=name),
                _("switch the language of kodebog (saved in the settings)"),
                partial(switch_language, app, code))
        for code, name in LANGUAGES.items() if code != language()
    ]


def switch_language(app: KodebogApp, code: str) -> None:
    """Speak ``code`` from now on, remember it, and redraw every open screen."""
    set_language(code)
    app.settings.language = code
    save_settings_in_worker(app)
    for screen in list(app.screen_stack):
        refresh_screen(screen)


def refresh_screen(screen: Screen[object]) -> None:
    """Redraw a screen's text in the language now in use."""
    changed = getattr(screen, "language_changed", None)
    if callable(changed):
        screen.call_later(changed)  # (may be async: a screen that composes again)
    else:
        screen.refresh_bindings()
        for widget in screen.query("*"):
            widget.refresh()


def save_settings_in_worker(app: KodebogApp) -> None:
    """Write the settings file off the UI thread; a failure is said."""
    app.run_worker(lambda: _write(app), thread=True, group="settings", exit_on_error=False)


def _write(app: KodebogApp) -> None:
    from kodebog.settings import save_settings

    try:
        save_settings(app.settings)
    except OSError as error:
        app.call_from_thread(app.notify, _("Cannot save the settings: {error}").format(
            error=error), severity="warning")
