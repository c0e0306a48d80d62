"""Writes the analyst's finding statement for a code, refusing to overwrite a newer version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Label, Static

from kodebog.errors import ConflictError
from kodebog.findings import FindingEdit, FindingState, read_finding, set_finding
from kodebog.i18n import N_, _, formats
from kodebog.store import Store
from kodebog.tui.dialogs.text_dialog_base import FramedTextDialog
from kodebog.tui.writer import WriteFailed, WriteJob, WriteWaiting, Written


@dataclass(frozen=True)
class _Conflict:
    """Someone saved a newer version while this dialog was open."""

    message: str
    theirs: FindingState


def _stamp(state: FindingState) -> str:
    if not state.version:
        return _("No finding written for this code yet.")
    who = state.updated_by or _("someone")
    if state.updated_at:
        return _("Version {version}, saved by {name} on {when}.").format(
            version=state.version, name=who, when=formats.datetime(state.updated_at))
    return _("Version {version}, saved by {name}.").format(version=state.version, name=who)


class FindingDialog(FramedTextDialog[FindingEdit]):
    """The statement in a text area; saving checks the version it was opened with."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), id="finding.save"),
        Binding("escape", "cancel", N_("Cancel"), id="finding.cancel"),
    ]
    DEFAULT_CSS = """
    FindingDialog {
        & > Vertical { width: 90; max-width: 100%; height: 30; max-height: 100%; }
        & TextArea { margin: 1 0 0 0; }
        & #finding-conflict {
            display: none;
            height: auto;
            max-height: 9;
            margin-top: 1;
            padding: 0 1;
            border: round $error;
            color: $text-error;
        }
        & #finding-conflict.shown { display: block; }
        & Horizontal { margin-top: 1; }
    }
    """

    def __init__(self, store: Store, coder: str, code: str, label: str,
                 state: FindingState) -> None:
        super().__init__("[b]" + _("Finding") + "[/b] · " + label, state.statement,
                         "finding-text")
        self.store = store
        self.coder = coder
        self.code = code
        self.label = label
        self.state = state
        self.base_version = state.version
        self.saving = False

    def compose_above(self) -> ComposeResult:
        """Who saved the version being edited, and when."""
        yield Label(_stamp(self.state), id="finding-stamp", classes="hint", markup=False)

    def compose_below(self) -> ComposeResult:
        """Where a conflicting save is shown."""
        yield Static("", id="finding-conflict", markup=False)

    def action_save(self) -> None:
        """Store the statement if nobody saved a newer version meanwhile."""
        text = self.written()
        if self.saving:
            return
        if not text:
            self.notify(_("The finding is empty: write it, or press esc to leave it as it was."),
                        severity="warning")
            return
        store, code, coder, base = self.store, self.code, self.coder, self.base_version

        def run() -> FindingEdit | _Conflict:
            try:
                return set_finding(store, code, text, coder, base_version=base)
            except ConflictError as error:
                with store.read() as session:
                    return _Conflict(str(error), read_finding(session, code))

        writer = getattr(self.app, "writer", None)
        if writer is None:  # a dialog outside the kodebog app (tests of the dialog alone)
            self.on_written(Written(WriteJob(_("the finding"), run), run()))
            return
        self.saving = True
        writer.submit(WriteJob(_("the finding"), run, self))

    def on_written(self, message: Written) -> None:
        """Saved: close; or someone saved a newer version: show theirs."""
        self.saving = False
        if isinstance(message.result, _Conflict):
            self._conflict(message.result.message, message.result.theirs)
        else:
            self.dismiss(message.result)

    def on_write_failed(self, message: WriteFailed) -> None:
        """Not saved (busy too long, server gone): say so; the text stays to try again."""
        self.saving = False
        self.notify(message.reason, severity="error", timeout=8)

    def on_write_waiting(self, message: WriteWaiting) -> None:
        """The project is busy: say so; the save is retried."""
        self.notify(_("{reason}: retrying").format(reason=message.reason), severity="warning",
                    timeout=4)

    def _conflict(self, message: str, theirs: FindingState) -> None:
        """Show what the other person saved; a second save replaces it knowingly."""
        self.base_version = theirs.version
        self.query_one("#finding-stamp", Label).update(_stamp(theirs))
        notice = self.query_one("#finding-conflict", Static)
        notice.update(_("Not saved: {message}\n\nTheir version {version}:\n{statement}\n\n"
                        "ctrl+s again replaces it with your text; esc keeps theirs.").format(
            message=message, version=theirs.version,
            statement=theirs.statement or _("(empty)")))
        notice.add_class("shown")
        self.notify(_("Not saved: {reason}").format(reason=message), severity="error",
                    timeout=10)
