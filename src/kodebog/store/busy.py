"""Who holds a SQLite project's write lock, and a visible countdown while a writer waits.

A kodebog process that takes the write lock notes itself in ``PROJECT-writer`` (a small JSON
file next to the project: program, pid, user, host, since) and removes the note when its
transaction ends. A writer that finds the project locked reads the note to say who is
writing; a note of a process that is gone, or no note (the sqlite3 shell, a backup tool),
is "another program".
"""

from __future__ import annotations

import contextlib
import functools
import getpass
import io
import json
import os
import socket
import sys
import time
from pathlib import Path
from typing import TextIO

from kodebog.i18n import _, formats
from kodebog.tempfiles import process_alive

#: The note's file name is the project's plus this.
SUFFIX = "-writer"


def note_path(database: Path) -> Path:
    """Where the writer of ``database`` notes itself."""
    return Path(f"{database}{SUFFIX}")


def program() -> str:
    """This process as a person would name it: ``kodebog import``, ``kodebog`` (the TUI)."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    if name in ("__main__.py", "-c", "-m"):
        name = "kodebog"
    command = next((a for a in sys.argv[1:] if not a.startswith("-")), None)
    if name == "kodebog" and command and command.isidentifier():
        return f"kodebog {command}"
    return name


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for the uid in a container
        return str(os.getuid())


@functools.cache
def _me(pid: int) -> str:
    """This process, as the note's JSON without its closing brace (computed once per pid)."""
    return json.dumps({"program": program(), "pid": pid, "user": _user(),
                       "host": socket.gethostname()})[:-1]


def write_note(database: Path) -> None:
    """Note this process as the writer (best effort: a note that fails changes nothing)."""
    note = f'{_me(os.getpid())}, "since": {time.time()}}}'
    try:
        fd = os.open(f"{database}{SUFFIX}", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, note.encode())
        finally:
            os.close(fd)
    except OSError:
        pass


def remove_note(database: Path) -> None:
    """The transaction ended: the note goes (it is this process's, written at BEGIN)."""
    with contextlib.suppress(OSError):
        os.unlink(f"{database}{SUFFIX}")


def holder(database: Path) -> str:
    """Who is writing to ``database``, in words: from the note, else "another program"."""
    try:
        note = json.loads(note_path(database).read_text(encoding="utf-8"))
        name, pid, user = str(note["program"]), int(note["pid"]), str(note["user"])
        host, since = str(note.get("host", "")), float(note["since"])
    except (OSError, ValueError, KeyError, TypeError):
        return _("another program")
    same_host = host == socket.gethostname()
    if (same_host and not process_alive(pid)) or (same_host and pid == os.getpid()):
        return _("another program")
    return _("{program} (pid {pid}, user {user}, started {elapsed} ago)").format(
        program=name, pid=pid, user=user, elapsed=elapsed(time.time() - since))


def elapsed(seconds: float) -> str:
    """``45 s``, ``3 min``, ``2 h``: how long a writer has held the lock, shortly."""
    seconds = max(0, round(seconds))
    if seconds < 120:
        return _("{n} s").format(n=formats.number(seconds))
    if seconds < 7200:
        return _("{n} min").format(n=formats.number(seconds // 60))
    return _("{n} h").format(n=formats.number(seconds // 3600))


def _columns(stream: TextIO) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return 80


class Countdown:
    """One updating line on a terminal's stderr while a write waits for the lock.

    On a terminal the line is rewritten in place each second and cleared when the wait ends;
    into a file or a pipe it is written once.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream
        self.shown = False

    def __call__(self, reason: str, seconds_left: float) -> None:
        stream = self.stream or sys.stderr
        line = _("kodebog: trying again for {seconds} s more: {reason}").format(
            reason=reason, seconds=formats.number(max(0, round(seconds_left))))
        if stream.isatty():  # one line: cut to the terminal's width, or it would wrap
            width = _columns(stream)
            if len(line) >= width:
                line = line[: max(width - 2, 10)] + "…"
            stream.write("\r\x1b[K" + line)
        elif not self.shown:
            stream.write(line + "\n")
        stream.flush()
        self.shown = True

    def done(self) -> None:
        """The wait is over: clear the line on a terminal."""
        stream = self.stream or sys.stderr
        if self.shown and stream.isatty():
            stream.write("\r\x1b[K")
            stream.flush()
        self.shown = False
