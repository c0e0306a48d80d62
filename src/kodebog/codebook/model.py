"""The codebook as data: codes in file order, and the fields a codebook file has."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

RESERVED_KEYS: frozenset[str] = frozenset("qjk")
"""Hotkeys the TUI keeps for itself (quit, down, up); a code cannot use them."""

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
