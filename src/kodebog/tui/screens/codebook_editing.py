"""The coding screen's living codebook: create (also in vivo), edit, move, merge, split and
retire codes, and the codebook history, without leaving the screen.

Dialogs collect what the analyst wants; ``kodebog.codes`` stores it in a thread worker
(one transaction, one event, one new codebook version each) that reads the codebook back
and posts it, so the UI thread never touches the database. Every change starts from the
version this screen shows: when someone stored a newer one meanwhile, kodebog refuses the
change and says whose it was. Changes made elsewhere arrive through the screen's poll.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message

from kodebog import codes
from kodebog.codebook_live import CodedQuote, VersionInfo, codebook_log, codings_of
from kodebog.codes import CodebookChange, CodeEdit
from kodebog.errors import DatabaseBusyError, KodebogError
from kodebog.i18n import N_, _
from kodebog.tui.commands import Command
from kodebog.tui.dialogs.code_choice import CodeChoice, CodeChoiceDialog
from kodebog.tui.dialogs.code_form import CodeDialog, CodeForm, changed_lists, form_of
from kodebog.tui.dialogs.code_split import SplitDialog, SplitForm
from kodebog.tui.dialogs.codebook_history import CodebookHistoryDialog
from kodebog.tui.screens.suggesting import SuggestingScreen
from kodebog.tui.widgets.codebook_tree import CodebookTree
from kodebog.tui.writer import WriteJob
from kodebog.views.changes import affected_units
from kodebog.views.codebook import CodebookView, CodeView, read_codebook

RETRAIN_AFTER = frozenset({"code.add", "code.edit", "code.rename", "code.merge", "code.split"})
"""Changes after which the learned suggestion model is trained again in the background (a
new code's examples, a merged code's codings); the keyword rules follow the new codebook
version at once."""


class CodebookScreen(SuggestingScreen):
    """Codebook changes for the coding screen (its base class)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "new_code", N_("New code"), show=False, id="coding.new_code"),
        Binding("I", "new_code_in_vivo", N_("In vivo"), show=False, id="coding.in_vivo"),
        Binding("E", "edit_code", N_("Edit code"), show=False, id="coding.edit_code"),
        Binding("V", "move_code", N_("Move code"), show=False, id="coding.move_code"),
        Binding("G", "merge_code", N_("Merge code"), show=False, id="coding.merge_code"),
        Binding("U", "split_code", N_("Split code"), show=False, id="coding.split_code"),
        Binding("H", "codebook_history", N_("Codebook history"), show=False,
                id="coding.codebook_history"),
    ]

    class CodebookWritten(Message):
        """A codebook change was stored (or refused); the codebook as it is now."""

        def __init__(self, change: CodebookChange | None, error: str | None,
                     codebook: tuple[int, CodebookView] | None, unit_ids: list[int]) -> None:
            self.change = change
            self.error = error
            self.codebook = codebook
            self.unit_ids = unit_ids
            super().__init__()

    class CodebookRead(Message):
        """The project's codebook has been read again."""

        def __init__(self, codebook: tuple[int, CodebookView]) -> None:
            self.codebook = codebook
            super().__init__()

    class CodingsOfCodeRead(Message):
        """The codings of a code, for a split."""

        def __init__(self, code: CodeView, quotes: list[CodedQuote]) -> None:
            self.code = code
            self.quotes = quotes
            super().__init__()

    class HistoryRead(Message):
        """The codebook's versions, for the history."""

        def __init__(self, versions: list[VersionInfo]) -> None:
            self.versions = versions
            super().__init__()

    selected_coding: int | None

    # hooks the coding screen provides

    def bind_codes(self) -> None:
        """Bind the codebook's hotkeys (the coding screen's)."""
        raise NotImplementedError

    def codebook_shown(self) -> None:
        """Show the definition, the unit and the footer again (the coding screen's)."""
        raise NotImplementedError

    def codings_written(self, unit_ids: list[int], message: str) -> None:
        """Read these units again and show ``message`` (the coding screen's)."""
        raise NotImplementedError

    # showing a codebook

    def apply_codebook(self, version: int, codebook: CodebookView,
                       highlight: str | None = None) -> None:
        """Show a codebook read from the project: the tree, the hotkeys, the definition."""
        view = self.view
        if view is None or version <= view.codebook_version:
            return
        view.codebook, view.codebook_version = codebook, version
        keys = self._bindings.key_to_bindings
        for key in list(keys):
            kept = [b for b in keys[key] if not (b.id or "").startswith("code.")]
            if kept:
                keys[key] = kept
            else:
                del keys[key]
        self.bind_codes()
        tree = self.query_one(CodebookTree)
        highlight = highlight or tree.highlighted_code
        tree.set_codebook(codebook, view.code_counts())
        if highlight:
            tree.highlight(highlight)
        self.forget_suggestions(list(self.suggestions))  # they may name codes now merged
        self.codebook_shown()

    def refresh_codebook(self) -> None:
        """Read the codebook again (after an undo or redo of a codebook change)."""
        if self.view is not None:
            self.read_codebook_worker()

    @work(thread=True, group="codebook-read", exit_on_error=False)
    def read_codebook_worker(self) -> None:
        """Read the project's codebook in a worker."""
        self.post_message(self.CodebookRead(read_codebook(self.kodebog.store)))

    def on_codebook_screen_codebook_read(self, message: CodebookRead) -> None:
        """Show the codebook read again."""
        self.apply_codebook(*message.codebook)

    # writing

    def _change(self, do: Callable[[int], CodebookChange]) -> None:
        view = self.view
        if view is None:
            return
        self.write_codebook(do, view.codebook_version)

    def write_codebook(self, do: Callable[[int], CodebookChange], base: int) -> None:
        """Store one codebook change, then read the codebook back, in the app's write
        worker (in order with the codings; a busy project is retried there)."""
        store = self.kodebog.store

        def run() -> None:
            try:
                change = do(base)
            except DatabaseBusyError:
                raise  # the write worker says so and tries again
            except KodebogError as error:
                self.post_message(self.CodebookWritten(None, str(error), read_codebook(store),
                                                       []))
                return
            units = affected_units(store, change.event_id) if change.coding_ids else []
            self.post_message(self.CodebookWritten(change, None, read_codebook(store), units))

        self.kodebog.writer.submit(WriteJob(_("the codebook change"), run, self))

    def on_codebook_screen_codebook_written(self, message: CodebookWritten) -> None:
        """Show the stored change (or why it was refused) and the codebook as it is now."""
        change = message.change
        if message.codebook is not None:
            self.apply_codebook(*message.codebook, highlight=change.code_id if change else None)
        if change is None:
            self.notify(message.error or _("The change was refused."), severity="error",
                        timeout=8)
            return
        self.codings_written(message.unit_ids, _("{change} · ctrl+z undoes").format(
            change=change.message))
        if change.action == "code.add" and change.coding_ids:
            self.selected_coding = change.coding_ids[0]
        if change.action in RETRAIN_AFTER and self.suggestions_on and not self._training:
            self._training = True
            self.train()

    def _highlighted(self) -> CodeView | None:
        view = self.view
        code_id = self.query_one(CodebookTree).highlighted_code
        code = view.codebook.get(code_id) if view is not None and code_id else None
        if code is None:
            self.notify(_("Highlight a code in the codebook first."), severity="warning",
                        timeout=3)
        return code

    def codebook_commands(self) -> list[Command]:
        """The palette's codebook commands."""
        return [
            Command(_("Codebook: new code…"), "ctrl+n", self.action_new_code),
            Command(_("Codebook: new code from the selected words (in vivo)…"), "I",
                    self.action_new_code_in_vivo),
            Command(_("Codebook: edit the highlighted code…"), "E", self.action_edit_code),
            Command(_("Codebook: move the highlighted code…"), "V", self.action_move_code),
            Command(_("Codebook: merge the highlighted code into another…"), "G",
                    self.action_merge_code),
            Command(_("Codebook: split codings off the highlighted code…"), "U",
                    self.action_split_code),
            Command(_("Codebook: retire the highlighted code (only if unused)"), "",
                    self.action_retire_code),
            Command(_("Codebook: history"), "H", self.action_codebook_history),
        ]

    # the actions

    def action_new_code(self) -> None:
        """A new code: label, id, parent, hotkey, colour and definition."""
        view = self.view
        if view is None:
            return
        code_id = self.query_one(CodebookTree).highlighted_code
        code = view.codebook.get(code_id) if code_id else None
        form = CodeForm("", parent=code.parent if code else None)
        self.app.push_screen(CodeDialog(_("New code"), view.codebook, form), self._add)

    def _add(self, form: CodeForm | None) -> None:
        view = self.view
        if form is None or view is None:
            return
        store, coder = view.store, view.coder
        self._change(lambda base: codes.add_code(
            store, coder, form.label, form.code_id, parent=form.parent, key=form.key,
            color=form.color, description=form.description, base_version=base,
            **{name: form.lists.get(name, []) for name in ("include", "exclude", "examples",
                                                           "keywords")}))

    def action_new_code_in_vivo(self) -> None:
        """A code from the selected words (the whole unit without a selection): they become
        its label and first example, and are coded with it at once."""
        view, row = self.view, self.units.current_row
        if view is None or row is None:
            return
        span = self.units.selection
        start, end = span or (0, len(row.text))
        form = CodeForm(codes.in_vivo_label(row.text[start:end]))
        self.app.push_screen(
            CodeDialog(_("New code from the selected words (in vivo)"), view.codebook, form),
            lambda result: self._add_in_vivo(row.id, span, result))

    def _add_in_vivo(self, unit_id: int, span: tuple[int, int] | None,
                     form: CodeForm | None) -> None:
        view = self.view
        if form is None or view is None:
            return
        store, coder = view.store, view.coder
        self._change(lambda base: codes.add_code_in_vivo(
            store, coder, unit_id, span, code_id=form.code_id, label=form.label,
            parent=form.parent, key=form.key, color=form.color,
            description=form.description, lists=form.lists, base_version=base))

    def action_edit_code(self) -> None:
        """Change the highlighted code's label, definition, lists, hotkey or colour."""
        view, code = self.view, self._highlighted()
        if view is None or code is None:
            return
        before = form_of(code)
        self.app.push_screen(
            CodeDialog(_("Edit {label} ({id})").format(label=code.label, id=code.id),
                       view.codebook, before,
                       editing=code.id),
            lambda form: self._edit(code.id, before, form))

    def _edit(self, code_id: str, before: CodeForm, form: CodeForm | None) -> None:
        view = self.view
        if form is None or view is None or form == before:
            return
        store, coder = view.store, view.coder
        lists = changed_lists(form, before)
        edit = CodeEdit(
            label=form.label if form.label != before.label else None,
            description=form.description if form.description != before.description else None,
            color=form.color if form.color != before.color else None,
            key=form.key if form.key != before.key else None,
            include=lists["include"], exclude=lists["exclude"],
            examples=lists["examples"], keywords=lists["keywords"],
        )
        if edit == CodeEdit(label=edit.label):
            label = form.label
            self._change(lambda base: codes.rename_code(store, coder, code_id, label,
                                                        base_version=base))
            return
        self._change(lambda base: codes.edit_code(store, coder, code_id, edit,
                                                  base_version=base))

    def action_move_code(self) -> None:
        """Put the highlighted code under another parent."""
        view, code = self.view, self._highlighted()
        if view is None or code is None:
            return
        self.app.push_screen(CodeChoiceDialog(code, view.codebook, merge=False),
                             lambda choice: self._move(code.id, choice))

    def _move(self, code_id: str, choice: CodeChoice | None) -> None:
        view = self.view
        if choice is None or view is None:
            return
        store, coder = view.store, view.coder
        self._change(lambda base: codes.move_code(store, coder, code_id, choice.code_id,
                                                  base_version=base))

    def action_merge_code(self) -> None:
        """Merge the highlighted code into another one."""
        view, code = self.view, self._highlighted()
        if view is None or code is None:
            return
        self.app.push_screen(CodeChoiceDialog(code, view.codebook, merge=True),
                             lambda choice: self._merge(code.id, choice))

    def _merge(self, code_id: str, choice: CodeChoice | None) -> None:
        view = self.view
        if choice is None or view is None or choice.code_id is None:
            return
        store, coder, target = view.store, view.coder, choice.code_id
        self._change(lambda base: codes.merge_codes(
            store, coder, code_id, target, description=choice.description or None,
            base_version=base))

    def action_split_code(self) -> None:
        """Move chosen codings of the highlighted code to a new code."""
        code = self._highlighted()
        if code is not None:
            self.read_codings_of(code)

    @work(thread=True, group="codebook-read", exit_on_error=False)
    def read_codings_of(self, code: CodeView) -> None:
        """Read a code's codings for the split dialog."""
        with self.kodebog.store.read() as session:
            quotes = codings_of(session, code.id)
        self.post_message(self.CodingsOfCodeRead(code, quotes))

    def on_codebook_screen_codings_of_code_read(self, message: CodingsOfCodeRead) -> None:
        """Choose the codings that go to the new code."""
        if not message.quotes:
            self.notify(_("{code} has no codings to split off.").format(code=message.code.label),
                        timeout=4)
            return
        code_id = message.code.id
        self.app.push_screen(SplitDialog(message.code, message.quotes),
                             lambda form: self._split(code_id, form))

    def _split(self, code_id: str, form: SplitForm | None) -> None:
        view = self.view
        if form is None or view is None:
            return
        store, coder = view.store, view.coder

        def split(base: int) -> CodebookChange:
            with store.read() as session:
                new_id = form.code_id or codes.derive_id(session, form.label)
            return codes.split_code(store, coder, code_id, new_id, form.coding_ids,
                                    label=form.label, base_version=base)

        self._change(split)

    def action_retire_code(self) -> None:
        """Take the highlighted code out of the codebook (only when nobody uses it)."""
        view, code = self.view, self._highlighted()
        if view is None or code is None:
            return
        store, coder, code_id = view.store, view.coder, code.id
        self._change(lambda base: codes.retire_code(store, coder, code_id, base_version=base))

    def action_codebook_history(self) -> None:
        """Every codebook version: who changed what, and when."""
        self.read_history()

    @work(thread=True, group="codebook-read", exit_on_error=False)
    def read_history(self) -> None:
        """Read the codebook's versions in a worker."""
        with self.kodebog.store.read() as session:
            versions = codebook_log(session)
        self.post_message(self.HistoryRead(versions))

    def on_codebook_screen_history_read(self, message: HistoryRead) -> None:
        """Show the history."""
        self.app.push_screen(CodebookHistoryDialog(message.versions))
