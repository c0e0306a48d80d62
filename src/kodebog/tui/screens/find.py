"""Find: search the text of the whole project, narrowed by coding, speaker and participants."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Checkbox, Input, OptionList, Select, Static

from kodebog.i18n import N_, _, formats, ngettext
from kodebog.search import (
    Facets,
    SearchFilters,
    SearchHit,
    SearchResult,
    search_facets,
    search_units,
)
from kodebog.tui.commands import Command
from kodebog.tui.screens.base import KodebogScreen
from kodebog.tui.widgets.hit_list import HitList
from kodebog.tui.widgets.key_footer import KeyFooter
from kodebog.tui.widgets.status_bar import StatusBar
from kodebog.views.codebook import CodebookView

_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class FindResult:
    """The hit to open and the query whose words to highlight."""

    hit: SearchHit
    query: str


@dataclass(frozen=True)
class FindParams:
    """One search: the text and the filters."""

    query: str
    filters: SearchFilters


def _placeholder() -> str:
    return _('Search all units: words, "a phrase", -not')


class FindScreen(KodebogScreen[FindResult | None]):
    """Search box, filters and hits."""

    HELP = N_("""\
## Find

Search the text of every unit in the project. Words match as prefixes (*telefon* finds
*telefontiden*), "quoted words" match as a phrase, -word excludes. Narrow the hits to units
you have not coded, to a code, to a speaker or role, or to participants with an attribute.
**enter** in the search box moves to the hits; **enter** on a hit opens it.
""")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close"), id="find.close"),
        Binding("ctrl+u", "toggle_uncoded", N_("Uncoded only"), id="find.uncoded"),
    ]
    DEFAULT_CSS = """
    FindScreen {
        & #query { margin: 0 1; }
        & #find-filters {
            height: 3;
            padding: 0 1;
            & Checkbox { width: auto; }
            & Select { width: 1fr; margin-left: 1; }
            & SelectCurrent #label { text-wrap: nowrap; text-overflow: ellipsis; }
        }
        & #find-summary { padding: 0 2; color: $text-muted; height: 1; }
    }
    """

    class FacetsLoaded(Message):
        """The filter values have been read."""

        def __init__(self, facets: Facets, codebook: CodebookView) -> None:
            self.facets = facets
            self.codebook = codebook
            super().__init__()

    class Searched(Message):
        """A search is done."""

        def __init__(self, params: FindParams, result: SearchResult) -> None:
            self.params = params
            self.result = result
            super().__init__()

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial_query = query
        self.result: SearchResult | None = None
        self.last: FindParams | None = None

    def compose(self) -> ComposeResult:
        """Search box, filters, summary, hits."""
        yield StatusBar(id="status")
        yield Input(self.initial_query, placeholder=_placeholder(), id="query")
        with Horizontal(id="find-filters"):
            yield Checkbox(_("Uncoded by me"), id="uncoded")
            yield Select[str]([], prompt=_("Any code"), id="code")
            yield Select[str]([], prompt=_("Any speaker or role"), id="who")
            yield Select[str]([], prompt=_("Any participant"), id="attribute")
        yield Static("", id="find-summary")
        yield HitList(id="hits")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Read the filter values; search at once."""
        self.query_one(StatusBar).set_where("kodebog", self.kodebog.project_name, _("find"))
        self.query_one("#query", Input).focus()
        self.load_facets()
        self.search_now()

    @work(thread=True, exclusive=True, group="facets", exit_on_error=False)
    def load_facets(self) -> None:
        """Read speakers, roles, attributes and codes."""
        from kodebog.project import current_codebook
        from kodebog.views.codebook import codebook_view

        with self.kodebog.store.read() as session:
            facets = search_facets(session)
            codebook = codebook_view(current_codebook(session))
        self.post_message(self.FacetsLoaded(facets, codebook))

    def on_find_screen_facets_loaded(self, message: FacetsLoaded) -> None:
        """Fill the filter choices."""
        self.query_one("#code", Select).set_options(
            [(code.label, code.id) for code in message.codebook.codes])
        who = [(_("Role: {role}").format(role=role), f"role{_SEPARATOR}{role}")
               for role in message.facets.roles]
        who += [(_("Speaker: {name}").format(name=name), f"speaker{_SEPARATOR}{name}")
                for name in message.facets.speakers]
        self.query_one("#who", Select).set_options(who)
        self.query_one("#attribute", Select).set_options(
            [(f"{name} = {value}", f"{name}{_SEPARATOR}{value}")
             for name, values in message.facets.attributes.items() for value in values])

    def params(self) -> FindParams:
        """The search the widgets describe now."""
        code = self.query_one("#code", Select).value
        who = self.query_one("#who", Select).value
        attribute = self.query_one("#attribute", Select).value
        speaker = role = None
        if isinstance(who, str):
            kind, _sep, value = who.partition(_SEPARATOR)
            speaker, role = (value, None) if kind == "speaker" else (None, value)
        pair = None
        if isinstance(attribute, str):
            name, _sep, value = attribute.partition(_SEPARATOR)
            pair = (name, value)
        filters = SearchFilters(
            coder=self.kodebog.coder,
            uncoded=self.query_one("#uncoded", Checkbox).value,
            code=code if isinstance(code, str) else None,
            speaker=speaker,
            role=role,
            attribute=pair,
        )
        return FindParams(self.query_one("#query", Input).value, filters)

    @on(Input.Changed, "#query")
    @on(Checkbox.Changed)
    @on(Select.Changed)
    def search_now(self) -> None:
        """Search again with what the widgets say."""
        params = self.params()
        if params != self.last:
            self.last = params
            self.query_one("#find-summary", Static).update(_("searching…"))
            self.run_search(params)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, params: FindParams) -> None:
        """Search in a worker."""
        with self.kodebog.store.read() as session:
            result = search_units(session, params.query, params.filters)
        self.post_message(self.Searched(params, result))

    def on_find_screen_searched(self, message: Searched) -> None:
        """Show the hits of the newest search."""
        if message.params != self.last:
            return
        result = message.result
        self.result = result
        self._summarise(result)
        self.query_one(HitList).show(result.hits)

    def _summarise(self, result: SearchResult) -> None:
        count = len(result.hits)
        units = ngettext("{count} unit", "{count} units", count).format(
            count=formats.number(count) + ("+" if result.truncated else ""))
        how = {"fts": _("full-text index"), "like": _("plain text match"),
               "all": _("no search words")}
        self.query_one("#find-summary", Static).update(
            f"{units} · {how.get(result.mode, result.mode)}")

    def language_changed(self) -> None:
        """Labels, prompts and the summary in the language now in use."""
        self.query_one(StatusBar).set_where("kodebog", self.kodebog.project_name, _("find"))
        self.query_one("#query", Input).placeholder = _placeholder()
        self.query_one("#uncoded", Checkbox).label = _("Uncoded by me")
        self.query_one("#code", Select).prompt = _("Any code")
        self.query_one("#who", Select).prompt = _("Any speaker or role")
        self.query_one("#attribute", Select).prompt = _("Any participant")
        hits = self.query_one(HitList)
        hits.border_title = _("Hits")
        if self.result is not None:
            self._summarise(self.result)
        self.refresh_bindings()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the search box moves to the hits."""
        hits = self.query_one(HitList)
        if hits.option_count:
            hits.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Open the chosen hit."""
        hits = self.query_one(HitList)
        if event.option_index < len(hits.hits) and self.last is not None:
            self.dismiss(FindResult(hits.hits[event.option_index], self.last.query))

    def action_toggle_uncoded(self) -> None:
        """Only units I have not coded (or all)."""
        box = self.query_one("#uncoded", Checkbox)
        box.value = not box.value

    def action_close(self) -> None:
        """Back without opening anything."""
        self.dismiss(None)

    def palette_commands(self) -> list[Command]:
        """Find commands."""
        return [Command(_("Find: toggle uncoded only"), "ctrl+u", self.action_toggle_uncoded)]
