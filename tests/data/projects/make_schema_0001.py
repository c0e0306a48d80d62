"""Make ``schema_0001.kodebog``: a small project at the first released schema (0001).

Run once from the repository root; the file is kept so upgrades from it stay tested:

    .venv/bin/python tests/data/projects/make_schema_0001.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from tests.conftest import SMALL_CODEBOOK, make_parsed  # noqa: E402

from kodebog import coding  # noqa: E402
from kodebog.codebook import parse_codebook  # noqa: E402
from kodebog.importing import import_parsed  # noqa: E402
from kodebog.project import _sync_codebook  # noqa: E402
from kodebog.queries import find_source, find_unit  # noqa: E402
from kodebog.store.engine import Store, project_url  # noqa: E402

TARGET = HERE / "schema_0001.kodebog"


def main() -> None:
    """Build the project at revision 0001 with a source, codings, a memo and an undo."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{TARGET}{suffix}").unlink(missing_ok=True)
    store = Store(project_url(TARGET))
    config = Config()
    config.set_main_option(
        "script_location", str(HERE.parents[2] / "src" / "kodebog" / "store" / "migrations"))
    with store.write_engine.connect() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.commit()
    with store.write() as session:
        _sync_codebook(session, parse_codebook(SMALL_CODEBOOK, "codebook.yaml"),
                       SMALL_CODEBOOK, "codebook.yaml", "anna")
    import_parsed(store, make_parsed("fg1"), coder="anna")
    with store.read() as session:
        source = find_source(session, "fg1")
        units = [find_unit(session, source, n).id for n in (2, 3, 4)]
    coding.apply_code(store, "anna", units[0], "caseworker_relation", memo="kerneudsagn")
    coding.apply_code(store, "anna", units[1], "caseworker_change", (0, 32), key_quote=True)
    coding.apply_code(store, "bo", units[2], "contact_center")
    coding.apply_code(store, "anna", units[2], "rules_and_system")
    coding.undo(store, "anna")
    store.dispose()
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
