"""Temporary files beside an output, named so that the next run removes what a killed run left.

A temporary file is ``.NAME.PID.RANDOM.kodebog-tmp`` in the output's folder (SQLite may add
``-wal``/``-shm``/``-journal`` to it). Before making a new one, files of that pattern for the
same output whose process is gone are removed; nothing else is ever touched.
"""

from __future__ import annotations

import glob
import os
import secrets
from pathlib import Path

SUFFIX = ".kodebog-tmp"


def process_alive(pid: int) -> bool:
    """Whether a process ``pid`` runs on this machine (one we may not signal counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(output: Path) -> int:
    """Remove temporary files for ``output`` left by runs that are no longer alive."""
    removed = 0
    pattern = f".{glob.escape(output.name)}.*{SUFFIX}*"
    for path in output.parent.glob(pattern):
        parts = path.name[len(output.name) + 2:].split(".")
        if len(parts) < 3 or not parts[0].isdigit() or process_alive(int(parts[0])):
            continue
        if path.is_symlink() or not path.is_file():
            continue
        path.unlink(missing_ok=True)
        removed += 1
    return removed


def temp_beside(output: Path) -> Path:
    """A new temporary path in ``output``'s folder (stale ones of earlier runs removed)."""
    remove_stale(output)
    return output.with_name(f".{output.name}.{os.getpid()}.{secrets.token_hex(4)}{SUFFIX}")


def publish(temporary: Path, output: Path) -> None:
    """Give the finished ``temporary`` file the name ``output``, never replacing a file.

    A hard link fails if ``output`` appeared meanwhile; where links are not supported the
    file is renamed after checking that ``output`` is still free.
    """
    try:
        os.link(temporary, output)
    except FileExistsError:
        raise
    except OSError:
        if os.path.lexists(output):
            raise FileExistsError(output) from None
        os.replace(temporary, output)
        return
    temporary.unlink()
