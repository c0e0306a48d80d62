"""Team load: several coder processes writing codings to one PostgreSQL project at once.

    python bench/team.py [--coders 4] [--codings 2000] [--url postgresql+psycopg://...]

Each coder process applies ``--codings`` codings through ``kodebog.coding`` (one transaction
and one event each) while the others do the same; afterwards every coding must be there
exactly once. Prints throughput and per-coding latency (median, p95) as JSON.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import statistics
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from kodebog import coding
from kodebog.importing import import_parsed
from kodebog.project import init_project
from kodebog.sources.model import ParsedParticipant, ParsedSource, ParsedUnit
from kodebog.store import open_project
from kodebog.store.models import Coding, Unit

CODEBOOK = """\
language: da
codes:
  - id: contact_center
    label: Kontakt
  - id: rules_and_system
    label: Regler
"""


def _source(units: int) -> ParsedSource:
    parts, parsed = [], []
    position = 0
    for number in range(units):
        line = f"Udsagn {number} om ventetid og telefontid."
        parsed.append(ParsedUnit(position, position + len(line), participant_key="R"))
        parts.append(line)
        position += len(line) + 2
    return ParsedSource(name="load", kind="survey", text="\n\n".join(parts), units=parsed,
                        participants=[ParsedParticipant("R", "Respondent")],
                        encoding="utf-8", filename="load.csv")


def _coder(url: str, name: str, unit_ids: list[int], count: int,
           out: multiprocessing.Queue[list[float]]) -> None:
    store = open_project(url)
    latencies = []
    for index in range(count):
        unit_id = unit_ids[index % len(unit_ids)]
        code = "contact_center" if index < len(unit_ids) else "rules_and_system"
        started = time.perf_counter()
        coding.apply_code(store, name, unit_id, code)
        latencies.append(time.perf_counter() - started)
    store.dispose()
    out.put(latencies)


def main() -> None:
    """Run the load and check that nothing was lost or duplicated."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--coders", type=int, default=4)
    parser.add_argument("--codings", type=int, default=2000)
    parser.add_argument("--url", default=os.environ.get(
        "KODEBOG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    schema = f"kodebog_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(args.url).update_query_dict({"options": f"-csearch_path={schema}"})
    project = url.render_as_string(hide_password=False)
    try:
        codebook = Path(f"/tmp/{schema}.yaml")
        codebook.write_text(CODEBOOK, encoding="utf-8")
        store = init_project(project, codebook)
        import_parsed(store, _source(args.codings // 2))
        with store.read() as session:
            unit_ids = list(session.scalars(select(Unit.id).order_by(Unit.id)))
        store.dispose()
        queue: multiprocessing.Queue[list[float]] = multiprocessing.Queue()
        workers = [
            multiprocessing.Process(target=_coder,
                                    args=(project, f"coder{n}", unit_ids, args.codings, queue))
            for n in range(args.coders)
        ]
        started = time.perf_counter()
        for worker in workers:
            worker.start()
        latencies = [value for _ in workers for value in queue.get()]
        for worker in workers:
            worker.join()
        seconds = time.perf_counter() - started
        store = open_project(project)
        with store.read() as session:
            total = session.scalar(select(func.count()).select_from(Coding)) or 0
            distinct = session.execute(text(
                "SELECT count(*) FROM (SELECT DISTINCT unit_id, code_id, coder_id FROM coding) d"
            )).scalar()
        store.dispose()
        expected = args.coders * args.codings
        latencies.sort()
        result = {
            "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cores",
            "date": datetime.now(UTC).date().isoformat(),
            "coders": args.coders, "codings_per_coder": args.codings,
            "expected": expected, "stored": total, "distinct": distinct,
            "lost": expected - int(distinct or 0), "duplicated": total - int(distinct or 0),
            "seconds": round(seconds, 2),
            "codings_per_second": round(expected / seconds, 1),
            "latency_median_ms": round(statistics.median(latencies) * 1000, 2),
            "latency_p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 2),
        }
        print(json.dumps(result, indent=2))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
