"""Code suggestions for the current unit, the model's state and the queue (``#suggestions``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text

from kodebog.i18n import N_, _, formats, language, ngettext, translate
from kodebog.i18n.formats import number
from kodebog.tui.widgets.text_lines import TextLines
from kodebog.views.codebook import CodebookView

LABEL = 30
"""The widest a code's label gets in the panel (narrower panels cut it shorter)."""
TIERS = {
    "rules": N_("rules"),
    "learned": N_("learn"),
    "both": N_("both"),
    "semantic": N_("sem"),
    "rules+semantic": N_("r+sem"),
    "learned+semantic": N_("l+sem"),
    "all": N_("all"),
}
"""The tier that suggested a code, as its short name in the panel (``translate`` it)."""

if TYPE_CHECKING:
    from kodebog.suggest.service import ModelInfo, SuggestionInfo


def model_line(info: ModelInfo | None, training: bool = False, semantic: str = "") -> Text:
    """What the learned tier knows: codes learned, when it was trained, what is new since;
    then, on a line of its own, the semantic tier's state (``semantic``: off, progress)."""
    text = _model_line(info, training)
    if semantic:
        text.append("\n")
        text.append(semantic, style="dim")
    return text


def _model_line(info: ModelInfo | None, training: bool) -> Text:
    text = Text(style="dim", no_wrap=True, overflow="ellipsis")
    if training:
        text.append(_("training the model in the background…"), style="italic")
        return text
    if info is None:
        text.append(_("no model yet · T trains one"))
        return text
    when = info.trained_at.astimezone() if info.trained_at.tzinfo else info.trained_at
    codes = len(info.codes)
    text.append(ngettext("model: {count} code, trained {when}",
                         "model: {count} codes, trained {when}", codes).format(
        count=number(codes), when=_when(when)))
    if info.new_codings:
        text.append(" · " + ngettext("{count} new coding", "{count} new codings",
                                     info.new_codings).format(count=number(info.new_codings)))
    if info.codebook_changed:
        text.append(" · " + _("codebook changed"))
    return text


def _when(moment: datetime) -> str:
    """``today at 14.05`` (the time as the language writes it), else the date."""
    if moment.date() == datetime.now(moment.tzinfo).date():
        clock = f"{moment:%H.%M}" if language() == "da" else f"{moment:%H:%M}"
        return _("today at {time}").format(time=clock)
    return formats.date(moment.date())


def _why(chosen: SuggestionInfo) -> Text:
    """The evidence line: the matched words, else the nearest passage (``ligner: «…»``)."""
    if chosen.words:
        words = Text("  " + _("because") + " ", style="dim")
        words.append(" ".join(f"«{w}»" for w in chosen.words), style="italic")
        return words
    if chosen.similar:
        from kodebog.suggest.semantic_state import quote

        return Text(f"  {quote(chosen.similar)}", style="italic dim")
    return Text("  " + _("because (the model, no single word)"), style="dim italic")


class SuggestionsPanel(TextLines):
    """The top suggestions for the current unit; the selected one is marked ›."""

    HELP = N_("""\
## Suggestions

Codes proposed for the current unit by the codebook's keywords (*rules*), by a model
learned from your coding (*learn*; *both* when they agree) and by the meaning of the text
(*sem*, the semantic tier: *r+sem*, *l+sem*, *all* when it agrees with the others), with the
score and why: the words that led to it (underlined in the unit's text), or the codebook
example or coded passage the unit resembles most (*ligner: «…»*). A score marked **?** is
low confidence: shown so that the right code is never hidden, but weigh it yourself.
Nothing is applied without you.

- **Y** accepts the selected suggestion (codes the whole unit), **X** rejects it (it is not
  suggested again and teaches the model), **S** selects the next one.
- **W** walks the queue of one code (the highlighted code in the codebook): every open
  suggestion of that code, best first, across the sources; **W** again skips to the next.
- **T** trains the model again on your codings, in the background.

The language model loads in the background the first time (a few seconds). The semantic
tier embeds every unit once, in the background, while you code (the panel shows how far it
has come); it needs `pip install 'kodebog[semantic]'`, and `semantic: false` in settings.yaml
switches it off.
""")

    DEFAULT_CSS = """
    SuggestionsPanel {
        height: 8;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        padding: 0 1;
        background: $surface;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="suggestions")
        self.border_title = _("Suggestions")

    def show_message(self, message: str, model: Text | None = None) -> None:
        """A state instead of suggestions (loading, none for this unit ...)."""
        text = Text(message, style="dim italic")
        if model is not None:
            text.append("\n")
            text.append_text(model)
        self.show_text(text)

    def show(self, suggestions: list[SuggestionInfo], selected: int | None,
             codebook: CodebookView, model: Text, queue: str | None = None) -> None:
        """The suggestions (best first), the model's state and where the queue is."""
        lines: list[Text] = []
        if queue:
            lines.append(Text(queue, style="bold"))
        if not suggestions:
            lines.append(Text(_("No suggestions for this unit."), style="dim"))
        width = self.scrollable_content_region.width or 42
        room = max(8, min(LABEL, width - 16))  # mark, colour, score, "?", tier: 16 cells
        for suggestion in suggestions[:3]:
            code = codebook.get(suggestion.code)
            mine = suggestion.id == selected
            text = Text()
            text.append("› " if mine else "  ", style="bold")
            text.append("■ ", style=code.color if code else "#888888")
            label = code.label if code else suggestion.code
            if len(label) > room:
                label = label[: room - 1] + "…"
            low = suggestion.low
            text.append(label.ljust(room), style="bold" if mine else "dim" if low else "")
            text.append(f" {formats.decimal(suggestion.score, 2)}", style="dim" if low else "")
            if low:
                text.append("?", style="bold yellow")
            text.append(" ")
            tier = TIERS.get(suggestion.tier)
            text.append(translate(tier) if tier else suggestion.tier, style="dim")
            lines.append(text)
        chosen = next((s for s in suggestions[:3] if s.id == selected), None)
        if chosen is not None:
            lines.append(_why(chosen))
        lines.extend(model.split("\n"))
        for line in lines:
            line.truncate(width, overflow="ellipsis")
        self.show_text(Text("\n").join(lines))
