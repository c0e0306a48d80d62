"""The slot where code suggestions for the current unit will be shown."""

from __future__ import annotations

from textual.widgets import Static


class SuggestionsSlot(Static):
    """Placeholder (``#suggestions``) that the suggestion feature fills in."""

    HELP = """\
## Suggestions

Codes proposed for the current unit by the codebook's keywords and by a model learned
from your coding. Nothing is applied without you.
"""

    DEFAULT_CSS = """
    SuggestionsSlot {
        height: 5;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        padding: 0 1;
        color: $text-muted;
    }
    """

    def __init__(self) -> None:
        super().__init__("No suggestions yet.", id="suggestions")
        self.border_title = "Suggestions"
