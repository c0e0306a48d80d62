"""Marking a source done from the coding screen: the database, the status line, the list."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from kodebog.store import Store
from kodebog.store.models import Coder, Event, Source, SourceStatus
from kodebog.tui.app import KodebogApp
from kodebog.tui.screens.project import ProjectScreen
from kodebog.tui.widgets.source_table import SourceTable
from kodebog.tui.widgets.status_bar import StatusBar

from .helpers import open_source, settle

pytestmark = pytest.mark.anyio
SIZE = (120, 40)
AppFactory = Callable[..., KodebogApp]


def done_by(store: Store, coder: str = "anna") -> list[str]:
    with store.read() as session:
        return sorted(session.scalars(
            select(Source.name).join(SourceStatus, SourceStatus.source_id == Source.id)
            .join(Coder, Coder.id == SourceStatus.coder_id).where(Coder.name == coder)))


async def test_d_marks_the_source_done_and_again_takes_it_back(make_app: AppFactory,
                                                               store: Store) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot)
        name = screen.view.head.name if screen.view else ""
        await pilot.press("D")
        await pilot.pause()
        assert done_by(store) == [name]
        assert "✓ done" in screen.query_one(StatusBar)._render_text().plain
        assert "Source: mark as not done" in [c.name for c in screen.palette_commands()]
        await pilot.press("escape")
        await settle(app, pilot)
        project = app.screen
        assert isinstance(project, ProjectScreen)
        table = project.query_one(SourceTable)
        row = table.get_row_at(table.names.index(name))
        assert str(row[-1]).endswith("✓ done")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("D")
        await pilot.pause()
        assert done_by(store) == []
        assert "✓ done" not in app.screen.query_one(StatusBar)._render_text().plain
    with store.read() as session:
        actions = session.scalars(select(Event.action).where(
            Event.action.in_(["source.done", "source.undone"])).order_by(Event.id)).all()
    assert actions == ["source.done", "source.undone"]
    assert done_by(store, "bo") == []  # one coder's mark
