"""The current unit in detail: its codings, the memo and key quotes, others' codings."""

from __future__ import annotations

from rich.text import Text

from kodebog.coding import VALENCE_MARKS
from kodebog.i18n import N_, _, translate
from kodebog.i18n.formats import number
from kodebog.privacy import Hit, describe
from kodebog.queries import CodingInfo
from kodebog.tui.widgets.text_lines import TextLines
from kodebog.views.codebook import CodebookView
from kodebog.views.source import UnitRow

VALENCE_LABELS = {"positive": N_("works well"), "negative": N_("works less well"),
                  "mixed": N_("mixed"), "none": N_("no valence")}
"""What a coding's valence says, as shown (``translate`` it)."""
_ALL = 1 << 30  # a text line past the end: "to the end of the text"


def _quote(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class UnitDetail(TextLines):
    """Codings of the current unit by you (and, toggled, by others), memo and key quotes."""

    HELP = N_("""\
## Current unit

Your codings of the current unit, the selected one marked with ›: **C** selects the next,
**\\*** marks it as a key quote, **M** writes a memo on the unit (or, chosen in the dialog,
on one of your codings).
**O** shows other coders' codings as well. Personal data found in the unit's text is
listed first, masked. ⚑ marks an imported coding whose position the REFI-QDA file left
uncertain (see the import's warnings): check that it covers the right words.

When the unit has more than fits, the panel scrolls to keep the selected coding in view,
and the bottom border says how many lines are hidden above and below (`↑ 2 more · ↓ 5 more`).
""")

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
        self.border_title = _("Current unit")
        self._unit: int | None = None
        self._keep: tuple[int, int, int] | None = None

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
        unit = row.id if row else None
        if unit != self._unit:
            self._unit, self.top = unit, 0
        self._keep = None
        if row is None:
            self.show_text(Text(_("No unit."), style="dim"))
            self._follow()
            return
        title = _("Unit {ordinal}").format(ordinal=row.ordinal)
        if self.border_title != title:
            self.border_title = title
        text = Text()
        if personal:
            text.append(_("⚠ personal data") + ": ", style="bold red")
            text.append(", ".join(describe(hit) for hit in personal) + "\n", style="red")
        if selection is not None:
            start, end = selection
            text.append(_("Selected") + " ", style="bold")
            text.append(f"{start}–{end} ", style="dim")
            text.append(f"“{_quote(row.text[start:end])}”\n", style="italic")
            text.append(_("press a code's hotkey to code exactly these characters") + "\n",
                        style="dim")
        if not mine:
            text.append(_("Not coded by you yet.") + "\n", style="dim")
        whole = (0, len(row.text))
        for index, coding in enumerate(mine):
            first = text.plain.count("\n") if coding.id == selected else None
            code = codebook.get(coding.code)
            color = code.color if code else "#888888"
            text.append("› " if coding.id == selected else "  ", style="bold")
            text.append("■ ", style=color)
            text.append(code.label if code else coding.code)
            if (coding.start, coding.end) == whole:
                text.append("  " + _("whole unit"), style="dim")
            else:
                text.append(f"  {coding.start}–{coding.end} ", style="dim")
                text.append(f"“{_quote(coding.text, 40)}”", style="italic")
            if coding.key_quote:
                text.append("  ★ " + _("key quote"), style="bold")
            if coding.valence:
                text.append(f"  {VALENCE_MARKS[coding.valence]} "
                            f"{translate(VALENCE_LABELS[coding.valence])}", style="bold")
            text.append("\n")
            if coding.memo:
                text.append(f"      ✎ {_quote(coding.memo, 70)}\n", style="italic")
            if coding.flag:
                text.append("      ⚑ " + _("check position: {text}").format(
                    text=_quote(coding.flag, 60)) + "\n", style="yellow")
            if first is not None:
                # the first coding brings the lines above it into view, the last those below
                lead = 0 if index == 0 else first
                end = _ALL if index == len(mine) - 1 else text.plain.count("\n")
                self._keep = (lead, first, end)
        if memo:
            text.append(_("Memo") + " ", style="bold")
            text.append(_quote(memo, 200) + "\n", style="italic")
        if others is not None:
            if others:
                text.append(_("Other coders") + "\n", style="bold")
                for coding in others:
                    code = codebook.get(coding.code)
                    text.append(f"  {coding.coder}: ", style="dim")
                    text.append("■ ", style=code.color if code else "#888888")
                    text.append(code.label if code else coding.code, style="dim")
                    text.append("\n")
            else:
                text.append(_("No other coder has coded this unit.") + "\n", style="dim")
        text.rstrip()
        self.show_text(text)
        self._follow()

    def on_resize(self) -> None:
        """Keep the selected coding in view at the new size."""
        self._follow()

    def _follow(self) -> None:
        """Scroll just enough to show the selected coding; say what is hidden."""
        width, height = self.scrollable_content_region.size
        if width <= 0 or height <= 0:
            return
        total = len(self._strips(width))
        top = self.top
        if self._keep is not None:
            lead, first, end = (self._row(line) for line in self._keep)
            end = min(end, first + height)  # the coding's own first lines come first
            if lead < top or first < top:
                top = max(lead, end - height)
            elif end > top + height:
                top = end - height
        top = max(0, min(top, total - height))
        if top != self.top:
            self.top = top
            self.refresh()
        below = total - top - height
        parts = ([_("↑ {count} more").format(count=number(top))] if top > 0 else []) + (
            [_("↓ {count} more").format(count=number(below))] if below > 0 else [])
        subtitle = " · ".join(parts) or None
        if self.border_subtitle != subtitle:
            self.border_subtitle = subtitle
