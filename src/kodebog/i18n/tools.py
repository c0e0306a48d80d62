"""Catalogue upkeep for developers (needs Babel, in the ``test`` and ``dev`` extras).

``python -m kodebog.i18n.tools missing``          the strings no catalogue translates yet
``python -m kodebog.i18n.tools update AREA PATH…``  add PATH's untranslated strings to AREA.po
``python -m kodebog.i18n.tools compile``          every ``.po`` to its ``.mo``

Never imported at run time: kodebog itself reads only the compiled ``.mo`` files.
"""

from __future__ import annotations

import ast
import io
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kodebog.i18n import LOCALE_DIR

PACKAGE = Path(__file__).resolve().parents[1]
KEYWORDS: dict[str, Any] = {"_": None, "N_": None, "ngettext": (1, 2)}
EXTERNAL_AREAS = frozenset({"argparse"})
"""Areas translating strings that come from outside kodebog's code (never "obsolete")."""

LANGUAGE_NAMES = {"da": "Danish"}
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdrifg%]")


@dataclass(frozen=True)
class Message:
    """One string the code marks for translation, with where it is."""

    msgid: str | tuple[str, str]
    path: Path
    line: int


def po_files(code: str = "da") -> list[Path]:
    """Every area's ``.po`` of ``code``."""
    return sorted((LOCALE_DIR / code / "LC_MESSAGES").glob("*.po"))


def source_files(paths: Iterable[Path] = (PACKAGE,)) -> Iterator[Path]:
    """The Python files under ``paths`` (files or folders)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(path.rglob("*.py"))
        elif path.suffix == ".py":
            yield path


def extract(paths: Iterable[Path] = (PACKAGE,)) -> list[Message]:
    """Every string marked with ``_``, ``N_`` or ``ngettext`` in ``paths``."""
    from babel.messages.extract import extract_python

    found: list[Message] = []
    for path in source_files(paths):
        with path.open("rb") as handle:
            for line, _funcname, msgid, _comments in extract_python(
                    handle, KEYWORDS, [], {"encoding": "utf-8"}):
                if isinstance(msgid, tuple):
                    if all(isinstance(part, str) for part in msgid[:2]):
                        found.append(Message((msgid[0], msgid[1]), path, line))
                elif isinstance(msgid, str) and msgid:
                    found.append(Message(msgid, path, line))
    return found


def read_catalogue(path: Path) -> Any:
    """A ``.po`` file as a Babel catalogue."""
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle, locale=path.parent.parent.name, domain=path.stem)


def write_catalogue(catalogue: Any, path: Path) -> None:
    """Write ``catalogue`` sorted, without source locations (fewer merge conflicts)."""
    from babel.messages.pofile import write_po

    buffer = io.BytesIO()
    write_po(buffer, catalogue, width=100, no_location=True, sort_output=True,
             omit_header=False, include_previous=False)
    path.write_bytes(buffer.getvalue())


def compiled(path: Path) -> bytes:
    """The ``.mo`` bytes of the ``.po`` at ``path``."""
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, read_catalogue(path), use_fuzzy=False)
    return buffer.getvalue()


def compile_all(code: str = "da") -> list[Path]:
    """Compile every ``.po`` of ``code``; the ``.mo`` files written."""
    written = []
    for po in po_files(code):
        mo = po.with_suffix(".mo")
        data = compiled(po)
        if not mo.exists() or mo.read_bytes() != data:
            mo.write_bytes(data)
            written.append(mo)
    return written


def translated_ids(code: str = "da") -> dict[str | tuple[str, str], tuple[str, Any]]:
    """Every msgid of ``code``'s catalogues with a complete, non-fuzzy translation."""
    done: dict[str | tuple[str, str], tuple[str, Any]] = {}
    for po in po_files(code):
        for message in read_catalogue(po):
            if not message.id or message.fuzzy:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if all(strings):
                key = tuple(message.id) if isinstance(message.id, (tuple, list)) else message.id
                done[key] = (po.stem, message.string)
    return done


def missing(paths: Iterable[Path] = (PACKAGE,), code: str = "da") -> list[Message]:
    """Marked strings that no catalogue of ``code`` translates."""
    done = translated_ids(code)
    return [message for message in extract(paths) if message.msgid not in done]


def update(area: str, paths: Iterable[Path], code: str = "da") -> int:
    """Add the untranslated strings of ``paths`` to ``area``'s ``.po``; how many were added."""
    from babel.messages.catalog import Catalog

    path = LOCALE_DIR / code / "LC_MESSAGES" / f"{area}.po"
    catalogue = read_catalogue(path) if path.exists() else Catalog(
        locale=code, domain=area, project="kodebog", version="", charset="utf-8",
        header_comment=f"# {LANGUAGE_NAMES.get(code, code)} for kodebog's {area} area.",
        copyright_holder="", last_translator="kodebog", language_team="kodebog",
        fuzzy=False)
    added = 0
    for message in missing(paths, code):
        if catalogue.get(message.msgid) is None:
            catalogue.add(message.msgid, "")
            added += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    write_catalogue(catalogue, path)
    return added


def placeholders(text: str) -> list[str]:
    """The ``{name}`` and ``%s`` placeholders of ``text``, sorted."""
    return sorted(_PLACEHOLDER.findall(text))


def non_literal_calls(paths: Iterable[Path] = (PACKAGE,)) -> list[str]:
    """``_(...)`` calls whose argument is not one string literal (they cannot be extracted)."""
    bad = []
    for path in source_files(paths):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in KEYWORDS):
                wanted = 2 if node.func.id == "ngettext" else 1
                args = node.args[:wanted]
                if len(args) < wanted or not all(
                        isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                        for arg in args):
                    bad.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    return bad


def calls_inside_fstrings(paths: Iterable[Path] = (PACKAGE,)) -> list[str]:
    """``f"{_('x')}"``: Babel does not extract calls inside f-strings, so nothing translates."""
    bad: list[str] = []
    for path in source_files(paths):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                bad.extend(f"{path.relative_to(PACKAGE)}:{inner.lineno}"
                           for inner in ast.walk(node)
                           if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name)
                           and inner.func.id in KEYWORDS)
    return bad


def import_time_calls(paths: Iterable[Path] = (PACKAGE,)) -> list[str]:
    """``_(...)``/``ngettext(...)`` run at import time (module or class level): use ``N_``."""
    bad: list[str] = []

    def visit(node: ast.AST, in_function: bool, path: Path) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                       ast.Lambda))
            if (not inside and isinstance(child, ast.Call) and isinstance(child.func, ast.Name)
                    and child.func.id in ("_", "ngettext")):
                bad.append(f"{path.relative_to(PACKAGE)}:{child.lineno}")
            visit(child, inside, path)

    for path in source_files(paths):
        visit(ast.parse(path.read_text(encoding="utf-8")), False, path)
    return bad


def main(argv: list[str]) -> int:
    """The developer commands (see the module docstring)."""
    if argv[:1] == ["compile"]:
        for path in compile_all():
            print(f"wrote {path.relative_to(PACKAGE)}")
        return 0
    if argv[:1] == ["missing"]:
        paths = [Path(arg) for arg in argv[1:]] or [PACKAGE]
        for message in missing(paths):
            print(f"{message.path}:{message.line}: {message.msgid!r}")
        return 0
    if argv[:1] == ["update"] and len(argv) >= 3:
        added = update(argv[1], [Path(arg) for arg in argv[2:]])
        print(f"added {added} strings to {argv[1]}.po; translate them, then compile")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))


# --- strings shown to users that do not go through the catalogue ---------------------------

_LETTERS = re.compile(r"[A-Za-zÆØÅæøå]{2,}")
_BUILTIN_ERRORS = frozenset({
    "ValueError", "TypeError", "KeyError", "RuntimeError", "AssertionError", "IndexError",
    "NotImplementedError", "OSError", "LookupError", "AttributeError", "Exception",
    "SystemExit", "StopIteration", "ImportError", "ModuleNotFoundError", "ArgumentTypeError",
    "UnicodeDecodeError", "FileNotFoundError", "PermissionError", "ArgumentError",
})
SINK_POSITIONS: dict[str, tuple[int, ...]] = {
    # call name -> positional arguments users read
    "notify": (0,), "Static": (0,), "Label": (0,), "Button": (0,), "Checkbox": (0,),
    "RadioButton": (0,), "Option": (0,), "Hit": (2,), "DiscoveryHit": (0,), "print": (0,),
    "Binding": (2,), "command": (2,), "Problem": (3,), "set_status": (0,), "say": (0,),
    "set_where": (2,),  # the status bar's place: kodebog │ project │ screen
    "show_status": (0,), "ErrorDialog": (0,), "Markdown": (0,), "Rule": (0,),
    "add_parser": (), "add_argument_group": (0, 1), "Tab": (0,), "TabPane": (0,),
    "Collapsible": (), "Switch": (), "Input": (), "warn": (0,), "warning": (0,),
    "Command": (0,),  # the palette entry's name (its help is the key)
}
SINK_KEYWORDS = frozenset({"help", "description", "title", "placeholder", "tooltip",
                           "sub_title", "prompt", "label", "message", "hint"})
SINK_ATTRIBUTES = frozenset({"title", "sub_title", "border_title", "border_subtitle",
                             "tooltip", "TITLE", "SUB_TITLE", "HELP", "placeholder"})


def _user_text(node: ast.AST | None) -> bool:
    """Whether ``node`` is literal text with words in it (not wrapped in ``_``)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(_LETTERS.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_user_text(part) for part in node.values
                   if isinstance(part, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _user_text(node.left) or _user_text(node.right)
    if isinstance(node, ast.IfExp):
        return _user_text(node.body) or _user_text(node.orelse)
    return False


def _call_name(node: ast.Call) -> str:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return ""


def _binding_tuples(node: ast.Assign | ast.AnnAssign) -> Iterator[ast.AST]:
    """The descriptions in ``BINDINGS = [("key", "action", "Description"), ...]``."""
    value = node.value
    if isinstance(value, (ast.List, ast.Tuple)):
        for item in value.elts:
            if isinstance(item, ast.Tuple) and len(item.elts) >= 3:
                yield item.elts[2]


def untranslated_literals(path: Path) -> list[tuple[int, str]]:
    """Literal text in ``path`` that reaches users without ``_`` (line, the text's start)."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    found: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            name = _call_name(node.exc)
            if name.endswith(("Error", "Exception")) and name not in _BUILTIN_ERRORS:
                found.extend(node.exc.args[:1])
        elif isinstance(node, ast.Call):
            name = _call_name(node)
            for index in SINK_POSITIONS.get(name, ()):
                if index < len(node.args):
                    found.append(node.args[index])
            found.extend(keyword.value for keyword in node.keywords
                         if keyword.arg in SINK_KEYWORDS)
            if name.endswith("Error") and name not in _BUILTIN_ERRORS:
                found.extend(node.args[:1])
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                attr = (target.attr if isinstance(target, ast.Attribute)
                        else target.id if isinstance(target, ast.Name) else "")
                if attr in SINK_ATTRIBUTES:
                    found.append(node.value)  # type: ignore[arg-type]
                if attr == "BINDINGS":
                    found.extend(_binding_tuples(node))
    hits = []
    for node in found:
        if _user_text(node):
            text = ast.get_source_segment(source, node) or ""
            hits.append((getattr(node, "lineno", 0), text.splitlines()[0][:60] if text else ""))
    return sorted(set(hits))
