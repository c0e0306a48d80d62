"""A code's definition packed into one readable REFI Description, and unpacked again."""

from __future__ import annotations

from dataclasses import dataclass, field

from kodebog.codebook import Code

SECTIONS: tuple[tuple[str, str], ...] = (
    ("include", "Medtag / Include"),
    ("exclude", "Udelad / Exclude"),
    ("examples", "Eksempler / Examples"),
    ("keywords", "Nøgleord / Keywords"),
    ("exclude_keywords", "Udelukkende nøgleord / Exclude keywords"),
)
"""List fields of a code and their headings, in the order they are written."""

FIELDS: tuple[tuple[str, str], ...] = (
    ("id", "Kode-id / Code id"),
    ("key", "Tast / Key"),
    ("language", "Sprog / Language"),
)
"""One-line fields written as ``Heading: value`` after the lists."""

_ALIASES: dict[str, str] = {
    "medtag": "include",
    "include": "include",
    "inklusion": "include",
    "udelad": "exclude",
    "exclude": "exclude",
    "eksklusion": "exclude",
    "eksempler": "examples",
    "examples": "examples",
    "nøgleord": "keywords",
    "keywords": "keywords",
    "udelukkende nøgleord": "exclude_keywords",
    "exclude keywords": "exclude_keywords",
    "kode-id": "id",
    "code id": "id",
    "tast": "key",
    "key": "key",
    "hotkey": "key",
    "sprog": "language",
    "language": "language",
}


@dataclass
class Unpacked:
    """A Description taken apart: free text, list sections and one-line fields."""

    description: str = ""
    lists: dict[str, list[str]] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)


def pack(description: str, lists: dict[str, tuple[str, ...] | list[str]],
         fields: dict[str, str | None]) -> str:
    """The Description text: free text, then each non-empty list, then the fields."""
    blocks = [description.strip()] if description.strip() else []
    for name, heading in SECTIONS:
        items = lists.get(name) or ()
        if items:
            blocks.append("\n".join([f"{heading}:", *(_item(item) for item in items)]))
    lines = [f"{heading}: {fields[name]}" for name, heading in FIELDS if fields.get(name)]
    if lines:
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def pack_code(code: Code, *, with_id: bool = True) -> str:
    """A kodebog code's definition as one Description; the id only ``with_id`` (the writer
    leaves it out when the importer would make the same id from the code's name)."""
    lists = {name: getattr(code, name) for name, _ in SECTIONS}
    return pack(code.description, lists, {"id": code.id if with_id else None, "key": code.key})


def _item(text: str) -> str:
    """A list item: ``- first line``, later lines indented by two spaces."""
    first, *rest = text.strip().split("\n")
    return "\n".join([f"- {first}", *(f"  {line}" for line in rest)])


def _heading(line: str) -> tuple[str, str] | None:
    """The field a ``Heading:`` line opens and the value after the colon, or None."""
    head, colon, value = line.partition(":")
    if not colon:
        return None
    names = {_ALIASES.get(part.strip().casefold()) for part in head.split("/")}
    names.discard(None)
    if len(names) != 1:
        return None
    return str(names.pop()), value.strip()


def unpack(text: str) -> Unpacked:
    """Take a Description apart again; text without headings is all description."""
    result = Unpacked()
    free: list[str] = []
    current: list[str] | None = None
    for line in text.replace("\r\n", "\n").split("\n"):
        found = _heading(line) if not line.startswith((" ", "-")) else None
        if found is not None and found[0] in dict(FIELDS) and found[1]:
            result.fields[found[0]] = found[1]
            current = None
        elif found is not None and found[0] in dict(SECTIONS) and not found[1]:
            current = result.lists.setdefault(found[0], [])
        elif current is not None and line.startswith("- "):
            current.append(line[2:])
        elif current is not None and line.startswith("  ") and current:
            current[-1] += "\n" + line[2:]
        elif current is not None and not line.strip():
            continue
        else:
            current = None
            free.append(line)
    result.description = "\n".join(free).strip()
    result.lists = {
        name: [item.strip() for item in items if item.strip()]
        for name, items in result.lists.items()
    }
    return result


VALENCE_HEADINGS = ("Valens / Valence", "valens", "valence")
"""How a selection's Description names a coding's valence (first form is written)."""


def pack_selection(memo: str | None, key_quote: bool, valence: object | None) -> str:
    """A selection's Description: the memo, then a last block with the key-quote mark and
    ``Valens / Valence: VALUE`` (each only when set), separated by a blank line."""
    from kodebog.exchange.refi_common import KEY_QUOTE_MARK

    marks = ([KEY_QUOTE_MARK] if key_quote else []) + (
        [f"{VALENCE_HEADINGS[0]}: {valence}"] if valence not in (None, "") else [])
    blocks = ([memo.strip()] if memo and memo.strip() else []) + (
        ["\n".join(marks)] if marks else [])
    return "\n\n".join(blocks)


VALENCES = {"positive": "positive", "positiv": "positive", "negative": "negative",
            "negativ": "negative", "mixed": "mixed", "blandet": "mixed"}
"""Valence words read from a Description (English or Danish) -> kodebog's valence."""


def unpack_selection(description: str) -> tuple[str, bool, str | None]:
    """A selection's Description taken apart: memo, key quote, valence (see pack_selection).

    Only a last block made entirely of those marks is taken as marks, so a memo that
    merely mentions a key quote stays a memo.
    """
    from kodebog.exchange.refi_common import KEY_QUOTE_MARK

    text = description.replace("\r\n", "\n").strip()
    head, _, tail = text.rpartition("\n\n")
    key_quote, valence = False, None
    marks = [line.strip() for line in tail.split("\n")]
    for line in marks:
        name, colon, value = line.partition(":")
        if line.casefold() == KEY_QUOTE_MARK.casefold():
            key_quote = True
        elif (colon and name.strip().casefold() in {h.casefold() for h in VALENCE_HEADINGS}
              and value.strip().casefold() in VALENCES):
            valence = VALENCES[value.strip().casefold()]
        else:
            return text, False, None
    return head.strip(), key_quote, valence
