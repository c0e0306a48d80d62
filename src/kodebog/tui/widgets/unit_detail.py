"""The current unit in detail: its codings, the memo and key quotes, others' codings."""

from __future__ import annotations

from rich.text import Text

from kodebog.privacy import Hit, describe
from kodebog.queries import CodingInfo
from kodebog.tui.data import CodebookView, UnitRow
from kodebog.tui.widgets.text_lines import TextLines


def _quote(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class UnitDetail(TextLines):
    """Codings of the current unit by you (and, toggled, by others), memo and key quotes."""

    HELP = """\
## Current unit

Your codings of the current unit, the selected one marked with ›: **C** selects the next,
**\\*** marks it as a key quote, **M** writes a memo on the unit (or, chosen in the dialog,
on one of your codings).
**O** shows other coders' codings as well. Personal data found in the unit's text is
listed first, masked.
"""

    DEFAULT_CSS = """
    UnitDetail {
        height: 11;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        padding: 0 1;
        background: $surface;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Current unit"

    def show(
        self,
        row: UnitRow | None,
        codebook: CodebookView,
        mine: list[CodingInfo],
        others: list[CodingInfo] | None,
        memo: str | None,
        selected: int | None,
        selection: tuple[int, int] | None,
        personal: list[Hit] | None = None,
    ) -> None:
        """Show a unit; ``others`` is None when other coders' codings are hidden."""
        if row is None:
            self.show_text(Text("No unit.", style="dim"))
            return
        title = f"Unit {row.ordinal}"
        if self.border_title != title:
            self.border_title = title
        text = Text()
        if personal:
            text.append("⚠ personoplysninger: ", style="bold red")
            text.append(", ".join(describe(hit) for hit in personal) + "\n", style="red")
        if selection is not None:
            start, end = selection
            text.append("Selected ", style="bold")
            text.append(f"{start}–{end} ", style="dim")
            text.append(f"“{_quote(row.text[start:end])}”\n", style="italic")
            text.append("press a code's hotkey to code exactly these characters\n", style="dim")
        if not mine:
            text.append("Not coded by you yet.\n", style="dim")
        whole = (0, len(row.text))
        for coding in mine:
            code = codebook.get(coding.code)
            color = code.color if code else "#888888"
            text.append("› " if coding.id == selected else "  ", style="bold")
            text.append("■ ", style=color)
            text.append(code.label if code else coding.code)
            if (coding.start, coding.end) == whole:
                text.append("  whole unit", style="dim")
            else:
                text.append(f"  {coding.start}–{coding.end} ", style="dim")
                text.append(f"“{_quote(coding.text, 40)}”", style="italic")
            if coding.key_quote:
                text.append("  ★ key quote", style="bold")
            text.append("\n")
            if coding.memo:
                text.append(f"      ✎ {_quote(coding.memo, 70)}\n", style="italic")
        if memo:
            text.append("Memo ", style="bold")
            text.append(_quote(memo, 200) + "\n", style="italic")
        if others is not None:
            if others:
                text.append("Other coders\n", style="bold")
                for coding in others:
                    code = codebook.get(coding.code)
                    text.append(f"  {coding.coder}: ", style="dim")
                    text.append("■ ", style=code.color if code else "#888888")
                    text.append(code.label if code else coding.code, style="dim")
                    text.append("\n")
            else:
                text.append("No other coder has coded this unit.\n", style="dim")
        text.rstrip()
        self.show_text(text)
