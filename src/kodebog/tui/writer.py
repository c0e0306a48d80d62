"""One serialised write worker: every database write of the TUI, in order, off the UI thread.

Screens submit a ``WriteJob`` (the write and the reads that follow it, as one callable) and
show its effect at once (an optimistic update). The worker thread runs jobs one at a time in
the order they came, and posts a typed message back to the screen that asked:

- ``Written``: the job ran; its result (a ``Change`` and what was read after it);
- ``WriteWaiting``: the project is busy (another program holds the write lock); retrying;
- ``WriteFailed``: it could not be saved; the screen undoes its optimistic update and says so.

A slow or locked database delays a save; it never freezes the screen, and a failed save is
said, never hidden.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual.message import Message
from textual.message_pump import MessagePump

from kodebog.errors import DatabaseBusyError, KodebogError
from kodebog.i18n import _, formats
from kodebog.store.secrets import mask

#: How long a job keeps retrying while another program holds the write lock.
BUSY_PATIENCE = 120.0
#: Pauses between retries while the project is busy (the last one repeats).
BUSY_PAUSES = (0.2, 0.5, 1.0, 2.0)
#: While a job waits, how often the screen hears the seconds left (s).
WAITING_EVERY = 5.0
#: How long the app waits for queued writes when it quits.
DRAIN_ON_EXIT = 15.0

_numbers = itertools.count(1)


@dataclass
class WriteJob:
    """One user action to save: ``run`` writes (and reads what the screen needs after)."""

    label: str
    run: Callable[[], Any]
    target: MessagePump | None = None
    context: Any = None
    number: int = field(default_factory=lambda: next(_numbers))


class Written(Message):
    """A job was saved; ``result`` is what its ``run`` returned."""

    def __init__(self, job: WriteJob, result: Any) -> None:
        super().__init__()
        self.job = job
        self.result = result


class WriteWaiting(Message):
    """A job waits: the project is busy. ``reason`` is one line for the status bar.

    It names who holds the lock and ends with the seconds left before the job gives up
    (``seconds_left``); it is posted when the wait starts and again every
    ``WAITING_EVERY`` seconds while it lasts, so the screen can count down.
    """

    def __init__(self, job: WriteJob, reason: str, waited: float,
                 seconds_left: float = BUSY_PATIENCE) -> None:
        super().__init__()
        self.job = job
        self.reason = reason
        self.waited = waited
        self.seconds_left = seconds_left


class WriteFailed(Message):
    """A job could not be saved; ``reason`` is one line for the user."""

    def __init__(self, job: WriteJob, reason: str) -> None:
        super().__init__()
        self.job = job
        self.reason = reason


class WriteQueue:
    """A single thread that runs write jobs in submission order."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._jobs: queue.Queue[WriteJob | None] = queue.Queue()
        self._sleep = sleep
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()
        self._pending = 0
        self._lock = threading.Lock()
        self.stopping = False

    @property
    def pending(self) -> int:
        """Jobs submitted and not finished yet."""
        with self._lock:
            return self._pending

    def submit(self, job: WriteJob) -> WriteJob:
        """Queue a job; it runs after every job submitted before it."""
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._drain, name="kodebog-writer",
                                            daemon=True)
            self._thread.start()
        with self._lock:
            self._pending += 1
            self._idle.clear()
        self._jobs.put(job)
        return job

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every queued job has finished; False on timeout."""
        return self._idle.wait(timeout)

    def stop(self, timeout: float = DRAIN_ON_EXIT) -> bool:
        """Finish the queued jobs (up to ``timeout`` seconds) and end the thread."""
        finished = self.wait_idle(timeout)
        self.stopping = True
        self._jobs.put(None)
        return finished

    def _drain(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                self._run(job)
            finally:
                with self._lock:
                    self._pending -= 1
                    if self._pending == 0:
                        self._idle.set()

    def _run(self, job: WriteJob) -> None:
        started = self._clock()
        pauses = iter(BUSY_PAUSES)
        pause = BUSY_PAUSES[0]
        told: float | None = None
        while True:
            try:
                result = job.run()
            except DatabaseBusyError as error:
                waited = self._clock() - started
                if waited >= BUSY_PATIENCE or self.stopping:
                    self._post(job, WriteFailed(job, _(
                        "{label} was not saved: {reason} (gave up after {seconds} s)").format(
                            label=job.label, reason=error,
                            seconds=formats.number(round(waited)))))
                    return
                if told is None or waited - told >= WAITING_EVERY:
                    left = BUSY_PATIENCE - waited
                    reason = _("{reason}; {seconds} s left").format(
                        reason=error, seconds=formats.number(round(left)))
                    self._post(job, WriteWaiting(job, reason, waited, left))
                    told = waited
                pause = next(pauses, pause)
                self._sleep(pause)
                continue
            except KodebogError as error:
                self._post(job, WriteFailed(job, _("{label} was not saved: {reason}").format(
                    label=job.label, reason=error)))
                return
            except Exception as error:  # a bug: still one line, and the app stays up
                first = str(error).splitlines()[0] if str(error) else ""
                self._post(job, WriteFailed(job, mask(_(
                    "{label} was not saved: unexpected {kind}: {detail}").format(
                        label=job.label, kind=type(error).__name__, detail=first))))
                return
            self._post(job, Written(job, result))
            return

    @staticmethod
    def _post(job: WriteJob, message: Message) -> None:
        if job.target is not None:
            job.target.post_message(message)  # thread-safe in Textual
