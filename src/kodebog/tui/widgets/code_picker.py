"""The codebook as a short list where each code is marked: any of, and, not, near."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from kodebog.i18n import N_, _

MODES = ("", "any", "and", "not", "near")
MARKS = {"": " ", "any": "∨", "and": "∧", "not": "¬", "near": "≈"}


class CodePicker(OptionList):
    """Codes with a mark each; space cycles it, ``+``/``-`` change how near "near" is."""

    HELP = N_("""\
## Codes

Mark the codes to retrieve. **space** cycles a code's mark: **∨** any of these codes,
**∧** and also this code (on the same unit, or overlapping with *overlap*), **¬** but not
this code, **≈** near this code (within N units, **+**/**-** change N), then off again.
**backspace** clears every mark.
""")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "cycle", N_("Mark"), id="codes.cycle"),
        Binding("plus,equals_sign", "within(1)", N_("Nearer/farther"), key_display="+/-",
                id="codes.within_more"),
        Binding("minus", "within(-1)", N_("Nearer"), show=False, id="codes.within_less"),
        Binding("backspace", "clear", N_("Clear"), show=False, id="codes.clear"),
    ]
    DEFAULT_CSS = """
    CodePicker {
        height: 1fr;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        &:focus { border: round $accent; }
    }
    """

    class Changed(Message):
        """The marks or the distance changed."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.codes: list[tuple[str, str, str]] = []  # id, label, colour
        self.modes: dict[str, str] = {}
        self.within = 1
        self._title()

    def set_codes(self, codes: list[tuple[str, str, str]], modes: dict[str, str]) -> None:
        """The codebook's codes and their marks."""
        self.codes = codes
        self.modes = dict(modes)
        self._redraw()

    def on_resize(self) -> None:
        """Cut the labels to the new width."""
        if self.codes:
            self._redraw()

    def _title(self) -> None:
        self.border_title = _("Codes")
        self.border_subtitle = _("space ∨∧¬≈ · near ±{count}").format(count=self.within)

    def _redraw(self) -> None:
        keep = self.highlighted
        self.clear_options()
        options = []
        room = max(8, (self.scrollable_content_region.width or 26) - 1)
        for code, label, color in self.codes:
            text = Text(no_wrap=True, overflow="ellipsis")
            text.append(f"{MARKS[self.modes.get(code, '')]} ", style="bold")
            text.append("■ ", style=color)
            text.append(label)
            text.truncate(room, overflow="ellipsis")
            options.append(Option(text, id=code))
        self.add_options(options)
        if options:
            self.highlighted = keep if keep is not None and keep < len(options) else 0
        self._title()

    def selected_modes(self) -> dict[str, str]:
        """Code -> mark, only marked codes."""
        return {code: mode for code, mode in self.modes.items() if mode}

    def action_cycle(self) -> None:
        """Next mark for the highlighted code."""
        if self.highlighted is None or not self.codes:
            return
        code = self.codes[self.highlighted][0]
        mode = MODES[(MODES.index(self.modes.get(code, "")) + 1) % len(MODES)]
        self.modes[code] = mode
        self._redraw()
        self.post_message(self.Changed())

    def action_within(self, step: int) -> None:
        """How many units away "near" reaches."""
        self.within = max(0, self.within + step)
        self._title()
        self.post_message(self.Changed())

    def action_clear(self) -> None:
        """No code marked."""
        self.modes = {}
        self._redraw()
        self.post_message(self.Changed())
