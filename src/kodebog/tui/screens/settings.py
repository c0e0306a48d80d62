"""The settings as the app uses them now: coder, language, theme, suggestions."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from kodebog.i18n import LANGUAGES, N_, _, language

if TYPE_CHECKING:
    from kodebog.tui.app import KodebogApp


class SettingsScreen(ModalScreen[None]):
    """What kodebog remembers for you; ``l`` switches the language, ``t`` the theme."""

    HELP = N_("""\
## Settings

Who you are coding as, the language, the theme and whether suggestions are on. **l**
switches the language and **t** the theme (both are saved in `settings.yaml`); the rest is
changed in that file.
""")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", N_("Close"), id="settings.close"),
        Binding("l", "switch_language", N_("Language"), id="settings.language"),
        Binding("t", "toggle_theme", N_("Theme"), id="settings.theme"),
    ]
    DEFAULT_CSS = """
    SettingsScreen {
        align: center middle;
        & > Vertical {
            width: 64;
            max-width: 100%;
            height: auto;
            border: thick $accent;
            border-title-color: $text;
            background: $panel;
            padding: 1 2;
        }
        & #settings-hint { margin-top: 1; color: $text-muted; }
    }
    """

    @property
    def kodebog(self) -> KodebogApp:
        """The app, typed."""
        from kodebog.tui.app import KodebogApp

        assert isinstance(self.app, KodebogApp)
        return self.app

    def compose(self) -> ComposeResult:
        """The settings, then the keys that change them."""
        with Vertical() as box:
            box.border_title = _("Settings")
            yield Static(self._table(), id="settings-table")
            yield Static(self._hint(), id="settings-hint")

    def _table(self) -> Table:
        app = self.kodebog
        settings = app.settings
        table = Table(box=None, show_header=False, expand=True, pad_edge=False)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(ratio=1)
        table.add_row(_("Coder"), app.coder or "–")
        table.add_row(_("Language"), LANGUAGES[language()])
        table.add_row(_("Theme"), _("dark") if app.current_theme.dark else _("light"))
        table.add_row(_("Suggestions"), _("on") if settings.suggestions else _("off"))
        table.add_row(_("Settings file"), str(settings.path))
        return table

    def _hint(self) -> str:
        return _("l switches the language, t the theme · esc closes")

    def language_changed(self) -> None:
        """Redraw in the language now in use."""
        self.query_one(Vertical).border_title = _("Settings")
        self.show_settings()

    def show_settings(self) -> None:
        """Show the settings as they are now."""
        self.query_one("#settings-table", Static).update(self._table())
        self.query_one("#settings-hint", Static).update(self._hint())
        self.refresh_bindings()

    def action_switch_language(self) -> None:
        """Switch to the other language."""
        from kodebog.tui.language import switch_language

        switch_language(self.kodebog, next(code for code in LANGUAGES if code != language()))

    def action_toggle_theme(self) -> None:
        """Switch between light and dark."""
        self.kodebog.action_toggle_theme()
        self.show_settings()

    def action_close(self) -> None:
        """Close the settings."""
        self.dismiss(None)
