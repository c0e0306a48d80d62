"""TUI benchmark: open a 100,000-unit source, then time "next unit" and "toggle code" repaints."""

from __future__ import annotations

import argparse
import asyncio
import hashlib
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
    f"  - id: code_{i}\n    label: Kode {i}\n    key: \"{i}\"\n    color: \"#{(i * 37) % 256:02x}77aa\"\n"
    for i in range(10)
)

WORDS = (
    "jeg har haft fire sagsbehandlere på et år og det er for meget man kan aldrig få fat i "
    "nogen på telefonen mødet var godt hun lyttede til mig brevet var svært at forstå vi "
    "venter stadig på en afgørelse praktikken gav mening jobcentret kontanthjælp ressourceforløb"
).split()
SPEAKERS = [("Interviewer", "interviewer")] + [(f"Borger {i}", "borger") for i in range(1, 9)]


def make_big_project(path: Path, units: int = 100_000, seed: int = 7) -> Store:
    """A fresh SQLite project with one focus group of ``units`` units, inserted in bulk."""
    codebook = path.with_suffix(".yaml")
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
