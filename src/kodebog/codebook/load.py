"""Reading a codebook file: size, encoding and characters checked, YAML composed safely.

Aliases and deep nesting are refused while composing (no alias bombs, no cycles); every
problem found is reported with its file, line and column.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from yaml.nodes import Node, ScalarNode

from kodebog.codebook.model import Codebook
from kodebog.codebook.parse import ALIAS_TAG, Parser
from kodebog.errors import CodebookError, Problem
from kodebog.i18n import _

MAX_BYTES = 5 * 1024 * 1024
"""Codebook files larger than this are refused unread."""

MAX_DEPTH = 100
"""Deepest YAML nesting accepted (a code level takes two)."""

MAX_PROBLEMS = 200
"""Reporting stops after this many problems, with one last problem saying so."""

# What the YAML reader refuses: control characters, surrogates, U+FFFE/U+FFFF.
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def load_codebook(path: str | Path) -> Codebook:
    """Read and parse a codebook file; raise CodebookError listing every problem.

    A missing, unreadable, oversized or non-UTF-8 file is one problem at 1:1.
    """
    name = str(path)
    text = _read_text(Path(path), name)
    return parse_codebook(text, name)


def validate_codebook_file(path: str | Path) -> list[Problem]:
    """Every problem in a codebook file, in file order; empty when it is valid."""
    try:
        load_codebook(path)
    except CodebookError as error:
        return error.problems
    return []


def parse_codebook(text: str, filename: str = "<codebook>") -> Codebook:
    """Parse codebook YAML; raise CodebookError listing every problem found."""
    text = text.removeprefix("\ufeff")
    bad_characters = _non_printable(text, filename)
    if bad_characters:
        raise CodebookError(_capped(bad_characters, filename))
    root = _compose(text, filename)
    parser = Parser(filename)
    parser.check_tags(root)
    codebook = parser.codebook(root)
    parser.check_references()
    if parser.problems or codebook is None:
        raise CodebookError(_capped(parser.problems, filename))
    return codebook


def _read_text(path: Path, name: str) -> str:
    """The file's text, or CodebookError with one problem at 1:1."""
    from kodebog.privacy.safety import special_file

    if special_file(path):
        raise _file_error(name, _("cannot read the file: it is not a regular file (a folder, "
                                  "device or pipe); give the codebook's YAML file"))
    try:
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise _file_error(name, _("file not found; check the path")) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise _file_error(name, _("cannot read the file: {reason}").format(
            reason=reason)) from None
    if len(data) > MAX_BYTES:
        raise _file_error(name, _("file is larger than 5 MB; a codebook is a small text file"))
    return _decode(data, name)


def _decode(data: bytes, name: str) -> str:
    """Decode UTF-8 (with or without BOM) or raise a CodebookError that says how to fix it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _file_error(name, _("file is UTF-16, not UTF-8; save it again as UTF-8"))
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        raise _file_error(
            name,
            _("file is not UTF-8 (byte {byte} on line {line}; perhaps Windows-1252); "
              "save it again as UTF-8").format(byte=f"0x{byte:02x}", line=line),
        ) from None


def _file_error(name: str, message: str) -> CodebookError:
    return CodebookError([Problem(name, 1, 1, message)])


def _non_printable(text: str, filename: str) -> list[Problem]:
    """A problem for each character YAML refuses, located in the text."""
    problems = []
    for match in _NON_PRINTABLE.finditer(text):
        line, col = _position(text, match.start())
        code_point = f"U+{ord(match.group()):04X}"
        message = _("invalid character {code_point} (not allowed in YAML); remove it").format(
            code_point=code_point)
        problems.append(Problem(filename, line, col, message))
        if len(problems) > MAX_PROBLEMS:
            break
    return problems


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a string index."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _capped(problems: list[Problem], filename: str) -> list[Problem]:
    """Problems in file order, at most MAX_PROBLEMS of them plus a note."""
    ordered = sorted(problems, key=lambda p: (p.line, p.col))
    if len(ordered) <= MAX_PROBLEMS:
        return ordered
    last = ordered[MAX_PROBLEMS - 1]
    note = _("too many problems; stopped after {count} (fix these and check again)").format(
        count=MAX_PROBLEMS)
    return [*ordered[:MAX_PROBLEMS], Problem(filename, last.line, last.col, note)]


class _NestingError(yaml.MarkedYAMLError):
    """The document nests deeper than MAX_DEPTH."""


class _Loader(yaml.SafeLoader):
    """A SafeLoader composer that refuses aliases and deep nesting.

    An alias becomes a placeholder node (reported later at its own position), so
    alias bombs cost nothing and the node tree has no shared or cyclic nodes.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.get_event()  # type: ignore[no-untyped-call]
            return ScalarNode(ALIAS_TAG, str(event.anchor), event.start_mark, event.end_mark)
        if self.depth >= MAX_DEPTH:
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            problem = _("nested more than {depth} levels deep; flatten the codebook").format(
                depth=MAX_DEPTH)
            raise _NestingError(problem=problem, problem_mark=mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1
            self.anchors = {}


def _compose(text: str, filename: str) -> Node | None:
    """The YAML node tree (positions intact, nothing constructed), or CodebookError."""
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        raise CodebookError([_yaml_problem(error, filename)]) from None
    except yaml.YAMLError as error:
        raise CodebookError([Problem(filename, 1, 1, _("invalid YAML: {error}").format(
            error=error))]) from None
    finally:
        loader.dispose()


def _yaml_problem(error: yaml.MarkedYAMLError, filename: str) -> Problem:
    """A parser error as a located problem."""
    mark = error.problem_mark or error.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    if isinstance(error, _NestingError):
        return Problem(filename, line, col, str(error.problem))
    what = "; ".join(part for part in (error.context, error.problem) if part)
    hint = _("check indentation, colons and quotes on this line or the one before")
    if "expected a single document" in what:
        hint = _("a codebook is one YAML document; remove the second '---'")
    elif "'\\t'" in what:
        hint = _("indent with spaces, not tabs")
    return Problem(filename, line, col, _("invalid YAML: {what}; {hint}").format(
        what=what, hint=hint))

