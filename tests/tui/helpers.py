"""Driving the app in tests and reading what landed in the database."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from sqlalchemy import select
from textual.widget import Widget

from kodebog.store import Store
from kodebog.store.models import Coder, Coding, Source, Unit, UnitMemo
from kodebog.tui.app import KodebogApp
from kodebog.tui.screens.coding import CodingScreen
from kodebog.tui.widgets.unit_list import UnitList

Row = tuple[str, int, str, int, int, str]


async def settle(app: KodebogApp, pilot: object) -> None:
    """Wait until workers and queued writes are done and their messages handled."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    for _ in range(2):
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert await asyncio.to_thread(app.writer.wait_idle, 60), "writes still queued"
        await pilot.pause()
    await pilot.pause()


async def open_source(app: KodebogApp, pilot: object, row: int = 0) -> CodingScreen:
    """From the project screen, open the source in table row ``row``."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await settle(app, pilot)
    for _ in range(row):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, CodingScreen)
    return screen


def current_ordinal(app: KodebogApp) -> int:
    """The ordinal of the current unit on the coding screen."""
    row = app.screen.query_one(UnitList).current_row
    assert row is not None
    return row.ordinal


def codings(store: Store, coder: str = "anna") -> list[Row]:
    """(source, ordinal, code, start, end, text) of a coder's codings, sorted."""
    with store.read() as session:
        rows = session.execute(
            select(Source.name, Unit.ordinal, Coding.code_id, Coding.start, Coding.end,
                   Coding.text)
            .join(Unit, Unit.id == Coding.unit_id)
            .join(Source, Source.id == Unit.source_id)
            .join(Coder, Coder.id == Coding.coder_id)
            .where(Coder.name == coder)
        ).all()
    return sorted((str(a), int(b), str(c), int(d), int(e), str(f)) for a, b, c, d, e, f in rows)


def coding_flags(store: Store, coder: str = "anna") -> list[tuple[int, str, str | None, bool]]:
    """(ordinal, code, memo, key quote) of a coder's codings, sorted."""
    with store.read() as session:
        rows = session.execute(
            select(Unit.ordinal, Coding.code_id, Coding.memo, Coding.key_quote)
            .join(Unit, Unit.id == Coding.unit_id)
            .join(Coder, Coder.id == Coding.coder_id)
            .where(Coder.name == coder)
        ).all()
    return sorted((int(a), str(b), c, bool(d)) for a, b, c, d in rows)


def unit_memos(store: Store, coder: str = "anna") -> list[tuple[str, int, str]]:
    """(source, ordinal, text) of a coder's unit memos."""
    with store.read() as session:
        rows = session.execute(
            select(Source.name, Unit.ordinal, UnitMemo.text)
            .join(Unit, Unit.id == UnitMemo.unit_id)
            .join(Source, Source.id == Unit.source_id)
            .join(Coder, Coder.id == UnitMemo.coder_id)
            .where(Coder.name == coder)
        ).all()
    return sorted((str(a), int(b), str(c)) for a, b, c in rows)


def unit_id(store: Store, source: str, ordinal: int) -> int:
    """The id of a unit."""
    with store.read() as session:
        found = session.scalar(
            select(Unit.id).join(Source, Source.id == Unit.source_id)
            .where(Source.name == source, Unit.ordinal == ordinal)
        )
    assert found is not None
    return found


async def wait_until(pilot: object, condition: Callable[[], bool], timeout: float = 10.0
                     ) -> None:
    """Let the app run until ``condition()`` holds (AssertionError after ``timeout`` s)."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the screen did not show the change in time")
        await pilot.pause(0.05)


def screen_text(widget: Widget) -> str:
    """What a Line API widget shows now, as plain text."""
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))
