"""Writes never block the screen: a held lock, a slow server, a failed save."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from kodebog import coding
from kodebog.errors import DatabaseUnavailableError
from kodebog.settings import Settings
from kodebog.store import Store, open_project
from kodebog.store.models import Coding, Event, Unit
from kodebog.tui.app import KodebogApp
from kodebog.tui.screens.coding import BUSY, CodingScreen
from kodebog.tui.writer import WriteJob

from ..delay_proxy import DelayProxy
from .conftest import FG1, build_project
from .helpers import codings, open_source, settle, unit_id, wait_until

SIZE = (120, 40)
AppFactory = Callable[..., KodebogApp]
pytestmark = pytest.mark.anyio
WHOLE_2 = ("fg1", 2, "caseworker_relation", 0, len(FG1[1][1]), FG1[1][1])


def shown_codes(app: KodebogApp, unit: int) -> list[str]:
    """The codes the coding screen shows for this coder on a unit (not what is stored)."""
    screen = app.screen
    assert isinstance(screen, CodingScreen) and screen.view is not None
    return [c.code for c in screen.view.my_codings(unit)]


async def test_a_held_write_lock_delays_the_save_never_the_screen(
        make_app: AppFactory, store: Store, project_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        second = unit_id(store, "fg1", 2)
        blocker = sqlite3.connect(project_path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # a colleague's long import holds the lock
        try:
            await pilot.press("j", "1")
            assert shown_codes(app, second) == ["caseworker_relation"]  # shown at once
            screen = app.screen
            assert isinstance(screen, CodingScreen)
            await wait_until(pilot, lambda: screen.message.startswith(BUSY), timeout=30)
            assert codings(store) == []  # not stored while the lock is held
            await pilot.press("j")  # the screen keeps answering (the key clears the message)
            assert screen.units.cursor == 2
            # the worker says again how long it keeps trying (every WAITING_EVERY seconds)
            await wait_until(pilot, lambda: screen.message.startswith(BUSY), timeout=30)
            assert screen.message.endswith(" s left")
        finally:
            blocker.rollback()
            blocker.close()
        await settle(app, pilot)
        assert codings(store) == [WHOLE_2]
        assert shown_codes(app, second) == ["caseworker_relation"]
        assert screen.message == "saved"
        assert app.is_running


async def test_a_failed_save_is_said_and_taken_off_the_screen(
        make_app: AppFactory, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    def server_gone(*_: object, **__: object) -> None:
        raise DatabaseUnavailableError("the database server did not answer (timeout)")

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        second = unit_id(store, "fg1", 2)
        monkeypatch.setattr(coding, "apply_code", server_gone)
        await pilot.press("j", "1")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        assert screen.message == ("the coding Mødet med sagsbehandleren was not saved: the "
                                  "database server did not answer (timeout)")
        assert shown_codes(app, second) == []  # the optimistic chip is gone again
        assert codings(store) == []
        monkeypatch.undo()
        await pilot.press("1")  # and the next key works
        await settle(app, pilot)
        assert codings(store) == [WHOLE_2]


@pytest.fixture
def slow_pg_store(pg_url: str, tui_codebook: Path) -> Iterator[Store]:
    """The TUI test project on PostgreSQL, opened through a proxy adding 10 ms each way."""
    build_project(pg_url, tui_codebook).dispose()
    url = make_url(pg_url)
    with DelayProxy((url.host or "127.0.0.1", url.port or 5432), delay=0.010) as proxy:
        store = open_project(url.set(port=proxy.port).render_as_string(hide_password=False))
        yield store
        store.dispose()


@pytest.mark.pg
async def test_ten_quick_code_keys_on_a_slow_server_all_land_in_order(
        slow_pg_store: Store) -> None:
    app = KodebogApp(slow_pg_store, "anna", Settings())
    async with app.run_test(size=SIZE) as pilot:
        await open_source(app, pilot)
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        gate = threading.Event()  # holds the queue until every key has been pressed
        app.writer.submit(WriteJob("gate", lambda: gate.wait(60), None))
        keys = ["1", "3", "2", "r", "3", "1", "2", "r", "1", "3"]
        for key in keys[:-1]:
            await pilot.press(key, "j")
        await pilot.press(keys[-1])
        # every key shows at once, before the server has stored anything
        assert screen.view is not None
        shown = [len(screen.view.my_codings(unit_id(slow_pg_store, "fg1", n)))
                 for n in range(1, 9)]
        assert shown == [1, 1, 1, 1, 1, 1, 1, 3]
        with slow_pg_store.read() as session:
            assert session.scalar(select(func.count()).select_from(Coding)) == 0
        gate.set()
        await settle(app, pilot)
    with slow_pg_store.read() as session:
        rows = session.execute(
            select(Unit.ordinal, Coding.code_id, Event.id)
            .join(Coding, Coding.unit_id == Unit.id)
            .join(Event, (Event.entity == "coding") & (Event.entity_id == Coding.id.cast(
                Event.entity_id.type)) & (Event.action == "coding.apply"))
            .order_by(Event.id)
        ).all()
    codes = {"1": "caseworker_relation", "2": "caseworker_change", "3": "contact_center",
             "r": "rules_and_system"}
    # FG1 has 8 units: the last two keys land on unit 8 (the cursor stops at the end)
    expected = [(min(n + 1, 8), codes[key]) for n, key in enumerate(keys)]
    assert [(ordinal, code) for ordinal, code, _ in rows] == expected


async def test_a_read_only_project_opens_and_says_read_only_when_coding(
        project_path: Path) -> None:
    mode = project_path.stat().st_mode
    project_path.chmod(0o444)
    store = open_project(project_path)
    try:
        assert store.read_only
        app = KodebogApp(store, "anna", Settings())
        async with app.run_test(size=SIZE) as pilot:
            await open_source(app, pilot)
            await pilot.press("j", "1")
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, CodingScreen)
            assert "is read-only; nothing was changed" in screen.message
            assert shown_codes(app, unit_id(store, "fg1", 2)) == []
            assert app.is_running
        assert codings(store) == []
    finally:
        store.dispose()
        project_path.chmod(mode)
