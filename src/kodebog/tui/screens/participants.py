"""Participants: names, roles, cases and typed attributes, per source; the case sheet."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Select, Static

from kodebog.case_sheet import SheetReport
from kodebog.i18n import N_, _, formats, ngettext, translate
from kodebog.participants import AttributeInfo, ParticipantInfo, format_value
from kodebog.tui.commands import Command
from kodebog.tui.dialogs.value import ValueDialog
from kodebog.tui.screens.participants_sheet import CaseSheetActions
from kodebog.tui.widgets.key_footer import KeyFooter
from kodebog.tui.widgets.status_bar import StatusBar
from kodebog.tui.writer import WriteFailed, WriteJob, WriteWaiting, Written

FIXED = (("mark", "", 1), ("source", N_("source"), 16), ("speaker", N_("speaker"), 14),
         ("label", N_("name"), 14), ("role", N_("role"), 11), ("case", N_("case"), 10),
         ("units", N_("un."), 4))
_EDITABLE = {"label": N_("Name shown in quotes"), "role": N_("Role (borger, medarbejder, "
             "leder, interviewer …)"), "case": N_("Case: the same name links participants "
                                                  "into one person")}
_COMMANDS = (
    (N_("Participants: edit the cell"), "enter", "edit"),
    (N_("Participants: add an attribute column"), "+", "add_attribute"),
    (N_("Participants: label or type of this attribute"), "T", "label_attribute"),
    (N_("Participants: link marked into one case"), "ctrl+l", "link"),
    (N_("Participants: unlink from its case"), "U", "unlink"),
    (N_("Participants: write the case sheet"), "ctrl+e", "export_sheet"),
    (N_("Participants: read a case sheet"), "I", "import_sheet"),
)


@dataclass
class Loaded:
    """What the screen shows."""

    people: list[ParticipantInfo]
    attributes: list[AttributeInfo]
    sources: list[str]
    focus: int | None


class ParticipantsScreen(CaseSheetActions):
    """A table of participants; enter edits the cell under the cursor."""

    HELP = N_("""\
## Participants

Who speaks in each source, and the attributes that make them a case for comparison. Labels
from the transcript (*taler*) stay; **enter** edits the cell under the cursor: the name
shown in quotes, the role, the case (the same case name links participants across sources
into one person, counted once), or an attribute value (numbers keep their type, `3,5`
reads as a number in a number column; dates as 2026-03-01). **+** adds an attribute
column (with a display label), **T** gives the column under the cursor its display label
(`forløbslængde` for `forloebslaengde`) or another type, **space** marks rows and
**ctrl+l** links the marked participants into one case, **U** unlinks one. Every change is
saved through the app's write queue, one transaction and one event each. **ctrl+e** writes
the case sheet (.xlsx or .csv) to fill in, **I** reads a filled-in one back.
""")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="participants.back"),
        Binding("enter", "edit", N_("Edit"), id="participants.edit"),
        Binding("space", "mark", N_("Mark row"), id="participants.mark"),
        Binding("ctrl+l", "link", N_("Link"), id="participants.link"),
        Binding("U", "unlink", N_("Unlink"), show=False, id="participants.unlink"),
        Binding("plus", "add_attribute", N_("Attribute"), key_display="+",
                id="participants.attribute"),
        Binding("T", "label_attribute", N_("Label"), show=False, id="participants.label"),
        Binding("ctrl+e", "export_sheet", N_("Sheet"), id="participants.export"),
        Binding("I", "import_sheet", N_("Import sheet"), show=False, id="participants.import"),
    ]
    DEFAULT_CSS = """
    ParticipantsScreen {
        & #participants-source { width: 1fr; margin: 0 1; }
        & #participants-summary { height: 1; padding: 0 1; background: $boost; }
        & DataTable { height: 1fr; }
    }
    """

    class Read(Message):
        """The participants have been read."""

        def __init__(self, loaded: Loaded) -> None:
            self.loaded = loaded
            super().__init__()

    def __init__(self, source: str | None = None, unit_id: int | None = None) -> None:
        super().__init__()
        self.source = source
        self.unit_id = unit_id
        self.loaded: Loaded | None = None
        self.marked: set[int] = set()
        self._filling = False

    def compose(self) -> ComposeResult:
        """Source filter, summary, table."""
        yield StatusBar(id="status")
        yield Select[str]([], prompt=_("All sources"), id="participants-source", compact=True)
        yield Static(_("reading…"), id="participants-summary", markup=False)
        yield DataTable[Any](id="participants", cursor_type="cell", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Read in a worker."""
        self.query_one(StatusBar).set_where("kodebog", self.kodebog.project_name,
                                            _("participants"))
        self.query_one(DataTable).focus()
        self.read(self.source, None)

    def language_changed(self) -> None:
        """Headers, prompts and the summary in the language now in use."""
        self.query_one(StatusBar).set_where("kodebog", self.kodebog.project_name,
                                            _("participants"))
        self.query_one("#participants-source", Select).prompt = _("All sources")
        if self.loaded is not None:
            self.on_participants_screen_read(self.Read(self.loaded))
        self.refresh_bindings()

    @work(thread=True, exclusive=True, group="participants-read", exit_on_error=False)
    def read(self, source: str | None, focus: int | None) -> None:
        """Participants, attributes and sources."""
        from sqlalchemy import select

        from kodebog.participants import attribute_defs, list_participants
        from kodebog.store.models import Source, Unit

        with self.kodebog.store.read() as session:
            if focus is None and self.unit_id is not None:
                focus = session.scalar(select(Unit.participant_id)
                                       .where(Unit.id == self.unit_id))
                self.unit_id = None
            loaded = Loaded(list_participants(session, source), attribute_defs(session),
                            list(session.scalars(select(Source.name).order_by(Source.name))),
                            focus)
        self.post_message(self.Read(loaded))

    def on_participants_screen_read(self, message: Read) -> None:
        """Fill the table, keeping the cursor (or moving it to the participant asked for)."""
        loaded = self.loaded = message.loaded
        self._filling = True
        select = self.query_one("#participants-source", Select)
        select.set_options([(name, name) for name in loaded.sources])
        if self.source is not None:
            select.value = self.source
        self._filling = False
        table = self.query_one(DataTable)
        row, column = table.cursor_coordinate
        table.clear(columns=True)
        for key, label, width in FIXED:
            table.add_column(translate(label) if label else "", key=key, width=width)
        for info in loaded.attributes:
            table.add_column(f"{info.label}{' #' if info.kind == 'number' else ''}",
                             key=f"attr:{info.name}", width=14)
        for person in loaded.people:
            table.add_row(*self._cells(person, loaded.attributes), key=str(person.id))
        if message.loaded.focus is not None:
            found = next((n for n, p in enumerate(loaded.people)
                          if p.id == message.loaded.focus), None)
            row = found if found is not None else row
        table.move_cursor(row=min(row, max(0, len(loaded.people) - 1)),
                          column=max(column, 3))
        people, cases = len(loaded.people), len({p.case for p in loaded.people})
        self.query_one("#participants-summary", Static).update(" · ".join((
            ngettext("{count} participant", "{count} participants", people).format(
                count=formats.number(people)),
            ngettext("{count} case", "{count} cases", cases).format(count=formats.number(cases)),
            ngettext("{count} attribute", "{count} attributes", len(loaded.attributes)).format(
                count=formats.number(len(loaded.attributes))),
            _("marked {count}").format(count=formats.number(len(self.marked))))))

    def _cells(self, person: ParticipantInfo, infos: list[AttributeInfo]) -> list[Any]:
        mark = Text("●" if person.id in self.marked else " ", style="bold")
        return [mark, Text(person.source, no_wrap=True, overflow="ellipsis"),
                person.speaker, person.label, person.role or "",
                person.case_key or "", Text(formats.number(person.units), justify="right"),
                *(Text(format_value(person.attributes.get(info.name)),
                       justify="right" if info.kind == "number" else "left")
                  for info in infos)]

    @on(Select.Changed, "#participants-source")
    def source_changed(self, event: Select.Changed) -> None:
        """Show another source's participants."""
        if self._filling:
            return
        value = event.value
        self.source = value if isinstance(value, str) else None
        self.read(self.source, None)

    # the cell under the cursor

    def _current(self) -> tuple[ParticipantInfo, str] | None:
        if self.loaded is None or not self.loaded.people:
            return None
        table = self.query_one(DataTable)
        row, column = table.cursor_coordinate
        if row >= len(self.loaded.people):
            return None
        keys = [key for key, _label, _width in FIXED]
        keys += [f"attr:{a.name}" for a in self.loaded.attributes]
        return self.loaded.people[row], keys[column]

    def action_edit(self) -> None:
        """Edit the name, role, case or attribute under the cursor."""
        found = self._current()
        if found is None:
            return
        person, key = found
        if key.startswith("attr:"):
            name = key[5:]
            info = next(a for a in self.loaded.attributes if a.name == name)  # type: ignore[union-attr]
            title = _("{attribute} ({kind}) for {name}").format(
                attribute=info.label, kind=info.kind, name=person.label)
            current = format_value(person.attributes.get(name))
            hint = _("empty removes the value · enter keeps · esc cancels")
        elif key in _EDITABLE:
            title = f"{translate(_EDITABLE[key])}: {person.label}"
            current = {"label": person.label, "role": person.role or "",
                       "case": person.case_key or ""}[key]
            hint = ""
        else:
            self.notify(_("Move to the name, role, case or an attribute column to edit it."))
            return
        self.app.push_screen(ValueDialog(title, current, hint),
                             partial(self._edited, person.id, key))

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        """Enter on a cell edits it."""
        event.stop()
        self.action_edit()

    def _edited(self, participant_id: int, key: str, value: str | None) -> None:
        if value is None:
            return
        from kodebog import participants as core

        coder = self.kodebog.coder or ""
        store = self.kodebog.store
        write: Callable[[], Any]
        if key.startswith("attr:"):
            write = partial(core.set_attribute, store, participant_id, key[5:], value, coder)
        elif key == "label":
            write = partial(core.rename, store, participant_id, value, coder)
        elif key == "role":
            write = partial(core.set_role, store, participant_id, value, coder)
        elif value.strip():
            write = partial(core.link, store, [participant_id], coder, value)
        else:
            write = partial(core.unlink, store, participant_id, coder)
        self.save(write, _("saved"), participant_id)

    def save(self, write: Callable[[], Any], message: str, focus: int | None) -> None:
        """One write (one transaction and one event) through the app's write queue."""
        self.kodebog.writer.submit(WriteJob(message, write, target=self, context=focus))

    def on_written(self, message: Written) -> None:
        """Saved: say so (a case sheet's report too) and read again."""
        result = message.result
        if isinstance(result, SheetReport):
            lines = result.lines()
            self.notify("\n".join(lines[:8]), timeout=10 if result.unknown else 5)
            self.query_one(StatusBar).say(lines[0])
        else:
            self.query_one(StatusBar).say(message.job.label)
        self.read(self.source, message.job.context)

    def on_write_waiting(self, message: WriteWaiting) -> None:
        """The project is busy: say so while the write waits."""
        self.query_one(StatusBar).say(_("waiting to save: {reason}").format(
            reason=message.reason))

    def on_write_failed(self, message: WriteFailed) -> None:
        """Not saved: say why and show what the project holds."""
        self.query_one(StatusBar).say(_("not saved: {reason}").format(reason=message.reason))
        self.notify(_("Not saved: {reason}").format(reason=message.reason), severity="error")
        self.read(self.source, message.job.context)

    def action_mark(self) -> None:
        """Mark or unmark the participant for linking."""
        found = self._current()
        if found is None:
            return
        person = found[0]
        self.marked ^= {person.id}
        table = self.query_one(DataTable)
        table.update_cell(str(person.id), "mark",
                          Text("●" if person.id in self.marked else " ", style="bold"))
        table.action_cursor_down()

    def action_link(self) -> None:
        """Link the marked participants into one case."""
        if len(self.marked) < 2:
            self.notify(_("Mark two or more participants with space first."),
                        severity="warning")
            return
        from kodebog.participants import link

        ids = sorted(self.marked)
        self.marked = set()
        self.save(partial(link, self.kodebog.store, ids, self.kodebog.coder or ""),
                  _("linked {count} participants into one case").format(
                      count=formats.number(len(ids))), ids[0])

    def action_unlink(self) -> None:
        """Make the participant a case of its own."""
        found = self._current()
        if found is not None:
            from kodebog.participants import unlink

            self.save(partial(unlink, self.kodebog.store, found[0].id, self.kodebog.coder or ""),
                      _("unlinked"), found[0].id)

    def action_add_attribute(self) -> None:
        """A new attribute column: its display label, then (optionally) ``: number``/``: date``."""
        self.app.push_screen(ValueDialog(
            _("New attribute (display label; add ': number' or ': date' for a typed column)"),
            "", _("e.g. forløbslængde: number · enter keeps · esc cancels")),
            self._attribute_added)

    def _attribute_added(self, value: str | None) -> None:
        if not value or not value.strip():
            return
        from kodebog.participants import define_attribute, name_for

        label, _sep, kind = value.partition(":")
        kind = kind.strip().lower() or "text"
        self.save(partial(define_attribute, self.kodebog.store, name_for(label),
                          self.kodebog.coder or "", label=label.strip(), kind=kind),
                  _("attribute {label} ({kind})").format(label=label.strip(), kind=kind), None)

    def action_label_attribute(self) -> None:
        """The display label (and type) of the attribute column under the cursor."""
        found = self._current()
        if found is None or not found[1].startswith("attr:") or self.loaded is None:
            self.notify(_("Move to an attribute column to give it a label."))
            return
        name = found[1][5:]
        info = next(a for a in self.loaded.attributes if a.name == name)
        self.app.push_screen(ValueDialog(
            _("Label for '{name}' (add ': number', ': date' or ': text' to change its type)"
              ).format(name=name), f"{info.label}: {info.kind}", _("enter keeps · esc cancels")),
            partial(self._labelled, name))

    def _labelled(self, name: str, value: str | None) -> None:
        if not value or not value.strip():
            return
        from kodebog.participants import define_attribute

        label, _sep, kind = value.partition(":")
        self.save(partial(define_attribute, self.kodebog.store, name, self.kodebog.coder or "",
                          label=label.strip(), kind=kind.strip().lower() or None),
                  _("attribute {name} shown as {label}").format(name=name, label=label.strip()),
                  None)

    def action_back(self) -> None:
        """Back."""
        self.dismiss(None)

    def palette_commands(self) -> list[Command]:
        """Participants commands."""
        return [Command(translate(name), key, getattr(self, f"action_{action}"))
                for name, key, action in _COMMANDS]
