"""Living codebook: time a rename, a merge of a much-used code, its undo and redo.

    python bench/codebook.py [--codings 10000]

A SQLite project with one source of ``--codings`` units, each coded with contact_center,
and a tenth of them also with rules_and_system on the same span (those collapse in the
merge). Prints the seconds of each step as JSON.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from kodebog import codes, coding
from kodebog.importing import import_parsed
from kodebog.project import init_project
from kodebog.sources.model import ParsedParticipant, ParsedSource, ParsedUnit
from kodebog.store.models import Coding, Unit

CODEBOOK = """\
language: da
codes:
  - id: contact_center
    label: Kontakt til jobcentret
  - id: rules_and_system
    label: Regler og system
"""


def source(count: int) -> ParsedSource:
    """One survey-like source: ``count`` short answers by one respondent each."""
    texts = [f"Svar nummer {i} om telefonen" for i in range(count)]
    units, position = [], 0
    for text in texts:
        units.append(ParsedUnit(position, position + len(text), participant_key="r"))
        position += len(text) + 2
    return ParsedSource(name="big", kind="survey", text="\n\n".join(texts), units=units,
                        participants=[ParsedParticipant(key="r", label="r")],
                        encoding="utf-8", filename="big.txt")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--codings", type=int, default=10000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    (folder / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    store = init_project(folder / "bench.kodebog", folder / "codebook.yaml", coder="anna")
    import_parsed(store, source(args.codings))
    with store.write() as session:
        anna = coding.coder_id(session, "anna")
        ids = list(session.scalars(select(Unit.id)))
        session.add_all([Coding(unit_id=u, code_id="contact_center", coder_id=anna, start=0,
                                end=4, text="Svar") for u in ids])
        session.add_all([Coding(unit_id=u, code_id="rules_and_system", coder_id=anna,
                                start=0, end=4, text="Svar") for u in ids[: len(ids) // 10]])
    steps: dict[str, Callable[[], object]] = {
        "rename": lambda: codes.rename_code(store, "bo", "contact_center", "Kontakt"),
        "merge": lambda: codes.merge_codes(store, "bo", "contact_center", "rules_and_system"),
        "undo merge": lambda: coding.undo(store, "bo"),
        "redo merge": lambda: coding.redo(store, "bo"),
    }
    seconds = {}
    for name, step in steps.items():
        start = time.perf_counter()
        step()
        seconds[name] = round(time.perf_counter() - start, 2)
    store.dispose()
    print(json.dumps({"codings": args.codings, "seconds": seconds,
                      "machine": platform.platform(), "at": datetime.now(UTC).isoformat()}))


if __name__ == "__main__":
    main()
