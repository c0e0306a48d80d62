"""Name lists: real names mapped to pseudonyms, read from a YAML file outside the project."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kodebog.errors import KodebogError, Problem
from kodebog.i18n import N_, _, translate
from kodebog.privacy.detect import PLACEHOLDERS

GENERATED_PSEUDONYM = "[navn {n}]"
"""Pseudonym of the n-th name (from 1) when the name list is a plain list."""

MAX_NAMES_BYTES = 5 * 1024 * 1024
"""Largest name-list file read at all."""

class NameListError(KodebogError):
    """A name-list file cannot be read or has a problem; names the file and line."""


@dataclass(frozen=True, eq=False, repr=False)
class NameList:
    """Real names mapped to pseudonyms; matched whole-word, case-sensitively, longest first.

    Names and pseudonyms are stored in NFC, as imported text is. Each name is also matched
    in capitals (``METTE``). The repr shows only the number of names, so real names never
    reach logs or tracebacks.
    """

    pseudonyms: Mapping[str, str]
    _lookup: dict[str, str] = field(init=False, repr=False)
    _pattern: re.Pattern[str] | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for name, pseudonym in self.pseudonyms.items():
            problem = _check_name(name) or _check_pseudonym(pseudonym)
            if problem:
                raise NameListError(_("name list: {problem}").format(problem=problem))
        pseudonyms = {_nfc(name): _nfc(p) for name, p in self.pseudonyms.items()}
        lookup = _with_capitals(pseudonyms)
        pattern = _names_pattern(lookup) if lookup else None
        clash = _clash(pattern, pseudonyms)
        if clash:
            raise NameListError(_("name list: {problem}").format(problem=clash[1]))
        object.__setattr__(self, "pseudonyms", pseudonyms)
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "_pattern", pattern)

    @classmethod
    def from_names(cls, names: Iterable[str]) -> NameList:
        """A list of names without pseudonyms: they become ``[navn 1]``, ``[navn 2]`` ..."""
        pseudonyms: dict[str, str] = {}
        for name in names:
            pseudonyms.setdefault(name, GENERATED_PSEUDONYM.format(n=len(pseudonyms) + 1))
        return cls(pseudonyms)

    def __len__(self) -> int:
        return len(self.pseudonyms)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NameList) and self.pseudonyms == other.pseudonyms

    def __hash__(self) -> int:
        return hash(frozenset(self.pseudonyms.items()))

    def __repr__(self) -> str:
        return f"NameList({len(self)} names)"

    def pseudonym(self, matched: str) -> str:
        """The pseudonym of a name as matched (as written, or in capitals)."""
        return self._lookup[matched]

    def replacement(self, match: re.Match[str]) -> str:
        """What replaces a match of ``finditer``: the pseudonym, in the genitive if need be."""
        pseudonym = self.pseudonym(match["name"])
        return genitive(pseudonym) if match["poss"] else pseudonym

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Matches of listed names in ``text``: group ``name`` and optional ``poss`` (-s)."""
        if self._pattern is None:
            return iter(())
        return self._pattern.finditer(text)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def _with_capitals(pseudonyms: Mapping[str, str]) -> dict[str, str]:
    lookup = dict(pseudonyms)
    for name, pseudonym in pseudonyms.items():
        lookup.setdefault(name.upper(), pseudonym)
    return lookup


def _clash(
    pattern: re.Pattern[str] | None, pseudonyms: Mapping[str, str]
) -> tuple[str, str] | None:
    """The first name whose pseudonym contains a listed name, with a message, or None.

    Names that would match inside a placeholder (``[CPR-nummer]`` ...) are refused too.
    """
    if pattern is None:
        return None
    for placeholder in PLACEHOLDERS.values():
        match = pattern.search(placeholder)
        if match:
            name = next(n for n in pseudonyms if match["name"] in (n, n.upper()))
            return name, _("the name {name} would match inside the placeholder {placeholder}"
                           ).format(name=repr(name), placeholder=placeholder)
    for name, pseudonym in pseudonyms.items():
        match = pattern.search(pseudonym)
        if match:
            return name, _("the pseudonym {pseudonym} contains the listed name {name}; a "
                           "pseudonym must not contain real names").format(
                               pseudonym=repr(pseudonym), name=repr(match["name"]))
    return None


def _check_name(name: object) -> str | None:
    if not isinstance(name, str) or not name.strip():
        return _("a name must be non-empty text")
    if "\n" in name or "\r" in name:
        return _("a name must be on one line")
    if not (name[0].isalnum() and name[-1].isalnum()):
        return _("the name {name} must begin and end with a letter or digit").format(
            name=repr(name))
    return None


def _check_pseudonym(pseudonym: object) -> str | None:
    if not isinstance(pseudonym, str) or not pseudonym.strip():
        return _("a pseudonym must be non-empty text")
    if "\n" in pseudonym or "\r" in pseudonym:
        return _("a pseudonym must be on one line")
    return None


_Trie = dict[str, "_Trie"]


def _names_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """One regex for all names, built as a character trie so longer names win."""
    trie: _Trie = {}
    for name in names:
        node = trie
        for ch in name:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: _Trie, after_first: str = "") -> str:
        branches = [re.escape(ch) + after_first + build(node[ch]) for ch in sorted(node) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    # The word-start check comes after each first letter, so the regex engine can skip
    # quickly to positions holding a first letter of some name.
    body = build(trie, after_first=r"(?<!\w.)")
    return re.compile(rf"(?P<name>{body})(?P<poss>['’]?[sS])?(?!\w)")


def genitive(pseudonym: str) -> str:
    """Danish genitive of a pseudonym: ``Hanne``→``Hannes``, ``Borger A``→``Borger A's``.

    Apostrophe + s after a single letter, a digit, an abbreviation in capitals or a closing
    bracket (as in ``DSB's``); only an apostrophe after s, x or z (``Klaus'``).
    """
    last = pseudonym.split()[-1] if pseudonym.split() else pseudonym
    if pseudonym[-1:] in ("s", "x", "z", "S", "X", "Z"):
        return pseudonym + "'"
    if len(last) >= 2 and last.isalpha() and not last.isupper():
        return pseudonym + "s"
    return pseudonym + "'s"


def load_names(path: str | Path) -> NameList:
    """Read a YAML name list (kept outside the project) into a ``NameList``.

    The file holds ``names:`` with a mapping of real name to pseudonym, or a plain list of
    names (pseudonyms ``[navn 1]``, ``[navn 2]`` ...). A top-level list is also accepted.
    Any problem raises ``NameListError`` naming the file and line.
    """
    path = Path(path)
    shown = str(path)
    from kodebog.privacy.safety import special_file

    if special_file(path):
        raise NameListError(_("{file}: is not a regular file; give the name list's YAML file")
                            .format(file=shown))
    try:
        if path.stat().st_size > MAX_NAMES_BYTES:
            raise NameListError(_("{file}: is too large for a name list (over 5 MB)").format(
                file=shown))
        data = path.read_bytes()
    except OSError as exc:
        raise NameListError(_("{file}: cannot read the name list ({reason})").format(
            file=shown, reason=exc.strerror or exc)) from None
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise NameListError(
            str(Problem(shown, line, 1, _("is not UTF-8 text; save the name list as UTF-8")))
        ) from None
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or _("cannot be parsed")
        raise NameListError(str(Problem(shown, line, col, _("invalid YAML: {problem}").format(
            problem=what)))) from None
    except yaml.YAMLError as exc:
        raise NameListError(_("{file}: invalid YAML: {problem}").format(
            file=shown, problem=exc)) from None
    entries = _entries(root, shown)
    return _build(entries, shown)


def _fail(file: str, node: yaml.Node, message: str) -> NameListError:
    mark = node.start_mark
    return NameListError(str(Problem(file, mark.line + 1, mark.column + 1, message)))


def _text(node: yaml.Node, file: str, what: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
        raise _fail(file, node, _("expected {what} as text").format(what=translate(what)))
    value = node.value
    assert isinstance(value, str)
    return _nfc(value)


_Entry = tuple[yaml.Node, str, "tuple[yaml.Node, str] | None"]


def _entries(root: yaml.Node | None, file: str) -> list[_Entry]:
    """(name node, name, (pseudonym node, pseudonym) or None) in file order."""
    if root is None:
        raise NameListError(str(Problem(file, 1, 1,
                                        _("is empty; expected 'names:' with names"))))
    body: yaml.Node = root
    if isinstance(root, yaml.MappingNode):
        found: yaml.Node | None = None
        for key, value in root.value:
            key_text = key.value if isinstance(key, yaml.ScalarNode) else None
            if key_text != "names":
                raise _fail(file, key, _("unknown key {key}; expected only 'names:'").format(
                    key=repr(key_text)))
            if found is not None:
                raise _fail(file, key, _("'names:' is given twice"))
            found = value
        if found is None:
            raise _fail(file, root, _("expected 'names:' with names"))
        body = found
    entries: list[_Entry] = []
    if isinstance(body, yaml.MappingNode):
        for key, value in body.value:
            entries.append(
                (key, _text(key, file, N_("a name")),
                 (value, _text(value, file, N_("a pseudonym"))))
            )
    elif isinstance(body, yaml.SequenceNode):
        for item in body.value:
            entries.append((item, _text(item, file, N_("a name")), None))
    elif isinstance(body, yaml.ScalarNode) and body.tag == "tag:yaml.org,2002:null":
        pass
    else:
        raise _fail(file, body, _("expected a mapping of name to pseudonym, or a list of "
                                  "names"))
    return entries


def _build(entries: list[_Entry], file: str) -> NameList:
    pseudonyms: dict[str, str] = {}
    nodes: dict[str, yaml.Node] = {}
    for node, name, given in entries:
        problem = _check_name(name)
        if problem:
            raise _fail(file, node, problem)
        if name in nodes:
            first = nodes[name].start_mark.line + 1
            raise _fail(file, node, _("the name {name} is listed twice (first on line {line})")
                        .format(name=repr(name), line=first))
        nodes[name] = node
        if given is None:
            pseudonym = GENERATED_PSEUDONYM.format(n=len(pseudonyms) + 1)
        else:
            value_node, pseudonym = given
            problem = _check_pseudonym(pseudonym)
            if problem:
                raise _fail(file, value_node, problem)
        pseudonyms[name] = pseudonym
    if pseudonyms:
        clash = _clash(_names_pattern(_with_capitals(pseudonyms)), pseudonyms)
        if clash:
            raise _fail(file, nodes[clash[0]], clash[1])
    return NameList(pseudonyms)
