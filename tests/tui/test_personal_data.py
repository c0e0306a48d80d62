"""Units whose text holds personal data are marked in the list and listed masked."""

from __future__ import annotations

import pytest

from kodebog.tui.app import KodebogApp
from kodebog.tui.widgets.unit_detail import UnitDetail
from kodebog.tui.widgets.unit_list import UnitList

from .helpers import current_ordinal, open_source, settle

pytestmark = pytest.mark.anyio
SIZE = (120, 40)
MARK = "⚠ personal data"


def header(units: UnitList, ordinal: int) -> str:
    """The header line of a unit as drawn."""
    assert units.view is not None
    index = units.view.index_of_ordinal(ordinal)
    assert index is not None
    return units._unit_strips(index, units.scrollable_content_region.width)[0].text


async def jump(app: KodebogApp, pilot: object, ordinal: int) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.press("colon")
    await pilot.pause()
    await pilot.press(*str(ordinal), "enter")
    await settle(app, pilot)


async def test_phone_number_and_email_are_marked_and_masked(demo_app: KodebogApp) -> None:
    # `kodebog privacy scan` on the demo: survey_kommentarer #32 (phone), #120 (e-mail)
    app = demo_app
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot, row=4)
        assert screen.view is not None and screen.view.head.name == "survey_kommentarer"
        units = screen.query_one(UnitList)
        await jump(app, pilot, 32)
        assert current_ordinal(app) == 32
        assert MARK in header(units, 32)
        assert MARK not in header(units, 31) and MARK not in header(units, 33)
        detail = screen.query_one(UnitDetail).text.plain
        assert f"{MARK}: phone number ** ** ** 78" in detail
        await jump(app, pilot, 120)
        assert MARK in header(units, 120)
        assert f"{MARK}: e-mail j***@example.dk" in screen.query_one(UnitDetail).text.plain
        await pilot.press("j")
        assert MARK not in screen.query_one(UnitDetail).text.plain
        # looked for lazily: only in units that were shown, never in the whole source
        checked = set(screen.view._personal)
        assert 0 < len(checked) < screen.view.count


async def test_redact_replaces_the_marked_phone_number(demo_app: KodebogApp,
                                                       demo_store: object) -> None:
    from sqlalchemy import select

    from kodebog.findings import load_material
    from kodebog.store import Store
    from kodebog.store.models import Source, Unit

    assert isinstance(demo_store, Store)
    app = demo_app
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_source(app, pilot, row=4)
        await jump(app, pilot, 32)
        screen.action_redact()
        await settle(app, pilot)
        await settle(app, pilot)
        assert current_ordinal(app) == 32
        units = screen.query_one(UnitList)
        assert MARK not in header(units, 32)
        assert units.view is not None
        index = units.view.index_of_ordinal(32)
        assert index is not None
        drawn = " ".join(strip.text for strip in units._unit_strips(
            index, units.scrollable_content_region.width))
        assert "[telefonnummer]" in drawn
    with demo_store.read() as session:
        text = session.scalar(select(Unit.text).join(Source).where(
            Source.name == "survey_kommentarer", Unit.ordinal == 32))
        assert text is not None and "[telefonnummer]" in text
        load_material(session)  # every coding still verbatim
