"""Helpers for work that builds hundreds of thousands of objects at once."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while many objects are built that stay alive.

    The collector would scan them again and again for nothing: about a third of parsing
    time for 100,000 survey answers, half the agreed coding of 300,000 codings. Its previous
    state is restored afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
