"""Opening the compare screen on 100,000 units: the view building, then the screen itself.

``python bench/compare_open.py --project PATH`` builds the project of ``bench/analysis.py``
(100,000 survey answers, 3 coders, 30 codes, about 300,000 codings) at PATH once and keeps
it; later runs reuse it. Printed: wall clock and CPU time (ms, median of 3) of what the
compare screen's workers do when it opens (the choices, the codings read, then the matrix
by role), of each other grouping, coder and co-occurrence with the codings read, and of the
screen in the app from the key to the matrix on screen (the first open reads the codings, the
next ones find them kept). The targets (issue 15): the screen open under 1 s, a change under
300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from analysis import build, line, timed

from kodebog.store import open_project


def core(path: Path | str) -> None:
    """The read models as the compare screen's workers call them."""
    from kodebog.views.coding_table import load_table
    from kodebog.views.compare import CompareQuery, compare, cooccurrence
    from kodebog.views.facets import load_facets
    from kodebog.views.table_memo import TableMemo, project_stamp

    store = open_project(path)
    with store.read() as session:
        def open_screen() -> Any:  # nothing kept yet: the first matrix is counted in SQL
            load_facets(session, people=False)
            return compare(session, CompareQuery("role"), cache={}, tables=TableMemo())

        seconds, cpu, matrix = timed(open_screen)
        line("compare open: choices + matrix by role (SQL)", seconds,
             f"{len(matrix.rows)} x {len(matrix.columns)}", cpu)
        seconds, cpu, _ = timed(lambda: load_facets(session, people=False))
        line("  of which the choices", seconds, "", cpu)
        seconds, cpu, table = timed(lambda: load_table(session))
        line("then the codings read (a worker)", seconds, f"{len(table.coding_id):,}", cpu)
        seconds, cpu, _ = timed(lambda: project_stamp(session))
        line("project stamp (is the table kept still valid?)", seconds, "", cpu)
        tables = TableMemo()
        kept = tables.table(session)

        def fresh(count: Any) -> Any:  # nothing worked out from the table kept yet
            kept.derived.clear()
            return count()

        for dimension in ("role", "source", "forloebslaengde", "alder", "valence"):
            seconds, cpu, matrix = timed(partial(fresh, partial(
                compare, session, CompareQuery(dimension), cache={}, tables=tables)))
            line(f"another grouping: {dimension}", seconds,
                 f"{len(matrix.rows)} x {len(matrix.columns)}", cpu)
        seconds, cpu, matrix = timed(lambda: fresh(lambda: compare(
            session, CompareQuery("role", coders=("coder1",)), cache={}, tables=tables)))
        line("another coder: coder1, by role", seconds, "", cpu)
        seconds, cpu, matrix = timed(lambda: fresh(lambda: compare(
            session, CompareQuery("role", include_interviewers=True), cache={},
            tables=tables)))
        line("with interviewers, by role", seconds, "", cpu)
        seconds, cpu, matrix = timed(lambda: fresh(lambda: cooccurrence(
            session, CompareQuery(), cache={}, tables=tables)))
        line("co-occurrence code x code", seconds, "", cpu)
        seconds, cpu, matrix = timed(lambda: fresh(lambda: compare(
            session, CompareQuery("role", agreed=True), cache={}, tables=tables)), runs=1)
        line("compare by role, the agreed coding", seconds, "", cpu)
    store.dispose()


async def screen(path: Path | str) -> None:
    """The compare screen in the app: from the key to the matrix shown."""
    from textual.widgets import DataTable

    from kodebog.settings import Settings
    from kodebog.tui.app import KodebogApp
    from kodebog.tui.screens.compare import CompareScreen

    store = open_project(path)
    app = KodebogApp(store, "bench", Settings(coder="bench", suggestions=False))
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        for n in range(3):
            started, cpu = time.perf_counter(), time.process_time()
            app.simulate_key("B")  # pilot.press would wait for the CPU to be idle
            while not (isinstance(app.screen, CompareScreen) and app.screen.matrix is not None):
                await asyncio.sleep(0.002)
            shown = app.screen
            table = shown.query_one(DataTable)
            line("TUI compare screen open" + (" again (table kept)" if n else ""),
                 time.perf_counter() - started, f"{table.row_count} rows",
                 time.process_time() - cpu)
            # a key while the codings are read behind the first matrix
            before, pressed = table.cursor_coordinate, time.perf_counter()
            app.simulate_key("down")
            while table.cursor_coordinate == before:
                await asyncio.sleep(0.002)
            line("  a key at once (cursor down)", time.perf_counter() - pressed)
            await pilot.pause()  # waits for the CPU to be idle: the codings read
            line("  until idle", time.perf_counter() - started)
            await pilot.press("escape")
            while app.screen is shown:
                await asyncio.sleep(0.002)
            for _ in range(3):
                await pilot.pause()
                await app.workers.wait_for_complete()
    store.dispose()


def _exists(project: Path | str) -> bool:
    if isinstance(project, Path):
        return project.exists()
    from sqlalchemy import create_engine, inspect

    engine = create_engine(project)
    try:
        return inspect(engine).has_table("coding")
    finally:
        engine.dispose()


def main() -> None:
    """Build once, then measure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--project", required=True, metavar="PATH",
                        help="a project file (built here if missing), or a PostgreSQL URL "
                             "(built there if it has no project yet)")
    parser.add_argument("--units", type=int, default=100_000)
    args = parser.parse_args()
    project: Path | str = (args.project if "://" in args.project else Path(args.project))
    if not _exists(project):
        started = time.perf_counter()
        codings = build(project, args.units)
        print(f"built {args.units:,} units, {codings:,} codings in "
              f"{time.perf_counter() - started:.1f} s")
    print(f"load {os.getloadavg()[0]:.1f}")
    core(project)
    asyncio.run(screen(project))
    print(f"load at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
