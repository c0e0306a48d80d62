"""Checking a composed codebook node tree and building the Codebook, every problem located."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kodebog.codebook.cycles import components
from kodebog.codebook.model import CODE_FIELDS, TEXT_LIST_FIELDS, TOP_FIELDS, Code, Codebook
from kodebog.codebook.values import COLOR, LANGUAGE, SLUG, bad_key, bad_slug, short, unknown_field
from kodebog.errors import Problem
from kodebog.i18n import _

YAML_TAG = "tag:yaml.org,2002:"
ALLOWED_TAGS = frozenset(
    YAML_TAG + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "merge", "value", "seq", "map")
)
ALIAS_TAG = "tag:kodebog:alias"
NULL_TAG = YAML_TAG + "null"


def _tag_name(tag: str) -> str:
    return "!!" + tag.removeprefix(YAML_TAG) if tag.startswith(YAML_TAG) else tag


def _kind(node: Node) -> str:
    """How a node reads in a message: 'a list', 'a mapping' or 'text'."""
    if isinstance(node, MappingNode):
        return _("a mapping")
    return _("a list") if isinstance(node, SequenceNode) else _("text")


@dataclass(frozen=True)
class _Use:
    """One use of an id or hotkey: the value, the code it belongs to and where it is."""

    value: str
    owner: str
    node: Node


class Parser:
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
            if node.tag == ALIAS_TAG:
                self.skip.add(id(node))
                self.report(node, _("alias '*{alias}' is not allowed; write the value "
                                    "out").format(alias=node.value))
                continue
            if node.tag not in ALLOWED_TAGS:
                self.skip.add(id(node))
                self.report(node, _("tag '{name}' is not allowed; remove it").format(
                    name=_tag_name(node.tag)))
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
                self.report(key_node, _("a field name must be text, not {kind}").format(
                    kind=_kind(key_node)))
                continue
            name = str(key_node.value)
            if name in found:
                first = found[name][0].start_mark.line + 1
                self.report(key_node, _("duplicate field '{name}' (first on line {line}); "
                                        "remove one of them").format(name=name, line=first))
            elif name not in known:
                self.report(key_node, unknown_field(name, known))
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
            self.report(node, _("'{name}' must be text, not {kind}").format(
                name=name, kind=_kind(node)))
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
            self.report(node, _("'{name}' must be a list of texts, not {kind}").format(
                name=name, kind=_kind(node)))
            return []
        items = (self.item(name, item) for item in node.value)
        return [item for item in items if item is not None]

    def item(self, name: str, node: Node) -> tuple[str, Node] | None:
        """One item of a list-of-text field, or None (reported)."""
        if id(node) in self.skip:
            return None
        if isinstance(node, MappingNode):
            self.report(node, _("each item in '{name}' must be text, not a mapping (put text "
                                "containing ': ' in quotes)").format(name=name))
            return None
        if not isinstance(node, ScalarNode):
            self.report(node, _("each item in '{name}' must be text, not {kind}").format(
                name=name, kind=_kind(node)))
            return None
        value = _scalar_text(node)
        if not value:
            self.report(node, _("empty item in '{name}'; write text or remove the item").format(
                name=name))
            return None
        return value, node

    # The codebook and its codes

    def codebook(self, root: Node | None) -> Codebook | None:
        """The whole codebook, or None when the top level is unusable (reported)."""
        if root is None:
            self.report(None, _("the file is empty; a codebook needs 'language' and 'codes'"))
            return None
        if id(root) in self.skip:
            return None
        if not isinstance(root, MappingNode):
            self.report(root, _("the top level must be a mapping with 'language' and 'codes', "
                                "not {kind}").format(kind=_kind(root)))
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
            self.report(root, _("missing field 'language'; add e.g. language: da"))
            return ""
        value = self.text(fields, "language")
        if value == "":
            self.report(fields["language"][1], _("'language' is empty; write e.g. language: da"))
        elif value is not None and not LANGUAGE.fullmatch(value):
            self.report(fields["language"][1], _(
                "language '{value}' is not a two-letter ISO 639-1 code in lowercase; write "
                "e.g. language: da").format(value=short(value)))
        return value or ""

    def code_list(
        self, owner: Node, entry: tuple[Node, Node] | None, parent: str | None
    ) -> tuple[Code, ...]:
        """The codes of 'codes' (parent None, required) or of a code's 'children'."""
        name = "codes" if parent is None else "children"
        if entry is None:
            if parent is None:
                self.report(owner, _("missing field 'codes'; add a list of codes"))
            return ()
        key_node, node = entry
        if id(node) in self.skip:
            return ()
        if isinstance(node, ScalarNode) and node.tag == NULL_TAG:
            if parent is None:
                self.report(key_node, _("'codes' is empty; add at least one code"))
            return ()
        if not isinstance(node, SequenceNode):
            self.report(node, _("'{name}' must be a list of codes, not {kind}").format(
                name=name, kind=_kind(node)))
            return ()
        if not node.value and parent is None:
            self.report(node, _("'codes' is empty; add at least one code"))
        codes = (self.code(item, parent) for item in node.value if id(item) not in self.skip)
        return tuple(code for code in codes if code is not None)

    def code(self, node: Node, parent: str | None) -> Code | None:
        """One code and its children, or None when it is not a mapping (reported)."""
        if not isinstance(node, MappingNode):
            self.report(node, _("a code must be a mapping with 'id' and 'label', not "
                                "{kind}").format(kind=_kind(node)))
            return None
        fields = self.fields(node, CODE_FIELDS)
        code_id = self.code_id(node, fields)
        lists = {name: tuple(v for v, _node in self.texts(fields, name))
                 for name in TEXT_LIST_FIELDS}
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
            self.report(node, _("code without 'id'; add e.g. id: caseworker_relation"))
            return ""
        value = self.text(fields, "id")
        if value is None:
            return ""
        id_node = fields["id"][1]
        if not value:
            self.report(id_node, _("'id' is empty; write e.g. id: caseworker_relation"))
        elif not SLUG.fullmatch(value):
            self.report(id_node, bad_slug("id", value))
        else:
            self.ids.append(_Use(value, value, id_node))
        return value

    def label(self, node: Node, fields: dict[str, tuple[Node, Node]], code_id: str) -> str:
        name = (_("code '{id}'").format(id=short(code_id)) if code_id else _("code"))
        if "label" not in fields:
            self.report(node, _("{name} has no 'label'; add e.g. label: Mødet med "
                                "sagsbehandleren").format(name=name))
            return ""
        value = self.text(fields, "label")
        if value == "":
            self.report(fields["label"][1], _("{name} has an empty 'label'; write its "
                                              "name").format(name=name))
        return value or ""

    def color(self, fields: dict[str, tuple[Node, Node]]) -> str | None:
        value = self.text(fields, "color")
        if value is None:
            return None
        node = fields["color"][1]
        if not value:
            self.report(node, _("'color' is empty; write it in quotes, e.g. color: \"#1f77b4\" "
                                "(an unquoted # starts a comment)"))
            return None
        lower = value.lower()
        if not COLOR.fullmatch(lower):
            self.report(node, _("color '{value}' is not a hex colour; write #rgb or #rrggbb in "
                                "quotes, e.g. color: \"#1f77b4\"").format(value=short(value)))
            return None
        return "#" + "".join(c * 2 for c in lower[1:]) if len(lower) == 4 else lower

    def key(self, fields: dict[str, tuple[Node, Node]], code_id: str) -> str | None:
        value = self.text(fields, "key")
        if not value:
            return None
        message = bad_key(value)
        if message:
            self.report(fields["key"][1], message)
        else:
            self.keys.append(_Use(value, code_id, fields["key"][1]))
        return value

    def code_replaces(self, fields: dict[str, tuple[Node, Node]], code_id: str) -> tuple[str, ...]:
        items = self.texts(fields, "replaces")
        seen: set[str] = set()
        for old, node in items:
            if not SLUG.fullmatch(old):
                self.report(node, bad_slug("replaced id", old))
            elif old == code_id:
                self.report(node, _("code '{code}' replaces itself; remove '{old}' from "
                                    "'replaces'").format(code=code_id, old=old))
            elif old in seen:
                self.report(node, _("'{old}' is listed twice in 'replaces'; remove one").format(
                    old=old))
            else:
                self.replaces.append(_Use(old, code_id, node))
            seen.add(old)
        return tuple(old for old, _node in items)

    # Checks across codes

    def check_references(self) -> None:
        """Duplicate ids and hotkeys, and what 'replaces' may and may not name."""
        first_ids = self.check_unique(self.ids, _(
            "duplicate id '{value}' (first on line {line}); ids must be unique in the whole "
            "file"))
        self.check_unique(self.keys, _(
            "duplicate hotkey '{value}' (first used by '{owner}' on line {line}); choose "
            "another key"))
        cyclic = self.check_cycles(first_ids)
        replaced: dict[str, _Use] = {}
        for use in sorted(self.replaces, key=_order):
            earlier = replaced.setdefault(use.value, use)
            if earlier is not use:
                self.report(use.node, _(
                    "'{value}' is already replaced by '{owner}' (line {line}); an id can be "
                    "replaced by one code only").format(value=use.value, owner=earlier.owner,
                                                        line=_line(earlier.node)))
            elif use.value in first_ids and (use.owner, use.value) not in cyclic:
                self.report(use.node, _(
                    "'{value}' is replaced by '{owner}' but still defined (line {line}); delete "
                    "that code or remove '{value}' from 'replaces'").format(
                    value=use.value, owner=use.owner, line=_line(first_ids[use.value].node)))

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
        component = components(graph)
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
                self.report(use.node, _("'replaces' cycle: {names} replace each other; remove "
                                        "'replaces' entries until the cycle is broken").format(
                    names=names))

        return cyclic


def _order(use: _Use) -> int:
    return int(use.node.start_mark.index)


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _scalar_text(node: ScalarNode) -> str:
    """A scalar as the text written (numbers and yes/no too), stripped and NFC; null is ''."""
    if node.tag == NULL_TAG and node.style is None:
        return ""
    return unicodedata.normalize("NFC", str(node.value)).strip()
