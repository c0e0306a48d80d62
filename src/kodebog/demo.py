"""The demo project: the example codebook and material, built once in the user's data dir."""

from __future__ import annotations

from pathlib import Path

from kodebog.errors import KodebogError
from kodebog.exchange.codings_csv import apply_codings, read_codings_csv
from kodebog.i18n import _
from kodebog.importing import import_parsed
from kodebog.paths import example_codebook, example_transcripts
from kodebog.project import init_project
from kodebog.settings import data_dir
from kodebog.sources import read_source
from kodebog.store.engine import remove_sqlite_files

DEMO_NAME = "demo.kodebog"
MATERIAL_SUFFIXES = (".txt", ".docx", ".vtt", ".srt", ".csv", ".xlsx")


def demo_path() -> Path:
    """Where the demo project lives."""
    return data_dir() / DEMO_NAME


def example_files() -> list[Path]:
    """The bundled example material, in name order (README files excluded)."""
    folder = example_transcripts()
    if not folder.is_dir():
        raise KodebogError(_("{folder}: the example material is missing from this "
                             "installation").format(folder=folder))

    return sorted(
        p for p in folder.iterdir()
        if p.suffix.lower() in MATERIAL_SUFFIXES and not p.name.lower().startswith("readme")
    )


def example_codings() -> list[Path]:
    """The bundled coders' codings, ``transcripts/codings/CODER.csv``."""
    folder = example_transcripts() / "codings"
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []


def build_demo(path: Path | None = None, *, coder: str = "demo") -> Path:
    """Build the demo project at ``path`` unless it is there already; return its path.

    It is built under a temporary name and moved into place at the end, so an interrupted
    build never leaves a half-made demo behind.
    """
    target = path or demo_path()
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    remove_sqlite_files(partial)
    store = init_project(partial, example_codebook(), coder=coder)
    try:
        for file in example_files():
            import_parsed(store, read_source(file), coder=coder)
        for file in example_codings():
            apply_codings(store, file.stem, read_codings_csv(file), file)
    except BaseException:
        store.dispose()
        remove_sqlite_files(partial)
        raise
    store.dispose()
    partial.replace(target)
    return target

