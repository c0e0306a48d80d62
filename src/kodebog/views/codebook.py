"""The project's codebook as the screens show it: flattened, with a colour for every code."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kodebog.codebook import Code as CodebookCode
from kodebog.codebook import Codebook
from kodebog.project import current_codebook
from kodebog.store import Store
from kodebog.store.models import CodebookVersion

PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)
"""Colours for codes whose codebook entry has none."""


@dataclass(frozen=True)
class CodeView:
    """A code as the TUI shows it."""

    id: str
    label: str
    color: str
    key: str | None
    parent: str | None
    depth: int
    entry: CodebookCode


@dataclass
class CodebookView:
    """The project's codebook, flattened in codebook order, with a colour for every code."""

    title: str
    codes: list[CodeView]

    def get(self, code_id: str) -> CodeView | None:
        """The code with this id."""
        return next((c for c in self.codes if c.id == code_id), None)

    def by_key(self) -> dict[str, CodeView]:
        """Codes by hotkey."""
        return {c.key: c for c in self.codes if c.key}


def codebook_view(codebook: Codebook) -> CodebookView:
    """Flatten a codebook; codes without a colour get one from ``PALETTE``."""
    depth: dict[str, int] = {}
    codes = []
    for position, entry in enumerate(codebook.walk()):
        depth[entry.id] = depth[entry.parent] + 1 if entry.parent else 0
        color = entry.color or PALETTE[position % len(PALETTE)]
        if len(color) == 4:
            color = "#" + "".join(ch * 2 for ch in color[1:])
        codes.append(
            CodeView(entry.id, entry.label, color, entry.key, entry.parent, depth[entry.id],
                     entry)
        )
    return CodebookView(codebook.title, codes)


def codebook_version(session: Session) -> int:
    """The id of the project's newest codebook version."""
    return int(session.scalar(select(func.max(CodebookVersion.id))) or 0)


def read_codebook(store: Store) -> tuple[int, CodebookView]:
    """The project's current codebook and its version."""
    with store.read() as session:
        return codebook_version(session), codebook_view(current_codebook(session))
