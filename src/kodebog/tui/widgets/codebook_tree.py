"""The codebook as a tree: colour, hotkey, label and how many units carry each code."""

from __future__ import annotations

from collections import Counter
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from kodebog.i18n import N_, _
from kodebog.views.codebook import CodebookView, CodeView


class CodebookTree(Tree[str]):
    """The codes of the codebook; enter applies the highlighted code to the current unit."""

    HELP = N_("""\
## Codebook

Every code of the project's codebook, with its colour, its hotkey and how many units of
this source you have coded with it. The definition of the highlighted code is shown
below the tree.

- **↑/↓** browse codes, **enter** toggles the highlighted code on the current unit (or the
  selected words in span mode).
- A code's hotkey does the same from anywhere on the coding screen.
- **F** writes the finding statement for the highlighted code (the analyst's words for the
  report); **W** walks the open suggestions of the highlighted code, best first.
""")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", N_("Apply code"), id="codebook.apply"),
    ]
    DEFAULT_CSS = """
    CodebookTree {
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        padding: 0 0;
        background: $surface;
        &:focus { border: round $accent; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(_("Codebook"), id=id)
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 2
        self.border_title = _("Codebook")
        self._codebook: CodebookView | None = None
        self._code_nodes: dict[str, TreeNode[str]] = {}
        self._counts: Counter[str] = Counter()
        self._applied: set[str] = set()

    def set_codebook(self, codebook: CodebookView, counts: Counter[str]) -> None:
        """Show a codebook's codes with their counts."""
        self._codebook = codebook
        self.clear()
        self._code_nodes = {}
        self._counts = Counter(counts)
        for code in codebook.codes:
            parent = self._code_nodes.get(code.parent or "", self.root)
            node = parent.add(self._label(code, counts[code.id], code.id in self._applied),
                              data=code.id, expand=True)
            self._code_nodes[code.id] = node
        for code in codebook.codes:
            node = self._code_nodes[code.id]
            if not node.children:
                node.allow_expand = False
        self.retitle()
        self.cursor_line = 0

    def retitle(self) -> None:
        """The title in the language in use."""
        title = self._codebook.title if self._codebook is not None else ""
        self.border_title = (_("Codebook · {title}").format(title=title) if title
                             else _("Codebook"))

    def set_counts(self, counts: Counter[str]) -> None:
        """Show new counts."""
        if self._codebook is None:
            return
        for code in self._codebook.codes:
            node = self._code_nodes.get(code.id)
            if node is not None and counts[code.id] != self._counts[code.id]:
                node.set_label(self._label(code, counts[code.id], code.id in self._applied))
        self._counts = Counter(counts)

    def set_applied(self, applied: set[str]) -> None:
        """Tick the codes on the current unit (✓ instead of ■: not only a colour)."""
        changed = applied ^ self._applied
        self._applied = set(applied)
        if self._codebook is None or not changed:
            return
        for code in self._codebook.codes:
            node = self._code_nodes.get(code.id)
            if code.id in changed and node is not None:
                node.set_label(self._label(code, self._counts[code.id], code.id in applied))

    @staticmethod
    def _label(code: CodeView, count: int, applied: bool = False) -> Text:
        text = Text()
        text.append("✓ " if applied else "■ ", style=f"bold {code.color}" if applied
                    else code.color)
        text.append(f"{code.key} " if code.key else "  ", style="bold")
        text.append(code.label, style="bold" if applied else "")
        if count:
            text.append(f"  {count}", style="dim")
        return text

    def highlight(self, code_id: str) -> None:
        """Put the cursor on a code (when it is in the tree)."""
        node = self._code_nodes.get(code_id)
        if node is not None:
            self.move_cursor(node)

    @property
    def highlighted_code(self) -> str | None:
        """The id of the highlighted code."""
        node = self.cursor_node
        return node.data if node is not None else None
