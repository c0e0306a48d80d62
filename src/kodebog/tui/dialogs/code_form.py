"""Create or edit a code: label, id, parent, hotkey, colour, definition and its lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, TextArea

from kodebog.codebook import slug_from_label
from kodebog.i18n import N_, _, translate
from kodebog.views.codebook import CodebookView, CodeView

TOP = "-"
"""The parent choice that means: at the top level."""

LISTS = (
    ("include", N_("Include (one per line)")),
    ("exclude", N_("Exclude (one per line)")),
    ("examples", N_("Examples (one per line)")),
    ("keywords", N_("Keywords (one per line)")),
)


@dataclass(frozen=True)
class CodeForm:
    """What the analyst filled in; ``code_id`` None lets kodebog derive it from the label."""

    label: str
    code_id: str | None = None
    parent: str | None = None
    key: str = ""
    color: str = ""
    description: str = ""
    lists: dict[str, list[str]] = field(default_factory=dict)


def form_of(code: CodeView) -> CodeForm:
    """The form as an existing code fills it."""
    entry = code.entry
    return CodeForm(
        entry.label, entry.id, entry.parent, entry.key or "", entry.color or "",
        entry.description,
        {name: list(getattr(entry, name)) for name, _ in LISTS},
    )


def parent_options(codebook: CodebookView, leave_out: str | None = None
                   ) -> list[tuple[str, str]]:
    """(prompt, value) for a parent choice: the top level, then every code indented."""
    options = [(_("(top level)"), TOP)]
    hidden: set[str] = set()
    for code in codebook.codes:
        if code.id == leave_out or (code.parent is not None and code.parent in hidden):
            hidden.add(code.id)
            continue
        options.append(("  " * code.depth + code.label, code.id))
    return options


class CodeDialog(ModalScreen[CodeForm | None]):
    """A form for a new code (``editing`` None) or for changing one; ctrl+s saves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), id="code_form.save"),
        Binding("escape", "cancel", N_("Cancel"), id="code_form.cancel"),
    ]
    DEFAULT_CSS = """
    CodeDialog {
        align: center middle;
        & > Vertical {
            width: 76; height: 22; border: thick $accent; background: $panel; padding: 0 1;
        }
        & VerticalScroll { height: 1fr; }
        & .caption { color: $text-muted; margin-top: 1; }
        & Input { width: 1fr; }
        & TextArea { height: 3; }
        & #description { height: 4; }
        & .pair { height: auto; }
        & .pair Input { width: 1fr; margin-right: 2; }
        & .buttons { height: auto; align-horizontal: right; }
        & Button { margin-left: 2; }
    }
    """

    def __init__(self, title: str, codebook: CodebookView, form: CodeForm | None = None,
                 *, editing: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.codebook = codebook
        self.form = form or CodeForm("")
        self.editing = editing

    def compose(self) -> ComposeResult:
        """Title, the fields (scrolling), buttons."""
        form = self.form
        with Vertical():
            yield Label(self.title_text, markup=False)
            with VerticalScroll():
                yield Label(_("Label"), classes="caption")
                yield Input(form.label, id="label", compact=True)
                yield Label(_("Id (kept forever; empty: made from the label)"),
                            classes="caption")
                yield Input(form.code_id or "", id="code-id",
                            placeholder=slug_from_label(form.label),
                            disabled=self.editing is not None, compact=True)
                if self.editing is None:
                    yield Label(_("Parent"), classes="caption")
                    yield Select(parent_options(self.codebook), value=form.parent or TOP,
                                 allow_blank=False, id="parent", compact=True)
                yield Label(_("Hotkey (a-z, æ, ø, å, 0-9) and colour (#rrggbb)"),
                            classes="caption")
                with Horizontal(classes="pair"):
                    yield Input(form.key, id="key", max_length=1, compact=True)
                    yield Input(form.color, id="color", placeholder="#1f77b4", compact=True)
                yield Label(_("Definition"), classes="caption")
                yield TextArea(form.description, id="description", compact=True)
                for name, caption in LISTS:
                    yield Label(translate(caption), classes="caption")
                    yield TextArea("\n".join(form.lists.get(name, [])), id=name, compact=True)
            with Horizontal(classes="buttons"):
                yield Button(_("Cancel"), id="cancel")
                yield Button(_("Save (ctrl+s)"), variant="primary", id="save")

    def on_mount(self) -> None:
        """Start with the label."""
        self.query_one("#label", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Show the id the label would give."""
        if event.input.id == "label":
            self.query_one("#code-id", Input).placeholder = slug_from_label(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Save or cancel."""
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def _text(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def _lines(self, widget_id: str) -> list[str]:
        text = self.query_one(f"#{widget_id}", TextArea).text
        return [line.strip() for line in text.splitlines() if line.strip()]

    def action_save(self) -> None:
        """Close with what was filled in (kodebog checks it when it is stored)."""
        label = self._text("label")
        if not label:
            self.notify(_("Write a label first."), severity="warning", timeout=3)
            self.query_one("#label", Input).focus()
            return
        parent = self.form.parent
        if self.editing is None:
            value = self.query_one("#parent", Select).value
            parent = None if value in (TOP, Select.BLANK) else str(value)
        self.dismiss(CodeForm(
            label=label,
            code_id=self._text("code-id") or None,
            parent=parent,
            key=self._text("key"),
            color=self._text("color"),
            description=self.query_one("#description", TextArea).text.strip(),
            lists={name: self._lines(name) for name, _ in LISTS},
        ))

    def action_cancel(self) -> None:
        """Close without a change."""
        self.dismiss(None)


def changed_lists(form: CodeForm, before: CodeForm) -> dict[str, Sequence[str] | None]:
    """The lists the analyst changed (None for the ones left as they were)."""
    return {
        name: form.lists.get(name, []) if form.lists.get(name, []) != before.lists.get(name, [])
        else None
        for name, _ in LISTS
    }
