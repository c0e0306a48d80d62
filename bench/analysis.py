"""Retrieve and compare on 100,000 units x 3 coders x 30 codes: the core and the TUI screens.

Targets (issue 15): opening the retrieve or compare screen under 1 s, a filter change under
300 ms. ``python bench/analysis.py [--units N]``; the numbers go to ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from kodebog.project import init_project
from kodebog.store import open_project
from kodebog.store.models import AttributeDef, Coder, Coding, Participant, Source, Unit

_TEXT = ("jeg har haft fire sagsbehandlere på et år og det er for meget man kan aldrig få fat "
         "i nogen på telefonen mødet var godt hun lyttede til mig brevet var svært at forstå "
         "vi venter stadig på en afgørelse praktikken gav mening jobcentret")
WORDS = _TEXT.split()
LENGTHS = ("under 1 år", "1-2 år", "over 2 år")
GROUPS = ("dagpenge", "sygedagpenge", "kontanthjælp", "jobafklaring", "ressourceforløb",
          "fleksjob")


def build(path: Path | str, units: int, codes: int = 30, coders: int = 3, seed: int = 5) -> int:
    """A survey of ``units`` answers (one respondent each, three attributes) and its codings.

    ``path`` is a project file, or a PostgreSQL URL of an empty database.
    """
    codebook = (path.with_suffix(".yaml") if isinstance(path, Path)
                else Path(tempfile.gettempdir()) / "bench-codebook.yaml")
    codebook.write_text("language: da\ncodes:\n" + "".join(
        f"  - id: code_{n:02d}\n    label: Tema {n}\n" for n in range(codes)), encoding="utf-8")
    store = init_project(path, codebook)
    rng = random.Random(seed)
    texts = [" ".join(rng.choices(WORDS, k=rng.randint(8, 50))).capitalize() + "."
             for _ in range(units)]
    full = "\n\n".join(texts)
    starts = []
    position = 0
    for text in texts:
        starts.append(position)
        position += len(text) + 2
    with store.write() as session:
        session.add(Source(id=1, name="survey", kind="survey", text=full, sha256="x",
                           filename="survey.csv", encoding="utf-8", meta={}))
        session.add_all(Coder(id=i + 1, name=f"coder{i + 1}") for i in range(coders))
        session.add_all([AttributeDef(name="forloebslaengde", label="forløbslængde",
                                      kind="text", position=0),
                         AttributeDef(name="ydelsesgruppe", label="ydelsesgruppe",
                                      kind="text", position=1),
                         AttributeDef(name="alder", label="alder", kind="number", position=2)])
        session.flush()
        connection = session.connection()
        connection.execute(insert(Participant), [
            {"id": i + 1, "key": f"survey:R{i}", "label": f"Respondent R{i}", "role": "borger",
             "attributes": {"forloebslaengde": rng.choice(LENGTHS),
                            "ydelsesgruppe": rng.choice(GROUPS), "alder": rng.randint(18, 67)}}
            for i in range(units)])
        for first in range(0, units, 10000):
            connection.execute(insert(Unit), [
                {"id": i + 1, "source_id": 1, "ordinal": i + 1, "start": starts[i],
                 "end": starts[i] + len(texts[i]), "text": texts[i], "participant_id": i + 1,
                 "speaker": None, "timestamp": None}
                for i in range(first, min(units, first + 10000))])
        now = datetime.now(UTC)
        rows: list[dict[str, Any]] = []
        for unit in range(units):
            truth = rng.sample(range(codes), rng.choice((0, 1, 1, 1, 2)))
            for coder in range(1, coders + 1):
                chosen = {c for c in truth if rng.random() < 0.9}
                if rng.random() < 0.1:
                    chosen.add(rng.randrange(codes))
                length = len(texts[unit])
                rows += [{"unit_id": unit + 1, "code_id": f"code_{c:02d}", "coder_id": coder,
                          "start": 0, "end": length, "text": texts[unit], "memo": None,
                          "key_quote": rng.random() < 0.02, "origin": "import",
                          "created_at": now} for c in chosen]
        for first in range(0, len(rows), 20000):
            connection.execute(insert(Coding), rows[first:first + 20000])
    store.dispose()
    return len(rows)


def line(label: str, seconds: float, extra: str = "", cpu: float | None = None) -> None:
    """One result: what, milliseconds (wall clock, and CPU time when given), what it found."""
    used = f" (cpu {cpu * 1000:5.0f})" if cpu is not None else ""
    print(f"{label:<44} {seconds * 1000:7.0f} ms{used}  {extra}".rstrip())


def timed(function: Callable[[], Any], runs: int = 3) -> tuple[float, float, Any]:
    """Medians of ``runs`` wall-clock and CPU timings (seconds), and the last result.

    CPU time is this process's own: on a shared machine it is close to what the wall clock
    would read on a quiet one (the project file is in the page cache after the first run).
    """
    walls, cpus, result = [], [], None
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def core(path: Path) -> None:
    """The read models alone, as the workers call them."""
    from kodebog.views.compare import CompareQuery, compare, cooccurrence
    from kodebog.views.facets import load_facets
    from kodebog.views.retrieve import RetrieveQuery, retrieve
    from kodebog.views.table_memo import TableMemo

    store = open_project(path)
    with store.read() as session:
        seconds, cpu, facets = timed(lambda: load_facets(session))
        line("choices (codes, coders, every participant)", seconds, cpu=cpu)
        people = facets.people
        queries = {
            "one code, all coders": RetrieveQuery(("code_07",)),
            "one code, coder1": RetrieveQuery(("code_07",), coders=("coder1",)),
            "one code, forløbslængde = over 2 år": RetrieveQuery(
                ("code_07",), where=(("forloebslaengde", "over 2 år"),)),
            "code AND code": RetrieveQuery(("code_07",), and_codes=("code_12",)),
            "code NOT code, near code within 2": RetrieveQuery(
                ("code_07",), not_codes=("code_12",), near_codes=("code_03",), within=2),
            "three codes OR, key quotes": RetrieveQuery(
                ("code_01", "code_02", "code_03"), key_quotes=True),
        }
        for name, query in queries.items():
            seconds, cpu, result = timed(partial(retrieve, session, query, people))
            line(f"retrieve {name}", seconds, result.summary(), cpu)
        cache: dict[tuple[Any, ...], Any] = {}
        retrieve(session, RetrieveQuery(("code_07",)), people, cache)
        for name, query in (("+ key quotes (cached rows)", RetrieveQuery(("code_07",),
                                                                         key_quotes=True)),
                            ("+ forløbslængde (cached rows)", RetrieveQuery(
                                ("code_07",), where=(("forloebslaengde", "1-2 år"),)))):
            seconds, cpu, result = timed(partial(retrieve, session, query, people, cache))
            line(f"retrieve {name}", seconds, result.summary(), cpu)
        for dimension in ("role", "source", "forloebslaengde", "alder"):
            seconds, cpu, matrix = timed(partial(
                compare, session, CompareQuery(dimension), people, tables=TableMemo()), runs=1)
            line(f"compare by {dimension}, nothing read yet (SQL)", seconds,
                 f"{len(matrix.rows)} x {len(matrix.columns)}", cpu)
        tables = TableMemo()
        seconds, cpu, _table = timed(lambda: tables.table(session), runs=1)
        line("the codings read once (coding table)", seconds, "", cpu)
        cache = {}
        compare(session, CompareQuery("role"), people, cache, tables)
        for dimension in ("forloebslaengde", "alder", "source"):
            seconds, cpu, matrix = timed(partial(
                compare, session, CompareQuery(dimension), people, dict(cache), tables), runs=1)
            line(f"compare by {dimension}, codings read", seconds, "", cpu)
        seconds, cpu, matrix = timed(lambda: cooccurrence(session, CompareQuery(), people,
                                                          tables=tables), runs=1)
        line("co-occurrence code x code, codings read", seconds, "", cpu)
    store.dispose()


async def tui(path: Path) -> None:
    """Open the screens in the app and time what the analyst waits for."""
    from textual.widgets import Checkbox, DataTable, Select, SelectionList

    from kodebog.settings import Settings
    from kodebog.tui.app import KodebogApp
    from kodebog.tui.screens.compare import CompareScreen
    from kodebog.tui.screens.retrieve import AGREED, RetrieveScreen
    from kodebog.tui.widgets.code_picker import CodePicker

    store = open_project(path)
    app = KodebogApp(store, "bench", Settings(coder="bench", suggestions=False))

    async def until(check: Callable[[], bool]) -> None:
        while not check():
            await asyncio.sleep(0.002)

    async def changed(read: Callable[[], object], old: object) -> None:
        while read() is old:
            await asyncio.sleep(0.002)

    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        started, cpu = time.perf_counter(), time.process_time()
        app.simulate_key("G")  # pilot.press would wait for the CPU to be idle
        await until(lambda: isinstance(app.screen, RetrieveScreen)
                    and app.screen.facets is not None)
        line("TUI retrieve screen open (choices shown)", time.perf_counter() - started,
             cpu=time.process_time() - cpu)
        screen = app.screen
        assert isinstance(screen, RetrieveScreen)
        picker = screen.query_one(CodePicker)
        picker.highlighted = 7
        started, cpu = time.perf_counter(), time.process_time()
        app.simulate_key("space")  # at once
        await until(lambda: screen.result is not None and bool(screen.result.query.codes))
        assert screen.result is not None
        line("TUI mark a code at once: passages shown", time.perf_counter() - started,
             screen.result.summary(), time.process_time() - cpu)
        await pilot.pause()
        await app.workers.wait_for_complete()
        samples, cpus = [], []
        for _ in range(4):
            box = screen.query_one("#retrieve-key", Checkbox)
            before = screen.result
            started, cpu = time.perf_counter(), time.process_time()
            box.value = not box.value
            await changed(lambda: screen.result, before)
            await pilot.pause()
            samples.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
        line("TUI filter change (key quotes), median", statistics.median(samples),
             f"max {max(samples) * 1000:.0f} ms", statistics.median(cpus))
        samples = []
        for value in ("survey", Select.NULL, "survey", Select.NULL):
            before = screen.result
            started = time.perf_counter()
            screen.query_one("#retrieve-source", Select).value = value
            await changed(lambda: screen.result, before)
            await pilot.pause()
            samples.append(time.perf_counter() - started)
        line("TUI filter change (source), median", statistics.median(samples),
             f"max {max(samples) * 1000:.0f} ms")
        before = screen.result
        started, cpu = time.perf_counter(), time.process_time()
        screen.query_one("#retrieve-coders", SelectionList).select(AGREED)
        await changed(lambda: screen.result, before)
        await pilot.pause()
        line("TUI retrieve: the agreed coding", time.perf_counter() - started,
             screen.result.summary(), time.process_time() - cpu)
        await pilot.press("escape")
        await pilot.pause()
        started, cpu = time.perf_counter(), time.process_time()
        app.simulate_key("B")  # pilot.press would wait for the CPU to be idle
        await until(lambda: isinstance(app.screen, CompareScreen)
                    and app.screen.matrix is not None)
        line("TUI compare screen open (matrix shown)", time.perf_counter() - started,
             cpu=time.process_time() - cpu)
        await pilot.pause()  # the codings are read behind the first matrix
        await app.workers.wait_for_complete()
        compare_screen = app.screen
        assert isinstance(compare_screen, CompareScreen)
        samples, cpus = [], []
        for value in ("forloebslaengde", "alder", "source", "role"):
            shown = compare_screen.matrix
            started, cpu = time.perf_counter(), time.process_time()
            compare_screen.query_one("#compare-by", Select).value = value
            await changed(lambda: compare_screen.matrix, shown)
            await pilot.pause()
            samples.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
        table = compare_screen.query_one(DataTable)
        line("TUI compare: change grouping, median", statistics.median(samples),
             f"max {max(samples) * 1000:.0f} ms ({table.row_count} rows)",
             statistics.median(cpus))
        shown = compare_screen.matrix
        started, cpu = time.perf_counter(), time.process_time()
        compare_screen.query_one("#compare-coder", Select).value = AGREED
        await changed(lambda: compare_screen.matrix, shown)
        await pilot.pause()
        line("TUI compare: the agreed coding", time.perf_counter() - started,
             cpu=time.process_time() - cpu)
    store.dispose()


def main() -> None:
    """Build the project, then measure the core and the screens."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--project", type=Path, metavar="PATH",
                        help="measure a project built earlier by this script (kept)")
    args = parser.parse_args()
    print(f"{date.today()} · {platform.machine()} · {os.cpu_count()} cores · Python "
          f"{platform.python_version()} · load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as folder:
        path = args.project or Path(folder) / "analysis.kodebog"
        if not path.exists():
            started = time.perf_counter()
            codings = build(path, args.units)
            print(f"built {args.units:,} units, {codings:,} codings in "
                  f"{time.perf_counter() - started:.1f} s")
        core(path)
        asyncio.run(tui(path))
    print(f"load at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
