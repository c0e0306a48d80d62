"""Export speed: findings of a project with 50,000 codings to every format.

    python bench/export.py [--codings 50000] [--keep DIR]

The project (the example codebook, one survey source with background attributes and
focus groups with roles and timestamps, two coders) is written with Core inserts, then each
format is exported with the default checks on (verbatim quotes, personal data). Target:
docx and xlsx under 5 s each.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import GROUPS, LENGTHS, PHRASES, SATISFACTION, TOWNS

from kodebog.export import ExportOptions, export
from kodebog.paths import example_codebook
from kodebog.project import init_project
from kodebog.store import Store
from kodebog.store.models import Code, Coder, Coding, Participant, Source, Unit

SPEAKERS = [("Interviewer", "interviewer"), ("Borger 1", "borger"), ("Borger 2", "borger"),
            ("Borger 3", "borger"), ("Sagsbehandler", "medarbejder"), ("Leder", "leder")]


def _source(store: Store, name: str, kind: str, answers: list[str],
            people: list[tuple[str, str, str, dict[str, str]]],
            stamps: bool) -> list[tuple[int, str]]:
    """Insert one source with one unit per answer; (unit id, unit text) back."""
    text_parts, spans, position = [], [], 0
    for (_key, label, _role, _attrs), answer in zip(people, answers, strict=True):
        prefix = f"{label}: "
        spans.append((position + len(prefix), position + len(prefix) + len(answer)))
        text_parts.append(prefix + answer)
        position += len(prefix) + len(answer) + 2
    text = "\n\n".join(text_parts)
    with store.write() as session:
        source_id = session.execute(insert(Source).returning(Source.id), [{
            "name": name, "kind": kind, "text": text, "filename": f"{name}.txt",
            "sha256": hashlib.sha256(text.encode()).hexdigest(), "encoding": "utf-8",
            "meta": {"words": len(text.split())}}]).scalar_one()
        distinct = {key: (label, role, attrs) for key, label, role, attrs in people}
        session.execute(insert(Participant), [
            {"key": f"{name}:{key}", "label": label, "role": role, "attributes": attrs}
            for key, (label, role, attrs) in distinct.items()])
        keys = {key.split(":", 1)[1]: pid for key, pid in session.execute(
            select(Participant.key, Participant.id).where(Participant.key.like(f"{name}:%")))}
        session.execute(insert(Unit), [
            {"source_id": source_id, "ordinal": i + 1, "start": start, "end": end,
             "text": text[start:end], "participant_id": keys[people[i][0]],
             "speaker": people[i][1],
             "timestamp": f"00:{i // 60 % 60:02d}:{i % 60:02d}" if stamps and i % 4 == 0 else None}
            for i, (start, end) in enumerate(spans)])
        rows = session.execute(
            select(Unit.id, Unit.text).where(Unit.source_id == source_id).order_by(Unit.ordinal))
        return [(uid, utext) for uid, utext in rows]


def build(path: Path, codings: int, seed: int = 1) -> tuple[int, int]:
    """A project with about ``codings`` codings; (units, codings) written."""
    rng = random.Random(seed)
    store = init_project(path, example_codebook(), coder="anna")
    units: list[tuple[int, str]] = []
    survey = codings // 2
    people = [(f"R{i:06d}", f"Respondent R{i:06d}", "borger",
               {"ydelsesgruppe": rng.choice(GROUPS), "forloebslaengde": rng.choice(LENGTHS),
                "tilfredshed": rng.choice(SATISFACTION), "kommune": rng.choice(TOWNS)})
              for i in range(1, survey + 1)]
    answers = [" ".join(rng.sample(PHRASES, rng.randint(1, 4))) for _ in people]
    units += _source(store, "survey_bench", "survey", answers, people, stamps=False)
    for group in range(1, 21):
        turns = [SPEAKERS[rng.randrange(len(SPEAKERS))] for _ in range(120)]
        people_fg: list[tuple[str, str, str, dict[str, str]]] = [
            (label, label, role, {}) for label, role in turns]
        answers = [" ".join(rng.sample(PHRASES, rng.randint(1, 4))) for _ in turns]
        units += _source(store, f"fokusgruppe_{group:02d}", "focus_group", answers, people_fg,
                         stamps=True)
    with store.write() as session:
        codes = list(session.scalars(select(Code.id).order_by(Code.position)))
        coders = [session.execute(insert(Coder).returning(Coder.id), [{"name": n}]).scalar_one()
                  for n in ("bench-anna", "bench-bo")]
        rows: list[dict[str, object]] = []
        seen: set[tuple[int, str, int, int, int]] = set()
        while len(rows) < codings:
            uid, text = units[rng.randrange(len(units))]
            coder, code = rng.choice(coders), rng.choice(codes)
            end = text.index(". ") + 1 if rng.random() < 0.2 and ". " in text else len(text)
            if (uid, code, coder, 0, end) in seen:
                continue
            seen.add((uid, code, coder, 0, end))
            rows.append({"unit_id": uid, "code_id": code, "coder_id": coder, "start": 0,
                         "end": end, "text": text[:end], "key_quote": rng.random() < 0.01,
                         "origin": "import", "memo": "notat" if rng.random() < 0.05 else None})
        session.execute(insert(Coding), rows)
    store.dispose()
    return len(units), len(rows)


def reference_loop() -> float:
    """Seconds for a plain 3-million-step Python loop: how fast this machine is right now."""
    start = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i
    return time.perf_counter() - start


def main() -> None:
    """Build the project, export every format, print the seconds."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--codings", type=int, default=50_000)
    parser.add_argument("--keep", type=Path, help="write the project and exports here")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="kodebog-export-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    project = folder / "bench.kodebog"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{project}{suffix}").unlink(missing_ok=True)
    start = time.perf_counter()
    units, codings = build(project, args.codings)
    print(f"built {project}: {units} units, {codings} codings in "
          f"{time.perf_counter() - start:.1f} s")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; {date.today().isoformat()}; load average "
          f"{os.getloadavg()[0]:.1f}; reference loop {reference_loop():.2f} s")
    from kodebog.store import open_project

    store = open_project(project)
    print("format   wall    cpu     size")
    for fmt in ("docx", "xlsx", "md", "html", "json", "csv"):
        output = folder / f"findings.{fmt}"
        start, cpu = time.perf_counter(), time.process_time()
        message = export(store, output, ExportOptions(), fmt)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        size = output.stat().st_size / 1e6
        print(f"{fmt:<5} {seconds:6.2f} s {cpu:5.2f} s {size:6.1f} MB  {message}")
    store.dispose()


if __name__ == "__main__":
    main()
