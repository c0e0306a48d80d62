"""spaCy work in a helper process, so that loading a language model never stalls the caller.

The TUI suggests codes and trains models while the analyst codes. Done in a thread, the
first call (import spaCy, load the pipeline and the lemma table: about two seconds of Python)
holds the GIL and the interface stops answering keys. Here one helper process
(``python -m kodebog.suggest.process``, talking pickle over its standard input and output)
does that work; a caller waits in a pipe read, which releases the GIL. The helper opens the
project itself from its URL, stores what it computes exactly as ``service.suggest_for_units``
and ``service.train_and_store`` do, and keeps its loaded models between calls. Pickle is
safe here: both ends are this package, talking over a private pipe.

Calls are served one at a time in the order they come. ``interrupt()`` ends the helper when
a call is in flight (a quitting app need not wait for a training to finish); the next call
starts a new one.
"""

from __future__ import annotations

import atexit
import os
import pickle
import subprocess
import sys
import threading
import traceback
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextlib import suppress
from typing import TYPE_CHECKING, Any, BinaryIO

from kodebog.errors import KodebogError, ProjectError
from kodebog.i18n import _

if TYPE_CHECKING:
    from kodebog.store import Store
    from kodebog.suggest.embeddings import EmbeddingState
    from kodebog.suggest.service import ModelInfo, SuggestionInfo

OPEN_STORES = 4
"""Projects the helper keeps open (tests open many; an analyst one)."""

_Reply = tuple[str, Any]  # ("ok", value) | ("error", message) | ("bug", traceback text)


def can_serve(store: Store) -> bool:
    """True when a helper process can open this project (not an in-memory database)."""
    if not store.is_sqlite:
        return True
    database = store.url.database
    return bool(database) and database != ":memory:" and "mode=memory" not in str(store.url)


class SpacyProcess:
    """One helper process for suggesting and training; thread-safe, started on first use."""

    def __init__(self) -> None:
        self._call_lock = threading.Lock()  # one call at a time
        self._state_lock = threading.Lock()  # guards _process and _busy
        self._process: subprocess.Popen[bytes] | None = None
        self._busy = False

    @property
    def running(self) -> bool:
        """A helper process is alive."""
        with self._state_lock:
            return self._process is not None and self._process.poll() is None

    def suggest(
        self, store: Store, coder: str, unit_ids: Iterable[int], *, top_k: int = 3,
        model_name: str | None = None, semantic: bool | None = None,
    ) -> dict[int, list[SuggestionInfo]]:
        """``service.suggest_for_units``, computed and stored by the helper."""
        found: dict[int, list[SuggestionInfo]] = self._call(
            "suggest", _url(store), coder, list(unit_ids), top_k, model_name, semantic)
        return found

    def train(self, store: Store, coder: str, *, model_name: str | None = None) -> ModelInfo:
        """``service.train_and_store``, run by the helper."""
        info: ModelInfo = self._call("train", _url(store), coder, model_name)
        return info

    def embed(self, store: Store, limit: int) -> EmbeddingState:
        """Embed up to ``limit`` more units that have no vector yet; how far it has come."""
        state: EmbeddingState = self._call("embed", _url(store), limit)
        return state

    def warm_up(self, store: Store, coder: str, *, model_name: str | None = None) -> bool:
        """Have the helper load what suggesting needs now, without waiting for it.

        Nothing is answered, so nobody waits; the next call is served after it. Skipped
        (False) while a call is in flight: the helper is warm, or soon will be.
        """
        if not self._call_lock.acquire(blocking=False):
            return False
        try:
            with self._state_lock:
                process = self._process
                if process is None or process.poll() is not None:
                    process = self._start()
            assert process.stdin is not None
            try:
                pickle.dump(("warm", (_url(store), coder, model_name)), process.stdin,
                            pickle.HIGHEST_PROTOCOL)
                process.stdin.flush()
            except OSError:
                self.stop()
                return False
            return True
        finally:
            self._call_lock.release()

    def interrupt(self) -> bool:
        """End the helper if a call is in flight (its caller gets an error); True if it did."""
        with self._state_lock:
            if not self._busy or self._process is None:
                return False
            self._process.kill()
            return True

    def stop(self) -> None:
        """End the helper, busy or not."""
        with self._state_lock:
            process, self._process = self._process, None
        if process is None:
            return
        process.kill()
        process.wait(5)
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                pipe.close()

    def _start(self) -> subprocess.Popen[bytes]:
        from kodebog.i18n import ENV_LANGUAGE, language

        env = {**os.environ, ENV_LANGUAGE: language()}  # its errors in the caller's language
        process = subprocess.Popen(
            [sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, close_fds=True, env=env)
        self._process = process
        atexit.register(_end, process)
        return process

    def _call(self, name: str, *args: Any) -> Any:
        with self._call_lock:
            with self._state_lock:
                process = self._process
                if process is None or process.poll() is not None:
                    process = self._start()
                self._busy = True
            assert process.stdin is not None and process.stdout is not None
            try:
                pickle.dump((name, args), process.stdin, pickle.HIGHEST_PROTOCOL)
                process.stdin.flush()
                status, value = pickle.load(process.stdout)
            except (EOFError, OSError, pickle.UnpicklingError) as problem:
                self.stop()
                raise ProjectError(
                    _("the suggestions process stopped before it answered; it starts again "
                      "with the next request")) from problem
            finally:
                with self._state_lock:
                    self._busy = False
        if status == "error":
            raise ProjectError(value)
        if status == "bug":
            raise RuntimeError(f"in the suggestions process:\n{value}")
        return value


def _end(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait(5)


def _url(store: Store) -> str:
    return store.url.render_as_string(hide_password=False)


_shared: SpacyProcess | None = None
_embedding: SpacyProcess | None = None
_shared_lock = threading.Lock()


def shared() -> SpacyProcess:
    """The process-wide helper (one per running kodebog)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = SpacyProcess()
        return _shared


def embedding() -> SpacyProcess:
    """A second helper for the background embedding, so suggestions never wait behind it."""
    global _embedding
    with _shared_lock:
        if _embedding is None:
            _embedding = SpacyProcess()
        return _embedding


def embed_units(store: Store, limit: int) -> EmbeddingState:
    """Embed up to ``limit`` units without a vector, in the embedding helper (one thread,
    so the other core stays free for the interface); here, for an in-memory project."""
    if can_serve(store):
        return embedding().embed(store, limit)
    from kodebog.suggest.embeddings import embed_pending
    from kodebog.suggest.semantic import get_embedder

    return embed_pending(store, get_embedder(), limit=limit)


def suggest_for_units(
    store: Store, coder: str, unit_ids: Iterable[int], *, top_k: int = 3,
    model_name: str | None = None, semantic: bool | None = None,
) -> dict[int, list[SuggestionInfo]]:
    """``service.suggest_for_units`` in the shared helper (here, for an in-memory project)."""
    if can_serve(store):
        return shared().suggest(store, coder, unit_ids, top_k=top_k, model_name=model_name,
                                semantic=semantic)
    from kodebog.suggest import service

    return service.suggest_for_units(store, coder, unit_ids, top_k, model_name=model_name,
                                     semantic=semantic)


def train_and_store(store: Store, coder: str, *, model_name: str | None = None) -> ModelInfo:
    """``service.train_and_store`` in the shared helper (here, for an in-memory project)."""
    if can_serve(store):
        return shared().train(store, coder, model_name=model_name)
    from kodebog.suggest import service

    return service.train_and_store(store, coder, model_name=model_name)


# -- in the helper process --


def serve(requests: BinaryIO, replies: BinaryIO) -> None:
    """The helper's loop: answer pickled requests until the input ends."""
    stores: OrderedDict[str, Store] = OrderedDict()
    handlers: dict[str, Callable[..., Any]] = {
        "suggest": _suggest,
        "train": _train,
        "embed": _embed,
    }
    while True:
        try:
            name, args = pickle.load(requests)
        except (EOFError, OSError):
            return
        if name == "warm":  # nobody waits for an answer
            with suppress(Exception):
                _warm(stores, *args)
            continue
        reply: _Reply
        try:
            reply = ("ok", handlers[name](stores, *args))
        except KodebogError as problem:
            reply = ("error", str(problem))
        except Exception:  # a bug: the caller shows the traceback
            reply = ("bug", traceback.format_exc())
        try:
            pickle.dump(reply, replies, pickle.HIGHEST_PROTOCOL)
            replies.flush()
        except OSError:
            return


def _quiet() -> BinaryIO:
    """Replies go to the real standard output; whatever else is printed goes nowhere."""
    replies = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    return replies


def _store(stores: OrderedDict[str, Store], url: str) -> Store:
    from sqlalchemy.engine import make_url

    from kodebog.store import Store

    store = stores.get(url)
    if store is None:
        store = stores[url] = Store(make_url(url))
        while len(stores) > OPEN_STORES:
            stores.popitem(last=False)[1].dispose()
    stores.move_to_end(url)
    return store


def _suggest(stores: OrderedDict[str, Store], url: str, coder: str, unit_ids: list[int],
             top_k: int, model_name: str | None,
             semantic: bool | None = None) -> dict[int, list[SuggestionInfo]]:
    from kodebog.suggest import service

    return service.suggest_for_units(_store(stores, url), coder, unit_ids, top_k,
                                     model_name=model_name, semantic=semantic)


def _warm(stores: OrderedDict[str, Store], url: str, coder: str,
          model_name: str | None) -> None:
    from kodebog.suggest import service

    service.warm_up(_store(stores, url), coder, model_name=model_name)


def _train(stores: OrderedDict[str, Store], url: str, coder: str,
           model_name: str | None) -> ModelInfo:
    from kodebog.suggest import service

    return service.train_and_store(_store(stores, url), coder, model_name=model_name)


def _embed(stores: OrderedDict[str, Store], url: str, limit: int) -> EmbeddingState:
    from kodebog.suggest.embeddings import embed_pending
    from kodebog.suggest.semantic import get_embedder

    return embed_pending(_store(stores, url), get_embedder(), limit=limit)


if __name__ == "__main__":
    from kodebog.suggest import semantic

    semantic.THREADS = 1  # a helper leaves the other core to the interface
    serve(sys.stdin.buffer, _quiet())
