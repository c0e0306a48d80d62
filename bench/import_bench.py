"""Import throughput: kodebog's import of a survey export next to raw sqlite3 executemany.

    python bench/import_bench.py [--answers 100000] [--transcripts 200]

Both sides insert the same participant and unit rows into a fresh SQLite file in one
transaction; kodebog's time includes reading and parsing the CSV.
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import write_survey, write_transcripts

from kodebog.bulk import paused_gc
from kodebog.importing import import_parsed
from kodebog.paths import example_codebook
from kodebog.project import init_project
from kodebog.sources import read_source


def raw_insert(path: Path,
               parsed_rows: tuple[list[tuple[str, str, str]], list[tuple[Any, ...]]]) -> float:
    """Seconds for plain sqlite3 executemany of the same rows (WAL, one transaction)."""
    participants, units = parsed_rows
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE participant (id INTEGER PRIMARY KEY, key TEXT UNIQUE, "
                 "label TEXT, role TEXT, attributes TEXT)")
    conn.execute("CREATE TABLE unit (id INTEGER PRIMARY KEY, source_id INTEGER, ordinal INTEGER,"
                 " start INTEGER, \"end\" INTEGER, text TEXT, participant_id INTEGER, "
                 "speaker TEXT, timestamp TEXT, UNIQUE (source_id, ordinal))")
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO participant (key, label, role, attributes) VALUES (?, ?, ?, ?)",
                     [(k, label, "borger", attrs) for k, label, attrs in participants])
    conn.executemany("INSERT INTO unit (source_id, ordinal, start, \"end\", text, participant_id,"
                     " speaker, timestamp) VALUES (1, ?, ?, ?, ?, ?, NULL, NULL)", units)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def raw_insert_same_schema(path: Path, parsed_rows: tuple[list[tuple[str, str, str]],
                                                        list[tuple[Any, ...]]]) -> float:
    """Seconds for plain sqlite3 executemany into a kodebog project's own tables.

    Same indexes, foreign keys and full-text index as kodebog's import, without kodebog.
    """
    participants, units = parsed_rows
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("INSERT INTO source (id, name, kind, text, sha256, filename, encoding, meta, "
                 "imported_at) VALUES (99, 'raw', 'survey', '', '', '', '', '{}', "
                 "'2026-01-01')")
    first = conn.execute("SELECT coalesce(max(id), 0) FROM participant").fetchone()[0]
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO participant (key, label, role, attributes) VALUES (?, ?, ?, ?)",
                     [(f"raw:{k}", label, "borger", attrs) for k, label, attrs in participants])
    conn.executemany("INSERT INTO unit (source_id, ordinal, start, \"end\", text, participant_id,"
                     " speaker, timestamp) VALUES (99, ?, ?, ?, ?, ?, NULL, NULL)",
                     [(o, s, e, t, p + first) for o, s, e, t, p in units])
    conn.execute("INSERT INTO unit_fts(rowid, text) SELECT id, text FROM unit "
                 "WHERE source_id = 99")
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def bench_survey(workdir: Path, answers: int) -> dict[str, float]:
    """Time kodebog's import of an ``answers``-row survey and the raw insert of its rows."""
    csv_path = write_survey(workdir / "survey.csv", answers)
    store = init_project(workdir / "survey.kodebog", example_codebook())
    started = time.perf_counter()
    with paused_gc():  # as `kodebog import` does
        parsed = read_source(csv_path)
        parse_seconds = time.perf_counter() - started
        import_parsed(store, parsed)
    kodebog_seconds = time.perf_counter() - started
    store.dispose()
    participants = [(f"survey:{p.key}", p.label, json.dumps(p.attributes, ensure_ascii=False))
                    for p in parsed.participants]
    index = {p.key: i + 1 for i, p in enumerate(parsed.participants)}
    units = [(i + 1, u.start, u.end, parsed.text[u.start:u.end], index[u.participant_key or ""])
             for i, u in enumerate(parsed.units)]
    raw_seconds = raw_insert(workdir / "raw.sqlite", (participants, units))
    same_store = init_project(workdir / "same.kodebog", example_codebook())
    same_store.dispose()
    same_seconds = raw_insert_same_schema(workdir / "same.kodebog", (participants, units))
    count = len(parsed.units)
    return {
        "units": count,
        "kodebog_seconds": round(kodebog_seconds, 3),
        "parse_seconds": round(parse_seconds, 3),
        "kodebog_units_per_s": round(count / kodebog_seconds),
        "raw_seconds": round(raw_seconds, 3),
        "raw_units_per_s": round(count / raw_seconds),
        "ratio": round(raw_seconds / kodebog_seconds, 3),
        "raw_same_schema_seconds": round(same_seconds, 3),
        "ratio_same_schema": round(same_seconds / kodebog_seconds, 3),
    }


def bench_transcripts(workdir: Path, count: int) -> dict[str, float]:
    """Time importing ``count`` transcripts, one transaction each."""
    paths = write_transcripts(workdir / "transcripts", count)
    store = init_project(workdir / "transcripts.kodebog", example_codebook())
    started = time.perf_counter()
    units = 0
    with paused_gc():
        for path in paths:
            units += import_parsed(store, read_source(path)).units
    seconds = time.perf_counter() - started
    store.dispose()
    return {"transcripts": count, "units": units, "seconds": round(seconds, 3),
            "units_per_s": round(units / seconds)}


def main() -> None:
    """Run both benchmarks and print the results as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--transcripts", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        result = {
            "machine": f"{platform.node()} {platform.machine()} python {platform.python_version()}",
            "survey": bench_survey(workdir, args.answers),
            "transcripts": bench_transcripts(workdir, args.transcripts),
        }
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
