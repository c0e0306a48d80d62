"""The layout's rules: Textual only in the TUI, no spaCy when the TUI opens, small modules.

Opening the TUI for real (and showing suggestions) without spaCy in the app's process is
``tests/tui/test_suggestions.py::test_spacy_runs_in_the_helper_process_not_in_the_tui``;
here the imports are checked, statically and by importing every module.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "src" / "kodebog"
UI_PACKAGES = ("kodebog.tui", "kodebog.serve")
"""The only packages that may import Textual (``serve`` is the coming web front end)."""

MAX_LINES = 400

LARGE_MODULES = {
    "agreement.py": "one job, the agreement statistics: Krippendorff's alpha at every "
                    "level of measurement, Cohen's and Fleiss' kappa, percent agreement, "
                    "over one shared encoding of the reliability data",
    "coding.py": "one job, the write path for codings (apply, remove, memo, key quote, done) "
                 "with per-coder undo/redo from the event log",
    "codes.py": "one job, the living codebook's write path: add, rename, edit, move, merge, "
                "split and retire, each one transaction, one event and one codebook version",
    "export/report.py": "one job, the report's structure shared by Word, Markdown and HTML "
                        "(overview, method, themes, advice, publication mode)",
    "exchange/refi_write.py": "one job, writing a project as REFI-QDA .qdpx/.qdc XML",
    "suggest/learned.py": "one job, the tier-2 classifier: hashed features, training and "
                          "prediction, and the model's binary format",
    "tui/screens/coding.py": "being split (issue 12): the coding screen's reading, keys and "
                             "writes",
    "tui/screens/suggesting.py": "one job, the coding screen's suggestions: the panel, the "
                                 "queue, accept/reject and training through the helper process",
    "tui/widgets/unit_list.py": "the Line API unit list: drawing only the visible rows of "
                                "100,000 units, wrapping, spans and the cursor",
}
"""Modules over ``MAX_LINES`` and why; take an entry off when its module shrinks."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def inside(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def imports_in(text: str, module: str, is_package: bool) -> list[tuple[int, str, bool]]:
    """(line, module imported, at module level) for every import statement in a source text."""
    tree = ast.parse(text)
    package = module if is_package else module.rpartition(".")[0]
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name, id(node) in top) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], *([base] if base else [])])
            found.append((node.lineno, base, id(node) in top))
    return sorted(found)


def imported_names(path: Path) -> list[tuple[int, str, bool]]:
    """``imports_in`` for a file of the package."""
    return imports_in(path.read_text(encoding="utf-8"), module_name(path),
                      path.name == "__init__.py")


def core_modules() -> list[str]:
    """Every importable module outside the UI packages (no ``__main__``, no migrations)."""
    names = []
    for path in source_files():
        name = module_name(path)
        if inside(name, UI_PACKAGES) or path.name == "__main__.py" or "migrations" in path.parts:
            continue
        names.append(name)
    return names


def test_nothing_outside_the_tui_imports_textual() -> None:
    wrong = []
    for path in source_files():
        if inside(module_name(path), UI_PACKAGES):
            continue
        for line, name, at_top in imported_names(path):
            textual = inside(name, ("textual",))
            ui_at_import = at_top and inside(name, UI_PACKAGES)
            if textual or ui_at_import:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert wrong == []


def test_the_static_check_sees_relative_and_nested_imports() -> None:
    source = "from . import common\n\ndef f():\n    from ..tui import app\n    import textual.app\n"
    assert imports_in(source, "kodebog.cli.probe", False) == [
        (1, "kodebog.cli", True), (4, "kodebog.tui", False), (5, "textual.app", False)]
    assert imports_in("from .data import x\n", "kodebog.tui", True) == [
        (1, "kodebog.tui.data", True)]


def test_importing_every_core_module_imports_no_textual() -> None:
    modules = core_modules()
    assert "kodebog.cli" in modules and "kodebog.store.models" in modules
    probe = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "    if 'textual' in sys.modules:\n"
        "        print(name, 'imports textual')\n"
        "        break\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_importing_the_tui_imports_no_spacy() -> None:
    modules = [module_name(p) for p in source_files()
               if inside(module_name(p), ("kodebog.tui",))]
    assert "kodebog.tui.app" in modules
    probe = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "    if 'spacy' in sys.modules:\n"
        "        print(name, 'imports spacy')\n"
        "        break\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_modules_over_400_lines_are_listed_with_a_reason() -> None:
    sizes = {path.relative_to(PACKAGE).as_posix(): len(path.read_text(encoding="utf-8")
                                                        .splitlines())
             for path in source_files()}
    unlisted = {name: n for name, n in sizes.items() if n > MAX_LINES and name not in
                LARGE_MODULES}
    assert unlisted == {}, (
        f"split these along their jobs, or add them to LARGE_MODULES with the one job that "
        f"earns their size: {unlisted}")
    shrunk = {name: sizes.get(name, 0) for name in LARGE_MODULES
              if sizes.get(name, 0) <= MAX_LINES}
    assert shrunk == {}, f"take these off LARGE_MODULES, they are small now (or gone): {shrunk}"
    assert all(reason.strip() for reason in LARGE_MODULES.values())
