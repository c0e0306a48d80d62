"""The coding screen's suggestions: the panel, accept and reject, the queue, training.

Everything that touches spaCy (``suggest_for_units``, ``train_and_store``) runs in the
helper process of ``kodebog.suggest.process``, called from thread workers that post
messages: loading spaCy holds a GIL for seconds, and it must not be this one. The UI thread
only reads what they computed and makes the one-transaction decisions (accept, reject),
like the coding writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.worker import get_current_worker

from kodebog.errors import KodebogError
from kodebog.i18n import N_, _, ngettext, translate
from kodebog.i18n.formats import number
from kodebog.tui.screens.base import KodebogScreen
from kodebog.tui.widgets.codebook_tree import CodebookTree
from kodebog.tui.widgets.suggestions import SuggestionsPanel, model_line
from kodebog.views.project import source_id_by_name
from kodebog.views.source import SourceView, UnitRow

if TYPE_CHECKING:
    from kodebog.suggest.embeddings import EmbeddingState
    from kodebog.suggest.service import ModelInfo, SuggestionInfo
    from kodebog.tui.widgets.unit_list import UnitList

PREFETCH = 4
"""Units after the current one whose suggestions are computed with it."""

OFF = N_("Suggestions are off (suggestions: false in settings.yaml).")

INTERVIEWER = "interviewer"
"""Interviewer turns get no suggestions (as in ``kodebog suggest``)."""

EMBED_STEP = 64
"""Units the embedding helper embeds per call; progress is shown after each."""

QUEUE_COMPUTE_LIMIT = 2000
"""Starting a queue computes the suggestions of the open source up to this many units;
larger sources rely on ``kodebog suggest`` having stored them."""


@dataclass
class SuggestionQueue:
    """Every open suggestion of one code, best first, and how far the coder has come."""

    code: str
    label: str
    items: list[SuggestionInfo] = field(default_factory=list)
    position: int = 0

    @property
    def current(self) -> SuggestionInfo | None:
        """The suggestion to decide now."""
        return self.items[self.position] if self.position < len(self.items) else None

    def describe(self) -> str:
        """``queue Kontakt 3/27`` for the panel."""
        return _("queue {label}: {position}/{count}").format(
            label=self.label, position=number(min(self.position + 1, len(self.items))),
            count=number(len(self.items)))


class SuggestingScreen(KodebogScreen[None]):
    """Suggestions for the current unit of a coding screen (the base of CodingScreen)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("Y", "accept_suggestion", N_("Accept"), id="coding.accept_suggestion"),
        Binding("X", "reject_suggestion", N_("Reject"), id="coding.reject_suggestion"),
        Binding("S", "next_suggestion", N_("Next suggestion"), show=False,
                id="coding.next_suggestion"),
        Binding("W", "suggestion_queue", N_("Queue"), show=False, id="coding.suggestion_queue"),
        Binding("T", "retrain", N_("Retrain"), show=False, id="coding.retrain"),
    ]

    view: SourceView | None
    message: str

    class SuggestionsComputed(Message):
        """Suggestions for some units have been computed (and stored)."""

        def __init__(self, found: dict[int, list[SuggestionInfo]], unit_ids: list[int],
                     error: str | None) -> None:
            self.found = found
            self.unit_ids = unit_ids
            self.error = error
            super().__init__()

    class ModelRead(Message):
        """The coder's stored model has been looked up (or trained)."""

        def __init__(self, info: ModelInfo | None, trained: bool = False,
                     error: str | None = None) -> None:
            self.info = info
            self.trained = trained
            self.error = error
            super().__init__()

    class EmbeddingProgress(Message):
        """The background embedding has come this far (or stopped with an error)."""

        def __init__(self, state: EmbeddingState | None, error: str | None = None) -> None:
            self.state = state
            self.error = error
            super().__init__()

    class QueueReady(Message):
        """The open suggestions of a code, best first."""

        def __init__(self, code: str, items: list[SuggestionInfo],
                     found: dict[int, list[SuggestionInfo]], error: str | None) -> None:
            self.code = code
            self.items = items
            self.found = found
            self.error = error
            super().__init__()

    def __init__(self) -> None:
        super().__init__()
        self.suggestions: dict[int, list[SuggestionInfo]] = {}  # unit id -> computed
        self.selected_suggestion: int | None = None
        self.model_info: ModelInfo | None = None
        self.embedding: EmbeddingState | None = None
        self.semantic_note = ""  # why the semantic tier is off ("" when on)
        self._computing = False
        self._training = False

    @property
    def units(self) -> UnitList:
        """The unit list (the coding screen's)."""
        raise NotImplementedError

    def go_to_unit(self, unit_id: int) -> None:
        """Move to a unit of this source (the coding screen's; reads in a worker)."""
        raise NotImplementedError

    def after_suggestion_write(self, unit_ids: list[int], message: str) -> None:
        """Show a coding made by accepting a suggestion (the coding screen's)."""
        raise NotImplementedError

    def save(self, label: str, write: Callable[[], Any], unit_ids: list[int], *,
             undo_units: bool = False, on_saved: Callable[[Any], None] | None = None
             ) -> None:
        """Queue a write for the app's write worker (the coding screen's)."""
        raise NotImplementedError

    @property
    def _model_name(self) -> str:
        return self.kodebog.settings.spacy_model or ""

    # computing

    @property
    def suggestions_on(self) -> bool:
        """The analyst has not switched suggestions off in the settings."""
        return self.kodebog.settings.suggestions

    @property
    def semantic_on(self) -> bool:
        """The semantic tier is installed and not switched off (settings, environment)."""
        from kodebog.suggest.semantic_state import enabled

        return enabled(self.kodebog.settings.semantic)

    def start_suggestions(self) -> None:
        """The source is shown: look up the model, compute the current unit's suggestions,
        and embed the project's units in the background (semantic tier)."""
        if not self.suggestions_on:
            self.show_suggestions()
            return
        from kodebog.suggest.semantic_state import OFF_SHORT, available

        # switched off on purpose (settings, KODEBOG_SEMANTIC=0): nothing to tell
        self.semantic_note = "" if available() else OFF_SHORT
        self.read_model()
        if self.semantic_on:
            self.embed_in_background()
        self.want_suggestions()

    @work(thread=True, exclusive=True, group="suggest-embed", exit_on_error=False)
    def embed_in_background(self) -> None:
        """Embed the units without a vector, a step at a time, in the embedding helper (one
        thread: the interface keeps the other core); progress after every step."""
        from kodebog.suggest import process

        worker = get_current_worker()
        while not worker.is_cancelled:
            try:
                state = process.embed_units(self.kodebog.store, EMBED_STEP)
            except KodebogError as problem:
                if not worker.is_cancelled:
                    self.post_message(self.EmbeddingProgress(None, str(problem)))
                return
            self.post_message(self.EmbeddingProgress(state))
            if state.complete:
                return

    def on_suggesting_screen_embedding_progress(self, message: EmbeddingProgress) -> None:
        """Show how far the embedding has come."""
        if message.error:
            self.semantic_note = _("semantic tier paused: {reason}").format(reason=message.error)
        else:
            self.embedding = message.state
        self.show_suggestions()

    def on_unmount(self) -> None:
        """Leaving the screen ends the embedding helper's step (what is stored stays)."""
        from kodebog.suggest import process

        self.workers.cancel_group(self, "suggest-embed")
        process.embedding().interrupt()

    @work(thread=True, group="suggest-model", exit_on_error=False)
    def read_model(self) -> None:
        """The coder's stored model (a query: no spaCy)."""
        from kodebog.suggest import service

        app = self.kodebog
        with app.store.read() as session:
            info = service.model_state(session, app.coder or "")
        self.post_message(self.ModelRead(info))

    def want_suggestions(self) -> None:
        """Show the current unit's suggestions; compute them in a worker if they are new."""
        if not self.suggestions_on:
            self.show_suggestions()
            return
        view, row = self.view, self.units.current_row
        if row is not None and row.role == INTERVIEWER:
            self.suggestions.setdefault(row.id, [])
        self.show_suggestions()
        if view is None or row is None or self._computing:
            return
        # the current unit first, then a few ahead (which also loads the language model
        # while an interviewer's turn is shown)
        ids = [] if row.id in self.suggestions else [row.id]
        index = self.units.cursor + 1
        while len(ids) <= PREFETCH and index < view.count:
            ahead = view.row(index)
            if ahead is None:
                break
            if ahead.id not in self.suggestions and ahead.role != INTERVIEWER:
                ids.append(ahead.id)
            index += 1
        if not ids:
            return
        self._computing = True
        self.compute_suggestions(ids)

    @work(thread=True, group="suggest", exit_on_error=False)
    def compute_suggestions(self, unit_ids: list[int]) -> None:
        """Rank codes for these units (the helper loads spaCy the first time: seconds)."""
        from kodebog.suggest import process

        app = self.kodebog
        error = None
        found: dict[int, list[SuggestionInfo]] = {}
        try:
            found = process.suggest_for_units(app.store, app.coder or "", unit_ids, top_k=3,
                                              model_name=self._model_name,
                                              semantic=self.semantic_on)
        except KodebogError as problem:
            error = str(problem)
        except BaseException:  # a bug: the error dialog shows it; the panel stops waiting
            self.post_message(self.SuggestionsComputed({}, unit_ids, _("suggestions failed")))
            raise
        self.post_message(self.SuggestionsComputed(found, unit_ids, error))

    def on_suggesting_screen_suggestions_computed(self, message: SuggestionsComputed) -> None:
        """Keep what was computed; go on with the unit the cursor is on now."""
        self._computing = False
        self.kodebog.suggester_ready = True
        for unit_id in message.unit_ids:
            self.suggestions[unit_id] = message.found.get(unit_id, [])
        if message.error:
            self.notify(message.error, severity="warning", timeout=8)
        self.want_suggestions()
        self.refresh_bindings()

    def forget_suggestions(self, unit_ids: list[int]) -> None:
        """These units changed (undo, redo): compute their suggestions again when shown."""
        for unit_id in unit_ids:
            self.suggestions.pop(unit_id, None)

    # showing

    def visible_suggestions(self, row: UnitRow) -> list[SuggestionInfo] | None:
        """The unit's open suggestions of codes you have not applied; None: not computed."""
        view = self.view
        found = self.suggestions.get(row.id)
        queue = self.kodebog.suggestion_queue
        item = queue.current if queue is not None else None
        if item is not None and item.unit_id == row.id:
            found = [item, *(s for s in found or [] if s.id != item.id)]
        if found is None or view is None:
            return None
        applied = {c.code for c in view.my_codings(row.id)}
        return [s for s in found if s.code not in applied]

    def current_suggestion(self) -> SuggestionInfo | None:
        """The selected suggestion of the current unit (the first when none is selected)."""
        row = self.units.current_row
        items = self.visible_suggestions(row) if row is not None else None
        if not items:
            return None
        return next((s for s in items if s.id == self.selected_suggestion), items[0])

    def show_suggestions(self) -> None:
        """Fill the panel and underline the selected suggestion's evidence."""
        view, row = self.view, self.units.current_row
        panel = self.query_one(SuggestionsPanel)
        if not self.suggestions_on:
            panel.show_message(translate(OFF))
            self.units.set_evidence(None, [])
            return
        model = model_line(self.model_info, self._training, self.semantic_line())
        items = self.visible_suggestions(row) if row is not None else None
        if view is None or row is None or items is None:
            if view is None or row is None:
                panel.show_message(_("No unit."), model)
            elif self.kodebog.suggester_ready:
                panel.show_message(_("finding suggestions…"), model)
            else:
                panel.show_message(_("loading the language model…"), model)
            self.units.set_evidence(None, [])
            return
        if row.role == INTERVIEWER and not items:
            panel.show_message(_("Interviewer turn: no suggestions."), model)
            self.units.set_evidence(None, [])
            return
        chosen = self.current_suggestion()
        queue = self.kodebog.suggestion_queue
        panel.show(items, chosen.id if chosen else None, view.codebook, model,
                   queue.describe() if queue is not None else None)
        spans = [(e.start, e.end) for e in chosen.evidence] if chosen else []
        self.units.set_evidence(row.id, spans)

    def semantic_line(self) -> str:
        """The semantic tier's state for the panel: off and how to turn it on, or progress."""
        if self.semantic_note:
            return translate(self.semantic_note)  # a marked constant or already translated
        state = self.embedding
        if state is None or state.complete:
            return ""
        return _("semantic: {done}/{total} units embedded").format(
            done=number(state.done), total=number(state.total))

    # deciding

    def _label(self, code_id: str) -> str:
        code = self.view.codebook.get(code_id) if self.view else None
        return code.label if code else code_id

    def action_next_suggestion(self) -> None:
        """Select the next suggestion of the current unit."""
        row = self.units.current_row
        items = self.visible_suggestions(row) if row is not None else None
        chosen = self.current_suggestion()
        if not items or chosen is None:
            return
        ids = [s.id for s in items]
        self.selected_suggestion = ids[(ids.index(chosen.id) + 1) % len(ids)]
        self.show_suggestions()

    def action_accept_suggestion(self) -> None:
        """Code the unit with the selected suggestion (origin ``suggestion``)."""
        from kodebog.suggest import service

        chosen, row = self.current_suggestion(), self.units.current_row
        if chosen is None or row is None:
            return
        app = self.kodebog
        store, coder = app.store, app.coder or ""
        self.save(_("accepting {code}").format(code=self._label(chosen.code)),
                  lambda: service.accept(store, coder, chosen.id), [row.id])
        self._decided(row, chosen)
        self.after_suggestion_write([row.id], _("accepted {code}").format(
            code=self._label(chosen.code)))
        self._queue_on(chosen)

    def action_reject_suggestion(self) -> None:
        """Reject the selected suggestion: it is not suggested again and teaches the model."""
        from kodebog.suggest import service

        chosen, row = self.current_suggestion(), self.units.current_row
        if chosen is None or row is None:
            return
        app = self.kodebog
        store, coder = app.store, app.coder or ""
        self.save(_("rejecting {code}").format(code=self._label(chosen.code)),
                  lambda: service.reject(store, coder, chosen.id), [row.id])
        self._decided(row, chosen)
        self.message = _("rejected {code}: not suggested again").format(
            code=self._label(chosen.code))
        self.show_suggestions()
        self.refresh_bindings()
        self._queue_on(chosen)

    def _decided(self, row: UnitRow, chosen: SuggestionInfo) -> None:
        kept = [s for s in self.suggestions.get(row.id, []) if s.id != chosen.id]
        self.suggestions[row.id] = kept
        self.selected_suggestion = None

    # the queue

    def action_suggestion_queue(self, code: str | None = None) -> None:
        """Walk the open suggestions of a code (the highlighted one); again: skip one."""
        code = code or self.query_one(CodebookTree).highlighted_code
        if code is None or self.view is None:
            return
        if not self.suggestions_on:
            self.notify(translate(OFF), severity="warning", timeout=4)
            return
        queue = self.kodebog.suggestion_queue
        if queue is not None and queue.code == code and queue.current is not None:
            queue.position += 1
            self.go_to_queue_item()
            return
        self.message = _("building the queue for {code}…").format(code=self._label(code))
        self.show_suggestions()
        self.notify(self.message, timeout=3)
        self.build_queue(code)

    @work(thread=True, exclusive=True, group="suggest-queue", exit_on_error=False)
    def build_queue(self, code: str) -> None:
        """Compute this source's suggestions (when not too many), then read the queue."""
        from kodebog.suggest import process, service

        app, view = self.kodebog, self.view
        found: dict[int, list[SuggestionInfo]] = {}
        items: list[SuggestionInfo] = []
        error = None
        try:
            if view is not None and view.count <= QUEUE_COMPUTE_LIMIT:
                with app.store.read() as session:
                    ids = service.units_to_suggest(session, [view.head.name])
                fresh = [i for i in ids if i not in self.suggestions]
                if fresh:
                    found = process.suggest_for_units(app.store, app.coder or "", fresh,
                                                      top_k=3, model_name=self._model_name,
                                                      semantic=self.semantic_on)
            with app.store.read() as session:
                items = service.queue(session, app.coder or "", code)
        except KodebogError as problem:
            error = str(problem)
        self.post_message(self.QueueReady(code, items, found, error))

    def on_suggesting_screen_queue_ready(self, message: QueueReady) -> None:
        """Start at the best suggestion."""
        self.kodebog.suggester_ready = True
        self.suggestions.update(message.found)
        if message.error:
            self.notify(message.error, severity="error", timeout=6)
            return
        label = self._label(message.code)
        items = message.items
        if not items:
            self.message = _("no open suggestions for {code}").format(code=label)
            self.kodebog.suggestion_queue = None
            self.show_suggestions()
            self.notify(_("No open suggestions for {code}.").format(code=label), timeout=4)
            return
        self.kodebog.suggestion_queue = SuggestionQueue(message.code, label, items)
        self.go_to_queue_item()

    def _queue_on(self, decided: SuggestionInfo) -> None:
        """After a decision on the queue's suggestion, go to the next one."""
        queue = self.kodebog.suggestion_queue
        if queue is not None and queue.current is not None and queue.current.id == decided.id:
            queue.position += 1
            self.go_to_queue_item()

    def go_to_queue_item(self) -> None:
        """Show the queue's current suggestion: in this source, or open its source."""
        app = self.kodebog
        queue = app.suggestion_queue
        view = self.view
        if queue is None or view is None:
            return
        item = queue.current
        if item is None:
            app.suggestion_queue = None
            self.message = ngettext("queue for {code} done: {count} suggestion",
                                    "queue for {code} done: {count} suggestions",
                                    len(queue.items)).format(
                code=queue.label, count=number(len(queue.items)))
            self.show_suggestions()
            self.notify(self.message, timeout=4)
            return
        self.selected_suggestion = item.id
        self.message = queue.describe()
        if item.source == view.head.name:
            self.go_to_unit(item.unit_id)
            self.show_suggestions()
            self.refresh_bindings()
            return
        self.open_queue_source(item.source, item.unit_id)

    @work(thread=True, exclusive=True, group="suggest-open", exit_on_error=False)
    def open_queue_source(self, source: str, unit_id: int) -> None:
        """Look up the source of the queue's next suggestion (a read), then open it there."""
        app = self.kodebog
        source_id = source_id_by_name(app.store, source)
        if source_id is not None:
            app.call_from_thread(app.open_source, source_id, unit_id)

    def action_stop_queue(self) -> None:
        """Leave the queue."""
        self.kodebog.suggestion_queue = None
        self.show_suggestions()

    # training

    def action_retrain(self) -> None:
        """Train the model again on your codings and rejections, in the background."""
        if not self.suggestions_on:
            self.notify(translate(OFF), severity="warning", timeout=4)
            return
        if self._training:
            self.notify(_("The model is being trained already."), timeout=3)
            return
        self._training = True
        self.show_suggestions()
        self.train()

    @work(thread=True, group="suggest-train", exit_on_error=False)
    def train(self) -> None:
        """Train and store the coder's model (seconds, in the helper process)."""
        from kodebog.suggest import process

        app = self.kodebog
        try:
            info = process.train_and_store(app.store, app.coder or "",
                                           model_name=self._model_name)
        except KodebogError as problem:
            self.post_message(self.ModelRead(None, True, str(problem)))
            return
        self.post_message(self.ModelRead(info, True))

    def on_suggesting_screen_model_read(self, message: ModelRead) -> None:
        """Show the model's state; after training, compute suggestions with the new model."""
        if message.error:
            self._training = False
            self.notify(message.error, severity="error", timeout=8)
            self.show_suggestions()
            return
        self.model_info = message.info
        if message.trained:
            self._training = False
            self.suggestions.clear()
            info = message.info
            if info is not None:
                self.notify(_("Model trained: {codes} codes learned from {units} coded units "
                              "in {seconds} s.").format(
                    codes=number(len(info.codes)), units=number(info.n_coded),
                    seconds=number(round(info.seconds))), timeout=5)
            self.want_suggestions()
            return
        self.show_suggestions()
