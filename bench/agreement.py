"""Full `kodebog agree` on 3 coders x 100,000 units x 30 codes, and alpha next to `krippendorff`.

    python bench/agreement.py [--units 100000] [--codes 30] [--coders 3]

The project is generated with Core inserts (about a minute); the timed part is the whole
command as a user runs it: open the project, build the presence matrices, compute every
statistic, print JSON.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import random
import tempfile
import time
from contextlib import redirect_stdout
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import numpy as np
from sqlalchemy import insert

from kodebog.agreement import krippendorff_alpha
from kodebog.cli import main as kodebog
from kodebog.comparison import presence, resolve_scope
from kodebog.project import init_project
from kodebog.store.models import Coder, Coding, Participant, Source, Unit


def codebook_yaml(codes: int) -> str:
    """A flat codebook with ``codes`` codes."""
    lines = ["language: da", "codes:"]
    for number in range(codes):
        lines += [f"  - id: code_{number:02d}", f"    label: Tema {number}"]
    return "\n".join(lines) + "\n"


def build(path: Path, units: int, codes: int, coders: int, seed: int = 3) -> None:
    """A project with one survey source of ``units`` answers coded by ``coders`` coders."""
    codebook = path.with_suffix(".yaml")
    codebook.write_text(codebook_yaml(codes), encoding="utf-8")
    store = init_project(path, codebook)
    rng = random.Random(seed)
    text = "svar\n\n" * units
    with store.write() as session:
        session.add(Source(id=1, name="survey", kind="survey", text=text, sha256="x",
                           filename="survey.csv", encoding="utf-8", meta={}))
        session.add_all(Coder(id=i + 1, name=f"coder{i + 1}") for i in range(coders))
        session.flush()
        connection = session.connection()
        connection.execute(insert(Participant), [
            {"id": i + 1, "key": f"survey:R{i}", "label": f"R{i}", "role": "borger",
             "attributes": {}} for i in range(units)])
        connection.execute(insert(Unit), [
            {"id": i + 1, "source_id": 1, "ordinal": i + 1, "start": i * 6, "end": i * 6 + 4,
             "text": "svar", "participant_id": i + 1, "speaker": None, "timestamp": None}
            for i in range(units)])
        now = datetime.now(UTC)
        rows = []
        for unit in range(1, units + 1):
            truth = rng.sample(range(codes), rng.randint(0, 2))
            for coder in range(1, coders + 1):
                chosen = {c for c in truth if rng.random() < 0.9}
                if rng.random() < 0.1:
                    chosen.add(rng.randrange(codes))
                rows += [{"unit_id": unit, "code_id": f"code_{c:02d}", "coder_id": coder,
                          "start": 0, "end": 4, "text": "svar", "memo": None,
                          "key_quote": False, "origin": "import", "created_at": now}
                         for c in chosen]
        for start in range(0, len(rows), 20000):
            connection.execute(insert(Coding), rows[start:start + 20000])
    store.dispose()


def main() -> None:
    """Build, time the command and the alpha function side by side, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--codes", type=int, default=30)
    parser.add_argument("--coders", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "agree.kodebog"
        started = time.perf_counter()
        build(path, args.units, args.codes, args.coders)
        build_seconds = time.perf_counter() - started
        names = ",".join(f"coder{i + 1}" for i in range(args.coders))
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            with redirect_stdout(io.StringIO()) as out:
                assert kodebog(["agree", str(path), "--coders", names, "--json"]) == 0
            runs.append(time.perf_counter() - started)
        overall = json.loads(out.getvalue())["overall"]

        from kodebog.store import open_project

        store = open_project(path)
        with store.read() as session:
            matrices = presence(session, resolve_scope(session, names.split(",")))
        store.dispose()
        ours, theirs = [], []
        krippendorff: ModuleType | None
        try:
            import krippendorff
        except ImportError:
            krippendorff = None
        for matrix in matrices.values():
            started = time.perf_counter()
            krippendorff_alpha(matrix, "nominal")
            ours.append(time.perf_counter() - started)
            if krippendorff is not None:
                started = time.perf_counter()
                krippendorff.alpha(reliability_data=matrix.astype(float),
                                   level_of_measurement="nominal")
                theirs.append(time.perf_counter() - started)
    result = {
        "machine": f"{platform.node()} {platform.machine()} python {platform.python_version()}",
        "date": datetime.now(UTC).date().isoformat(),
        "units": args.units, "codes": args.codes, "coders": args.coders,
        "build_seconds": round(build_seconds, 1),
        "agree_seconds": [round(r, 3) for r in runs],
        "overall_alpha": overall["alpha"],
        "alpha_all_codes_seconds": round(float(np.sum(ours)), 3),
        "krippendorff_package_all_codes_seconds": round(float(np.sum(theirs)), 3)
        if theirs else None,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
