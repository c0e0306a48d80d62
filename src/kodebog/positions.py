"""Where each coder left each source, so that reopening a source returns there.

Kept in a small JSON file beside the settings (``positions.json`` in the config dir), not in
the project: a reading position is the analyst's own state on this machine, not an analytic
act, so it has no place in the event log, the exports or a shared PostgreSQL project, and
writing it needs no migration and takes no write lock from other coders. Reading and writing
it is file I/O: the TUI does both in thread workers. A missing or unreadable file only means
starting at the top; it is never an error.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from kodebog.settings import config_dir

LIMIT = 1000
"""Positions kept; the oldest are dropped beyond this."""

_lock = threading.Lock()
_noted: dict[tuple[str, str], int] = {}
"""Positions noted in this process, ahead of their write to the file (no I/O to note)."""


def path() -> Path:
    """The positions file."""
    return config_dir() / "positions.json"


def _key(project: str, coder: str, source_id: int) -> str:
    return f"{project}\x1f{coder}\x1f{source_id}"


def _note_key(key: str) -> tuple[str, str]:
    return str(path()), key


def _read() -> dict[str, int]:
    try:
        data = json.loads(path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, int)}


def note_position(project: str, coder: str, source_id: int, unit_id: int) -> None:
    """Note a position in memory at once (no I/O; ``write_position`` stores it)."""
    _noted[_note_key(_key(project, coder, source_id))] = unit_id


def read_position(project: str, coder: str, source_id: int) -> int | None:
    """The id of the unit ``coder`` was on when they last left ``source_id``, if known."""
    key = _key(project, coder, source_id)
    if _note_key(key) in _noted:
        return _noted[_note_key(key)]
    with _lock:
        return _read().get(key)


def write_position(project: str, coder: str, source_id: int, unit_id: int) -> bool:
    """Remember the unit ``coder`` is on in ``source_id``; False when it could not be saved."""
    key = _key(project, coder, source_id)
    _noted[_note_key(key)] = unit_id
    with _lock:
        positions = _read()
        if positions.get(key) == unit_id:
            return True
        positions.pop(key, None)
        positions[key] = unit_id  # the newest last: the oldest are dropped first
        kept = dict(list(positions.items())[-LIMIT:])
        target = path()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
            temporary.chmod(0o600)
            temporary.replace(target)
        except OSError:
            return False
        return True
