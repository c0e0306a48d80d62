"""Parsing hostile and large inputs: the timings that used to be asserted in unit tests.

    python bench/parsing.py [--runs 3]

Targets (from the tests these came from): a billion-laughs codebook refused in < 0.5 s;
100,000 survey answers parsed in < 3 s on a 2024 laptop; a 50 MB single-line transcript read
in < 10 s; a 50 MB single-line CSV refused in < 10 s. The tests keep checking the results;
only the clock lives here.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kodebog.codebook import validate_codebook_file
from kodebog.errors import KodebogError
from kodebog.sources import read_source

ROOT = Path(__file__).resolve().parents[1]


def survey_file(folder: Path, answers: int) -> Path:
    """A semicolon CSV of ``answers`` survey comments with emoji and Danish quotes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["id", "ydelsesgruppe", "kommune", "kommentar"])
    for n in range(answers):
        writer.writerow([f"R{n:06d}", "Dagpenge", "Randers",
                         f"Svar nummer {n}: ventetiden var „lang“ 😞"])
    path = folder / "stor.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def timed(action: Callable[[], object], runs: int) -> list[float]:
    """Seconds for each of ``runs`` calls."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        with contextlib.suppress(KodebogError):  # a refusal is the expected result
            action()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        line = folder / "en_linje.txt"
        line.write_bytes(b"Borger 1: " + b"hej med dig " * (50 * 1024 * 1024 // 12))
        line_csv = folder / "en_linje.csv"
        line_csv.write_bytes(b"id,kommentar\n1," + b"x" * (50 * 1024 * 1024))
        cases: list[tuple[str, Callable[[], object], float]] = [
            ("billion-laughs codebook refused",
             lambda: validate_codebook_file(
                 ROOT / "tests" / "data" / "codebooks" / "billion_laughs.yaml"), 0.5),
            ("100,000 survey answers parsed",
             lambda: read_source(survey_file(folder, 100_000)), 3.0),
            ("50 MB single-line transcript read", lambda: read_source(line), 10.0),
            ("50 MB single-line CSV refused", lambda: read_source(line_csv), 10.0),
        ]
        print(f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}"
              f" · load {os.getloadavg()[0]:.2f}")
        print("| case | median | max | target |")
        print("|---|---:|---:|---:|")
        for name, action, target in cases:
            times = timed(action, args.runs)
            print(f"| {name} | {statistics.median(times):.2f} s | {max(times):.2f} s "
                  f"| < {target:g} s |")


if __name__ == "__main__":
    main()
