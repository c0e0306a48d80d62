"""Every key binding of the TUI has a stable id, and new ones can be remapped by it."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.dom import DOMNode

import kodebog.tui
from kodebog.settings import Settings
from kodebog.tui.app import KodebogApp
from kodebog.tui.screens.review import ReviewScreen

from .helpers import settle

AppFactory = Callable[..., KodebogApp]


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_binding_has_an_id() -> None:
    for module in pkgutil.walk_packages(kodebog.tui.__path__, "kodebog.tui."):
        importlib.import_module(module.name)
    ours = [cls for cls in _subclasses(DOMNode) if cls.__module__.startswith("kodebog.tui")]
    assert len(ours) > 20
    missing = [f"{cls.__name__}: {binding.key}" for cls in ours
               for binding in cls.__dict__.get("BINDINGS", [])
               if isinstance(binding, Binding) and not binding.id]
    assert missing == []


@pytest.mark.anyio
async def test_review_key_can_be_remapped(make_app: AppFactory) -> None:
    app = make_app(settings=Settings(keys={"project.review": "V"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        assert not isinstance(app.screen, ReviewScreen)
        await pilot.press("V")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)


def test_every_binding_id_is_in_the_docs() -> None:
    for module in pkgutil.walk_packages(kodebog.tui.__path__, "kodebog.tui."):
        importlib.import_module(module.name)
    ids = {binding.id for cls in _subclasses(DOMNode) if cls.__module__.startswith("kodebog.tui")
           for binding in cls.__dict__.get("BINDINGS", [])
           if isinstance(binding, Binding) and binding.id}
    docs = (Path(__file__).resolve().parents[2] / "docs" / "tui.md").read_text(encoding="utf-8")
    assert sorted(i for i in ids if f"`{i}`" not in docs) == []
