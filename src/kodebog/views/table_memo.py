"""The coding table kept between analysis screens while the project is unchanged.

Light to import (no numpy): the app makes one at start; the table itself is read in a worker.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kodebog.store.models import Coding, Event, Participant, Unit

if TYPE_CHECKING:
    from kodebog.views.coding_table import CodingTable


def project_stamp(session: Session) -> tuple[int, ...]:
    """What changes when codings, units or participants change: newest event and row ids.

    Every write of kodebog logs an event; the newest ids catch rows added without one (a bulk
    load). On SQLite the number of codings is counted too (2 ms on 300,000: one index), which
    catches deletions by another tool; PostgreSQL would scan for it (40 ms), so there the
    events stand for it.
    """
    counts = (select(func.count()).select_from(Coding).scalar_subquery(),
              ) if session.get_bind().dialect.name == "sqlite" else ()
    return tuple(int(v or 0) for v in session.execute(select(
        select(func.max(Event.id)).scalar_subquery(),
        select(func.max(Coding.id)).scalar_subquery(),
        *counts,
        select(func.max(Unit.id)).scalar_subquery(),
        select(func.max(Participant.id)).scalar_subquery())).one())


class TableMemo:
    """The coding table last read, kept while the project is unchanged (any thread).

    The app keeps one, so opening the compare screen again, or another grouping, costs a
    stamp query instead of reading every coding again.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()  # one reader at a time: a second caller waits for it
        self._kept: tuple[tuple[int, ...], CodingTable] | None = None

    def table(self, session: Session) -> CodingTable:
        """The table for the project as ``session`` sees it, read again only if it changed."""
        from kodebog.views.coding_table import load_table

        with self._lock:
            stamp = project_stamp(session)
            if self._kept is None or self._kept[0] != stamp:
                self._kept = (stamp, load_table(session))
            return self._kept[1]

    def kept(self, session: Session) -> CodingTable | None:
        """The table if one is kept for the project as it is now; None (never waiting) if not,
        or while another thread reads it."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            if self._kept is None or self._kept[0] != project_stamp(session):
                return None
            return self._kept[1]
        finally:
            self._lock.release()

    def forget(self) -> None:
        """Read the table again next time (the analyst asked to recompute).

        Never waits (the UI thread calls it): a table being read meanwhile is read afresh.
        """
        self._kept = None
