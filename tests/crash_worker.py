"""A scripted coding and import run that reports each finished action; killed by the tests."""

from __future__ import annotations

import sys

from kodebog import coding
from kodebog.importing import import_parsed
from kodebog.queries import find_source, find_unit
from kodebog.store import open_project
from tests.conftest import make_parsed


def main(project: str, run: str) -> None:
    """Alternate imports and codings forever.

    Prints ``begin KIND NAME`` before each action and ``done KIND NAME`` after its commit, so
    the test can kill the process while an action is in flight.
    """
    store = open_project(project)
    print("ready", flush=True)
    step = 0
    while True:
        name = f"{run}_{step}"
        turns = [(f"Borger {i % 5}", f"Udsagn {i} i {name} om telefontid og breve – æøå.")
                 for i in range(200)]
        print(f"begin import {name}", flush=True)
        import_parsed(store, make_parsed(name, turns))
        print(f"done import {name}", flush=True)
        with store.read() as session:
            source = find_source(session, name)
            ids = [find_unit(session, source, n).id for n in (1, 2, 3)]
        for index, unit_id in enumerate(ids):
            print(f"begin coding {name} {index + 1}", flush=True)
            coding.apply_code(store, "crash", unit_id, "contact_center")
            print(f"done coding {name} {index + 1}", flush=True)
        step += 1


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
