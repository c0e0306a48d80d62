"""Participants: names, roles, cases and typed attributes, per source; the case sheet."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Select, Static

from kodebog.case_sheet import SheetReport
from kodebog.participants import AttributeInfo, ParticipantInfo, format_value
from kodebog.tui.commands import Command
from kodebog.tui.dialogs.value import ValueDialog
from kodebog.tui.screens.base import KodebogScreen
from kodebog.tui.widgets.key_footer import KeyFooter
from kodebog.tui.widgets.status_bar import StatusBar
from kodebog.tui.writer import WriteFailed, WriteJob, WriteWaiting, Written

FIXED = (("mark", "", 1), ("source", "kilde", 16), ("speaker", "taler", 14),
         ("label", "navn", 14), ("role", "rolle", 11), ("case", "sag", 10), ("units", "enh.", 4))
_EDITABLE = {"label": "Name shown in quotes", "role": "Role (borger, medarbejder, leder, "
             "interviewer …)", "case": "Case: the same name links participants into one person"}


@dataclass
class Loaded:
    """What the screen shows."""

    people: list[ParticipantInfo]
    attributes: list[AttributeInfo]
    sources: list[str]
    focus: int | None


class ParticipantsScreen(KodebogScreen[None]):
    """A table of participants; enter edits the cell under the cursor."""

    HELP = """\
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
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="participants.back"),
        Binding("enter", "edit", "Edit", id="participants.edit"),
        Binding("space", "mark", "Mark", id="participants.mark"),
        Binding("ctrl+l", "link", "Link", id="participants.link"),
        Binding("U", "unlink", "Unlink", show=False, id="participants.unlink"),
        Binding("plus", "add_attribute", "Attribute", key_display="+",
                id="participants.attribute"),
        Binding("T", "label_attribute", "Label", show=False, id="participants.label"),
        Binding("ctrl+e", "export_sheet", "Sheet", id="participants.export"),
        Binding("I", "import_sheet", "Import sheet", show=False, id="participants.import"),
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
        yield Select[str]([], prompt="Alle kilder", id="participants-source", compact=True)
        yield Static("reading…", id="participants-summary", markup=False)
        yield DataTable[Any](id="participants", cursor_type="cell", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Read in a worker."""
        self.query_one(StatusBar).set_where("kodebog", self.kodebog.project_name,
                                            "participants")
        self.query_one(DataTable).focus()
        self.read(self.source, None)

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
            table.add_column(label, key=key, width=width)
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
        cases = len({p.case for p in loaded.people})
        self.query_one("#participants-summary", Static).update(
            f"{len(loaded.people)} participants · {cases} cases · "
            f"{len(loaded.attributes)} attributes · marked {len(self.marked)}")

    def _cells(self, person: ParticipantInfo, infos: list[AttributeInfo]) -> list[Any]:
        mark = Text("●" if person.id in self.marked else " ", style="bold")
        return [mark, Text(person.source, no_wrap=True, overflow="ellipsis"),
                person.speaker, person.label, person.role or "",
                person.case_key or "", Text(str(person.units), justify="right"),
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
            title = f"{info.label} ({info.kind}) for {person.label}"
            current = format_value(person.attributes.get(name))
            hint = "empty removes the value · enter keeps · esc cancels"
        elif key in _EDITABLE:
            title = f"{_EDITABLE[key]}: {person.label}"
            current = {"label": person.label, "role": person.role or "",
                       "case": person.case_key or ""}[key]
            hint = ""
        else:
            self.notify("Move to the name, role, case or an attribute column to edit it.")
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
        self.save(write, "saved", participant_id)

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
        self.query_one(StatusBar).say(f"waiting to save: {message.reason}")

    def on_write_failed(self, message: WriteFailed) -> None:
        """Not saved: say why and show what the project holds."""
        self.query_one(StatusBar).say(f"not saved: {message.reason}")
        self.notify(f"Not saved: {message.reason}", severity="error")
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
            self.notify("Mark two or more participants with space first.", severity="warning")
            return
        from kodebog.participants import link

        ids = sorted(self.marked)
        self.marked = set()
        self.save(partial(link, self.kodebog.store, ids, self.kodebog.coder or ""),
                  f"linked {len(ids)} participants into one case", ids[0])

    def action_unlink(self) -> None:
        """Make the participant a case of its own."""
        found = self._current()
        if found is not None:
            from kodebog.participants import unlink

            self.save(partial(unlink, self.kodebog.store, found[0].id, self.kodebog.coder or ""),
                      "unlinked", found[0].id)

    def action_add_attribute(self) -> None:
        """A new attribute column: its display label, then (optionally) ``: number``/``: date``."""
        self.app.push_screen(ValueDialog(
            "New attribute (display label; add ': number' or ': date' for a typed column)",
            "", "e.g. forløbslængde: number · enter keeps · esc cancels"), self._attribute_added)

    def _attribute_added(self, value: str | None) -> None:
        if not value or not value.strip():
            return
        from kodebog.participants import define_attribute, name_for

        label, _, kind = value.partition(":")
        kind = kind.strip().lower() or "text"
        self.save(partial(define_attribute, self.kodebog.store, name_for(label),
                          self.kodebog.coder or "", label=label.strip(), kind=kind),
                  f"attribute {label.strip()} ({kind})", None)

    def action_label_attribute(self) -> None:
        """The display label (and type) of the attribute column under the cursor."""
        found = self._current()
        if found is None or not found[1].startswith("attr:") or self.loaded is None:
            self.notify("Move to an attribute column to give it a label.")
            return
        name = found[1][5:]
        info = next(a for a in self.loaded.attributes if a.name == name)
        self.app.push_screen(ValueDialog(
            f"Label for '{name}' (add ': number', ': date' or ': text' to change its type)",
            f"{info.label}: {info.kind}", "enter keeps · esc cancels"),
            partial(self._labelled, name))

    def _labelled(self, name: str, value: str | None) -> None:
        if not value or not value.strip():
            return
        from kodebog.participants import define_attribute

        label, _, kind = value.partition(":")
        self.save(partial(define_attribute, self.kodebog.store, name, self.kodebog.coder or "",
                          label=label.strip(), kind=kind.strip().lower() or None),
                  f"attribute {name} shown as {label.strip()}", None)

    def action_export_sheet(self) -> None:
        """Write the case sheet to fill in."""
        self.app.push_screen(ValueDialog("Write the case sheet to", "deltagere.xlsx",
                                         ".xlsx or .csv · enter writes · esc cancels"),
                             self._export_to)

    def _export_to(self, value: str | None) -> None:
        if value and value.strip():

            self.write_sheet(Path(value.strip()).expanduser())

    @work(thread=True, exclusive=True, group="participants-sheet", exit_on_error=False)
    def write_sheet(self, path: Path) -> None:
        """Write the case sheet (a read of the project) in a worker."""
        from kodebog.case_sheet import export_sheet

        summary = export_sheet(self.kodebog.store, path)
        self.app.call_from_thread(self.notify, summary)

    def action_import_sheet(self) -> None:
        """Read a filled-in case sheet."""
        self.app.push_screen(ValueDialog("Read the case sheet from", "deltagere.xlsx",
                                         ".xlsx or .csv · enter reads · esc cancels"),
                             self._import_from)

    def _import_from(self, value: str | None) -> None:
        if value and value.strip():
            self.import_sheet(Path(value.strip()).expanduser())

    def import_sheet(self, path: Path) -> None:
        """Read the sheet through the write queue; the report is shown."""
        from kodebog.case_sheet import import_sheet

        self.save(partial(import_sheet, self.kodebog.store, path, self.kodebog.coder or ""),
                  f"read {path}", None)

    def action_back(self) -> None:
        """Back."""
        self.dismiss(None)

    def palette_commands(self) -> list[Command]:
        """Participants commands."""
        return [
            Command("Participants: edit the cell", "enter", self.action_edit),
            Command("Participants: add an attribute column", "+", self.action_add_attribute),
            Command("Participants: label or type of this attribute", "T",
                    self.action_label_attribute),
            Command("Participants: link marked into one case", "ctrl+l", self.action_link),
            Command("Participants: unlink from its case", "U", self.action_unlink),
            Command("Participants: write the case sheet", "ctrl+e", self.action_export_sheet),
            Command("Participants: read a case sheet", "I", self.action_import_sheet),
        ]
