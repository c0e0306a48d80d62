"""An imported coding whose position the REFI-QDA file left uncertain is marked ⚑."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from kodebog import coding
from kodebog.store import Store
from kodebog.store.models import Coding
from kodebog.tui.app import KodebogApp
from kodebog.tui.widgets.unit_detail import UnitDetail

from .helpers import open_source, screen_text, settle, unit_id

pytestmark = pytest.mark.anyio
AppFactory = Callable[..., KodebogApp]


async def test_flagged_coding_is_marked_in_the_detail_panel(make_app: AppFactory,
                                                            store: Store) -> None:
    unit = unit_id(store, "fg1", 2)
    coding.apply_code(store, "anna", unit, "caseworker_relation", (0, 3))
    coding.apply_code(store, "anna", unit, "contact_center", (4, 17))
    with store.write() as session:
        row = session.scalars(select(Coding).where(Coding.code_id == "contact_center")).one()
        row.import_flag = ("offset convention uncertain: read as code points; as UTF-16 code "
                           "units it would be “sagsbehandle”")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_source(app, pilot)
        await pilot.press("j")
        await settle(app, pilot)
        shown = screen_text(screen.query_one(UnitDetail)).splitlines()
    flags = [line for line in shown if "⚑" in line]
    assert len(flags) == 1, shown
    assert "check position: offset convention uncertain" in flags[0]
    # the mark sits under the flagged coding, not the other one
    above = shown[shown.index(flags[0]) - 1]
    assert "4–17" in above
