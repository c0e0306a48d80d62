"""TUI benchmark: open a 100,000-unit source, then time "next unit" and "toggle code" repaints.

    python bench/tui.py                                  # SQLite
    python bench/tui.py --pg URL --pg-delay 5            # PostgreSQL, 5 ms added each way

With ``--pg`` the project is built in a fresh schema of that server and the app talks to it
through ``tests/delay_proxy.py`` (a loopback proxy that holds every chunk ``--pg-delay`` ms in
each direction: a round trip costs twice that). "write" is the time of the write itself
(``coding.apply_code`` / ``remove_code`` in the write worker, until stored).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import insert

from kodebog.project import init_project
from kodebog.store import Store
from kodebog.store.models import Participant, Source, Unit

CODEBOOK = """\
language: da
title: Benchmark
codes:
""" + "".join(
    f'  - id: code_{i}\n    label: Kode {i}\n    key: "{i}"\n'
    f'    color: "#{(i * 37) % 256:02x}77aa"\n'
    for i in range(10)
)

_VOCABULARY = (
    "jeg har haft fire sagsbehandlere på et år og det er for meget man kan aldrig få fat i "
    "nogen på telefonen mødet var godt hun lyttede til mig brevet var svært at forstå vi "
    "venter stadig på en afgørelse praktikken gav mening jobcentret kontanthjælp ressourceforløb"
)
WORDS = _VOCABULARY.split()
SPEAKERS = [("Interviewer", "interviewer"), *((f"Borger {i}", "borger") for i in range(1, 9))]


def make_big_project(path: Path | str, units: int = 100_000, seed: int = 7) -> Store:
    """A fresh project (SQLite file or database URL) with one focus group of ``units`` units,
    inserted in bulk."""
    codebook = Path(tempfile.mkdtemp(prefix="kodebog-bench-")) / "codebook.yaml"
    codebook.write_text(CODEBOOK, encoding="utf-8")
    store = init_project(path, codebook, coder="bench")
    rng = random.Random(seed)
    texts = [" ".join(rng.choices(WORDS, k=rng.randint(6, 60))).capitalize() + "." for _ in
             range(units)]
    parts: list[str] = []
    spans: list[tuple[int, int, int]] = []
    position = 0
    for i, spoken in enumerate(texts):
        label = SPEAKERS[i % len(SPEAKERS)][0] if i % 3 else SPEAKERS[0][0]
        prefix = f"{label}: "
        start = position + len(prefix)
        spans.append((start, start + len(spoken), SPEAKERS.index(next(
            s for s in SPEAKERS if s[0] == label))))
        parts.append(prefix + spoken)
        position = start + len(spoken) + 2
    full = "\n\n".join(parts)
    with store.write() as session:
        source = Source(name="big", kind="focus_group", text=full,
                        sha256=hashlib.sha256(full.encode()).hexdigest(), filename="big.txt",
                        encoding="utf-8", meta={"words": len(full.split())})
        session.add(source)
        session.flush()
        people = session.execute(
            insert(Participant).returning(Participant.id, sort_by_parameter_order=True),
            [{"key": f"big:{label}", "label": label, "role": role, "attributes": {}}
             for label, role in SPEAKERS],
        ).scalars().all()
        rows = [
            {"source_id": source.id, "ordinal": i + 1, "start": start, "end": end,
             "text": full[start:end], "participant_id": people[who],
             "speaker": SPEAKERS[who][0], "timestamp": None}
            for i, (start, end, who) in enumerate(spans)
        ]
        for first in range(0, len(rows), 5000):
            session.execute(insert(Unit), rows[first:first + 5000])
    return store


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def _timed_writes(samples: list[float]) -> None:
    """Record how long each coding write takes until it is stored (in the write worker)."""
    from kodebog import coding

    for name in ("apply_code", "remove_code"):
        original = getattr(coding, name)

        def timed(*args: object, __original: object = original, **kwargs: object) -> object:
            began = time.perf_counter()
            try:
                return __original(*args, **kwargs)  # type: ignore[operator]
            finally:
                samples.append(time.perf_counter() - began)

        setattr(coding, name, timed)


async def measure(path: Path | str, presses: int = 200) -> dict[str, float]:
    """Open the big source in the app and time key presses; seconds."""
    from textual import events

    from kodebog.settings import Settings
    from kodebog.store import open_project
    from kodebog.tui.app import KodebogApp
    from kodebog.tui.screens.coding import CodingScreen
    from kodebog.tui.widgets.unit_list import UnitList

    store = open_project(str(path))
    app = KodebogApp(store, "bench", Settings())
    writes: list[float] = []
    _timed_writes(writes)
    results: dict[str, float] = {}
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(3):
                await pilot.pause()
                await app.workers.wait_for_complete()
            start = time.perf_counter()
            await pilot.press("enter")
            while True:
                screen = app.screen
                if isinstance(screen, CodingScreen) and screen.view is not None:
                    units = screen.query_one(UnitList)
                    if units.current_row is not None and not units.loading:
                        break
                await pilot.pause()
            await pilot.pause()
            results["open"] = time.perf_counter() - start

            async def first_suggestions() -> None:
                # the helper process loads spaCy meanwhile; the key presses below go on
                while not app.suggester_ready:
                    await asyncio.sleep(0.01)
                results["suggestions"] = time.perf_counter() - start

            watcher = asyncio.create_task(first_suggestions())

            painted = asyncio.Event()
            stamp = [0.0, 0.0]
            display = app._display

            def timed_display(screen: object, renderable: object) -> None:
                display(screen, renderable)  # type: ignore[arg-type]
                if renderable is not None:
                    stamp[0] = time.perf_counter()
                    stamp[1] = time.process_time()
                    painted.set()

            app._display = timed_display  # type: ignore[method-assign]
            for name, key in (("next", "j"), ("toggle", "1")):
                samples, cpu = [], []
                for _ in range(presses):
                    await pilot.pause()
                    painted.clear()
                    began, began_cpu = time.perf_counter(), time.process_time()
                    app.post_message(events.Key(key, key))
                    await asyncio.wait_for(painted.wait(), 5)
                    samples.append(stamp[0] - began)
                    cpu.append(stamp[1] - began_cpu)
                results[f"{name}_median"], results[f"{name}_p95"] = _stats(samples)
                results[f"{name}_cpu"] = statistics.median(cpu)
            results["units"] = float(screen.view.count)
            assert await asyncio.to_thread(app.writer.wait_idle, 120)
            results["write_median"], results["write_p95"] = _stats(writes)
            await asyncio.wait_for(watcher, 120)
    finally:
        store.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    """Build (or reuse) the project, measure, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--project", type=Path, help="reuse (or create) this project file")
    parser.add_argument("--pg", metavar="URL",
                        help="build the project in a new schema of this PostgreSQL server")
    parser.add_argument("--pg-delay", type=float, default=0.0, metavar="MS",
                        help="milliseconds added in each direction between app and server")
    args = parser.parse_args(argv)
    if args.pg:
        results = _measure_pg(args.pg, args.pg_delay / 1000, args.units, args.presses)
    else:
        folder = Path(tempfile.mkdtemp(prefix="kodebog-bench-"))
        path = args.project or folder / "big.kodebog"
        if not path.exists():
            began = time.perf_counter()
            make_big_project(path, args.units).dispose()
            print(f"built {args.units} units in {time.perf_counter() - began:.1f} s",
                  file=sys.stderr)
        results = asyncio.run(measure(path, args.presses))
    ms = {k: v * 1000 for k, v in results.items() if k != "units"}
    print(f"TUI benchmark, {int(results['units'])} units in one source, "
          f"{args.presses} presses each, {date.today()}, {platform.python_version()}")
    print("| measure | result | target |")
    print("|---|---|---|")
    print(f"| open the coding screen | {ms['open']:.0f} ms | < 1500 ms |")
    print(f"| next unit (j): median / p95 | {ms['next_median']:.1f} / {ms['next_p95']:.1f} ms "
          "| < 30 / < 80 ms |")
    print(f"| toggle code (1): median / p95 | {ms['toggle_median']:.1f} / "
          f"{ms['toggle_p95']:.1f} ms | < 30 / < 80 ms |")
    print(f"| first suggestions shown (spaCy loaded in the helper process) | "
          f"{ms['suggestions']:.0f} ms | |")
    print(f"| write itself, until stored: median / p95 | {ms['write_median']:.1f} / "
          f"{ms['write_p95']:.1f} ms | < 40 ms median (PostgreSQL, 5 ms each way) |")
    print(f"| CPU time of the app per press (median): next / toggle | "
          f"{ms['next_cpu']:.1f} / {ms['toggle_cpu']:.1f} ms | |")
    print(f"| load average while measuring | {os.getloadavg()[0]:.1f} | |")
    return 0


def _measure_pg(server: str, delay: float, units: int, presses: int) -> dict[str, float]:
    """Build the project in a fresh schema, measure through the delaying proxy, drop it."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.delay_proxy import DelayProxy

    schema = f"kodebog_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        began = time.perf_counter()
        make_big_project(url.render_as_string(hide_password=False), units).dispose()
        print(f"built {units} units in {time.perf_counter() - began:.1f} s", file=sys.stderr)
        with DelayProxy((url.host or "127.0.0.1", url.port or 5432), delay) as proxy:
            slow = url.set(port=proxy.port).render_as_string(hide_password=False)
            return asyncio.run(measure(slow, presses))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
