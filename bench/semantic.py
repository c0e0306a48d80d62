"""Semantic tier benchmark: background embedding of many units, key presses meanwhile, and
the demo material's evaluation per tier.

    .venv/bin/python bench/semantic.py embed --units 10000      # embedding time, 1 thread
    .venv/bin/python bench/semantic.py keys --units 10000       # TUI keys while embedding
    .venv/bin/python bench/semantic.py evaluate --coder anna    # the demo, every tier

Needs the semantic extra (``pip install -e '.[semantic]'``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _machine() -> dict[str, Any]:
    return {
        "date": date.today().isoformat(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def _project(folder: Path, units: int) -> Path:
    """A project whose one source has ``units`` answers that get suggestions (and half as
    many interviewer turns, which are never embedded)."""
    from tui import make_big_project  # bench/tui.py: one focus group, every third turn
    # the interviewer's

    path = folder / f"semantic-{units}.kodebog"
    if not path.exists():
        make_big_project(path, units=units * 3 // 2).dispose()
    return path


def embed(units: int, folder: Path) -> dict[str, Any]:
    """Embed every unit as the background helper does (one thread, batches of 32)."""
    from kodebog.store import open_project
    from kodebog.suggest import semantic
    from kodebog.suggest.embeddings import embed_pending

    path = _project(folder, units)
    semantic.THREADS = 1
    store = open_project(path)
    try:
        embedder = semantic.get_embedder()
        started = time.perf_counter()
        marks: list[tuple[int, float]] = []

        def progress(state: Any) -> None:
            if state.done % 1024 < 32 or state.complete:
                marks.append((state.done, round(time.perf_counter() - started, 1)))
                print(f"{state.done}/{state.total} in {marks[-1][1]} s", file=sys.stderr)

        state = embed_pending(store, embedder, progress=progress)
        seconds = time.perf_counter() - started
    finally:
        store.dispose()
    return {
        "units": state.done,
        "seconds": round(seconds, 1),
        "units_per_s": round(state.done / seconds, 1),
        "progress": marks,
        **_machine(),
    }


def keys(units: int, folder: Path, presses: int, on: bool = True) -> dict[str, Any]:
    """bench/tui.py's key-press measure on a project whose units are not embedded yet, with
    the semantic tier on: the coding screen embeds in the background meanwhile (``on``
    false: the same with the tier off, for comparison under the same load)."""
    from kodebog.store import open_project
    from kodebog.store.models import UnitEmbedding
    from tui import measure

    path = folder / f"semantic-keys-{units}.kodebog"
    if path.exists():
        store = open_project(path)
        with store.write() as session:
            session.query(UnitEmbedding).delete()
        store.dispose()
    else:
        _project(folder, units).rename(path)
    if on:
        os.environ.pop("KODEBOG_SEMANTIC", None)
    else:
        os.environ["KODEBOG_SEMANTIC"] = "0"
    results = asyncio.run(measure(path, presses))
    store = open_project(path)
    with store.read() as session:
        embedded = session.query(UnitEmbedding).count()
    store.dispose()
    return {**results, "semantic": on, "embedded_meanwhile": embedded, **_machine()}


def evaluate(coder: str, folds: int, project: Path | None = None) -> dict[str, Any]:
    """``kodebog suggest --evaluate`` on the demo project (``project``: built there once and
    reused, with the vectors stored by the first run; default: a fresh one)."""
    from kodebog.demo import build_demo
    from kodebog.store import open_project
    from kodebog.suggest import service

    with tempfile.TemporaryDirectory() as folder:
        store = open_project(build_demo(project or Path(folder) / "demo.kodebog"))
        try:
            started = time.perf_counter()
            report = service.evaluate(store, coder, folds=folds, semantic=True)
            seconds = time.perf_counter() - started
        finally:
            store.dispose()
    print(report.format_table(), file=sys.stderr)
    summary = {
        part: {
            name: {
                "top1": round(s.top1_rate, 3),
                "top3": round(s.top_hit_rate, 3),
                "precision": round(s.micro.precision, 3),
                "recall": round(s.micro.recall, 3),
                "uncoded": s.uncoded,
                "loud": s.loud,
            }
            for name, s in tiers.items()
        }
        for part, tiers in (
            ("cross_validated", report.tiers),
            ("codebook_only", report.codebook_only),
            ("codebook_examples", report.examples),
        )
    }
    return {"coder": coder, "units": report.n_units, "seconds": round(seconds, 1),
            **summary, **_machine()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=("embed", "keys", "evaluate"))
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--presses", type=int, default=100)
    parser.add_argument("--coder", default="anna")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--folder", type=Path, help="keep the projects here (default: temp)")
    parser.add_argument("--off", action="store_true", help="keys: with the semantic tier off")
    parser.add_argument("--project", type=Path, help="evaluate: the demo project to reuse")
    args = parser.parse_args(argv)
    if args.what == "evaluate":
        out = evaluate(args.coder, args.folds, args.project)
    else:
        with tempfile.TemporaryDirectory() as temp:
            folder = args.folder or Path(temp)
            folder.mkdir(parents=True, exist_ok=True)
            if args.what == "embed":
                out = embed(args.units, folder)
            else:
                out = keys(args.units, folder, args.presses, on=not args.off)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
