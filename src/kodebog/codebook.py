"""The YAML codebook: data classes, loading with located errors, validation and dumping."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kodebog.errors import CodebookError, Problem

RESERVED_KEYS: frozenset[str] = frozenset("qjk")
"""Hotkeys the TUI keeps for itself (quit, down, up); a code cannot use them."""

MAX_BYTES = 5 * 1024 * 1024
"""Codebook files larger than this are refused unread."""

MAX_DEPTH = 100
"""Deepest YAML nesting accepted (a code level takes two)."""

MAX_PROBLEMS = 200
"""Reporting stops after this many problems, with one last problem saying so."""

TOP_FIELDS = ("language", "title", "description", "codes")
CODE_FIELDS = (
    "id",
    "label",
    "description",
    "include",
    "exclude",
    "examples",
    "keywords",
    "exclude_keywords",
    "color",
    "key",
    "replaces",
    "children",
)
TEXT_LIST_FIELDS = ("include", "exclude", "examples", "keywords", "exclude_keywords")

_SLUG = re.compile(r"[a-z][a-z0-9_]*")
_LANGUAGE = re.compile(r"[a-z]{2}")
_COLOR = re.compile(r"#(?:[0-9a-f]{3}){1,2}")
_KEY = re.compile(r"[a-z0-9æøå]")
"""A hotkey: a lowercase letter of a Danish keyboard (a-z, æ, ø, å) or a digit."""
# What the YAML reader refuses: control characters, surrogates, U+FFFE/U+FFFF.
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_YAML_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(
    _YAML_TAG + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "merge", "value", "seq", "map")
)
_ALIAS_TAG = "tag:kodebog:alias"
_NULL_TAG = _YAML_TAG + "null"
# Field names analysts are likely to write instead of the real ones.
_FIELD_ALIASES = {
    "colour": "color",
    "name": "label",
    "hotkey": "key",
    "shortcut": "key",
    "sprog": "language",
    "titel": "title",
    "beskrivelse": "description",
    "koder": "codes",
    "etiket": "label",
    "navn": "label",
    "eksempler": "examples",
    "nøgleord": "keywords",
    "farve": "color",
    "tast": "key",
    "erstatter": "replaces",
    "underkoder": "children",
}
_DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


@dataclass(frozen=True)
class Code:
    """One theme of the codebook. ``children`` keeps the codebook's order."""

    id: str
    label: str
    description: str = ""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    exclude_keywords: tuple[str, ...] = ()
    color: str | None = None
    key: str | None = None
    replaces: tuple[str, ...] = ()
    parent: str | None = None
    children: tuple[Code, ...] = ()


@dataclass(frozen=True)
class Codebook:
    """A whole codebook: its language, title and top-level codes in file order.

    ``extra`` is not part of the file format: it is neither read nor written.
    """

    language: str
    codes: tuple[Code, ...]
    title: str = ""
    description: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def walk(self) -> Iterator[Code]:
        """Every code, depth first, in codebook order (parents before children)."""
        stack = list(reversed(self.codes))
        while stack:
            code = stack.pop()
            yield code
            stack.extend(reversed(code.children))

    def get(self, code_id: str) -> Code | None:
        """The code with this id, or None."""
        return next((c for c in self.walk() if c.id == code_id), None)

    @property
    def ids(self) -> list[str]:
        """All code ids in codebook order."""
        return [c.id for c in self.walk()]

    def replaced_by(self) -> dict[str, str]:
        """Each replaced (old) id mapped to the id of the code that replaces it."""
        return {old: code.id for code in self.walk() for old in code.replaces}


# Loading


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
    parser = _Parser(filename)
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
        raise _file_error(name, "cannot read the file: it is not a regular file (a folder, "
                                "device or pipe); give the codebook's YAML file")
    try:
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise _file_error(name, "file not found; check the path") from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise _file_error(name, f"cannot read the file: {reason}") from None
    if len(data) > MAX_BYTES:
        raise _file_error(name, "file is larger than 5 MB; a codebook is a small text file")
    return _decode(data, name)


def _decode(data: bytes, name: str) -> str:
    """Decode UTF-8 (with or without BOM) or raise a CodebookError that says how to fix it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _file_error(name, "file is UTF-16, not UTF-8; save it again as UTF-8")
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        raise _file_error(
            name,
            f"file is not UTF-8 (byte 0x{byte:02x} on line {line}; perhaps Windows-1252); "
            "save it again as UTF-8",
        ) from None


def _file_error(name: str, message: str) -> CodebookError:
    return CodebookError([Problem(name, 1, 1, message)])


def _non_printable(text: str, filename: str) -> list[Problem]:
    """A problem for each character YAML refuses, located in the text."""
    problems = []
    for match in _NON_PRINTABLE.finditer(text):
        line, col = _position(text, match.start())
        code_point = f"U+{ord(match.group()):04X}"
        message = f"invalid character {code_point} (not allowed in YAML); remove it"
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
    note = f"too many problems; stopped after {MAX_PROBLEMS} (fix these and check again)"
    return [*ordered[:MAX_PROBLEMS], Problem(filename, last.line, last.col, note)]


# YAML composition


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
            return ScalarNode(_ALIAS_TAG, str(event.anchor), event.start_mark, event.end_mark)
        if self.depth >= MAX_DEPTH:
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            problem = f"nested more than {MAX_DEPTH} levels deep; flatten the codebook"
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
        raise CodebookError([Problem(filename, 1, 1, f"invalid YAML: {error}")]) from None
    finally:
        loader.dispose()


def _yaml_problem(error: yaml.MarkedYAMLError, filename: str) -> Problem:
    """A parser error as a located problem."""
    mark = error.problem_mark or error.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    if isinstance(error, _NestingError):
        return Problem(filename, line, col, str(error.problem))
    what = "; ".join(part for part in (error.context, error.problem) if part)
    hint = "check indentation, colons and quotes on this line or the one before"
    if "expected a single document" in what:
        hint = "a codebook is one YAML document; remove the second '---'"
    elif "'\\t'" in what:
        hint = "indent with spaces, not tabs"
    return Problem(filename, line, col, f"invalid YAML: {what}; {hint}")


def _tag_name(tag: str) -> str:
    return "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag


def _kind(node: Node) -> str:
    """How a node reads in a message: 'a list', 'a mapping' or 'text'."""
    if isinstance(node, MappingNode):
        return "a mapping"
    return "a list" if isinstance(node, SequenceNode) else "text"


# Checking the node tree


@dataclass(frozen=True)
class _Use:
    """One use of an id or hotkey: the value, the code it belongs to and where it is."""

    value: str
    owner: str
    node: Node


class _Parser:
    """Walks the node tree, builds the Codebook and collects every problem."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[Problem] = []
        self.skip: set[int] = set()
        self.ids: list[_Use] = []
        self.keys: list[_Use] = []
        self.replaces: list[_Use] = []

    def report(self, node: Node | None, message: str) -> None:
        mark = node.start_mark if node is not None else None
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        self.problems.append(Problem(self.filename, line, col, message))

    def check_tags(self, root: Node | None) -> None:
        """Refuse aliases and any tag beyond plain YAML data (e.g. !!python/object)."""
        stack = [root] if root is not None else []
        while stack:
            node = stack.pop()
            if node.tag == _ALIAS_TAG:
                self.skip.add(id(node))
                self.report(node, f"alias '*{node.value}' is not allowed; write the value out")
                continue
            if node.tag not in _ALLOWED_TAGS:
                self.skip.add(id(node))
                self.report(node, f"tag '{_tag_name(node.tag)}' is not allowed; remove it")
                continue
            if isinstance(node, MappingNode):
                stack.extend(part for pair in node.value for part in pair)
            elif isinstance(node, SequenceNode):
                stack.extend(node.value)

    # Fields

    def fields(self, node: MappingNode, known: tuple[str, ...]) -> dict[str, tuple[Node, Node]]:
        """The known fields of a mapping by name; reports unknown and duplicate ones."""
        found: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            if id(key_node) in self.skip:
                continue
            if not isinstance(key_node, ScalarNode):
                self.report(key_node, f"a field name must be text, not {_kind(key_node)}")
                continue
            name = str(key_node.value)
            if name in found:
                first = found[name][0].start_mark.line + 1
                self.report(
                    key_node,
                    f"duplicate field '{name}' (first on line {first}); remove one of them",
                )
            elif name not in known:
                self.report(key_node, _unknown_field(name, known))
            else:
                found[name] = (key_node, value_node)
        return found

    def text(self, fields: dict[str, tuple[Node, Node]], name: str) -> str | None:
        """A text field: None if absent or unusable (reported), '' if empty."""
        if name not in fields:
            return None
        node = fields[name][1]
        if id(node) in self.skip:
            return None
        if not isinstance(node, ScalarNode):
            self.report(node, f"'{name}' must be text, not {_kind(node)}")
            return None
        return _scalar_text(node)

    def texts(self, fields: dict[str, tuple[Node, Node]], name: str) -> list[tuple[str, Node]]:
        """A list-of-text field (one text counts as a one-item list), with each item's node."""
        if name not in fields:
            return []
        node = fields[name][1]
        if id(node) in self.skip:
            return []
        if isinstance(node, ScalarNode):
            value = _scalar_text(node)
            return [(value, node)] if value else []
        if not isinstance(node, SequenceNode):
            self.report(node, f"'{name}' must be a list of texts, not {_kind(node)}")
            return []
        items = (self.item(name, item) for item in node.value)
        return [item for item in items if item is not None]

    def item(self, name: str, node: Node) -> tuple[str, Node] | None:
        """One item of a list-of-text field, or None (reported)."""
        if id(node) in self.skip:
            return None
        if isinstance(node, MappingNode):
            self.report(
                node,
                f"each item in '{name}' must be text, not a mapping "
                "(put text containing ': ' in quotes)",
            )
            return None
        if not isinstance(node, ScalarNode):
            self.report(node, f"each item in '{name}' must be text, not {_kind(node)}")
            return None
        value = _scalar_text(node)
        if not value:
            self.report(node, f"empty item in '{name}'; write text or remove the item")
            return None
        return value, node

    # The codebook and its codes

    def codebook(self, root: Node | None) -> Codebook | None:
        """The whole codebook, or None when the top level is unusable (reported)."""
        if root is None:
            self.report(None, "the file is empty; a codebook needs 'language' and 'codes'")
            return None
        if id(root) in self.skip:
            return None
        if not isinstance(root, MappingNode):
            self.report(
                root,
                f"the top level must be a mapping with 'language' and 'codes', not {_kind(root)}",
            )
            return None
        fields = self.fields(root, TOP_FIELDS)
        language = self.language(root, fields)
        codes = self.code_list(root, fields.get("codes"), None)
        return Codebook(
            language=language,
            codes=codes,
            title=self.text(fields, "title") or "",
            description=self.text(fields, "description") or "",
        )

    def language(self, root: Node, fields: dict[str, tuple[Node, Node]]) -> str:
        if "language" not in fields:
            self.report(root, "missing field 'language'; add e.g. language: da")
            return ""
        value = self.text(fields, "language")
        if value == "":
            self.report(fields["language"][1], "'language' is empty; write e.g. language: da")
        elif value is not None and not _LANGUAGE.fullmatch(value):
            self.report(
                fields["language"][1],
                f"language '{_short(value)}' is not a two-letter "
                "ISO 639-1 code in lowercase; write e.g. language: da",
            )
        return value or ""

    def code_list(
        self, owner: Node, entry: tuple[Node, Node] | None, parent: str | None
    ) -> tuple[Code, ...]:
        """The codes of 'codes' (parent None, required) or of a code's 'children'."""
        name = "codes" if parent is None else "children"
        if entry is None:
            if parent is None:
                self.report(owner, "missing field 'codes'; add a list of codes")
            return ()
        key_node, node = entry
        if id(node) in self.skip:
            return ()
        if isinstance(node, ScalarNode) and node.tag == _NULL_TAG:
            if parent is None:
                self.report(key_node, "'codes' is empty; add at least one code")
            return ()
        if not isinstance(node, SequenceNode):
            self.report(node, f"'{name}' must be a list of codes, not {_kind(node)}")
            return ()
        if not node.value and parent is None:
            self.report(node, "'codes' is empty; add at least one code")
        codes = (self.code(item, parent) for item in node.value if id(item) not in self.skip)
        return tuple(code for code in codes if code is not None)

    def code(self, node: Node, parent: str | None) -> Code | None:
        """One code and its children, or None when it is not a mapping (reported)."""
        if not isinstance(node, MappingNode):
            self.report(node, f"a code must be a mapping with 'id' and 'label', not {_kind(node)}")
            return None
        fields = self.fields(node, CODE_FIELDS)
        code_id = self.code_id(node, fields)
        lists = {name: tuple(v for v, _ in self.texts(fields, name)) for name in TEXT_LIST_FIELDS}
        return Code(
            id=code_id,
            label=self.label(node, fields, code_id),
            description=self.text(fields, "description") or "",
            **lists,
            color=self.color(fields),
            key=self.key(fields, code_id),
            replaces=self.code_replaces(fields, code_id),
            parent=parent,
            children=self.code_list(node, fields.get("children"), code_id),
        )

    def code_id(self, node: Node, fields: dict[str, tuple[Node, Node]]) -> str:
        if "id" not in fields:
            self.report(node, "code without 'id'; add e.g. id: caseworker_relation")
            return ""
        value = self.text(fields, "id")
        if value is None:
            return ""
        id_node = fields["id"][1]
        if not value:
            self.report(id_node, "'id' is empty; write e.g. id: caseworker_relation")
        elif not _SLUG.fullmatch(value):
            self.report(id_node, _bad_slug("id", value))
        else:
            self.ids.append(_Use(value, value, id_node))
        return value

    def label(self, node: Node, fields: dict[str, tuple[Node, Node]], code_id: str) -> str:
        name = f"code '{_short(code_id)}'" if code_id else "code"
        if "label" not in fields:
            self.report(node, f"{name} has no 'label'; add e.g. label: Mødet med sagsbehandleren")
            return ""
        value = self.text(fields, "label")
        if value == "":
            self.report(fields["label"][1], f"{name} has an empty 'label'; write its name")
        return value or ""

    def color(self, fields: dict[str, tuple[Node, Node]]) -> str | None:
        value = self.text(fields, "color")
        if value is None:
            return None
        node = fields["color"][1]
        if not value:
            self.report(
                node,
                "'color' is empty; write it in quotes, e.g. color: \"#1f77b4\" "
                "(an unquoted # starts a comment)",
            )
            return None
        lower = value.lower()
        if not _COLOR.fullmatch(lower):
            self.report(
                node,
                f"color '{_short(value)}' is not a hex colour; write #rgb or #rrggbb "
                'in quotes, e.g. color: "#1f77b4"',
            )
            return None
        return "#" + "".join(c * 2 for c in lower[1:]) if len(lower) == 4 else lower

    def key(self, fields: dict[str, tuple[Node, Node]], code_id: str) -> str | None:
        value = self.text(fields, "key")
        if not value:
            return None
        message = _bad_key(value)
        if message:
            self.report(fields["key"][1], message)
        else:
            self.keys.append(_Use(value, code_id, fields["key"][1]))
        return value

    def code_replaces(self, fields: dict[str, tuple[Node, Node]], code_id: str) -> tuple[str, ...]:
        items = self.texts(fields, "replaces")
        seen: set[str] = set()
        for old, node in items:
            if not _SLUG.fullmatch(old):
                self.report(node, _bad_slug("replaced id", old))
            elif old == code_id:
                self.report(
                    node, f"code '{code_id}' replaces itself; remove '{old}' from 'replaces'"
                )
            elif old in seen:
                self.report(node, f"'{old}' is listed twice in 'replaces'; remove one")
            else:
                self.replaces.append(_Use(old, code_id, node))
            seen.add(old)
        return tuple(old for old, _ in items)

    # Checks across codes

    def check_references(self) -> None:
        """Duplicate ids and hotkeys, and what 'replaces' may and may not name."""
        first_ids = self.check_unique(
            self.ids,
            "duplicate id '{value}' (first on line {line}); ids must be unique in the whole file",
        )
        self.check_unique(
            self.keys,
            "duplicate hotkey '{value}' (first used by '{owner}' on "
            "line {line}); choose another key",
        )
        cyclic = self.check_cycles(first_ids)
        replaced: dict[str, _Use] = {}
        for use in sorted(self.replaces, key=_order):
            earlier = replaced.setdefault(use.value, use)
            if earlier is not use:
                self.report(
                    use.node,
                    f"'{use.value}' is already replaced by '{earlier.owner}' "
                    f"(line {_line(earlier.node)}); an id can be replaced by one code only",
                )
            elif use.value in first_ids and (use.owner, use.value) not in cyclic:
                self.report(
                    use.node,
                    f"'{use.value}' is replaced by '{use.owner}' but still "
                    f"defined (line {_line(first_ids[use.value].node)}); delete that "
                    f"code or remove '{use.value}' from 'replaces'",
                )

    def check_unique(self, uses: list[_Use], message: str) -> dict[str, _Use]:
        """Report every use after the first of the same value; the first uses by value."""
        first: dict[str, _Use] = {}
        for use in sorted(uses, key=_order):
            earlier = first.setdefault(use.value, use)
            if earlier is not use:
                line = _line(earlier.node)
                self.report(
                    use.node, message.format(value=use.value, owner=earlier.owner, line=line)
                )
        return first

    def check_cycles(self, live: dict[str, _Use]) -> set[tuple[str, str]]:
        """Report each cycle of live codes replacing each other once; its edges."""
        edges = [use for use in sorted(self.replaces, key=_order) if use.value in live]
        graph: dict[str, list[str]] = {}
        for use in edges:
            graph.setdefault(use.owner, []).append(use.value)
        component = _components(graph)
        cyclic: set[tuple[str, str]] = set()
        reported: set[int] = set()
        for use in edges:
            group = component.get(use.owner)
            if group is None or group != component.get(use.value):
                continue
            cyclic.add((use.owner, use.value))
            if group not in reported:
                reported.add(group)
                members = [u.owner for u in edges if component.get(u.owner) == group]
                names = ", ".join(f"'{m}'" for m in dict.fromkeys(members))
                self.report(
                    use.node,
                    f"'replaces' cycle: {names} replace each other; "
                    "remove 'replaces' entries until the cycle is broken",
                )
        return cyclic


def _order(use: _Use) -> int:
    return int(use.node.start_mark.index)


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _components(graph: dict[str, list[str]]) -> dict[str, int]:
    """Strongly connected components with more than one member (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: dict[str, int] = {}
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(graph.get(start, ())))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    _pop_component(node, stack, on_stack, result)
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(graph.get(child, ()))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return result


def _pop_component(root: str, stack: list[str], on_stack: set[str], result: dict[str, int]) -> None:
    members = []
    while True:
        member = stack.pop()
        on_stack.discard(member)
        members.append(member)
        if member == root:
            break
    if len(members) > 1:
        group = len(result) + 1
        result.update((member, group) for member in members)


def _scalar_text(node: ScalarNode) -> str:
    """A scalar as the text written (numbers and yes/no too), stripped and NFC; null is ''."""
    if node.tag == _NULL_TAG and node.style is None:
        return ""
    return unicodedata.normalize("NFC", str(node.value)).strip()


def _short(value: str, limit: int = 40) -> str:
    """A value as shown in a message: on one line and at most ``limit`` characters."""
    text = " ".join(value.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _unknown_field(name: str, known: tuple[str, ...]) -> str:
    """'unknown field' with where it belongs or a close known field."""
    message = f"unknown field '{_short(name)}'"
    if known == TOP_FIELDS and name in CODE_FIELDS:
        return message + " at the top level; it belongs inside a code under 'codes'"
    if known == CODE_FIELDS and name in TOP_FIELDS:
        return message + " in a code; it belongs at the top level"
    close = [_FIELD_ALIASES[name.lower()]] if name.lower() in _FIELD_ALIASES else []
    close = close or difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.6)
    if close and close[0] in known:
        return message + f" (did you mean '{close[0]}'?)"
    return message + f"; known fields are: {', '.join(known)}"


def _bad_slug(what: str, value: str) -> str:
    """Why an id is not a slug, with a suggestion when one can be made."""
    message = (
        f"{what} '{_short(value)}' is not a valid id; use lowercase letters a-z, digits and _, "
        "starting with a letter"
    )
    suggestion = _slugify(value)
    return message + (f" (e.g. '{suggestion}')" if suggestion else "")


def _slugify(value: str) -> str:
    """A slug close to the value: Danish letters spelled out, other characters to _."""
    text = unicodedata.normalize("NFKD", value.lower().translate(_DANISH_LETTERS))
    text = re.sub(r"[^a-z0-9]+", "_", text.encode("ascii", "ignore").decode()).strip("_")
    text = text.lstrip("0123456789_")
    return text if _SLUG.fullmatch(text) else ""


def _bad_key(value: str) -> str | None:
    """Why a hotkey is not allowed, or None."""
    if len(value) != 1:
        return f"hotkey '{_short(value)}' must be exactly one character"
    if value in RESERVED_KEYS:
        reserved = ", ".join(sorted(RESERVED_KEYS))
        return f"hotkey '{value}' is reserved by kodebog ({reserved}); choose another"
    if _KEY.fullmatch(value):
        return None
    if _KEY.fullmatch(value.lower()) and value.lower() not in RESERVED_KEYS:
        return f"hotkey '{value}' must be lowercase; write '{value.lower()}'"
    return f"hotkey '{value}' must be a lowercase letter (a-z, æ, ø, å) or a digit 0-9"


def key_problem(value: str) -> str | None:
    """Why ``value`` cannot be a hotkey (one message), or None when it can."""
    return _bad_key(value)


def slug_from_label(label: str) -> str:
    """An id derived from a label (æ to ae, ø to oe, å to aa), or '' when none can be."""
    return _slugify(label)


def is_valid_id(value: str) -> bool:
    """Whether ``value`` is a code id: lowercase a-z, digits and _, starting with a letter."""
    return bool(_SLUG.fullmatch(value))


# Dumping


class _Dumper(yaml.SafeDumper):
    """Block style with indented lists; multi-line text as literal blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style: str | None = None
    if any(c in value for c in "\r\x85\u2028\u2029"):
        style = '"'
    elif "\n" in value:
        style = "|"
    return dumper.represent_scalar(_YAML_TAG + "str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def dump_codebook(codebook: Codebook) -> str:
    """The codebook as human-friendly YAML that parses back to an equal Codebook."""
    data: dict[str, Any] = {"language": codebook.language}
    if codebook.title:
        data["title"] = codebook.title
    if codebook.description:
        data["description"] = codebook.description
    data["codes"] = [_code_data(code) for code in codebook.codes]
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=88,
    )
    return _space_codes(str(text))


def _code_data(code: Code) -> dict[str, Any]:
    """One code as plain data in the file's field order, empty fields left out."""
    values: dict[str, Any] = {
        "id": code.id,
        "label": code.label,
        "description": code.description,
        **{name: list(getattr(code, name)) for name in TEXT_LIST_FIELDS},
        "color": code.color,
        "key": code.key,
        "replaces": list(code.replaces),
        "children": [_code_data(child) for child in code.children],
    }
    return {name: value for name, value in values.items() if value}


def _space_codes(text: str) -> str:
    """A blank line between top-level codes, for reading."""
    head, marker, codes = text.partition("\ncodes:\n")
    return head + marker + re.sub(r"\n(?=  - )", "\n\n", codes)
